"""kiosk pooled: the kiosk roll-ups summed per ancestor for settled months (national dashboards)

kiosk_pooled_month and kiosk_pooled_reason hold kiosk_unit_month and kiosk_reason_month pooled over an
ancestor's subtree; kiosk_pooled_state says whether the summary of an (ancestor, month) is still valid,
kiosk_pooled_generation invalidates them all at once. Filled lazily by the dashboards
(analytics.kiosk_pooled); empty tables change nothing.

Revision ID: 0016_natl
Revises: 0015_dlg2
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_natl"
down_revision = "0015_dlg2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "kiosk_pooled_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_pooled_generation")),
    )
    op.create_table(
        "kiosk_pooled_state",
        sa.Column("ancestor_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("filled_epoch", sa.Integer(), nullable=True),
        sa.Column("filled_generation", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("ancestor_id", "month", name=op.f("pk_kiosk_pooled_state")),
    )
    op.create_table(
        "kiosk_pooled_month",
        sa.Column("ancestor_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("ancestor_id", "month", "level", name=op.f("pk_kiosk_pooled_month")),
    )
    op.create_table(
        "kiosk_pooled_reason",
        sa.Column("ancestor_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("ancestor_id", "month", "reason", name=op.f("pk_kiosk_pooled_reason")),
    )


def downgrade():
    op.drop_table("kiosk_pooled_reason")
    op.drop_table("kiosk_pooled_month")
    op.drop_table("kiosk_pooled_state")
    op.drop_table("kiosk_pooled_generation")
