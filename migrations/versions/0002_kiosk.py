"""kiosk: tables of the kiosk feature

Revision ID: 0002_kiosk
Revises: 0001_foundation
"""

from alembic import op
import sqlalchemy as sa


revision = "0002_kiosk"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
