"""sipas: campaigns, units and targets, paper batches, anonymous responses, answers and the count cube

Revision ID: 0003_sipas
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_sipas"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sipas_campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("questionnaire", sa.String(length=40), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft", "open", "closed", "published", name="campaignstate", native_enum=False, length=12
            ),
            nullable=False,
        ),
        sa.Column("channels", sa.String(length=80), nullable=False),
        sa.Column("owner_unit_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_unit_id"], ["unit.id"], name=op.f("fk_sipas_campaign_owner_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sipas_campaign")),
        sa.UniqueConstraint("code", name=op.f("uq_sipas_campaign_code")),
    )
    with op.batch_alter_table("sipas_campaign", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sipas_campaign_owner_unit_id"), ["owner_unit_id"], unique=False)

    op.create_table(
        "sipas_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("collected_on", sa.Date(), nullable=False),
        sa.Column("forms_in_hand", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("open", "closed", name="batchstate", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["sipas_campaign.id"], name=op.f("fk_sipas_batch_campaign_id_sipas_campaign")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_sipas_batch_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_sipas_batch_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sipas_batch")),
    )
    with op.batch_alter_table("sipas_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sipas_batch_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sipas_batch_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "sipas_campaign_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["sipas_campaign.id"],
            name=op.f("fk_sipas_campaign_unit_campaign_id_sipas_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_sipas_campaign_unit_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sipas_campaign_unit")),
        sa.UniqueConstraint(
            "campaign_id", "unit_id", name=op.f("uq_sipas_campaign_unit_campaign_id_unit_id")
        ),
    )
    with op.batch_alter_table("sipas_campaign_unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sipas_campaign_unit_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sipas_campaign_unit_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "sipas_count",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("question_code", sa.String(length=16), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["sipas_campaign.id"], name=op.f("fk_sipas_count_campaign_id_sipas_campaign")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_sipas_count_unit_id_unit")),
        sa.PrimaryKeyConstraint(
            "campaign_id", "unit_id", "channel", "question_code", "value", name=op.f("pk_sipas_count")
        ),
    )
    op.create_table(
        "sipas_device_mark",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["sipas_campaign.id"],
            name=op.f("fk_sipas_device_mark_campaign_id_sipas_campaign"),
        ),
        sa.PrimaryKeyConstraint("campaign_id", "token_hash", name=op.f("pk_sipas_device_mark")),
    )
    op.create_table(
        "sipas_unit_n",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["sipas_campaign.id"], name=op.f("fk_sipas_unit_n_campaign_id_sipas_campaign")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_sipas_unit_n_unit_id_unit")),
        sa.PrimaryKeyConstraint("campaign_id", "unit_id", "channel", name=op.f("pk_sipas_unit_n")),
    )
    op.create_table(
        "sipas_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("online", "paper", "phone", "interview", name="channel", native_enum=False, length=12),
            nullable=False,
        ),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("excluded", sa.Boolean(), nullable=False),
        sa.Column("exclude_reason", sa.String(length=200), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["sipas_batch.id"], name=op.f("fk_sipas_response_batch_id_sipas_batch")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["sipas_campaign.id"], name=op.f("fk_sipas_response_campaign_id_sipas_campaign")
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["user_account.id"], name=op.f("fk_sipas_response_entered_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_sipas_response_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sipas_response")),
        sa.UniqueConstraint(
            "campaign_id", "external_id", name=op.f("uq_sipas_response_campaign_id_external_id")
        ),
    )
    with op.batch_alter_table("sipas_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sipas_response_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sipas_response_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sipas_response_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "sipas_answer",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_code", sa.String(length=16), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        # no foreign key to sipas_response: see SipasAnswer (bulk imports of millions of answers)
        sa.PrimaryKeyConstraint("response_id", "question_code", name=op.f("pk_sipas_answer")),
        sqlite_with_rowid=False,
    )


def downgrade():
    op.drop_table("sipas_answer")
    with op.batch_alter_table("sipas_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sipas_response_unit_id"))
        batch_op.drop_index(batch_op.f("ix_sipas_response_campaign_id"))
        batch_op.drop_index(batch_op.f("ix_sipas_response_batch_id"))

    op.drop_table("sipas_response")
    op.drop_table("sipas_unit_n")
    op.drop_table("sipas_device_mark")
    op.drop_table("sipas_count")
    with op.batch_alter_table("sipas_campaign_unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sipas_campaign_unit_unit_id"))
        batch_op.drop_index(batch_op.f("ix_sipas_campaign_unit_campaign_id"))

    op.drop_table("sipas_campaign_unit")
    with op.batch_alter_table("sipas_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sipas_batch_unit_id"))
        batch_op.drop_index(batch_op.f("ix_sipas_batch_campaign_id"))

    op.drop_table("sipas_batch")
    with op.batch_alter_table("sipas_campaign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sipas_campaign_owner_unit_id"))

    op.drop_table("sipas_campaign")
