"""dialogue documents: what Decree 30/2020 puts on the minutes and the conclusion notice

The numbers the clerk gives the minutes (…/BB-UBND) and the notice (…/TB-UBND), who signs the notice and in
what capacity (TM. / KT. / TL.), its recipients (Nơi nhận), the guests who attend without organising (the
Fatherland Front's committee, for one) and, for demo conferences rebuilt from press reports, a note saying
which text is reconstructed.

Revision ID: 0013_dlg
Revises: 0012_dialogue_rules
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_dlg"
down_revision = "0012_dialogue_rules"
branch_labels = None
depends_on = None

TEXT_COLUMNS = (
    ("minutes_number", sa.String(length=20)),
    ("notice_number", sa.String(length=20)),
    ("signer_name", sa.String(length=200)),
    ("recipients", sa.Text()),
    ("guests", sa.Text()),
    ("reconstruction_note", sa.Text()),
)


def upgrade():
    with op.batch_alter_table("dialogue_conference") as batch:
        for name, kind in TEXT_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=False, server_default=""))
        batch.add_column(
            sa.Column(
                "signer_capacity",
                sa.Enum("chair", "vice_chair", "office_chief", name="signercapacity", native_enum=False,
                        length=20),
                nullable=False,
                server_default="vice_chair",
            )
        )


def downgrade():
    with op.batch_alter_table("dialogue_conference") as batch:
        batch.drop_column("signer_capacity")
        for name, _kind in reversed(TEXT_COLUMNS):
            batch.drop_column(name)
