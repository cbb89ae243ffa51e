"""campaign management: a reminder schedule per campaign, revoked links, resent links

Revision ID: 0013_campaign_management
Revises: 0012_usage_events
Create Date: 2026-12-03 18:00:00.000000

Each campaign gets its reminder schedule (after N days, at most M reminders per invitee, sent by
the worker or not); existing campaigns keep the worker's reminders on, now capped at three per
invitee. A link replaced by a resent one, or by a corrected e-mail, is marked revoked.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db


revision: str = '0013_campaign_management'
down_revision: str | None = '0012_usage_events'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PURPOSE = 'ck_survey_invitation_link_purpose_known'
_OLD = "'invitation', 'reminder', 'roster_file'"
_NEW = _OLD + ", 'resend'"


def upgrade() -> None:
    with op.batch_alter_table('survey_campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_days', sa.Integer(), server_default='7', nullable=False))
        batch_op.add_column(sa.Column('reminder_limit', sa.Integer(), server_default='3', nullable=False))
        batch_op.add_column(
            sa.Column('reminders_automatic', sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.create_check_constraint(
            op.f('ck_survey_campaign_reminder_days_range'), sa.text('reminder_days BETWEEN 1 AND 90')
        )
        batch_op.create_check_constraint(
            op.f('ck_survey_campaign_reminder_limit_range'), sa.text('reminder_limit BETWEEN 0 AND 10')
        )
    # Batch mode: SQLite rebuilds the table to change its CHECK constraint.
    with op.batch_alter_table('survey_invitation_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', portal.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(op.f(_PURPOSE), type_='check')
        batch_op.create_check_constraint(op.f(_PURPOSE), sa.text(f'purpose IN ({_NEW})'))


def downgrade() -> None:
    # A resent link becomes an ordinary invitation link; revoked links go (they opened nothing).
    op.execute('DELETE FROM survey_invitation_link WHERE revoked_at IS NOT NULL')
    op.execute("UPDATE survey_invitation_link SET purpose = 'invitation' WHERE purpose = 'resend'")
    with op.batch_alter_table('survey_invitation_link', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(_PURPOSE), type_='check')
        batch_op.create_check_constraint(op.f(_PURPOSE), sa.text(f'purpose IN ({_OLD})'))
        batch_op.drop_column('revoked_at')
    with op.batch_alter_table('survey_campaign', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_survey_campaign_reminder_limit_range'), type_='check')
        batch_op.drop_constraint(op.f('ck_survey_campaign_reminder_days_range'), type_='check')
        batch_op.drop_column('reminders_automatic')
        batch_op.drop_column('reminder_limit')
        batch_op.drop_column('reminder_days')
