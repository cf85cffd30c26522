"""merge the feature branches (kiosk, sipas, dialogue) into one head

Revision ID: 0005_merge_features
Revises: 0002_kiosk, 0003_sipas, 0004_dialogue
"""

revision = "0005_merge_features"
down_revision = ("0002_kiosk", "0003_sipas", "0004_dialogue")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
