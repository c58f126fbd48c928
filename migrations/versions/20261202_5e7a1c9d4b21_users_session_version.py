"""users.session_version: a server-side session version, bumped on logout and password change, so a
copied session or remember-me cookie stops working (app/auth/sessions.py)

Revision ID: 5e7a1c9d4b21
Revises: 1229c55bcf5e
Create Date: 2026-12-02 21:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e7a1c9d4b21'
down_revision = '1229c55bcf5e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
