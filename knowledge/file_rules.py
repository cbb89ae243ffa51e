"""What an uploaded file may be: the accepted kinds, their MIME types and the refusal messages.

Shared by the content checks (file_checks, archive_checks) and the storage (file_storage); no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.markers import N_

MSG_TOO_LARGE = N_("The file is larger than the limit of %(max_mb)s MB.")
MSG_EMPTY = N_("The file is empty.")
MSG_NOT_ACCEPTED = N_(
    "This file is not a PDF, Word, Excel, PowerPoint, OpenDocument, CSV or text file."
)
MSG_EXECUTABLE = N_("Programs and scripts cannot be uploaded.")
MSG_MARKUP = N_("HTML, SVG and XML files cannot be uploaded.")
MSG_OLD_OFFICE = N_(
    "Old Office formats (.doc, .xls, .ppt) and password-protected Office files cannot be "
    "uploaded; save the file as .docx, .xlsx or .pptx without a password."
)
MSG_DAMAGED_PDF = N_("This PDF file is damaged and cannot be read.")
MSG_ACTIVE_PDF = N_(
    "This PDF contains scripts or actions that start programs, which the portal does not accept. "
    "Save it again without them (for example with “Print to PDF”) and upload that copy."
)
MSG_DAMAGED_ARCHIVE = N_("This Office or OpenDocument file is damaged and cannot be read.")
MSG_EXPANDS = N_("The file expands to more than %(max_mb)s MB when opened and cannot be accepted.")
MSG_TOO_MANY_PARTS = N_(
    "The file has more than %(max_parts)s internal parts and cannot be accepted."
)
MSG_UNSAFE_PARTS = N_("The file contains unsafe internal file names and cannot be accepted.")
MSG_MACROS = N_("Files with macros cannot be uploaded.")
MSG_NOT_UTF8 = N_("Text and CSV files must be saved with UTF-8 encoding.")
MSG_PATH_NAME = N_("The file name must not contain folder names such as ../; rename the file.")
MSG_CHANGED = N_("The file changed while it was being stored; please upload it again.")

KINDS = ("pdf", "docx", "xlsx", "pptx", "odt", "csv", "txt")
MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "csv": "text/csv",
    "txt": "text/plain",
}


class UploadRejected(Exception):
    """An uploaded file is refused; `message` is an English message id, `params` fill it in."""

    def __init__(self, message: str, params: dict[str, object] | None = None) -> None:
        self.message = message
        self.params: dict[str, object] = dict(params or {})
        super().__init__(message % self.params if self.params else message)


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """What the content check learnt about an accepted file; `extension` has no leading dot."""

    kind: str
    mime: str
    extension: str
    size: int
    sha256: str
    safe_name: str


def megabytes(size: int) -> str:
    """A size in MB for a message: "10" or "2.5"."""
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")
