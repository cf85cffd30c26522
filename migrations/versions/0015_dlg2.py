"""dialogue handling as NĐ 20/2008 describes: a comment's classification (within the host's competence or
not; enough basis to handle it or not, Điều 14), the outcome of its handling (Điều 15) and the notice of the
result to the person who raised it (Điều 19), with the contact the speaker left for it

Revision ID: 0015_dlg2
Revises: 0014_org_fields
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_dlg2"
down_revision = "0014_org_fields"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def upgrade():
    with op.batch_alter_table("dialogue_comment") as batch:
        batch.add_column(sa.Column("competence", _enum("competence", "within", "outside"), nullable=True))
        batch.add_column(
            sa.Column("basis", _enum("handlingbasis", "sufficient", "insufficient"), nullable=True)
        )
        batch.add_column(
            sa.Column(
                "handling_outcome",
                _enum("handlingoutcome", "amend", "abolish", "keep_explain", "recommend"),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("notified_on", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column("notice_means", _enum("noticemeans", "letter", "email", "phone", "portal"), nullable=True)
        )
        batch.add_column(sa.Column("notice_reference", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("speaker_contact", sa.String(200), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("dialogue_comment") as batch:
        for column in ("speaker_contact", "notice_reference", "notice_means", "notified_on", "handling_outcome", "basis"):
            batch.drop_column(column)
        batch.drop_column("competence")
