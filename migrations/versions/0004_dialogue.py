"""dialogue: tables of the dialogue feature

Revision ID: 0004_dialogue
Revises: 0001_foundation
"""

from alembic import op
import sqlalchemy as sa


revision = "0004_dialogue"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
