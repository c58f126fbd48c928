"""rate windows: the API's calls counted per key in fixed windows (one row per key and window, not per call)

Revision ID: b7d2e4f6a913
Revises: b7d2c9e4f1a3
Create Date: 2026-12-07 15:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7d2e4f6a913'
down_revision = 'b7d2c9e4f1a3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rate_windows',
    sa.Column('bucket', sa.String(length=24), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('bucket', 'client', 'window_start', name=op.f('pk_rate_windows'))
    )


def downgrade():
    op.drop_table('rate_windows')
