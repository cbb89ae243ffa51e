"""text extraction queue: pending files and the worker's lease

Revision ID: 0005_text_extraction_queue
Revises: 0003_worker_schedule
Create Date: 2026-12-03 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db


revision: str = '0005_text_extraction_queue'
down_revision: str | None = '0003_worker_schedule'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = "'ok', 'empty', 'encrypted', 'unreadable', 'timeout', 'too_large'"
_NEW = "'pending', " + _OLD
_CHECK = 'ck_knowledge_product_file_text_status_known'


def upgrade() -> None:
    # Batch mode: SQLite rebuilds the table to change its CHECK constraint.
    with op.batch_alter_table('knowledge_product_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('text_claim_token', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('text_claimed_until', portal.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_knowledge_product_file_text_status'), ['text_status'], unique=False)
        batch_op.drop_constraint(op.f(_CHECK), type_='check')
        batch_op.create_check_constraint(op.f(_CHECK), sa.text(f'text_status IN ({_NEW})'))


def downgrade() -> None:
    # Files still waiting for their text cannot stay pending without a worker that reads them.
    op.execute(
        "UPDATE knowledge_product_file SET text_status = 'timeout', "
        "text_note = 'The text of this file could not be read in the time allowed.' "
        "WHERE text_status = 'pending'"
    )
    with op.batch_alter_table('knowledge_product_file', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(_CHECK), type_='check')
        batch_op.create_check_constraint(op.f(_CHECK), sa.text(f'text_status IN ({_OLD})'))
        batch_op.drop_index(batch_op.f('ix_knowledge_product_file_text_status'))
        batch_op.drop_column('text_claimed_until')
        batch_op.drop_column('text_claim_token')
        batch_op.drop_column('text_attempts')
