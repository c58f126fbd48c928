"""trainers.search_key (a copy of the person's folded name) indexed with id for the trainer list;
(area_id, status), (unit_id, status) on trainers and (trainer_id, status) on classes replace the one-column indexes

Revision ID: de23673dd252
Revises: 3c1f7a9e2b40
Create Date: 2026-11-26 02:00:00

The column is added NOT NULL with an empty server default (no table rebuild on SQLite), filled from persons,
then indexed (search_key, id): the trainer list's order. The three composite indexes start with the column of
the index they replace, so every query that used it can use them, and count by status without reading rows.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'de23673dd252'
down_revision = '3c1f7a9e2b40'
branch_labels = None
depends_on = None

REPLACED = [  # (table, old index, new index, its columns)
    ('trainers', 'ix_trainers_area_id', 'ix_trainers_area_status', ['area_id', 'status']),
    ('trainers', 'ix_trainers_unit_id', 'ix_trainers_unit_status', ['unit_id', 'status']),
    ('training_classes', 'ix_training_classes_trainer_id', 'ix_training_classes_trainer_status',
     ['trainer_id', 'status']),
]


def upgrade():
    with op.batch_alter_table('trainers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_key', sa.String(length=120), server_default='', nullable=False))
    op.execute("UPDATE trainers SET search_key = (SELECT persons.search_key FROM persons "
               "WHERE persons.id = trainers.person_id)")
    with op.batch_alter_table('trainers', schema=None) as batch_op:
        batch_op.create_index('ix_trainers_search_key', ['search_key', 'id'], unique=False)
    for table, old, new, columns in REPLACED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(new, columns, unique=False)
            batch_op.drop_index(old)


def downgrade():
    for table, old, new, columns in REPLACED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(old, columns[:1], unique=False)
            batch_op.drop_index(new)
    # ALTER TABLE … DROP COLUMN on both engines (SQLite ≥ 3.35): a batch copy of trainers would fail on SQLite,
    # whose DROP TABLE checks the foreign keys of the rows referring to it
    with op.batch_alter_table('trainers', schema=None, recreate='never') as batch_op:
        batch_op.drop_index('ix_trainers_search_key')
        batch_op.drop_column('search_key')
