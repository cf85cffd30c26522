"""org: reorganisations as data (unit_succession), one active holder per official code

A unit used to have a single successor_id (a merge). A reorganisation maps old units to new ones, merges
and splits, on an effective date: the links move to unit_succession (predecessor, successor,
effective_on, kind) and the closure is derived from them. The General Statistics Office gives a new
commune the code of one of its predecessors, so unit.code is unique among active units only (a closed
unit keeps its own code and history beside its successor).

Revision ID: 0008_units_reform
Revises: 0006_kiosk_rollup_trigger
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_units_reform"
down_revision = "0007_dossiers"
branch_labels = None
depends_on = None

ACTIVE_ONLY = "status = 'active'"


def upgrade():
    op.create_table(
        "unit_succession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("predecessor_id", sa.Integer(), nullable=False),
        sa.Column("successor_id", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("merge", "split", name="successionkind", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["predecessor_id"],
            ["unit.id"],
            name=op.f("fk_unit_succession_predecessor_id_unit"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["successor_id"],
            ["unit.id"],
            name=op.f("fk_unit_succession_successor_id_unit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_succession")),
        sa.UniqueConstraint(
            "predecessor_id", "successor_id", name=op.f("uq_unit_succession_predecessor_id_successor_id")
        ),
    )
    with op.batch_alter_table("unit_succession", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unit_succession_predecessor_id"), ["predecessor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_unit_succession_successor_id"), ["successor_id"], unique=False)

    # Each merge recorded by the old single link becomes a succession, effective on the merger date.
    op.execute(
        "INSERT INTO unit_succession (predecessor_id, successor_id, effective_on, kind, created_at) "
        "SELECT id, successor_id, COALESCE(active_to, CURRENT_DATE), 'merge', created_at "
        "FROM unit WHERE successor_id IS NOT NULL"
    )

    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_successor_id"))
        batch_op.drop_constraint(batch_op.f("fk_unit_successor_id_unit"), type_="foreignkey")
        batch_op.drop_column("successor_id")
        batch_op.drop_constraint(batch_op.f("uq_unit_code"), type_="unique")
        batch_op.create_index(batch_op.f("ix_unit_code"), ["code"], unique=False)
    op.create_index(
        "uq_unit_code_active",
        "unit",
        ["code"],
        unique=True,
        sqlite_where=sa.text(ACTIVE_ONLY),
        postgresql_where=sa.text(ACTIVE_ONLY),
    )


def downgrade():
    # Only a single successor fits the old column: a split keeps its first successor. The old schema
    # wants every code unique: a closed unit that shares its code with its successor cannot go back.
    shared = (
        op.get_bind()
        .execute(sa.text("SELECT code FROM unit GROUP BY code HAVING COUNT(*) > 1 ORDER BY code"))
        .scalars()
        .all()
    )
    if shared:
        raise RuntimeError(
            f"cannot downgrade: {len(shared)} official code(s) are held by a closed unit and its successor "
            f"(e.g. {', '.join(shared[:5])}); the schema before 0008 allows one unit per code"
        )
    op.drop_index("uq_unit_code_active", table_name="unit")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_code"))
        batch_op.create_unique_constraint(batch_op.f("uq_unit_code"), ["code"])
        batch_op.add_column(sa.Column("successor_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_unit_successor_id_unit"), "unit", ["successor_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_unit_successor_id"), ["successor_id"], unique=False)
    op.execute(
        "UPDATE unit SET successor_id = (SELECT MIN(s.successor_id) FROM unit_succession s "
        "WHERE s.predecessor_id = unit.id)"
    )
    with op.batch_alter_table("unit_succession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_succession_successor_id"))
        batch_op.drop_index(batch_op.f("ix_unit_succession_predecessor_id"))
    op.drop_table("unit_succession")
