"""invitations: one-time links (hashed token) to choose a password or a new one, bound to a person; the outbox
takes invitation mails (kind 'invitation')

Revision ID: c4f1a8e2d907
Revises: c4d8e2f1a7b3
Create Date: 2026-12-07 01:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4f1a8e2d907'
down_revision = 'c4d8e2f1a7b3'
branch_labels = None
depends_on = None

KINDS_BEFORE = "kind IN ('digest', 'reminder')"
KINDS_AFTER = "kind IN ('digest', 'reminder', 'invitation')"


def upgrade():
    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('invite', 'reset')", name=op.f('ck_invitations_kind')),
    sa.CheckConstraint("channel IN ('link', 'sheet', 'email', 'auto')", name=op.f('ck_invitations_channel')),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_invitations_expires_after_creation')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_invitations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_invitations_person_id_persons')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_invitations_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index('ix_invitations_person_open', ['person_id', 'used_at', 'revoked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_created_by_id'), ['created_by_id'], unique=False)
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_messages_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_outbox_messages_kind'), KINDS_AFTER)


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_messages_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_outbox_messages_kind'), KINDS_BEFORE)
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_invitations_user_id'))
        batch_op.drop_index('ix_invitations_person_open')
    op.drop_table('invitations')
