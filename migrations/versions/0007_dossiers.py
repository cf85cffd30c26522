"""dossiers: per-dossier evaluation (issue 18): dossiers and procedures, the count cubes dossier_day,
dossier_month and dossier_procedure_month, self-assessed and verified scores, and the index of kiosk
ratings by dossier code

Revision ID: 0007_dossiers
Revises: 0006_kiosk_rollup_trigger
"""

from alembic import op
import sqlalchemy as sa

revision = "0007_dossiers"
down_revision = "0006_kiosk_rollup_trigger"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dossier_day',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('n_returned', sa.Integer(), nullable=False),
    sa.Column('n_before', sa.Integer(), nullable=False),
    sa.Column('n_on_time', sa.Integer(), nullable=False),
    sa.Column('n_after', sa.Integer(), nullable=False),
    sa.Column('sum_1', sa.Integer(), nullable=False),
    sa.Column('sum_2', sa.Integer(), nullable=False),
    sa.Column('sum_3', sa.Integer(), nullable=False),
    sa.Column('sum_4', sa.Integer(), nullable=False),
    sa.Column('sum_5', sa.Integer(), nullable=False),
    sa.Column('sum_6', sa.Integer(), nullable=False),
    sa.Column('sum_7', sa.Integer(), nullable=False),
    sa.Column('sum_8', sa.Integer(), nullable=False),
    sa.Column('sum_9', sa.Integer(), nullable=False),
    sa.Column('n_1', sa.Integer(), nullable=False),
    sa.Column('n_2', sa.Integer(), nullable=False),
    sa.Column('n_3', sa.Integer(), nullable=False),
    sa.Column('n_4', sa.Integer(), nullable=False),
    sa.Column('n_5', sa.Integer(), nullable=False),
    sa.Column('n_6', sa.Integer(), nullable=False),
    sa.Column('n_7', sa.Integer(), nullable=False),
    sa.Column('n_8', sa.Integer(), nullable=False),
    sa.Column('n_9', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('unit_id', 'day', name=op.f('pk_dossier_day')),
    sqlite_with_rowid=False
    )
    op.create_table('dossier_month',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('n_returned', sa.Integer(), nullable=False),
    sa.Column('n_before', sa.Integer(), nullable=False),
    sa.Column('n_on_time', sa.Integer(), nullable=False),
    sa.Column('n_after', sa.Integer(), nullable=False),
    sa.Column('sum_1', sa.Integer(), nullable=False),
    sa.Column('sum_2', sa.Integer(), nullable=False),
    sa.Column('sum_3', sa.Integer(), nullable=False),
    sa.Column('sum_4', sa.Integer(), nullable=False),
    sa.Column('sum_5', sa.Integer(), nullable=False),
    sa.Column('sum_6', sa.Integer(), nullable=False),
    sa.Column('sum_7', sa.Integer(), nullable=False),
    sa.Column('sum_8', sa.Integer(), nullable=False),
    sa.Column('sum_9', sa.Integer(), nullable=False),
    sa.Column('n_1', sa.Integer(), nullable=False),
    sa.Column('n_2', sa.Integer(), nullable=False),
    sa.Column('n_3', sa.Integer(), nullable=False),
    sa.Column('n_4', sa.Integer(), nullable=False),
    sa.Column('n_5', sa.Integer(), nullable=False),
    sa.Column('n_6', sa.Integer(), nullable=False),
    sa.Column('n_7', sa.Integer(), nullable=False),
    sa.Column('n_8', sa.Integer(), nullable=False),
    sa.Column('n_9', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('unit_id', 'month', 'field_id', name=op.f('pk_dossier_month')),
    sqlite_with_rowid=False
    )
    op.create_table('dossier_procedure_month',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('n_returned', sa.Integer(), nullable=False),
    sa.Column('n_before', sa.Integer(), nullable=False),
    sa.Column('n_on_time', sa.Integer(), nullable=False),
    sa.Column('n_after', sa.Integer(), nullable=False),
    sa.Column('sum_1', sa.Integer(), nullable=False),
    sa.Column('sum_2', sa.Integer(), nullable=False),
    sa.Column('sum_3', sa.Integer(), nullable=False),
    sa.Column('sum_4', sa.Integer(), nullable=False),
    sa.Column('sum_5', sa.Integer(), nullable=False),
    sa.Column('sum_6', sa.Integer(), nullable=False),
    sa.Column('sum_7', sa.Integer(), nullable=False),
    sa.Column('sum_8', sa.Integer(), nullable=False),
    sa.Column('sum_9', sa.Integer(), nullable=False),
    sa.Column('n_1', sa.Integer(), nullable=False),
    sa.Column('n_2', sa.Integer(), nullable=False),
    sa.Column('n_3', sa.Integer(), nullable=False),
    sa.Column('n_4', sa.Integer(), nullable=False),
    sa.Column('n_5', sa.Integer(), nullable=False),
    sa.Column('n_6', sa.Integer(), nullable=False),
    sa.Column('n_7', sa.Integer(), nullable=False),
    sa.Column('n_8', sa.Integer(), nullable=False),
    sa.Column('n_9', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('unit_id', 'month', 'field_id', 'procedure_id', name=op.f('pk_dossier_procedure_month')),
    sqlite_with_rowid=False
    )
    op.create_table('dossier_procedure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_procedure')),
    sa.UniqueConstraint('code', name=op.f('uq_dossier_procedure_code'))
    )
    op.create_table('dossier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('in_person', 'online', 'post', name='dossierchannel', native_enum=False, length=12), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_day', sa.Date(), nullable=False),
    sa.Column('due_day', sa.Date(), nullable=False),
    sa.Column('returned_day', sa.Date(), nullable=True),
    sa.Column('supplement_requests', sa.SmallInteger(), nullable=False),
    sa.Column('agencies_contacted', sa.SmallInteger(), nullable=False),
    sa.Column('complaint', sa.Enum('none', 'verified', 'unfounded', name='complaint', native_enum=False, length=12), nullable=False),
    sa.Column('i2', sa.SmallInteger(), nullable=True),
    sa.Column('i5', sa.SmallInteger(), nullable=True),
    sa.Column('i6', sa.SmallInteger(), nullable=True),
    sa.Column('i8', sa.SmallInteger(), nullable=True),
    sa.Column('i9', sa.SmallInteger(), nullable=True),
    sa.Column('s1', sa.SmallInteger(), nullable=True),
    sa.Column('s2', sa.SmallInteger(), nullable=True),
    sa.Column('s3', sa.SmallInteger(), nullable=True),
    sa.Column('s4', sa.SmallInteger(), nullable=True),
    sa.Column('s5', sa.SmallInteger(), nullable=True),
    sa.Column('s6', sa.SmallInteger(), nullable=True),
    sa.Column('s7', sa.SmallInteger(), nullable=True),
    sa.Column('s8', sa.SmallInteger(), nullable=True),
    sa.Column('s9', sa.SmallInteger(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['field_id'], ['procedure_field.id'], name=op.f('fk_dossier_field_id_procedure_field')),
    sa.ForeignKeyConstraint(['procedure_id'], ['dossier_procedure.id'], name=op.f('fk_dossier_procedure_id_dossier_procedure')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_dossier_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier')),
    sa.UniqueConstraint('code', name=op.f('uq_dossier_code'))
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_open', ['unit_id', 'received_day', 'due_day', 'field_id', 'procedure_id'], unique=False, sqlite_where=sa.text('returned_at IS NULL'), postgresql_where=sa.text('returned_at IS NULL'))
        batch_op.create_index('ix_dossier_unit_returned', ['unit_id', 'returned_day', 'field_id', 'procedure_id', 'code'], unique=False)

    op.create_table('dossier_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Date(), nullable=False),
    sa.Column('indicator', sa.SmallInteger(), nullable=False),
    sa.Column('self_score', sa.Float(), nullable=True),
    sa.Column('self_by_id', sa.Integer(), nullable=True),
    sa.Column('self_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verified_score', sa.Float(), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['self_by_id'], ['user_account.id'], name=op.f('fk_dossier_assessment_self_by_id_user_account')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_dossier_assessment_unit_id_unit')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['user_account.id'], name=op.f('fk_dossier_assessment_verified_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_assessment')),
    sa.UniqueConstraint('unit_id', 'quarter', 'indicator', name=op.f('uq_dossier_assessment_unit_id_quarter_indicator'))
    )
    with op.batch_alter_table('dossier_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_assessment_unit_id'), ['unit_id'], unique=False)

    # The one change to the kiosk's schema: ratings that carry a dossier code, found by code (partial, so the
    # ratings without one cost nothing; level and flag_state ride along so the link reads the index only).
    # A plain CREATE INDEX, never batch mode: rebuilding kiosk_rating would drop its roll-up trigger.
    op.create_index('ix_kiosk_rating_dossier_code', 'kiosk_rating', ['dossier_code', 'flag_state', 'level'], unique=False, sqlite_where=sa.text('dossier_code IS NOT NULL'), postgresql_where=sa.text('dossier_code IS NOT NULL'))



def downgrade():
    op.drop_index('ix_kiosk_rating_dossier_code', table_name='kiosk_rating')

    with op.batch_alter_table('dossier_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_assessment_unit_id'))

    op.drop_table('dossier_assessment')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_unit_returned')
        batch_op.drop_index('ix_dossier_open', sqlite_where=sa.text('returned_at IS NULL'), postgresql_where=sa.text('returned_at IS NULL'))

    op.drop_table('dossier')
    op.drop_table('dossier_procedure')
    op.drop_table('dossier_procedure_month')
    op.drop_table('dossier_month')
    op.drop_table('dossier_day')
