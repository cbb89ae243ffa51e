"""Single-use links: opening never consumes, unknown is 404, used/expired/closed is 410."""

from __future__ import annotations

from datetime import timedelta

from portal.db import database, utcnow
from surveys import campaigns
from surveys.models import Invitation
from tests.integration.surveys.builders import make_campaign, make_invitation


def arrange(app, **campaign_options) -> tuple[int, str]:
    with database(app).transaction() as session:
        campaign = make_campaign(session, **campaign_options)
        invitation, token = make_invitation(session, campaign, locale="fr")
        return invitation.id, token


def invitation(app, invitation_id: int) -> Invitation:
    with database(app).transaction() as session:
        return session.get(Invitation, invitation_id)


def test_opening_a_link_binds_it_and_redirects_to_a_url_without_the_token(app, client) -> None:
    invitation_id, token = arrange(app)
    response = client.get(f"/s/{token}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/s/answer")
    assert token not in response.headers["Location"]
    assert invitation(app, invitation_id).used_at is None
    page = client.get("/s/answer")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"


def test_get_and_head_never_consume_a_link(app, client) -> None:
    invitation_id, token = arrange(app)
    for _ in range(3):
        assert app.test_client().head(f"/s/{token}").status_code == 302
        assert app.test_client().get(f"/s/{token}").status_code == 302
    stored = invitation(app, invitation_id)
    assert (stored.used_at, stored.started_at) == (None, None)
    assert client.get(f"/s/{token}").status_code == 302


def test_an_unknown_token_is_404_with_a_clear_page(app, client) -> None:
    arrange(app)
    response = client.get("/s/" + "x" * 43)
    assert response.status_code == 404
    assert "link is not known" in response.get_data(as_text=True)


def test_a_used_link_is_410(app, client) -> None:
    invitation_id, token = arrange(app)
    with database(app).transaction() as session:
        session.get(Invitation, invitation_id).used_at = utcnow()
    response = client.get(f"/s/{token}")
    assert response.status_code == 410
    assert "already answered" in response.get_data(as_text=True)


def test_an_expired_link_is_410(app, client) -> None:
    invitation_id, token = arrange(app)
    with database(app).transaction() as session:
        session.get(Invitation, invitation_id).expires_at = utcnow() - timedelta(seconds=1)
    response = client.get(f"/s/{token}")
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)


def test_a_link_of_a_closed_campaign_is_410_even_when_already_open_in_the_browser(
    app, client
) -> None:
    invitation_id, token = arrange(app)
    assert client.get(f"/s/{token}").status_code == 302
    with database(app).transaction() as session:
        campaign_id = session.get(Invitation, invitation_id).campaign_id
        campaigns.close_campaign(session, None, campaign_id, now=utcnow())
    assert client.get("/s/answer").status_code == 410
    assert client.get(f"/s/{token}").status_code == 410


def test_a_link_of_a_draft_campaign_does_not_open_yet(app, client) -> None:
    _, token = arrange(app, state="draft")
    response = client.get(f"/s/{token}")
    assert response.status_code == 403
    assert "not open yet" in response.get_data(as_text=True)


def test_the_answer_page_without_an_opened_link_says_what_to_do(app, client) -> None:
    response = client.get("/s/answer")
    assert response.status_code == 404
    assert "Open the link from your e-mail" in response.get_data(as_text=True)


def test_guessing_tokens_is_rate_limited(app, client) -> None:
    invitation_id, token = arrange(app)
    app.config["TOKEN_RATE_LIMIT"] = "5 per minute"
    statuses = [client.get(f"/s/guess{n:040d}").status_code for n in range(7)]
    assert statuses[:5] == [404] * 5
    assert statuses[5:] == [429, 429]


def test_opening_valid_links_does_not_count_against_the_limit(app, client) -> None:
    _, token = arrange(app)
    app.config["TOKEN_RATE_LIMIT"] = "2 per minute"
    assert [client.get(f"/s/{token}").status_code for _ in range(4)] == [302] * 4


def test_a_valid_link_is_opened_even_after_others_guessed_from_the_same_address(app) -> None:
    """Volunteers behind one office gateway share one address: typos of others never block them."""
    _, token = arrange(app)
    app.config["TOKEN_RATE_LIMIT"] = "3 per minute"
    gateway = {"REMOTE_ADDR": "127.0.0.5"}
    guesser = app.test_client()
    statuses = [
        guesser.get(f"/s/guess{n:040d}", environ_base=gateway).status_code for n in range(5)
    ]
    assert statuses == [404, 404, 404, 429, 429]
    volunteer = app.test_client()
    assert volunteer.get(f"/s/{token}", environ_base=gateway).status_code == 302
    # The guesser stays limited; another address is not.
    assert guesser.get("/s/guess-again", environ_base=gateway).status_code == 429
    other = {"REMOTE_ADDR": "127.0.0.6"}
    assert app.test_client().get("/s/guess-other", environ_base=other).status_code == 404
