"""answer counts: responses and coded answers by campaign, year, question, code and cell; an
index of the invitations not used by campaign

Revision ID: 0007_answer_counts
Revises: 0006_search_positions
Create Date: 2026-12-03 17:00:00.000000

The indicators read this table instead of grouping every response. It is filled here from the
responses already stored (the same recount as `flask surveys counts-rebuild`); from then on the
application keeps it current in the transaction of every change of responses.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007_answer_counts'
down_revision: str | None = '0006_search_positions'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The groups of GROUP_KEYS in order, one bit each: (bit, SQL "known", SQL "member").
_GROUPS = (
    (1, "r.gender IS NOT NULL", "r.gender = 'female'"),
    (2, "r.category IS NOT NULL", "r.category = 'national'"),
    (4, "r.category IS NOT NULL", "r.category = 'international'"),
    (8, "r.youth IS NOT NULL", "r.youth"),
    (16, "r.disability IS NOT NULL", "r.disability"),
    (32, "r.modality IS NOT NULL", "r.modality = 'onsite'"),
    (64, "r.modality IS NOT NULL", "r.modality = 'online'"),
    (128, "r.global_south IS NOT NULL", "r.global_south"),
    (256, "r.africa IS NOT NULL", "r.africa"),
    (512, "r.sids IS NOT NULL", "r.sids"),
    (1024, "r.ldc IS NOT NULL", "r.ldc"),
    (2048, "r.lldc IS NOT NULL", "r.lldc"),
    (4096, "r.refugee IS NOT NULL", "r.refugee"),
)
_KNOWN = " + ".join(f"CASE WHEN {known} THEN {bit} ELSE 0 END" for bit, known, _ in _GROUPS)
_IN = " + ".join(f"CASE WHEN {member} THEN {bit} ELSE 0 END" for bit, _, member in _GROUPS)
_CELL = f"{_KNOWN}, {_IN}, COALESCE(r.organisation_id, 0)"
_ANSWERS = (
    " FROM survey_response r JOIN survey_answer a ON a.response_id = r.id"
    " WHERE a.value_code IS NOT NULL"
)


def _select(question: str, code: str, count: str, rest: str, by: str) -> str:
    """One part of the recount: the key columns and n, grouped by the key."""
    return (
        f"SELECT r.campaign_id, r.reporting_year, {question}, {code}, {_CELL}, {count}{rest}"
        f" GROUP BY r.campaign_id, r.reporting_year{by}, {_CELL}"
    )


_FILL = (
    "INSERT INTO survey_answer_count (campaign_id, reporting_year, question_key, answer_code,"
    " groups_known, groups_in, organisation_id, n) "
    + _select("''", "''", "count(*)", " FROM survey_response r", "")
    + " UNION ALL "
    + _select("a.question_key", "''", "count(DISTINCT r.id)", _ANSWERS, ", a.question_key")
    + " UNION ALL "
    + _select("a.question_key", "a.value_code", "count(*)", _ANSWERS,
              ", a.question_key, a.value_code")
)


def upgrade() -> None:
    op.create_table('survey_answer_count',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('reporting_year', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=63), nullable=False),
    sa.Column('answer_code', sa.String(length=63), nullable=False),
    sa.Column('groups_known', sa.Integer(), nullable=False),
    sa.Column('groups_in', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.CheckConstraint('n >= 0', name=op.f('ck_survey_answer_count_n_not_negative')),
    sa.CheckConstraint('(groups_in & ~groups_known) = 0', name=op.f('ck_survey_answer_count_members_known')),
    sa.ForeignKeyConstraint(['campaign_id'], ['survey_campaign.id'], name=op.f('fk_survey_answer_count_campaign_id_survey_campaign'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', 'reporting_year', 'question_key', 'answer_code', 'groups_known', 'groups_in', 'organisation_id', name=op.f('pk_survey_answer_count'))
    )
    op.execute(_FILL)
    with op.batch_alter_table('survey_invitation', schema=None) as batch_op:
        batch_op.create_index('ix_survey_invitation_campaign_used', ['campaign_id', 'used_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('survey_invitation', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_invitation_campaign_used')
    op.drop_table('survey_answer_count')
