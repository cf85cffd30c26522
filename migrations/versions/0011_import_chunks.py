"""import chunks: imports are written a chunk at a time, each run recorded so a failed one can be undone

A SIPAS or dossier import on SQLite no longer holds the write lock for the whole file (issue 15, defect
5): the rows it creates carry the run that wrote them (sipas_response.import_run_id,
dossier.import_run_id), deleted if the run fails.

Revision ID: 0011_import_chunks
Revises: 0010_sipas_snapshots
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_import_chunks"
down_revision = "0010_sipas_snapshots"
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

    # Never batch mode for dossier: rebuilding it on SQLite would lose the partial index ix_dossier_open.
    # SQLite adds a nullable column with its REFERENCES in place.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE dossier ADD COLUMN import_run_id INTEGER "
            "CONSTRAINT fk_dossier_import_run_id_import_run REFERENCES import_run (id)"
        )
    else:
        op.add_column("dossier", sa.Column("import_run_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_dossier_import_run_id_import_run"), "dossier", "import_run", ["import_run_id"], ["id"]
        )
    op.create_index(op.f("ix_dossier_import_run_id"), "dossier", ["import_run_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_dossier_import_run_id"), table_name="dossier")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot drop a column with a REFERENCES: the table is rebuilt, and its partial index
        # (which the rebuild would not carry over) dropped before and made again after.
        op.drop_index("ix_dossier_open", table_name="dossier")
        with op.batch_alter_table("dossier", schema=None, recreate="always") as batch_op:
            batch_op.drop_column("import_run_id")
        op.create_index(
            "ix_dossier_open",
            "dossier",
            ["unit_id", "received_day", "due_day", "field_id", "procedure_id"],
            unique=False,
            sqlite_where=sa.text("returned_at IS NULL"),
        )
    else:
        op.drop_constraint(op.f("fk_dossier_import_run_id_import_run"), "dossier", type_="foreignkey")
        op.drop_column("dossier", "import_run_id")

    with op.batch_alter_table("sipas_response", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_sipas_response_import_run_id_import_run"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_sipas_response_import_run_id"))
        batch_op.drop_column("import_run_id")

    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_run_target_id"))

    op.drop_table("import_run")
