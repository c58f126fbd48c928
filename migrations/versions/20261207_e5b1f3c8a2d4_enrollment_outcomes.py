"""enrollment outcomes: whether a learner can apply what they learned ("áp dụng được"), and the day recorded;
the learner's own follow-up answer (self-assessment link on the certificate)

Revision ID: e5b1f3c8a2d4
Revises: c4f1a8e2d907
Create Date: 2026-12-07 01:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5b1f3c8a2d4'
down_revision = 'c4f1a8e2d907'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applies', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('applies_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('self_applies', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('self_applies_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_column('self_applies_on')
        batch_op.drop_column('self_applies')
        batch_op.drop_column('applies_on')
        batch_op.drop_column('applies')
