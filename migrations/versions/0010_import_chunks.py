"""import chunks: imports are written a chunk at a time, each run recorded so a failed one can be undone

A SIPAS import on SQLite no longer holds the write lock for the whole file (issue 15, defect 5): its
responses carry the run that wrote them (sipas_response.import_run_id), deleted if the run fails.

Revision ID: 0010_import_chunks
Revises: 0009_hardening
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_import_chunks"
down_revision = "0009_hardening"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_run")),
    )
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_run_target_id"), ["target_id"], unique=False)

    with op.batch_alter_table("sipas_response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_run_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_sipas_response_import_run_id"), ["import_run_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_sipas_response_import_run_id_import_run"), "import_run", ["import_run_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("sipas_response", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_sipas_response_import_run_id_import_run"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_sipas_response_import_run_id"))
        batch_op.drop_column("import_run_id")

    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_run_target_id"))

    op.drop_table("import_run")
