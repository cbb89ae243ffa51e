"""The campaign management reads at scale: one page of invitees (all, filtered by status, searched),
the status counts, the response rate over time and the campaign list's rates, beside a reference.

The reference loads every invitation with its links and their outbox mails into Python and works
the statuses out there (what a listing without SQL status would pay for its counts). Run:

    .venv/bin/python bench/campaign_invitees.py --invitees 20000
    .venv/bin/python bench/campaign_invitees.py --invitees 20000 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_campaigns
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _app(database_url: str, workdir: Path) -> Any:
    from portal import create_app

    return create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "bench", "INSTANCE_PATH": str(workdir)}
    )


def generate(app: Any, count: int) -> int:
    """A fresh schema with one open exit campaign of `count` invitees in every status."""
    from sqlalchemy import insert, select

    from portal.db import Base, create_schema, database, utcnow
    from portal.models import OutboxMessage
    from surveys import campaigns
    from surveys.models import Invitation, InvitationLink

    Base.metadata.drop_all(database(app).engine)
    create_schema(app)
    rng = random.Random(7)  # noqa: S311 - reproducible data, not security
    now = utcnow()
    with database(app).transaction() as session:
        campaign = campaigns.create_campaign(session, None, "volunteer_exit", now.year)
        campaigns.open_campaign(session, None, campaign.id, now=now - timedelta(days=40))
        campaign_id = campaign.id
        rows = []
        for n in range(count):
            sent = now - timedelta(days=40 - rng.random() * 10)
            draw = rng.random()
            rows.append(
                {
                    "campaign_id": campaign_id,
                    "source": "roster",
                    "contact_email": f"person{n}@example.org",
                    "contact_name": f"Person {n}",
                    "created_at": sent,
                    "sent_at": sent,
                    "reminder_count": 0,
                    "current_page": 0,
                    "opened_at": sent + timedelta(days=1) if draw < 0.8 else None,
                    "started_at": sent + timedelta(days=1) if draw < 0.75 else None,
                    "used_at": sent + timedelta(days=1 + rng.random() * 20) if draw < 0.6 else None,
                }
            )
        session.execute(insert(Invitation), rows)
        ids = session.scalars(select(Invitation.id).order_by(Invitation.id)).all()
        session.execute(
            insert(InvitationLink),
            [{"invitation_id": i, "token_hash": f"{i:064x}", "purpose": "invitation"} for i in ids],
        )
        links = session.scalars(select(InvitationLink.id)).all()
        session.execute(
            insert(OutboxMessage),
            [
                {
                    "recipient": "x@example.org",
                    "template": "survey_invitation",
                    "idempotency_key": campaigns.link_mail_key(link),
                    "state": "failed" if rng.random() < 0.05 else "sent",
                }
                for link in links
            ],
        )
    return campaign_id


def reference(app: Any, campaign_id: int) -> dict[str, int]:
    """Every invitation, link and mail state into Python; the statuses counted there."""
    from sqlalchemy import select

    from portal.db import database
    from portal.models import OutboxMessage
    from surveys.campaigns import link_mail_key
    from surveys.models import Invitation, InvitationLink

    with database(app).transaction() as session:
        invitations = session.scalars(
            select(Invitation).where(Invitation.campaign_id == campaign_id)
        ).all()
        newest: dict[int, int] = {}
        for invitation_id, link_id in session.execute(
            select(InvitationLink.invitation_id, InvitationLink.id)
        ):
            newest[invitation_id] = max(newest.get(invitation_id, 0), link_id)
        states = dict(
            session.execute(select(OutboxMessage.idempotency_key, OutboxMessage.state)).all()
        )
        counts: Counter[str] = Counter()
        for i in invitations:
            state = states.get(link_mail_key(newest.get(i.id)))
            counts[
                "completed" if i.used_at else "in_progress" if i.started_at
                else "opened" if i.opened_at else "mail_failed" if state == "failed"
                else "invited" if i.sent_at else "not_sent"
            ] += 1  # fmt: skip
    return dict(counts)


def timed(label: str, work: Callable[[], object], repeat: int = 3) -> object:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    print(f"| {label} | {best * 1000:.0f} ms |")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invitees", type=int, default=20000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    from portal.db import database, utcnow
    from surveys import campaign_invitees, campaign_rates
    from surveys.models import Campaign

    with tempfile.TemporaryDirectory() as workdir:
        url = args.database_url or f"sqlite:///{workdir}/bench.db"
        app = _app(url, Path(workdir))
        campaign_id = generate(app, args.invitees)
        print(f"{args.invitees} invitees, {url.split(':')[0]}\n")
        print("| read | best of 3 |\n|---|---|")

        def page(status: str | None = None, query: str = "") -> Any:
            with database(app).transaction() as session:
                return campaign_invitees.invitee_page(
                    session, campaign_id, status=status, query=query, page=3
                )

        def over_time() -> Any:
            with database(app).transaction() as session:
                campaign = session.get(Campaign, campaign_id)
                return campaign_rates.rate_over_time(session, campaign, utcnow().date())

        def rates() -> Any:
            with database(app).transaction() as session:
                return campaign_rates.current_rates(session, [campaign_id], utcnow().date())

        listing = timed("invitee page 3 with the status counts", page)
        timed("the same, only mail failed", lambda: page("mail_failed"))
        timed("the same, searched 'person1'", lambda: page(None, "person1"))
        points = timed("response rate over time", over_time)
        timed("campaign list rates", rates)
        counted = timed(
            "reference: every invitation into Python", lambda: reference(app, campaign_id)
        )
        assert counted == {k: v for k, v in listing.counts.items() if v}, (counted, listing.counts)
        print(f"\n{len(points)} points; counts {listing.counts}")


if __name__ == "__main__":
    main()
