"""kiosk: tables of the kiosk feature

Revision ID: 0002_kiosk
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_kiosk"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

COVERING_INDEXES = (
    ("ix_kiosk_rollup_unit_cover", "kiosk_rollup", ["unit_id", "day", "counter_id", "staff_id", "field_id", "level", "n"]),
    (
        "ix_kiosk_rollup_month_unit_cover",
        "kiosk_rollup_month",
        ["unit_id", "month", "counter_id", "staff_id", "field_id", "level", "n"],
    ),
    ("ix_kiosk_unit_day_unit_cover", "kiosk_unit_day", ["unit_id", "day", "level", "n"]),
    ("ix_kiosk_unit_month_unit_cover", "kiosk_unit_month", ["unit_id", "month", "level", "n"]),
    ("ix_kiosk_heat_unit_cover", "kiosk_heat", ["unit_id", "month", "weekday", "hour", "level", "n"]),
    ("ix_kiosk_reason_month_unit_cover", "kiosk_reason_month", ["unit_id", "month", "reason", "n"]),
)


def upgrade():
    op.create_table(
        "kiosk_heat",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("hour", sa.SmallInteger(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "unit_id", "weekday", "hour", "level", name=op.f("pk_kiosk_heat")),
    )
    op.create_table(
        "kiosk_reason_month",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "unit_id", "reason", name=op.f("pk_kiosk_reason_month")),
    )
    op.create_table(
        "kiosk_rollup",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "unit_id", "counter_id", "staff_id", "field_id", "level", name=op.f("pk_kiosk_rollup")
        ),
    )
    op.create_table(
        "kiosk_rollup_month",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "month", "unit_id", "counter_id", "staff_id", "field_id", "level", name=op.f("pk_kiosk_rollup_month")
        ),
    )
    op.create_table(
        "kiosk_unit_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "unit_id", "level", name=op.f("pk_kiosk_unit_day")),
    )

    op.create_table(
        "kiosk_unit_month",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "unit_id", "level", name=op.f("pk_kiosk_unit_month")),
    )

    # Covering indexes led by the unit: a subtree's dashboard reads only its own units' rows, index-only.
    for name, table, columns in COVERING_INDEXES:
        op.create_index(name, table, columns, unique=False)

    op.create_table(
        "kiosk_device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "active", "revoked", name="devicestatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("pairing_code_hash", sa.String(length=64), nullable=True),
        sa.Column("pairing_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("app_version", sa.String(length=40), nullable=True),
        sa.Column("queue_length", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["counter_id"], ["counter.id"], name=op.f("fk_kiosk_device_counter_id_counter")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_kiosk_device_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_device")),
        sa.UniqueConstraint("pairing_code_hash", name=op.f("uq_kiosk_device_pairing_code_hash")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_kiosk_device_token_hash")),
    )
    with op.batch_alter_table("kiosk_device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kiosk_device_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "kiosk_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("claimed_staff_id", sa.Integer(), nullable=True),
        sa.Column("field_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("dossier_code", sa.String(length=50), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("local_hour", sa.SmallInteger(), nullable=False),
        sa.Column(
            "flag",
            sa.Enum(
                "too_close", "future", "too_old", "unknown_staff", name="flag", native_enum=False, length=20
            ),
            nullable=True,
        ),
        sa.Column(
            "flag_state",
            sa.Enum(
                "none", "flagged", "cleared", "confirmed", name="flagstate", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("flag_reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("flag_reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["counter_id"], ["counter.id"], name=op.f("fk_kiosk_rating_counter_id_counter")
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["kiosk_device.id"], name=op.f("fk_kiosk_rating_device_id_kiosk_device")
        ),
        sa.ForeignKeyConstraint(
            ["field_id"], ["procedure_field.id"], name=op.f("fk_kiosk_rating_field_id_procedure_field")
        ),
        sa.ForeignKeyConstraint(
            ["flag_reviewed_by_id"],
            ["user_account.id"],
            name=op.f("fk_kiosk_rating_flag_reviewed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_kiosk_rating_staff_id_staff")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_kiosk_rating_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_rating")),
        sa.UniqueConstraint("uuid", name=op.f("uq_kiosk_rating_uuid")),
    )
    with op.batch_alter_table("kiosk_rating", schema=None) as batch_op:
        batch_op.create_index("ix_kiosk_rating_device_rated", ["device_id", "rated_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_kiosk_rating_flag_state"), ["flag_state"], unique=False)
        batch_op.create_index("ix_kiosk_rating_unit_rated", ["unit_id", "rated_at"], unique=False)

    op.create_table(
        "kiosk_followup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("open", "acknowledged", "done", name="followupstate", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("action_note", sa.Text(), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["user_account.id"],
            name=op.f("fk_kiosk_followup_acknowledged_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"], ["user_account.id"], name=op.f("fk_kiosk_followup_done_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["rating_id"], ["kiosk_rating.id"], name=op.f("fk_kiosk_followup_rating_id_kiosk_rating")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_kiosk_followup_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_followup")),
        sa.UniqueConstraint("rating_id", name=op.f("uq_kiosk_followup_rating_id")),
    )
    with op.batch_alter_table("kiosk_followup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kiosk_followup_unit_id"), ["unit_id"], unique=False)


def downgrade():
    with op.batch_alter_table("kiosk_followup", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kiosk_followup_unit_id"))

    op.drop_table("kiosk_followup")
    with op.batch_alter_table("kiosk_rating", schema=None) as batch_op:
        batch_op.drop_index("ix_kiosk_rating_unit_rated")
        batch_op.drop_index(batch_op.f("ix_kiosk_rating_flag_state"))
        batch_op.drop_index("ix_kiosk_rating_device_rated")

    op.drop_table("kiosk_rating")
    with op.batch_alter_table("kiosk_device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kiosk_device_unit_id"))

    op.drop_table("kiosk_device")
    for name, table, _columns in COVERING_INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_table("kiosk_unit_month")
    op.drop_table("kiosk_unit_day")
    op.drop_table("kiosk_rollup_month")
    op.drop_table("kiosk_rollup")
    op.drop_table("kiosk_reason_month")
    op.drop_table("kiosk_heat")
