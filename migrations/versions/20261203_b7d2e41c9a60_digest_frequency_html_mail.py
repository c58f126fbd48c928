"""users.digest_frequency (daily, weekly or none, chosen on the account page) and outbox_messages.html_body (an
HTML alternative of a mail's text, e.g. the digest)

Revision ID: b7d2e41c9a60
Revises: da11c3377298
Create Date: 2026-12-03 14:20:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7d2e41c9a60'
down_revision = 'da11c3377298'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest_frequency', sa.String(length=8), server_default='daily',
                                      nullable=False))
        batch_op.create_check_constraint(op.f('ck_users_digest_frequency'), "digest_frequency IN ('daily', 'weekly', 'none')")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html_body', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('html_body')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_digest_frequency'), type_='check')
        batch_op.drop_column('digest_frequency')
