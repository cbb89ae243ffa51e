"""Every form of the portal, posted by a signed-in administrator with values in and far out of
range (control characters, huge numbers, 10k characters, markup, odd unicode, garbage files), on
SQLite and PostgreSQL: no answer is a 5xx. The routes come from the app, so a new form is fuzzed."""

from __future__ import annotations

import io
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.demo import load_demo
from tests.conftest import csrf_from

# Values for the path parts of the forms' addresses: objects the demo data holds (and some not).
PATH_VALUES: dict[str, list[str]] = {
    "item_id": ["1", "2147483647"],
    "request_id": ["1", "2"],
    "token_id": ["1", "5"],
    "campaign_id": ["1", "2", "3"],
    "key": ["volunteer_exit", "partner", "nothing"],
    "version": ["1", "3", "99"],
    "product_id": ["1", "2", "3", "999"],
    "revision_id": ["1", "2"],
    "record_id": ["1", "2"],
    "code": ["1.2", "2.2", "3.1.2", "9.9"],
    "token": ["x" * 43, "%00"],
    # Accounts other than the signed-in administrator's (1), whose session the run needs.
    "user_id": ["2", "3", "4", "2147483647"],
}
SKIPPED = {"/logout"}  # it would end the session the rest of the run needs
HOSTILE = [
    "",
    "0",
    "-1",
    "2025",
    "99999999999999999999",
    "1e308",
    "NaN",
    "a\x00b",
    "\x1b[2J",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "\u202egnp.exe",
    "志愿服务" * 2_500,
    "x" * 10_000,
    "2025-02-30",
    "not_applicable",
    "on",
]
_FIELD = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"[^>]*>", re.S)
_FILE_FIELD = re.compile(r"<input\b[^>]*\btype=\"file\"[^>]*\bname=\"([^\"]+)\"", re.S)


def _forms(app) -> list[tuple[str, Any]]:
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.rule not in SKIPPED
    ]
    return [(rule.rule, rule) for rule in sorted(rules, key=lambda rule: rule.rule)]


def _address(rule: Any, draw) -> str:
    path = rule.rule
    for name in rule.arguments:
        value = draw(st.sampled_from(PATH_VALUES.get(name, ["1"])))
        path = re.sub(rf"<(?:\w+:)?{name}>", value, path)
    return path


def test_no_form_answers_a_5xx_whatever_is_posted(app) -> None:
    load_demo(app)
    client = app.test_client()
    token = csrf_from(client, "/login")
    signed_in = client.post(
        "/login",
        data={"email": "admin@demo.unv.org", "password": "demo-password-2025", "csrf_token": token},
    )
    assert signed_in.status_code == 302
    csrf = csrf_from(client, "/account")
    forms = _forms(app)
    assert len(forms) >= 30
    fields_of: dict[str, tuple[list[str], list[str]]] = {}
    seen: dict[int, int] = {}

    def fields(address: str) -> tuple[list[str], list[str]]:
        if address not in fields_of:
            page = client.get(address).get_data(as_text=True)
            files = list(dict.fromkeys(_FILE_FIELD.findall(page)))
            names = [n for n in dict.fromkeys(_FIELD.findall(page)) if n not in files]
            fields_of[address] = ([n for n in names if n != "csrf_token"] or ["reason"], files)
        return fields_of[address]

    @settings(
        max_examples=200,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.data())
    def one_post(data) -> None:
        _, rule = data.draw(st.sampled_from(forms))
        address = _address(rule, data.draw)
        names, files = fields(address)
        values: dict[str, Any] = {
            name: data.draw(st.sampled_from(HOSTILE) | st.text(max_size=30)) for name in names
        }
        for name in files:
            content = data.draw(
                st.sampled_from([b"", b"%PDF-1.4 garbage", b"MZ\x90\x00", b"\x00" * 64])
            )
            values[name] = (io.BytesIO(content), data.draw(st.sampled_from(["a.pdf", "../x.csv"])))
        values["csrf_token"] = csrf
        response = client.post(address, data=values, content_type="multipart/form-data")
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        assert response.status_code < 500, (address, {k: str(v)[:40] for k, v in values.items()})

    one_post()
    statuses = dict(sorted(seen.items()))
    print(f"form run: {sum(seen.values())} posts to {len(forms)} forms, by status {statuses}")
    assert sum(seen.values()) >= 200
