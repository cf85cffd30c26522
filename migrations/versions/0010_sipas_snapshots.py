"""sipas snapshots: each campaign keeps a copy of its questionnaire (YAML text and SHA-256)

Existing campaigns take the copy from their file when it is readable (shipped versions first, then the
instance folder, as the catalogue reads them); a campaign whose file is gone keeps no copy and its pages
say so instead of failing.

Revision ID: 0010_sipas_snapshots
Revises: 0009_hardening
"""

import hashlib
import logging
from pathlib import Path

import sqlalchemy as sa
import yaml
from alembic import op
from flask import current_app

revision = "0010_sipas_snapshots"
down_revision = "0009_hardening"
branch_labels = None
depends_on = None

logger = logging.getLogger("alembic.runtime.migration")
SHIPPED_DIR = Path(__file__).resolve().parents[2] / "survey_app" / "sipas" / "questionnaires"


def _folders() -> list[Path]:
    configured = current_app.config.get("SIPAS_QUESTIONNAIRE_DIR")
    local = Path(configured) if configured else Path(current_app.instance_path) / "questionnaires"
    return [SHIPPED_DIR, local]


def _readable_text(version: str) -> str | None:
    """The YAML of a version's file when it reads as that version's mapping, else None."""
    for folder in _folders():
        path = folder / f"{version}.yaml"
        try:
            text = path.read_text(encoding="utf-8")
            data = yaml.safe_load(text)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and data.get("version") == version:
            return text
    return None


def upgrade():
    with op.batch_alter_table("sipas_campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("questionnaire_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("questionnaire_sha256", sa.String(length=64), nullable=True))
    campaigns = sa.table(
        "sipas_campaign",
        sa.column("id", sa.Integer),
        sa.column("questionnaire", sa.String),
        sa.column("questionnaire_text", sa.Text),
        sa.column("questionnaire_sha256", sa.String),
    )
    bind = op.get_bind()
    texts: dict[str, str | None] = {}
    for campaign_id, version in bind.execute(sa.select(campaigns.c.id, campaigns.c.questionnaire)).all():
        if version not in texts:
            texts[version] = _readable_text(version)
        text = texts[version]
        if text is None:
            logger.warning("campaign %s: questionnaire %s unreadable, no copy kept", campaign_id, version)
            continue
        bind.execute(
            campaigns.update()
            .where(campaigns.c.id == campaign_id)
            .values(
                questionnaire_text=text,
                questionnaire_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            )
        )


def downgrade():
    with op.batch_alter_table("sipas_campaign", schema=None) as batch_op:
        batch_op.drop_column("questionnaire_sha256")
        batch_op.drop_column("questionnaire_text")
