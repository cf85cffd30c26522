"""dialogue: tables of the dialogue feature

Revision ID: 0004_dialogue
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_dialogue"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dialogue_conference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host_unit_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("chair", sa.String(length=200), nullable=False),
        sa.Column("co_organiser", sa.String(length=200), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column(
            "form",
            sa.Enum("conference", "seminar", "online", name="conferenceform", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("expected_participants", sa.Integer(), nullable=True),
        sa.Column("participant_organisations", sa.Integer(), nullable=True),
        sa.Column("participant_individuals", sa.Integer(), nullable=True),
        sa.Column("conclusion", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "planned",
                "in_session",
                "closed",
                "published",
                name="conferencestate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_dialogue_conference_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["host_unit_id"], ["unit.id"], name=op.f("fk_dialogue_conference_host_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogue_conference")),
    )
    with op.batch_alter_table("dialogue_conference", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dialogue_conference_held_at"), ["held_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dialogue_conference_host_unit_id"), ["host_unit_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dialogue_conference_state"), ["state"], unique=False)

    op.create_table(
        "dialogue_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=True),
        sa.Column(
            "speaker_kind",
            sa.Enum(
                "individual", "organisation", "business", name="speakerkind", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("speaker_name", sa.String(length=200), nullable=False),
        sa.Column("speaker_organisation", sa.String(length=200), nullable=False),
        sa.Column("name_consent", sa.Boolean(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("spoken", "written", "online", name="commentchannel", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("addressed_department_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "received",
                "answered_on_spot",
                "assigned",
                "forwarded",
                "in_progress",
                "answered",
                "published",
                name="commentstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("forwarded_to", sa.String(length=300), nullable=False),
        sa.Column("answered_on_spot", sa.Boolean(), nullable=False),
        sa.Column("answered_by", sa.String(length=200), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["addressed_department_id"],
            ["unit.id"],
            name=op.f("fk_dialogue_comment_addressed_department_id_unit"),
        ),
        sa.ForeignKeyConstraint(
            ["conference_id"],
            ["dialogue_conference.id"],
            name=op.f("fk_dialogue_comment_conference_id_dialogue_conference"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["unit.id"], name=op.f("fk_dialogue_comment_department_id_unit")
        ),
        sa.ForeignKeyConstraint(
            ["field_id"], ["procedure_field.id"], name=op.f("fk_dialogue_comment_field_id_procedure_field")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogue_comment")),
        sa.UniqueConstraint("client_key", name=op.f("uq_dialogue_comment_client_key")),
        sa.UniqueConstraint("conference_id", "number", name=op.f("uq_dialogue_comment_conference_id_number")),
    )
    with op.batch_alter_table("dialogue_comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dialogue_comment_category"), ["category"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dialogue_comment_conference_id"), ["conference_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dialogue_comment_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dialogue_comment_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_dialogue_comment_status"), ["status"], unique=False)

    op.create_table(
        "dialogue_invitee",
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conference_id"],
            ["dialogue_conference.id"],
            name=op.f("fk_dialogue_invitee_conference_id_dialogue_conference"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_dialogue_invitee_unit_id_unit")),
        sa.PrimaryKeyConstraint("conference_id", "unit_id", name=op.f("pk_dialogue_invitee")),
    )
    with op.batch_alter_table("dialogue_invitee", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dialogue_invitee_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "dialogue_comment_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "received",
                "answered_on_spot",
                "assigned",
                "forwarded",
                "in_progress",
                "answered",
                "published",
                name="commentstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=120), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_dialogue_comment_event_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["dialogue_comment.id"],
            name=op.f("fk_dialogue_comment_event_comment_id_dialogue_comment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogue_comment_event")),
    )
    with op.batch_alter_table("dialogue_comment_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dialogue_comment_event_comment_id"), ["comment_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("dialogue_comment_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dialogue_comment_event_comment_id"))

    op.drop_table("dialogue_comment_event")
    with op.batch_alter_table("dialogue_invitee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dialogue_invitee_unit_id"))

    op.drop_table("dialogue_invitee")
    with op.batch_alter_table("dialogue_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dialogue_comment_status"))
        batch_op.drop_index(batch_op.f("ix_dialogue_comment_due_on"))
        batch_op.drop_index(batch_op.f("ix_dialogue_comment_department_id"))
        batch_op.drop_index(batch_op.f("ix_dialogue_comment_conference_id"))
        batch_op.drop_index(batch_op.f("ix_dialogue_comment_category"))

    op.drop_table("dialogue_comment")
    with op.batch_alter_table("dialogue_conference", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dialogue_conference_state"))
        batch_op.drop_index(batch_op.f("ix_dialogue_conference_host_unit_id"))
        batch_op.drop_index(batch_op.f("ix_dialogue_conference_held_at"))

    op.drop_table("dialogue_conference")
