"""Online platforms' classes: training_classes.platform (a class has its trainer or is a platform's class for one
level, unique per platform and level), trainer_id nullable for them; point_entries may record "online_day";
learning_records.applied (the `online_effects` job's mark) (the API's learning records, app/api/effects.py)

Revision ID: e3a9c5b17d42
Revises: b7d2e41c9a60
Create Date: 2026-12-03 14:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e3a9c5b17d42'
down_revision = 'b7d2e41c9a60'
branch_labels = None
depends_on = None

REASONS_BEFORE = "reason IN ('class_opened', 'learner_completed', 'certificate', 'trainer_grown')"
REASONS_AFTER = "reason IN ('class_opened', 'learner_completed', 'certificate', 'trainer_grown', 'online_day')"


def upgrade():
    with op.batch_alter_table('training_classes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('platform', sa.String(length=40), nullable=True))
        batch_op.alter_column('trainer_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(op.f('ck_training_classes_trainer_or_platform'),
                                         '(trainer_id IS NULL) = (platform IS NOT NULL)')
        batch_op.create_unique_constraint(op.f('uq_training_classes_platform_level'), ['platform', 'level'])
    with op.batch_alter_table('point_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_point_entries_reason'), type_='check')
        batch_op.create_check_constraint(op.f('ck_point_entries_reason'), REASONS_AFTER)
    with op.batch_alter_table('learning_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applied', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_learning_records_pending', ['applied', 'state', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('learning_records', schema=None) as batch_op:
        batch_op.drop_index('ix_learning_records_pending')
        batch_op.drop_column('applied')
    op.execute("DELETE FROM point_entries WHERE reason = 'online_day'")
    with op.batch_alter_table('point_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_point_entries_reason'), type_='check')
        batch_op.create_check_constraint(op.f('ck_point_entries_reason'), REASONS_BEFORE)
    op.execute("DELETE FROM enrollments WHERE class_id IN (SELECT id FROM training_classes WHERE platform IS NOT NULL)")
    op.execute("DELETE FROM training_classes WHERE platform IS NOT NULL")
    with op.batch_alter_table('training_classes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_training_classes_platform_level'), type_='unique')
        batch_op.drop_constraint(op.f('ck_training_classes_trainer_or_platform'), type_='check')
        batch_op.alter_column('trainer_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('platform')
