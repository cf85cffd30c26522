"""dialogue rules: a comment's receipt date and the day it was forwarded to the competent body

NĐ 20/2008: the 5-working-day forwarding limit counts from receipt (a comment sent in writing before the
conference has its own receipt date, dialogue_comment.received_on); a forwarded comment's answer deadline
counts from the competent body's receipt (dialogue_comment.forwarded_on) and is no longer the host
department's.

Revision ID: 0012_dialogue_rules
Revises: 0011_import_chunks
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_dialogue_rules"
down_revision = "0011_import_chunks"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("dialogue_comment") as batch:
        batch.add_column(sa.Column("received_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("forwarded_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("dialogue_comment") as batch:
        batch.drop_column("forwarded_on")
        batch.drop_column("received_on")
