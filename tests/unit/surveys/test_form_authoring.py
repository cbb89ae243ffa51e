"""Survey authoring without a database: the diff of two versions, preview steps, upload checks."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest

from surveys.definition_files import load_all
from surveys.form_diff import diff_definitions
from surveys.form_upload import check_form_upload
from surveys.forms_import import read_form
from surveys.forms_sheets import FormRejected
from surveys.preview import preview_step, session_key, shown_page
from tests.xlsform_helpers import exit_form_rows, workbook


def text_row(name: str, label: str) -> dict[str, str]:
    return {"type": "text", "name": name, **_labels(label)}


def choice_row(list_name: str, name: str, label: str) -> dict[str, str]:
    return {"list_name": list_name, "name": name, **_labels(label)}


def _labels(label: str) -> dict[str, str]:
    languages = (("English", "en"), ("French", "fr"), ("Spanish", "es"))
    return {f"label::{language} ({code})": f"{label} {code}" for language, code in languages}


def definition(sheets, version: int):
    return read_form(workbook(sheets), "exit.xlsx", lambda key: {}).definition(version)


def test_diff_lists_added_removed_reworded_choices_and_rules() -> None:
    old = definition(exit_form_rows(), 4)
    sheets = exit_form_rows()
    sheets["survey"][1]["label::French (fr)"] = "Première affectation ?"
    sheets["survey"][1]["required"] = ""
    sheets["survey"][2]["constraint"] = ". >= 1 and . <= 48"
    sheets["survey"][8]["relevant"] = "${first_assignment} = 'no'"
    sheets["survey"][9]["type"] = "select_one skills"
    del sheets["survey"][6]  # satisfied_experience
    sheets["survey"].insert(3, text_row("mentor", "Mentor?"))
    sheets["choices"][1]["label::French (fr)"] = "Non merci"
    sheets["choices"].append(choice_row("yesno", "maybe", "Maybe"))
    sheets["choices"] = [c for c in sheets["choices"] if c["name"] != "digital"]
    sheets["choices"].append(choice_row("skills", "teamwork", "Teamwork"))
    diff = diff_definitions(old, definition(sheets, 5))
    assert (diff.old_version, diff.new_version) == (4, 5)
    assert [q.key for q in diff.added] == ["mentor"]
    assert [q.key for q in diff.removed] == ["satisfied_experience"]
    changes = {change.key: change for change in diff.changed}
    assert sorted(changes) == ["first_assignment", "first_time_advice", "months", "skills"]
    first = changes["first_assignment"]
    assert [(t.field, t.languages) for t in first.texts] == [("label", ("fr",))]
    assert first.texts[0].old["fr"] == "First assignment? (fr)"
    assert first.texts[0].new["fr"] == "Première affectation ?"
    assert [(r.field, r.old, r.new) for r in first.rules] == [("required", "yes", "no")]
    assert [(c.code, c.kind) for c in first.choices] == [("no", "relabelled"), ("maybe", "added")]
    assert first.choices[0].new["fr"] == "Non merci"
    assert [(r.field, r.new) for r in changes["months"].rules] == [
        ("constraint", ". >= 1 and . <= 48")
    ]
    assert [r.field for r in changes["first_time_advice"].rules] == ["relevant"]
    skills = changes["skills"]
    assert [(r.field, r.old, r.new) for r in skills.rules] == [("type", "multiple", "single")]
    assert [(c.code, c.kind) for c in skills.choices] == [
        ("digital", "removed"),
        ("teamwork", "added"),
    ]
    assert diff_definitions(old, old).empty


def test_diff_of_the_shipped_versions_reads_show_if_as_a_condition() -> None:
    shipped = load_all()
    v3 = shipped[("volunteer_exit", 3)]
    page = v3.pages[3]
    question = page.questions[0]
    assert question.show_if is not None
    changed = replace(question, show_if=replace(question.show_if, values=("fully_disagree",)))
    pages = list(v3.pages)
    pages[3] = replace(page, questions=(changed, *page.questions[1:]))
    newer = replace(v3, version=4, pages=tuple(pages))
    diff = diff_definitions(v3, newer)
    [change] = diff.changed
    assert [(r.old, r.new) for r in change.rules] == [
        (
            "satisfied_experience in (somewhat_disagree fully_disagree)",
            "satisfied_experience in (fully_disagree)",
        )
    ]


def test_preview_steps_follow_relevance_and_keep_answers_in_the_mapping() -> None:
    form = definition(exit_form_rows(), 4)
    assert session_key("volunteer_exit", 4) == "survey_preview:volunteer_exit:4"
    refused = preview_step(form, 0, {}, {"first_assignment": ["yes"], "months": ["61"]}, "next")
    assert refused.page_index == 0 and set(refused.errors) == {"months"}
    assert refused.answers == {}
    step = preview_step(form, 0, {}, {"first_assignment": ["yes"], "months": ["3"]}, "next")
    assert step.page_index == 1 and not step.errors
    assert step.answers == {"first_assignment": "yes", "months": 3}
    back = preview_step(form, 1, step.answers, {"first_time_advice": ["x" * 900]}, "back")
    assert back.page_index == 0 and len(back.answers["first_time_advice"]) == 500
    done = preview_step(
        form, 1, step.answers,
        {"satisfied_experience": ["fully_agree"], "development_contribution": ["neither"]},
        "submit",
    )  # fmt: skip
    assert done.finished and done.answers["satisfied_experience"] == "fully_agree"
    assert preview_step(form, 1, done.answers, {}, "restart").answers == {}
    assert shown_page(form, 7, {}) == 1


def _zip(**parts: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"form_id,version\nx,1\n", "not an .xlsx workbook"),
        (b"PK\x03\x04broken", "not a readable .xlsx workbook"),
        (_zip(**{"word/document.xml": "<w/>"}), "a ZIP archive but not an .xlsx workbook"),
        (b"PK\x03\x04" + b"0" * 2048, "larger than"),
    ],
)
def test_an_upload_that_is_no_xlsx_workbook_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(FormRejected) as refused:
        check_form_upload(data, max_bytes=1024 if message == "larger than" else 5 * 1024 * 1024)
    assert message in str(refused.value)


def test_a_real_form_passes_the_upload_check() -> None:
    check_form_upload(workbook(exit_form_rows()))
