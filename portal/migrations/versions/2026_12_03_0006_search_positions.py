"""search outbox read by per-node positions: inserting transaction id instead of applied_at

Revision ID: 0006_search_positions
Revises: 0005_text_extraction_queue
Create Date: 2026-12-03 15:00:00.000000

Each node's search index now keeps its own position (txid, id) in the outbox, so the global
``applied_at`` goes. Existing rows get txid 0 (their transactions ended long ago); new rows get
the inserting transaction's id from the application (``knowledge.models.current_txid``).
Indexes built before this revision have no position: the worker rebuilds them once.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db


revision: str = '0006_search_positions'
down_revision: str | None = '0005_text_extraction_queue'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('knowledge_search_outbox', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('txid', sa.BigInteger(), nullable=False, server_default=sa.text('0'))
        )
    with op.batch_alter_table('knowledge_search_outbox', schema=None) as batch_op:
        # The default only filled the rows already there; the application sets every new one.
        batch_op.alter_column('txid', server_default=None)
        batch_op.drop_index(batch_op.f('ix_knowledge_search_outbox_applied_at'))
        batch_op.drop_column('applied_at')
        batch_op.create_index('ix_knowledge_search_outbox_txid_id', ['txid', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('knowledge_search_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_knowledge_search_outbox_txid_id')
        batch_op.add_column(
            sa.Column('applied_at', portal.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            batch_op.f('ix_knowledge_search_outbox_applied_at'), ['applied_at'], unique=False
        )
        batch_op.drop_column('txid')
