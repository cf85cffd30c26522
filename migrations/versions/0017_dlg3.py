"""dialogue: a written answer recorded without "answered by" names the department, never a login

Written answers saved before this revision without "answered by" kept the name of the user recording them,
which was the login when the account has no full name; the notice printed it. Those (the answer's
`answered_by` equal to the login of the user who recorded the `answered` step) now name the department
that answered, as new answers do. No schema change; the downgrade leaves the names as they are.

Revision ID: 0017_dlg3
Revises: 0016_natl
"""

from alembic import op

revision = "0017_dlg3"
down_revision = "0016_natl"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        """
        UPDATE dialogue_comment
        SET answered_by = (SELECT unit.name FROM unit WHERE unit.id = dialogue_comment.department_id)
        WHERE department_id IS NOT NULL
          AND forwarded_on IS NULL
          AND status IN ('answered', 'published')
          AND EXISTS (
            SELECT 1 FROM dialogue_comment_event AS step
            JOIN user_account ON user_account.id = step.actor_id
            WHERE step.comment_id = dialogue_comment.id
              AND step.status = 'answered'
              AND user_account.username = dialogue_comment.answered_by
          )
        """
    )


def downgrade():
    pass
