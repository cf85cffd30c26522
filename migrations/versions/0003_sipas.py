"""sipas: tables of the sipas feature

Revision ID: 0003_sipas
Revises: 0001_foundation
"""

from alembic import op
import sqlalchemy as sa


revision = "0003_sipas"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
