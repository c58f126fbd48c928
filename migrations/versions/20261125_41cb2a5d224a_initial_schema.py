"""initial schema

Revision ID: 41cb2a5d224a
Revises: 
Create Date: 2026-11-25 22:31:37.413004

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '41cb2a5d224a'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('division_type', sa.String(length=16), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('search_key', sa.String(length=160), nullable=False),
    sa.CheckConstraint("division_type IN ('tinh', 'thanh_pho', 'thi_xa', 'huyen', 'quan', 'phuong', 'thi_tran', 'xa', 'dac_khu', 'cum')", name=op.f('ck_areas_division_type')),
    sa.CheckConstraint("level IN ('province', 'district', 'cluster', 'commune')", name=op.f('ck_areas_level')),
    sa.CheckConstraint('parent_id IS NULL OR parent_id <> id', name=op.f('ck_areas_not_own_parent')),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_areas_valid_period')),
    sa.ForeignKeyConstraint(['parent_id'], ['areas.id'], name=op.f('fk_areas_parent_id_areas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_areas')),
    sa.UniqueConstraint('code', 'valid_from', name=op.f('uq_areas_code_valid_from'))
    )
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_areas_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index('ix_areas_path', ['path'], unique=False)
        batch_op.create_index('ix_areas_search_key', ['search_key'], unique=False)

    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('headcount', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('search_key', sa.String(length=200), nullable=False),
    sa.CheckConstraint("kind IN ('agency', 'political_social', 'enterprise', 'cooperative', 'household_group', 'school', 'university', 'industrial_zone')", name=op.f('ck_units_kind')),
    sa.CheckConstraint('headcount IS NULL OR headcount >= 0', name=op.f('ck_units_headcount')),
    sa.CheckConstraint('parent_id IS NULL OR parent_id <> id', name=op.f('ck_units_not_own_parent')),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_units_area_id_areas')),
    sa.ForeignKeyConstraint(['parent_id'], ['units.id'], name=op.f('fk_units_parent_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units'))
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_units_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_units_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index('ix_units_path', ['path'], unique=False)
        batch_op.create_index('ix_units_search_key', ['search_key'], unique=False)

    op.create_table('persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('search_key', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=16), nullable=True),
    sa.Column('email', sa.String(length=160), nullable=True),
    sa.Column('national_id', sa.String(length=12), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('gender', sa.String(length=8), nullable=True),
    sa.Column('ethnic_group', sa.String(length=40), nullable=True),
    sa.Column('home_area_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('audience_group', sa.String(length=24), nullable=True),
    sa.CheckConstraint("audience_group IS NULL OR audience_group IN ('civil_servant', 'teacher_pupil', 'business', 'industrial_worker', 'rural_worker', 'ethnic_minority', 'youth_union', 'women_union', 'other')", name=op.f('ck_persons_audience_group')),
    sa.CheckConstraint("gender IS NULL OR gender IN ('male', 'female', 'other')", name=op.f('ck_persons_gender')),
    sa.CheckConstraint('birth_year IS NULL OR (birth_year >= 1900 AND birth_year <= 2100)', name=op.f('ck_persons_birth_year')),
    sa.ForeignKeyConstraint(['home_area_id'], ['areas.id'], name=op.f('fk_persons_home_area_id_areas')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_persons_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_persons')),
    sa.UniqueConstraint('national_id', name=op.f('uq_persons_national_id')),
    sa.UniqueConstraint('phone', name=op.f('uq_persons_phone'))
    )
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_persons_home_area_id'), ['home_area_id'], unique=False)
        batch_op.create_index('ix_persons_search_key', ['search_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_persons_unit_id'), ['unit_id'], unique=False)

    op.create_table('trainers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=12), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=True),
    sa.Column('origin_class_id', sa.Integer(), nullable=True),
    sa.Column('max_level', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('certified_on', sa.Date(), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=512), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.CheckConstraint("mentor_id IS NOT NULL OR tier = 'province'", name=op.f('ck_trainers_mentor_required')),
    sa.CheckConstraint("status IN ('active', 'paused', 'left')", name=op.f('ck_trainers_status')),
    sa.CheckConstraint("tier IN ('province', 'district', 'local')", name=op.f('ck_trainers_tier')),
    sa.CheckConstraint('max_level BETWEEN 1 AND 5', name=op.f('ck_trainers_max_level')),
    sa.CheckConstraint('mentor_id IS NULL OR mentor_id <> id', name=op.f('ck_trainers_not_own_mentor')),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_trainers_area_id_areas')),
    sa.ForeignKeyConstraint(['mentor_id'], ['trainers.id'], name=op.f('fk_trainers_mentor_id_trainers')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_trainers_person_id_persons')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_trainers_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainers')),
    sa.UniqueConstraint('person_id', name=op.f('uq_trainers_person_id'))
    )
    with op.batch_alter_table('trainers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trainers_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trainers_mentor_id'), ['mentor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trainers_origin_class_id'), ['origin_class_id'], unique=False)
        batch_op.create_index('ix_trainers_path', ['path'], unique=False)
        batch_op.create_index(batch_op.f('ix_trainers_unit_id'), ['unit_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=160), nullable=True),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('scope_area_id', sa.Integer(), nullable=True),
    sa.Column('scope_unit_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role <> 'coordinator' OR scope_area_id IS NOT NULL OR scope_unit_id IS NOT NULL", name=op.f('ck_users_coordinator_scope')),
    sa.CheckConstraint("role <> 'trainer' OR person_id IS NOT NULL", name=op.f('ck_users_trainer_person')),
    sa.CheckConstraint("role IN ('admin', 'steering', 'coordinator', 'trainer', 'viewer')", name=op.f('ck_users_role')),
    sa.CheckConstraint('scope_area_id IS NULL OR scope_unit_id IS NULL', name=op.f('ck_users_one_scope')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_users_person_id_persons')),
    sa.ForeignKeyConstraint(['scope_area_id'], ['areas.id'], name=op.f('fk_users_scope_area_id_areas')),
    sa.ForeignKeyConstraint(['scope_unit_id'], ['units.id'], name=op.f('fk_users_scope_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_scope_area_id'), ['scope_area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_scope_unit_id'), ['scope_unit_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_events_entity', ['entity', 'entity_id'], unique=False)

    op.create_table('training_classes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainer_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('mode', sa.String(length=12), nullable=False),
    sa.Column('audience_group', sa.String(length=24), nullable=False),
    sa.Column('venue_area_id', sa.Integer(), nullable=False),
    sa.Column('host_unit_id', sa.Integer(), nullable=True),
    sa.Column('start_on', sa.Date(), nullable=True),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('sessions', sa.Integer(), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("audience_group IN ('civil_servant', 'teacher_pupil', 'business', 'industrial_worker', 'rural_worker', 'ethnic_minority', 'youth_union', 'women_union', 'other')", name=op.f('ck_training_classes_audience_group')),
    sa.CheckConstraint("mode IN ('online', 'in_person', 'blended')", name=op.f('ck_training_classes_mode')),
    sa.CheckConstraint("status IN ('planned', 'open', 'running', 'completed', 'cancelled')", name=op.f('ck_training_classes_status')),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_training_classes_capacity')),
    sa.CheckConstraint('end_on IS NULL OR start_on IS NULL OR end_on >= start_on', name=op.f('ck_training_classes_dates')),
    sa.CheckConstraint('level BETWEEN 1 AND 5', name=op.f('ck_training_classes_level')),
    sa.CheckConstraint('sessions IS NULL OR sessions > 0', name=op.f('ck_training_classes_sessions')),
    sa.ForeignKeyConstraint(['host_unit_id'], ['units.id'], name=op.f('fk_training_classes_host_unit_id_units')),
    sa.ForeignKeyConstraint(['trainer_id'], ['trainers.id'], name=op.f('fk_training_classes_trainer_id_trainers')),
    sa.ForeignKeyConstraint(['venue_area_id'], ['areas.id'], name=op.f('fk_training_classes_venue_area_id_areas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_classes'))
    )
    with op.batch_alter_table('training_classes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_classes_host_unit_id'), ['host_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_classes_trainer_id'), ['trainer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_classes_venue_area_id'), ['venue_area_id'], unique=False)

    # trainers.origin_class_id and training_classes.trainer_id refer to each other: add this one last.
    with op.batch_alter_table('trainers', schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f('fk_trainers_origin_class_id_training_classes'), 'training_classes', ['origin_class_id'], ['id']
        )

    op.create_table('enrollments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('score', sa.Numeric(precision=5, scale=2, asdecimal=False), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.CheckConstraint("status IN ('enrolled', 'completed', 'dropped')", name=op.f('ck_enrollments_status')),
    sa.CheckConstraint('score IS NULL OR (score >= 0 AND score <= 100)', name=op.f('ck_enrollments_score')),
    sa.ForeignKeyConstraint(['class_id'], ['training_classes.id'], name=op.f('fk_enrollments_class_id_training_classes')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_enrollments_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollments')),
    sa.UniqueConstraint('class_id', 'person_id', name=op.f('uq_enrollments_class_id_person_id'))
    )
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollments_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollments_person_id'), ['person_id'], unique=False)



def downgrade():
    with op.batch_alter_table('trainers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_trainers_origin_class_id_training_classes'), type_='foreignkey')

    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollments_person_id'))
        batch_op.drop_index(batch_op.f('ix_enrollments_class_id'))

    op.drop_table('enrollments')
    with op.batch_alter_table('training_classes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_classes_venue_area_id'))
        batch_op.drop_index(batch_op.f('ix_training_classes_trainer_id'))
        batch_op.drop_index(batch_op.f('ix_training_classes_host_unit_id'))

    op.drop_table('training_classes')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_entity')
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))

    op.drop_table('audit_events')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_scope_unit_id'))
        batch_op.drop_index(batch_op.f('ix_users_scope_area_id'))
        batch_op.drop_index(batch_op.f('ix_users_person_id'))

    op.drop_table('users')
    with op.batch_alter_table('trainers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trainers_unit_id'))
        batch_op.drop_index('ix_trainers_path')
        batch_op.drop_index(batch_op.f('ix_trainers_origin_class_id'))
        batch_op.drop_index(batch_op.f('ix_trainers_mentor_id'))
        batch_op.drop_index(batch_op.f('ix_trainers_area_id'))

    op.drop_table('trainers')
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_persons_unit_id'))
        batch_op.drop_index('ix_persons_search_key')
        batch_op.drop_index(batch_op.f('ix_persons_home_area_id'))

    op.drop_table('persons')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index('ix_units_search_key')
        batch_op.drop_index('ix_units_path')
        batch_op.drop_index(batch_op.f('ix_units_parent_id'))
        batch_op.drop_index(batch_op.f('ix_units_area_id'))

    op.drop_table('units')
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.drop_index('ix_areas_search_key')
        batch_op.drop_index('ix_areas_path')
        batch_op.drop_index(batch_op.f('ix_areas_parent_id'))

    op.drop_table('areas')
