"""export_files: background exports (queued, running, done, failed) with progress, one user's file each

Revision ID: f546d989ced1
Revises: 5e7a1c9d4b21
Create Date: 2026-12-03 08:26:45.940238

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f546d989ced1'
down_revision = '5e7a1c9d4b21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('table', sa.String(length=40), nullable=False),
    sa.Column('format', sa.String(length=4), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=255), nullable=True),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("format IN ('csv', 'xlsx')", name=op.f('ck_export_files_format')),
    sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_export_files_state')),
    sa.CheckConstraint('rows_done >= 0 AND (rows_total IS NULL OR rows_total >= 0)', name=op.f('ck_export_files_rows')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_export_files_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_files'))
    )
    with op.batch_alter_table('export_files', schema=None) as batch_op:
        batch_op.create_index('ix_export_files_state_created', ['state', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_files_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('export_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_files_user_id'))
        batch_op.drop_index('ix_export_files_state_created')

    op.drop_table('export_files')
