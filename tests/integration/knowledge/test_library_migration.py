"""The library-metadata migration keeps existing products valid: their licences become SPDX ids
(and go back on downgrade), and they credit their organisation until creators are given."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from portal.cli import alembic_config

PRODUCT = (
    "INSERT INTO knowledge_product (id, title, abstract, product_type, language, "
    "publication_date, organisation_id, themes, licence, status, created_at, updated_at, "
    "published_at, view_count, download_count) VALUES (:id, 'T', '', 'report', 'en', "
    "'2024-01-01', 1, '[]', :licence, 'published', '2024-01-01 00:00:00', "
    "'2024-01-01 00:00:00', '2024-01-01 00:00:00', 0, 0)"
)
FORMER = ["cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0", "cc-by-nc-nd-4.0", "cc0", "copyright", None]


def test_licences_become_spdx_ids_and_come_back(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    command.upgrade(alembic_config(url), "0013_campaign_management")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organisation (id, code, name, kind, created_at) "
                "VALUES (1, 'O', 'O', 'cso', '2024-01-01 00:00:00')"
            )
        )
        for number, licence in enumerate(FORMER, 1):
            connection.execute(text(PRODUCT), {"id": number, "licence": licence})

    command.upgrade(alembic_config(url), "0014_library_metadata")
    with engine.connect() as connection:
        licences = connection.execute(text("SELECT licence FROM knowledge_product ORDER BY id"))
        assert [row[0] for row in licences] == [
            "CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC-BY-NC-ND-4.0", "CC0-1.0",
            "LicenseRef-All-Rights-Reserved", None,
        ]  # fmt: skip
        creators = connection.scalar(text("SELECT count(*) FROM knowledge_product_creator"))
        assert creators == 0

    command.downgrade(alembic_config(url), "0013_campaign_management")
    with engine.connect() as connection:
        licences = connection.execute(text("SELECT licence FROM knowledge_product ORDER BY id"))
        assert [row[0] for row in licences] == FORMER
    engine.dispose()
