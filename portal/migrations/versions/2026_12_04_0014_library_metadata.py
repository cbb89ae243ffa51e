"""library metadata: creators, DOI, SPDX licences, a file's edition and language, settings

Revision ID: 0014_library_metadata
Revises: 0013_campaign_management
Create Date: 2026-12-04 15:48:45.982182

Products gain an ordered list of creators (persons with an ORCID iD, organisations with a ROR id)
and an optional DOI; their licences become SPDX ids (cc-by-4.0 -> CC-BY-4.0, cc0 -> CC0-1.0,
copyright -> LicenseRef-All-Rights-Reserved); files gain their edition and language; the
repository's settings (the default licence) get their table. Existing products stay valid: no
creators means the contributing organisation is credited.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db


revision: str = '0014_library_metadata'
down_revision: str | None = '0013_campaign_management'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_LICENCES = {
    'cc-by-4.0': 'CC-BY-4.0',
    'cc-by-sa-4.0': 'CC-BY-SA-4.0',
    'cc-by-nc-4.0': 'CC-BY-NC-4.0',
    'cc-by-nc-nd-4.0': 'CC-BY-NC-ND-4.0',
    'cc0': 'CC0-1.0',
    'copyright': 'LicenseRef-All-Rights-Reserved',
}


def _rename_licences(renames: dict[str, str]) -> None:
    product = sa.table('knowledge_product', sa.column('licence', sa.String))
    for old, new in renames.items():
        op.execute(product.update().where(product.c.licence == old).values(licence=new))


def upgrade() -> None:
    op.create_table('knowledge_setting',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=True),
    sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_knowledge_setting_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_knowledge_setting'))
    )
    op.create_table('knowledge_product_creator',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('given_name', sa.String(length=200), nullable=False),
    sa.Column('identifier', sa.String(length=40), nullable=True),
    sa.CheckConstraint("kind = 'person' OR given_name = ''", name=op.f('ck_knowledge_product_creator_given_name_of_person')),
    sa.CheckConstraint("kind IN ('person', 'organisation')", name=op.f('ck_knowledge_product_creator_kind_known')),
    sa.ForeignKeyConstraint(['product_id'], ['knowledge_product.id'], name=op.f('fk_knowledge_product_creator_product_id_knowledge_product'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'position', name=op.f('pk_knowledge_product_creator'))
    )
    with op.batch_alter_table('knowledge_product', schema=None) as batch_op:
        batch_op.add_column(sa.Column('doi', sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f('ix_knowledge_product_doi'), ['doi'], unique=True)

    with op.batch_alter_table('knowledge_product_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edition', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('language', sa.String(length=2), nullable=True))
    _rename_licences(_LICENCES)


def downgrade() -> None:
    _rename_licences({new: old for old, new in _LICENCES.items()})
    with op.batch_alter_table('knowledge_product_file', schema=None) as batch_op:
        batch_op.drop_column('language')
        batch_op.drop_column('edition')

    with op.batch_alter_table('knowledge_product', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_product_doi'))
        batch_op.drop_column('doi')

    op.drop_table('knowledge_product_creator')
    op.drop_table('knowledge_setting')
