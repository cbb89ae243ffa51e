"""account administration: indexes for reading the audit log by actor, action and object

Revision ID: 0009_account_admin
Revises: 0007_answer_counts
Create Date: 2026-12-03 18:00:00.000000

Administrators now read the audit log filtered by who acted, what was done and to which object;
without these indexes each filtered page would scan the whole table.
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0009_account_admin'
down_revision: str | None = '0007_answer_counts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index('ix_audit_event_object', ['object_type', 'object_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_object')
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))
