"""list pages: indexes in the order of /certificates/, /classes/ and /people/, holding the columns their
scope and filters read, so a page is found by walking one index (app/web/paging.py)

Revision ID: 0487b02736ca
Revises: de23673dd252
Create Date: 2026-11-26 01:53:02

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0487b02736ca'
down_revision = 'de23673dd252'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index('ix_certificates_list',
                              ['issued_on', 'id', 'class_id', 'person_id', 'level', 'revoked_on'], unique=False)

    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index('ix_persons_list', ['search_key', 'id', 'home_area_id', 'unit_id'], unique=False)

    with op.batch_alter_table('training_classes', schema=None) as batch_op:
        batch_op.create_index('ix_training_classes_list',
                              ['start_on', 'id', 'venue_area_id', 'status', 'level'], unique=False)


def downgrade():
    with op.batch_alter_table('training_classes', schema=None) as batch_op:
        batch_op.drop_index('ix_training_classes_list')

    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index('ix_persons_list')

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index('ix_certificates_list')
