"""org fields: procedure fields superseded by the ministries' mergers of 1/3/2025 stay for old data

procedure_field.active_to is the day from which new data no longer takes the field (NULL: current), and
procedure_field.successor_codes names, space-separated, today's fields that took it over.

Revision ID: 0014_org_fields
Revises: 0013_dlg
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_org_fields"
down_revision = "0013_dlg"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("procedure_field") as batch:
        batch.add_column(sa.Column("active_to", sa.Date(), nullable=True))
        batch.add_column(sa.Column("successor_codes", sa.String(200), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("procedure_field") as batch:
        batch.drop_column("successor_codes")
        batch.drop_column("active_to")
