"""report documents: the kind of an archived report (workbook, document, review) and the narratives steering writes

Revision ID: e5b9d3a7c214
Revises: e5b1f3c8a2d4
Create Date: 2026-12-07 01:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5b9d3a7c214'
down_revision = 'e5b1f3c8a2d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=12), server_default='workbook', nullable=False))
        batch_op.create_check_constraint('kind', "kind IN ('workbook', 'document', 'review')")
    op.create_table('report_narratives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('results_note', sa.Text(), nullable=False),
    sa.Column('difficulties', sa.Text(), nullable=False),
    sa.Column('proposals', sa.Text(), nullable=False),
    sa.Column('recipients', sa.Text(), nullable=False),
    sa.Column('signer_title', sa.String(length=160), nullable=False),
    sa.Column('signer_name', sa.String(length=120), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('quarter BETWEEN 0 AND 4', name=op.f('ck_report_narratives_quarter')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_report_narratives_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_narratives')),
    sa.UniqueConstraint('year', 'quarter', name=op.f('uq_report_narratives_year_quarter'))
    )
    with op.batch_alter_table('report_narratives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_narratives_updated_by_id'), ['updated_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('report_narratives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_narratives_updated_by_id'))
    op.drop_table('report_narratives')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reports_kind'), type_='check')
        batch_op.drop_column('kind')
