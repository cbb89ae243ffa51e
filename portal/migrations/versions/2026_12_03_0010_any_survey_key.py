"""campaigns for surveys imported under new keys

Revision ID: 0010_any_survey_key
Revises: 0009_account_admin
Create Date: 2026-12-03 17:10:00

A campaign may run any survey whose definition is stored (shipped or imported as an XLSForm):
the check that limited its key to the two shipped surveys goes; the key is checked by the action
that creates the campaign, against the stored definitions.
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0010_any_survey_key'
down_revision: str | None = '0009_account_admin'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('survey_campaign', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_survey_campaign_survey_known'), type_='check')


def downgrade() -> None:
    with op.batch_alter_table('survey_campaign', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_survey_campaign_survey_known'), "survey_key IN ('partner', 'volunteer_exit')"
        )
