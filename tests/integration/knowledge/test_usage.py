"""Usage figures: no robot or double click counted; months shown and exported; readers forgotten."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import func, select

from knowledge import usage
from knowledge.models import KnowledgeProduct, UsageEvent
from portal.db import utcnow
from tests.integration.knowledge.conftest import make_product, reread

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120 Mobile Safari"


def _counted(session, product_id: int, kind: str) -> int:
    return session.scalar(
        select(func.count()).where(UsageEvent.product_id == product_id, UsageEvent.kind == kind)
    )


def _open(client, product_id: int, agent: str, address: str = "192.0.2.10") -> None:
    response = client.get(
        f"/knowledge/{product_id}",
        headers={"User-Agent": agent},
        environ_base={"REMOTE_ADDR": address},
    )
    assert response.status_code == 200


def test_a_bot_and_a_double_click_do_not_count(app, client, session, people) -> None:
    product = make_product(session, people.ministry)
    session.commit()
    _open(client, product.id, BROWSER)
    _open(client, product.id, BROWSER)  # the same reader again within 30 seconds
    _open(
        client,
        product.id,
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    )
    _open(client, product.id, "python-requests/2.31")
    _open(client, product.id, "")
    _open(client, product.id, PHONE)  # another reader
    _open(client, product.id, BROWSER, address="198.51.100.7")  # another reader, same browser
    reread(session)
    assert _counted(session, product.id, "view") == 3
    assert session.get(KnowledgeProduct, product.id).view_count == 3


def test_the_same_reader_counts_again_after_thirty_seconds(session, people) -> None:
    product = make_product(session, people.ministry)
    now = utcnow()
    args = {"address": "192.0.2.1", "user_agent": BROWSER, "secret": "s"}
    assert usage.record(session, product.id, "download", now=now, **args)
    assert not usage.record(
        session, product.id, "download", now=now + timedelta(seconds=29), **args
    )
    assert usage.record(session, product.id, "download", now=now + timedelta(seconds=31), **args)
    assert usage.record(session, product.id, "view", now=now + timedelta(seconds=32), **args)
    assert _counted(session, product.id, "download") == 2


def test_readers_are_hashes_cleared_after_a_day(session, people) -> None:
    product = make_product(session, people.ministry)
    now = utcnow()
    usage.record(session, product.id, "view", now=now - timedelta(days=2), address="192.0.2.1",
                 user_agent=BROWSER, secret="s")  # fmt: skip
    usage.record(session, product.id, "view", now=now, address="192.0.2.1", user_agent=BROWSER,
                 secret="s")  # fmt: skip
    visitors = session.scalars(select(UsageEvent.visitor).order_by(UsageEvent.id)).all()
    assert all(len(v) == 32 and "192.0.2.1" not in v for v in visitors)
    assert visitors[0] != visitors[1]  # another day, another key: not linkable
    assert usage.forget_visitors(session, now) == 1
    assert session.scalars(select(UsageEvent.visitor).order_by(UsageEvent.id)).all()[0] is None


def test_monthly_figures_are_shown_and_exported(app, session, people, login) -> None:
    product = make_product(session, people.ministry)
    now = utcnow()
    for reader, (days, kind) in enumerate(
        ((0, "view"), (0, "download"), (70, "view"), (70, "view"))
    ):
        usage.record(session, product.id, kind, now=now - timedelta(days=days),
                     address=f"192.0.2.{reader}", user_agent=BROWSER, secret="s")  # fmt: skip
    session.commit()
    first = (now - timedelta(days=70)).strftime("%Y-%m")
    this = now.strftime("%Y-%m")
    contributor = login(people.contributor)
    page = contributor.get(f"/knowledge/{product.id}/usage")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'<time datetime="{first}">' in html and "<svg" in html
    exported = contributor.get(f"/knowledge/{product.id}/usage.csv")
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert rows[0] == {"month": first, "views": "2", "downloads": "0"}
    assert rows[-1] == {"month": this, "views": "1", "downloads": "1"}
    assert len(rows) in (3, 4)  # the months between are listed at zero
    assert login(people.other_contributor).get(f"/knowledge/{product.id}/usage").status_code == 403
