"""point totals for leaderboards

Revision ID: d445eef50a95
Revises: e9ef0e2e6210
Create Date: 2026-11-25 23:25:38.702434

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd445eef50a95'
down_revision = 'e9ef0e2e6210'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('point_totals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('key_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('trainer', 'area')", name=op.f('ck_point_totals_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_point_totals')),
    sa.UniqueConstraint('kind', 'key_id', 'period', name=op.f('uq_point_totals_kind_key_id_period'))
    )
    with op.batch_alter_table('point_totals', schema=None) as batch_op:
        batch_op.create_index('ix_point_totals_board', ['kind', 'period', 'points'], unique=False)

    _fill_from_ledger()


def _fill_from_ledger():
    """Existing ledgers get their totals at once (the same sums as app/rankings/totals.py)."""
    conn = op.get_bind()
    entries = sa.table("point_entries", sa.column("trainer_id"), sa.column("area_id"),
                       sa.column("earned_on", sa.Date), sa.column("points", sa.Integer))
    totals = sa.table("point_totals", sa.column("kind"), sa.column("key_id"), sa.column("period"),
                      sa.column("points"))
    for kind, column in (("trainer", entries.c.trainer_id), ("area", entries.c.area_id)):
        sums = {}
        rows = conn.execute(sa.select(column, entries.c.earned_on, sa.func.sum(entries.c.points))
                            .where(column.is_not(None)).group_by(column, entries.c.earned_on))
        for key_id, earned_on, points in rows:
            quarter = f"{earned_on.year}-Q{(earned_on.month - 1) // 3 + 1}"
            for period in (quarter, "all"):
                sums[(key_id, period)] = sums.get((key_id, period), 0) + points
        if sums:
            conn.execute(totals.insert(), [{"kind": kind, "key_id": k, "period": p, "points": v}
                                           for (k, p), v in sums.items()])


def downgrade():
    with op.batch_alter_table('point_totals', schema=None) as batch_op:
        batch_op.drop_index('ix_point_totals_board')

    op.drop_table('point_totals')
