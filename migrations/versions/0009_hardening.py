"""hardening: form drafts kept on the server (SIPAS online answers no longer travel in the cookie)

Revision ID: 0009_hardening
Revises: 0006_kiosk_rollup_trigger
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_hardening"
down_revision = "0008_units_reform"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_draft",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=120), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", "purpose", name=op.f("pk_form_draft")),
    )
    with op.batch_alter_table("form_draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_draft_expires_at"), ["expires_at"], unique=False)


def downgrade():
    with op.batch_alter_table("form_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_draft_expires_at"))
    op.drop_table("form_draft")
