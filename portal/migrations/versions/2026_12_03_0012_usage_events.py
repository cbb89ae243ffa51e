"""knowledge usage events (views and downloads, robots and double clicks left out)

Revision ID: 0012_usage_events
Revises: 0010_any_survey_key
Create Date: 2026-12-03 17:45:00

The products' running totals (view_count, download_count) stay: they keep counting what the
events count, so pages that show them need no change.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db


revision: str = '0012_usage_events'
down_revision: str | None = '0010_any_survey_key'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('knowledge_usage_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('occurred_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('visitor', sa.String(length=32), nullable=True),
    sa.CheckConstraint("kind IN ('view', 'download')", name=op.f('ck_knowledge_usage_event_kind_known')),
    sa.ForeignKeyConstraint(['product_id'], ['knowledge_product.id'], name=op.f('fk_knowledge_usage_event_product_id_knowledge_product'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_usage_event'))
    )
    op.create_index('ix_knowledge_usage_event_product_at', 'knowledge_usage_event', ['product_id', 'occurred_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_knowledge_usage_event_product_at', table_name='knowledge_usage_event')
    op.drop_table('knowledge_usage_event')
