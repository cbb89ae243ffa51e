"""Original file names are reduced to a safe display and download name."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.file_checks import check_upload, safe_file_name
from knowledge.file_rules import MSG_PATH_NAME, UploadRejected


@pytest.mark.parametrize(
    ("original", "kind", "expected"),
    [
        ("Política nacional.pdf", "pdf", "Política nacional.pdf"),
        ("志愿服务 报告.docx", "docx", "志愿服务 报告.docx"),
        ("تقرير التطوع.pdf", "pdf", "تقرير التطوع.pdf"),
        ("می\u200cخواهم.pdf", "pdf", "می\u200cخواهم.pdf"),
        ("../../etc/passwd", "txt", "passwd.txt"),
        ("..\\..\\x.pdf", "pdf", "x.pdf"),
        ("C:\\Users\\ana\\Informe final.pdf", "pdf", "Informe final.pdf"),
        ("..", "pdf", "file.pdf"),
        ("", "xlsx", "file.xlsx"),
        ("/", "pdf", "file.pdf"),
        ("invoice\u202efdp.exe", "pdf", "invoicefdp.exe.pdf"),
        ("tab\tnew\nline\x00nul\x7f.pdf", "pdf", "tab new linenul.pdf"),
        ('a<b>c:d"e|f?g*h.pdf', "pdf", "a_b_c_d_e_f_g_h.pdf"),
        ("  .hidden report.  ", "pdf", "hidden report.pdf"),
        ("CON.pdf", "pdf", "_CON.pdf"),
        ("Informe v1.2", "pdf", "Informe v1.2.pdf"),
        ("REPORT.PDF", "pdf", "REPORT.PDF"),
        ("page.html", "pdf", "page.html.pdf"),
        ("e\u0301te\u0301.txt", "txt", "été.txt"),
    ],
)
def test_safe_file_name(original: str, kind: str, expected: str) -> None:
    assert safe_file_name(original, kind) == expected


def test_very_long_names_are_shortened_keeping_the_extension() -> None:
    name = safe_file_name("á" * 400 + ".pdf", "pdf")

    assert len(name) == 150
    assert name == "á" * 146 + ".pdf"


@pytest.mark.parametrize("name", ["../../etc/passwd", "..\\..\\x.pdf", "/etc/x.txt", "a/b.txt"])
def test_upload_names_with_folders_are_rejected_by_check_upload(tmp_path: Path, name: str) -> None:
    path = tmp_path / "upload"
    path.write_bytes(b"root:x:0:0:root:/root:/bin/bash\n")

    with pytest.raises(UploadRejected) as rejected:
        check_upload(path, name, 1024)
    assert rejected.value.message == MSG_PATH_NAME
