"""unit moves: the records a unit merge re-pointed or a split placed; a merged source's headcount on its crosswalk row

Revision ID: c4d8e2f1a7b3
Revises: b7c2e4a91f03
Create Date: 2026-12-07 01:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4d8e2f1a7b3'
down_revision = 'b7c2e4a91f03'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('unit_crosswalk', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headcount', sa.Integer(), nullable=True))
    op.create_table('unit_moves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('crosswalk_id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=16), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('from_unit_id', sa.Integer(), nullable=False),
    sa.Column('to_unit_id', sa.Integer(), nullable=False),
    sa.Column('effective', sa.Date(), nullable=False),
    sa.Column('moved_by_id', sa.Integer(), nullable=True),
    sa.Column('moved_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("entity IN ('person', 'trainer', 'class', 'user', 'api_client', 'activity', 'unit', "
                       "'assignment')",
                       name=op.f('ck_unit_moves_entity')),
    sa.ForeignKeyConstraint(['crosswalk_id'], ['unit_crosswalk.id'], name=op.f('fk_unit_moves_crosswalk_id_unit_crosswalk'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['from_unit_id'], ['units.id'], name=op.f('fk_unit_moves_from_unit_id_units')),
    sa.ForeignKeyConstraint(['moved_by_id'], ['users.id'], name=op.f('fk_unit_moves_moved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['to_unit_id'], ['units.id'], name=op.f('fk_unit_moves_to_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_moves'))
    )
    with op.batch_alter_table('unit_moves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_moves_crosswalk_id'), ['crosswalk_id'], unique=False)
        batch_op.create_index('ix_unit_moves_entity', ['entity', 'entity_id'], unique=False)


def downgrade():
    with op.batch_alter_table('unit_moves', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_moves_entity')
        batch_op.drop_index(batch_op.f('ix_unit_moves_crosswalk_id'))
    op.drop_table('unit_moves')
    with op.batch_alter_table('unit_crosswalk', schema=None) as batch_op:
        batch_op.drop_column('headcount')
