"""persons: indexes on (audience_group, home_area_id) and (ethnic_group, home_area_id) for the gap scan

Revision ID: 3c1f7a9e2b40
Revises: 661bea977753
Create Date: 2026-11-26 01:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3c1f7a9e2b40'
down_revision = '661bea977753'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index('ix_persons_audience_area', ['audience_group', 'home_area_id'], unique=False)
        batch_op.create_index('ix_persons_ethnic_area', ['ethnic_group', 'home_area_id'], unique=False)


def downgrade():
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index('ix_persons_ethnic_area')
        batch_op.drop_index('ix_persons_audience_area')
