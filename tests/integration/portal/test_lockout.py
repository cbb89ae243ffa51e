"""Throttling that strangers cannot turn against a user: failures count per address and per
(account, address) pair, never per account alone; a correct password from an address that has
not failed is never refused; and an unknown address costs the same password-hash work."""

from __future__ import annotations

import statistics
import time

import pytest

from tests.conftest import PASSWORD, csrf_from
from tests.factories import make_user

ATTACKER = {"REMOTE_ADDR": "127.0.0.2"}
VICTIM = {"REMOTE_ADDR": "127.0.0.3"}


def _login(app, address: dict, email: str, password: str) -> int:
    client = app.test_client()
    client.environ_base.update(address)
    token = csrf_from(client, "/login")
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    ).status_code


def test_a_stranger_guessing_cannot_lock_the_owner_out(app, session) -> None:
    user = make_user(session, "partner", email="victim@example.org")
    session.commit()
    guesses = [_login(app, ATTACKER, user.email, f"guess number {n}") for n in range(12)]
    assert guesses[:5] == [401] * 5 and set(guesses[5:]) == {429}
    # The owner, from an address that has not failed, signs in at once.
    assert _login(app, VICTIM, user.email, PASSWORD) == 302
    # The attacker's address stays refused, even with the right password.
    assert _login(app, ATTACKER, user.email, PASSWORD) == 429


def test_the_owner_mistyping_gets_growing_waits_but_other_addresses_do_not(app, session) -> None:
    user = make_user(session, "partner", email="typist@example.org")
    session.commit()
    app.config["LOGIN_PAIR_RATE_LIMIT"] = "2 per minute;3 per hour"
    mine = [_login(app, VICTIM, user.email, "typo password") for _ in range(3)]
    assert mine == [401, 401, 429]
    assert _login(app, {"REMOTE_ADDR": "127.0.0.4"}, user.email, PASSWORD) == 302


@pytest.mark.slow
def test_an_unknown_address_takes_the_same_hash_work_as_a_wrong_password(app, session) -> None:
    """Account enumeration by timing: medians of 20 tries each within 10% (the real cost).

    Measured in CPU time of this thread: the hash work is what differs between the two paths, and
    CPU time is not disturbed by the other processes of a busy test machine as wall time is."""
    from portal.auth import passwords
    from portal.db import database

    method = "scrypt:32768:8:1"  # a real cost (the default is 2^17), so hashing dominates
    app.config["PASSWORD_HASH_METHOD"] = method
    with database(app).transaction() as tx:
        user = make_user(tx, "partner", email="known@example.org")
        from werkzeug.security import generate_password_hash

        user.password_hash = generate_password_hash(PASSWORD, method=method)

    def timed(email: str) -> float:
        with database(app).transaction() as tx:
            began = time.thread_time()
            assert passwords.authenticate(tx, email, "wrong pass", hash_method=method) is None
            return time.thread_time() - began

    timed("unknown@example.org")  # the dummy hash is made once per method, before measuring
    known, unknown = [], []
    for _ in range(20):  # interleaved, so load on the machine hits both alike
        known.append(timed("known@example.org"))
        unknown.append(timed("nobody@example.org"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.9 <= ratio <= 1.1, (statistics.median(known), statistics.median(unknown))
