"""stored boards: gaps.severity_rank and the list index ix_gaps_list, the gap_counts summary (filled from the
gaps), assignment_suggestions (the assignment page per scope and day), network_rollups.leaders (the network
overview's lists, written by the next network pass)

Revision ID: b7d2c9e4f1a3
Revises: a7c3e9d1b5f2
Create Date: 2026-12-07 14:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7d2c9e4f1a3'
down_revision = 'a7c3e9d1b5f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('gaps', schema=None) as batch_op:
        batch_op.add_column(sa.Column('severity_rank', sa.SmallInteger(), server_default='0', nullable=False))
    op.execute("UPDATE gaps SET severity_rank = CASE severity WHEN 'high' THEN 3 WHEN 'medium' THEN 2 "
               "WHEN 'low' THEN 1 ELSE 0 END")
    with op.batch_alter_table('gaps', schema=None) as batch_op:
        batch_op.create_index('ix_gaps_list', ['severity_rank', 'opened_at', 'id', 'state', 'area_id'], unique=False)
    op.create_table('gap_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('gaps', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gap_counts'))
    )
    with op.batch_alter_table('gap_counts', schema=None) as batch_op:
        batch_op.create_index('ix_gap_counts_area', ['area_id'], unique=False)
    op.execute(
        "INSERT INTO gap_counts (area_id, unit_id, activity_id, severity, state, gaps, computed_at) "
        "SELECT area_id, "
        "CASE WHEN subject_kind = 'unit' THEN CAST(subject_id AS INTEGER) END, "
        "CASE WHEN subject_kind = 'activity' THEN CAST(subject_id AS INTEGER) END, "
        "severity, state, COUNT(id), CURRENT_TIMESTAMP FROM gaps "
        "GROUP BY area_id, CASE WHEN subject_kind = 'unit' THEN CAST(subject_id AS INTEGER) END, "
        "CASE WHEN subject_kind = 'activity' THEN CAST(subject_id AS INTEGER) END, severity, state")
    with op.batch_alter_table('network_rollups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leaders', sa.JSON(), nullable=True))
    op.create_table('assignment_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope_key', sa.String(length=200), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stale_since', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_suggestions')),
    sa.UniqueConstraint('scope_key', 'day', name=op.f('uq_assignment_suggestions_scope_key_day'))
    )


def downgrade():
    op.drop_table('assignment_suggestions')
    with op.batch_alter_table('network_rollups', schema=None) as batch_op:
        batch_op.drop_column('leaders')
    with op.batch_alter_table('gap_counts', schema=None) as batch_op:
        batch_op.drop_index('ix_gap_counts_area')
    op.drop_table('gap_counts')
    with op.batch_alter_table('gaps', schema=None) as batch_op:
        batch_op.drop_index('ix_gaps_list')
        batch_op.drop_column('severity_rank')
