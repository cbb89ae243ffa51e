"""Staff survey-form pages: upload (check only, stored, refused), versions, download, diff,
preview."""

from __future__ import annotations

import io
import re

import openpyxl
from sqlalchemy import func, select

from portal.db import database
from portal.models import AuditEvent
from surveys.form_versions import import_form
from surveys.models import Answer, Invitation, Response, SurveyDefinitionVersion
from tests.conftest import csrf_from
from tests.factories import make_user
from tests.integration.surveys.builders import make_campaign
from tests.xlsform_helpers import exit_form_rows, workbook

FORMS = "/surveys/forms"


def staff(app, auth, role: str = "staff") -> None:
    with database(app).transaction() as session:
        email = make_user(session, role).email
    auth.login(email)


def upload(client, data: bytes, name: str = "exit.xlsx", dry_run: bool = False):
    fields = {"csrf_token": csrf_from(client, FORMS), "xlsform": (io.BytesIO(data), name)}
    if dry_run:
        fields["dry_run"] = "y"
    return client.post(FORMS, data=fields, content_type="multipart/form-data")


def stored(app, key: str = "volunteer_exit") -> list[int]:
    with database(app).transaction() as session:
        query = select(SurveyDefinitionVersion.version).where(
            SurveyDefinitionVersion.survey_key == key
        )
        return sorted(session.scalars(query))


def counts(app) -> tuple[int, int, int]:
    with database(app).transaction() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(table))
            for table in (Response, Answer, Invitation)
        )


def test_upload_checks_then_stores_and_lists_the_version(app, client, auth) -> None:
    staff(app, auth)
    data = workbook(exit_form_rows())
    checked = upload(client, data, dry_run=True)
    assert checked.status_code == 302
    page = client.get(FORMS).get_data(as_text=True)
    assert "volunteer_exit version 4 would be stored; nothing stored." in page
    assert stored(app) == []
    assert upload(client, data).status_code == 302
    page = client.get(FORMS).get_data(as_text=True)
    assert "volunteer_exit: version 4 stored." in page
    assert stored(app) == [1, 2, 3, 4]
    section = page.split('id="survey-volunteer_exit"')[1]
    rows = re.findall(r'<th scope="row" class="num">(\d+)</th>\s*<td>(\w+)</td>', section)
    assert rows == [("4", "Imported"), ("3", "Shipped"), ("2", "Shipped"), ("1", "Shipped")]
    assert "en, fr, es" in page and "/surveys/forms/volunteer_exit/4/preview" in page
    assert "/surveys/forms/volunteer_exit/diff?from=3&amp;to=4" in page
    with database(app).transaction() as session:
        [event] = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "surveys.form_imported")
        ).all()
        assert event.details["version"] == 4 and event.actor_id is not None
        make_campaign(session)
    section = client.get(FORMS).get_data(as_text=True).split('id="survey-volunteer_exit"')[1]
    used = re.findall(r'<td class="num">(\d+)</td>\s*<td>\s*<a href="[^"]*/(\d)/xlsform', section)
    assert used == [("1", "4"), ("0", "3"), ("0", "2"), ("0", "1")]


def test_a_bad_upload_lists_sheet_row_and_column_and_stores_nothing(app, client, auth) -> None:
    staff(app, auth)
    sheets = exit_form_rows()
    sheets["survey"][8]["relevant"] = "${nobody} = 'yes'"
    refused = upload(client, workbook(sheets))
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "The form was refused; nothing was stored" in page
    assert "sheet survey, row 10, column relevant:" in page
    sheets = exit_form_rows()
    sheets["survey"][7]["name"] = "satisfied_experience"  # a duplicate name
    page = upload(client, workbook(sheets)).get_data(as_text=True)
    assert "sheet survey, row 9, column name:" in page
    assert stored(app) == []
    not_xlsx = upload(client, b"type,name\ntext,q\n", name="form.xlsx")
    assert not_xlsx.status_code == 422
    assert "the file is not an .xlsx workbook" in not_xlsx.get_data(as_text=True)
    zipped = io.BytesIO()
    with __import__("zipfile").ZipFile(zipped, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    assert "not an .xlsx workbook" in upload(client, zipped.getvalue()).get_data(as_text=True)
    assert stored(app) == []


def test_download_round_trips_to_the_same_version(app, client, auth) -> None:
    staff(app, auth)
    response = client.get("/surveys/forms/volunteer_exit/3/xlsform")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert 'filename="volunteer_exit-v3.xlsx"' in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert {"survey", "choices", "settings"} <= set(book.sheetnames)
    again = upload(client, response.data)
    assert again.status_code == 302
    assert "already version 3 (same content)" in client.get(FORMS).get_data(as_text=True)
    assert client.get("/surveys/forms/volunteer_exit/9/xlsform").status_code == 404


def test_diff_names_added_removed_reworded_and_changed_rules(app, client, auth) -> None:
    with app.app_context(), database(app).transaction() as session:
        import_form(session, None, workbook(exit_form_rows("4")), "exit.xlsx")
        sheets = exit_form_rows("5")
        sheets["survey"][1]["label::French (fr)"] = "Première affectation ?"
        sheets["survey"][2]["constraint"] = ". >= 1 and . <= 48"
        del sheets["survey"][9]  # skills
        sheets["survey"].insert(9, {"type": "text", "name": "mentor", "label::English (en)":
                                    "Who mentored you?", "label::French (fr)": "Mentor ?",
                                    "label::Spanish (es)": "¿Mentor?"})  # fmt: skip
        sheets["choices"][1]["label::French (fr)"] = "Non merci"
        import_form(session, None, workbook(sheets), "exit.xlsx")
    staff(app, auth)
    client.post("/language", data={"lang": "fr", "csrf_token": csrf_from(client, "/")})
    page = client.get("/surveys/forms/volunteer_exit/diff?from=4&to=5").get_data(as_text=True)
    added = page.split('id="added-title"')[1].split("</section>")[0]
    assert "mentor" in added and "Mentor\u202f?" in added  # French spacing on the page
    assert "skills" in page.split('id="removed-title"')[1].split("</section>")[0]
    changed = page.split('id="changed-title"')[1]
    assert "First assignment? (fr)" in changed and "Première affectation\u202f?" in changed
    assert ". &gt;= 1 and . &lt;= 60" in changed and ". &gt;= 1 and . &lt;= 48" in changed
    assert "Non merci" in changed and "<code>no</code>" in changed
    assert client.get("/surveys/forms/volunteer_exit/diff?from=4&to=9").status_code == 404
    assert client.get("/surveys/forms/volunteer_exit/diff?from=x&to=5").status_code == 400


def _preview_post(client, url: str, page: int, action: str, **fields):
    data = {"page": str(page), "action": action, "csrf_token": csrf_from(client, url), **fields}
    return client.post(url.split("?")[0] + "?" + url.split("?")[1], data=data)


def test_preview_walks_pages_with_relevance_in_french_and_stores_nothing(app, client, auth) -> None:
    with app.app_context(), database(app).transaction() as session:
        import_form(session, None, workbook(exit_form_rows()), "exit.xlsx")
    staff(app, auth)
    before = counts(app)
    url = "/surveys/forms/volunteer_exit/4/preview?lang=fr"
    first = client.get(url).get_data(as_text=True)
    assert "Aperçu — rien n'est enregistré." in first  # the interface follows the preview
    assert 'value="save"' not in first
    assert "First assignment? (fr)" in first and 'lang="fr"' in first
    refused = _preview_post(client, url, 0, "next", first_assignment="yes", months="61")
    assert refused.status_code == 422 and "Entre 1 et 60 mois" in refused.get_data(as_text=True)
    moved = _preview_post(client, url, 0, "next", first_assignment="yes", months="3")
    assert moved.status_code == 302 and "page=1" in moved.headers["Location"]
    second = client.get(moved.headers["Location"]).get_data(as_text=True)
    assert 'name="first_time_advice"' in second  # relevant: first assignment is yes
    assert 'name="skills"' not in second  # relevant only after more than six months
    back = _preview_post(client, url, 1, "back")
    assert "page=0" in back.headers["Location"]
    _preview_post(client, url, 0, "next", first_assignment="no", months="12")
    second = client.get("/surveys/forms/volunteer_exit/4/preview?lang=fr&page=1").get_data(
        as_text=True
    )
    assert 'name="first_time_advice"' not in second and 'name="skills"' in second
    done = _preview_post(
        client, url, 1, "submit", satisfied_experience="fully_agree",
        development_contribution="dont_know",
    )  # fmt: skip
    assert done.status_code == 302
    switched = _preview_post(
        client, url, 1, "language", lang="es", satisfied_experience="somewhat_agree"
    )
    assert switched.status_code == 302 and "lang=es" in switched.headers["Location"]
    spanish = client.get(switched.headers["Location"]).get_data(as_text=True)
    assert '<html lang="es"' in spanish and "I am satisfied. (es)" in spanish
    assert re.search(r'value="somewhat_agree"[^>]*checked', spanish)  # the switch kept it
    assert not re.search(r'value="fully_agree"[^>]*checked', spanish)
    assert counts(app) == before
    assert stored(app) == [1, 2, 3, 4]


def test_preview_in_arabic_is_right_to_left_and_stores_nothing(app, client, auth) -> None:
    with database(app).transaction() as session:
        make_campaign(session)  # an open campaign: the preview must not touch it either
    staff(app, auth)
    before = counts(app)
    url = "/surveys/forms/volunteer_exit/3/preview?lang=ar"
    first = client.get(url).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in first
    moved = _preview_post(client, url, 0, "next", assignment_end_date="2026-06-30")
    assert moved.status_code == 302, moved.get_data(as_text=True)[:300]
    _preview_post(client, url, 1, "next")
    third = _preview_post(
        client, url, 2, "next", satisfied_experience="fully_disagree",
        development_contribution="fully_agree", skills_gained="digital",
    )  # fmt: skip
    assert "page=3" in third.headers["Location"]
    fourth = client.get(third.headers["Location"]).get_data(as_text=True)
    assert 'name="experience_improvements"' in fourth
    assert "ما الذي كان من شأنه أن يجعلها أفضل؟" in fourth
    assert counts(app) == before


def test_an_expired_form_token_says_so_without_naming_an_email_link(app, client, auth) -> None:
    staff(app, auth)
    refused = client.post("/surveys/forms/volunteer_exit/3/preview", data={"page": "0"})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "Your form expired or was sent from elsewhere." in text and "e-mail" not in text
    assert counts(app) == (0, 0, 0)


def test_forms_pages_are_for_staff_only(app, client, auth) -> None:
    with database(app).transaction() as session:
        email = make_user(session, "partner").email
    auth.login(email)
    assert client.get(FORMS).status_code == 403
    assert client.get("/surveys/forms/volunteer_exit/3/preview").status_code == 403
