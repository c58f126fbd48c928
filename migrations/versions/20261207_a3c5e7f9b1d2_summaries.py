"""summaries: stored figures of the dashboards (name, key, as-of day, JSON payload, computed_at, stale)

Revision ID: a3c5e7f9b1d2
Revises: b7d2e4f6a913
Create Date: 2026-12-07 14:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a3c5e7f9b1d2'
down_revision = 'b7d2e4f6a913'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('summaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=True),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stale', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summaries')),
    sa.UniqueConstraint('name', 'key', 'day', name=op.f('uq_summaries_name_key_day'))
    )
    with op.batch_alter_table('summaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_summaries_day'), ['day'], unique=False)


def downgrade():
    with op.batch_alter_table('summaries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_summaries_day'))

    op.drop_table('summaries')
