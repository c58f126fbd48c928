"""unit crosswalk: merges and splits of units (from unit, to unit, kind, effective date, decision)

Revision ID: b7c2e4a91f03
Revises: e3a9c5b17d42
Create Date: 2026-12-03 14:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7c2e4a91f03'
down_revision = 'e3a9c5b17d42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('unit_crosswalk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_unit_id', sa.Integer(), nullable=False),
    sa.Column('to_unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('effective', sa.Date(), nullable=False),
    sa.Column('decision', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('merge', 'split')", name=op.f('ck_unit_crosswalk_kind')),
    sa.CheckConstraint('from_unit_id <> to_unit_id', name=op.f('ck_unit_crosswalk_distinct_units')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_unit_crosswalk_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['from_unit_id'], ['units.id'], name=op.f('fk_unit_crosswalk_from_unit_id_units')),
    sa.ForeignKeyConstraint(['to_unit_id'], ['units.id'], name=op.f('fk_unit_crosswalk_to_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_crosswalk'))
    )
    with op.batch_alter_table('unit_crosswalk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_crosswalk_from_unit_id'), ['from_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_crosswalk_to_unit_id'), ['to_unit_id'], unique=False)
        batch_op.create_index('uq_unit_crosswalk_link', ['from_unit_id', 'to_unit_id'], unique=True)


def downgrade():
    with op.batch_alter_table('unit_crosswalk', schema=None) as batch_op:
        batch_op.drop_index('uq_unit_crosswalk_link')
        batch_op.drop_index(batch_op.f('ix_unit_crosswalk_to_unit_id'))
        batch_op.drop_index(batch_op.f('ix_unit_crosswalk_from_unit_id'))
    op.drop_table('unit_crosswalk')
