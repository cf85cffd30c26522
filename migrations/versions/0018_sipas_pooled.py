"""sipas pooled: the SIPAS count cube summed per (campaign, ancestor) (national dashboards)

sipas_pooled_count and sipas_pooled_unit_n hold sipas_count and sipas_unit_n pooled over an ancestor's
subtree; sipas_pooled_fill the campaign's cube version each summary was filled at, sipas_pooled_state the
campaign's current one. Filled lazily by the dashboards (analytics.sipas_pooled); empty tables change
nothing.

Revision ID: 0018_sipas_pooled
Revises: 0017_dlg3
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_sipas_pooled"
down_revision = "0017_dlg3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sipas_pooled_state",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["sipas_campaign.id"],
            name=op.f("fk_sipas_pooled_state_campaign_id_sipas_campaign"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", name=op.f("pk_sipas_pooled_state")),
    )
    op.create_table(
        "sipas_pooled_fill",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("ancestor_id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["sipas_campaign.id"],
            name=op.f("fk_sipas_pooled_fill_campaign_id_sipas_campaign"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "ancestor_id", name=op.f("pk_sipas_pooled_fill")),
    )
    op.create_table(
        "sipas_pooled_count",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("ancestor_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("question_code", sa.String(length=16), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["sipas_campaign.id"],
            name=op.f("fk_sipas_pooled_count_campaign_id_sipas_campaign"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "campaign_id", "ancestor_id", "channel", "question_code", "value", name=op.f("pk_sipas_pooled_count")
        ),
    )
    op.create_table(
        "sipas_pooled_unit_n",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("ancestor_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["sipas_campaign.id"],
            name=op.f("fk_sipas_pooled_unit_n_campaign_id_sipas_campaign"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "ancestor_id", "channel", name=op.f("pk_sipas_pooled_unit_n")),
    )


def downgrade():
    op.drop_table("sipas_pooled_unit_n")
    op.drop_table("sipas_pooled_count")
    op.drop_table("sipas_pooled_fill")
    op.drop_table("sipas_pooled_state")
