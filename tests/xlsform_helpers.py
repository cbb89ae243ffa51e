"""XLSForm workbooks built in tests with openpyxl: a valid three-language form and its rows."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook

from surveys.questionnaire import LIKERT_CODES

EN, FR, ES = "label::English (en)", "label::French (fr)", "label::Spanish (es)"
SURVEY_HEADERS = [
    "type", "name", EN, FR, ES, "hint::English (en)", "hint::French (fr)", "hint::Spanish (es)",
    "relevant", "constraint", "constraint_message::English (en)",
    "constraint_message::French (fr)", "constraint_message::Spanish (es)", "required", "default",
    "appearance",
]  # fmt: skip


def _q(kind: str, name: str, label: str, **extra: str) -> dict[str, str]:
    return {"type": kind, "name": name, EN: label, FR: f"{label} (fr)", ES: f"{label} (es)"} | extra


def exit_form_rows(version: str = "4") -> dict[str, list[dict[str, str]]]:
    """A volunteer exit questionnaire: two groups, relevance across pages, a constraint, choices,
    a note, the two indicator questions with the seven agreement codes."""
    survey = [
        _q("begin_group", "about", "About you", appearance="field-list"),
        _q("select_one yesno", "first_assignment", "First assignment?", required="yes"),
        _q("integer", "months", "How many months did it last?", constraint=". >= 1 and . <= 60",
           **{"constraint_message::English (en)": "Between 1 and 60 months",
              "constraint_message::French (fr)": "Entre 1 et 60 mois",
              "constraint_message::Spanish (es)": "Entre 1 y 60 meses"}),
        {"type": "end_group"},
        _q("begin_group", "looking_back", "Looking back", appearance="field-list"),
        _q("note", "scale_note", "Say how much you agree."),
        _q("select_one agree", "satisfied_experience", "I am satisfied."),
        _q("select_one agree", "development_contribution", "It helped my development."),
        _q("text", "first_time_advice", "Advice for a first assignment?",
           relevant="${first_assignment} = 'yes'"),
        _q("select_multiple skills", "skills", "Skills gained", relevant="${months} > 6"),
        {"type": "end_group"},
    ]  # fmt: skip
    choices = [
        {"list_name": "yesno", "name": "yes", EN: "Yes", FR: "Oui", ES: "Sí"},
        {"list_name": "yesno", "name": "no", EN: "No", FR: "Non", ES: "No"},
        *(
            {"list_name": "agree", "name": code, EN: code, FR: f"{code} fr", ES: f"{code} es"}
            for code in LIKERT_CODES
        ),
        {"list_name": "skills", "name": "languages", EN: "Languages", FR: "Langues", ES: "Idiomas"},
        {"list_name": "skills", "name": "digital", EN: "Digital", FR: "Numérique", ES: "Digital"},
    ]
    settings = [
        {
            "form_id": "volunteer_exit",
            "version": version,
            "default_language": "English (en)",
            "form_title": "Exit questionnaire",
            "form_title::French (fr)": "Questionnaire de fin",
            "form_title::Spanish (es)": "Cuestionario de salida",
        }
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


def workbook(sheets: dict[str, list[dict[str, Any]]]) -> bytes:
    """The sheets as an .xlsx file; each sheet's columns are the keys of its rows, in order."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        headers = list(SURVEY_HEADERS) if name == "survey" else []
        for row in rows:
            headers += [key for key in row if key not in headers]
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(header) for header in headers])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
