"""targets per plan: each programme plan keeps its own targets (plan_id, unique with the indicator code)

The table is rebuilt (its primary key was the indicator code): each existing row goes to the plan it belonged to
under the old rule, the programme plan whose period holds its start, else KH 137's row (137/KH-UBND), else the
first programme plan; with no plan stored it keeps no plan (the targets of KH 137's file, adopted when the plan is
loaded).

Revision ID: a7c3e9d1b5f2
Revises: e5b9d3a7c214
Create Date: 2026-12-07 14:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c3e9d1b5f2'
down_revision = 'e5b9d3a7c214'
branch_labels = None
depends_on = None

COLUMNS = "indicator_code, target_percent, deadline, start_on, updated_at, updated_by_id"


def _programme_plans(conn):
    return conn.execute(sa.text(
        "SELECT plans.id, plans.number, plans.period_start, plans.period_end FROM plans "
        "JOIN areas ON areas.id = plans.area_id WHERE areas.level = 'province' "
        "ORDER BY plans.period_start, plans.id")).all()


def _as_date(value):
    import datetime as dt

    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _plan_of(start_on, plans):
    start_on = _as_date(start_on)
    holding = [p for p in plans if _as_date(p.period_start) <= start_on <= _as_date(p.period_end)]
    if holding:
        return holding[-1].id
    kh137 = [p for p in plans if p.number.startswith("137/")]
    if kh137:
        return kh137[0].id
    return plans[0].id if plans else None


def _create(with_plan: bool):
    columns = [sa.Column('id', sa.Integer(), nullable=False)] if with_plan else []
    if with_plan:
        columns.append(sa.Column('plan_id', sa.Integer(), nullable=True))
    columns += [
        sa.Column('indicator_code', sa.String(length=60), nullable=False),
        sa.Column('target_percent', sa.Float(), nullable=False),
        sa.Column('deadline', sa.Date(), nullable=False),
        sa.Column('start_on', sa.Date(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('deadline > start_on', name=op.f('ck_targets_deadline_after_start')),
        sa.CheckConstraint('target_percent > 0 AND target_percent <= 100', name=op.f('ck_targets_target_percent')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_targets_updated_by_id_users'),
                                ondelete='SET NULL'),
    ]
    if with_plan:
        columns += [
            sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_targets_plan_id_plans'),
                                    ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_targets')),
            sa.UniqueConstraint('plan_id', 'indicator_code', name=op.f('uq_targets_plan_id_indicator_code')),
        ]
    else:
        columns.append(sa.PrimaryKeyConstraint('indicator_code', name=op.f('pk_targets')))
    op.create_table('targets', *columns)
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_targets_updated_by_id'), ['updated_by_id'], unique=False)
    if with_plan:
        op.create_index('ix_targets_unplanned_code', 'targets', ['indicator_code'], unique=True,
                        sqlite_where=sa.text('plan_id IS NULL'), postgresql_where=sa.text('plan_id IS NULL'))


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.text(f"SELECT {COLUMNS} FROM targets ORDER BY indicator_code")).mappings().all()
    plans = _programme_plans(conn)
    op.drop_table('targets')
    _create(with_plan=True)
    if rows:
        op.bulk_insert(sa.table('targets', sa.column('plan_id', sa.Integer()),
                                *(sa.column(c) for c in COLUMNS.split(", "))),
                       [{**row, "plan_id": _plan_of(row["start_on"], plans)} for row in rows])


def downgrade():
    conn = op.get_bind()
    # one row per code: those of the plan in force today under the old rule are not known here; keep the rows of
    # the latest plan that has the code (the successor's edits win, as the old table kept one row per code)
    rows = conn.execute(sa.text(
        f"SELECT {COLUMNS}, plan_id FROM targets ORDER BY indicator_code, plan_id")).mappings().all()
    kept = {}
    for row in rows:
        kept[row["indicator_code"]] = {c: row[c] for c in COLUMNS.split(", ")}
    op.drop_index('ix_targets_unplanned_code', table_name='targets')
    op.drop_table('targets')
    _create(with_plan=False)
    if kept:
        op.bulk_insert(sa.table('targets', *(sa.column(c) for c in COLUMNS.split(", "))), list(kept.values()))
