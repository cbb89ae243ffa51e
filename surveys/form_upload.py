"""An uploaded XLSForm checked by its content before it is read: a real .xlsx, within limits."""

from __future__ import annotations

import io
import zipfile

from surveys.forms_sheets import FormProblem, FormRejected

MAX_FORM_BYTES = 5 * 1024 * 1024
MAX_ENTRIES = 200
MAX_INFLATED = 50 * 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
# Every .xlsx workbook (Office Open XML spreadsheet) holds these parts.
_WORKBOOK_PARTS = ("[Content_Types].xml", "xl/workbook.xml")


def _refused(message: str) -> FormRejected:
    return FormRejected([FormProblem(message)])


def check_form_upload(data: bytes, max_bytes: int = MAX_FORM_BYTES) -> None:
    """FormRejected unless the bytes are an .xlsx workbook (a ZIP holding a workbook part) of at
    most `max_bytes`, whose declared unpacked size stays small; the name never decides."""
    if not data:
        raise _refused("the file is empty")
    if len(data) > max_bytes:
        raise _refused(f"the file is larger than {max_bytes // (1024 * 1024)} MB")
    if not data.startswith(_ZIP_MAGIC):
        raise _refused("the file is not an .xlsx workbook (save the form as Excel .xlsx)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise _refused("the file is not a readable .xlsx workbook") from None
    names = {entry.filename for entry in entries}
    if not all(part in names for part in _WORKBOOK_PARTS):
        raise _refused("the file is a ZIP archive but not an .xlsx workbook")
    if len(entries) > MAX_ENTRIES or sum(entry.file_size for entry in entries) > MAX_INFLATED:
        raise _refused("the workbook is too large once unpacked")
