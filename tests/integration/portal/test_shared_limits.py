"""Rate limits shared through Redis: several workers (or nodes) count one client's requests once."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from flask import Flask

from portal import create_app
from portal.db import create_schema
from tests.conftest import csrf_from

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(
    not _redis_reachable() and not os.environ.get("PORTAL_REQUIRE_REDIS"),
    reason=f"no Redis at {REDIS_URL}",
)


def _worker(tmp_path: Path, name: str, prefix: str) -> Flask:
    folder = tmp_path / name
    app = create_app(
        {
            "INSTANCE_PATH": str(folder),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}",
            "SECRET_KEY": "shared",
            "TESTING": True,
            "LOGIN_RATE_LIMIT": "3 per minute",
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            # Each test counts in its own keys, so runs in parallel never share a bucket.
            "RATELIMIT_KEY_PREFIX": prefix,
        }
    )
    create_schema(app)
    return app


def _reset_request(app: Flask) -> int:
    client = app.test_client()
    token = csrf_from(client, "/password/forgot")
    return client.post(
        "/password/forgot", data={"email": "someone@example.org", "csrf_token": token}
    ).status_code


_OTHER_WORKER = """
import sys
from tests.integration.portal.test_shared_limits import _reset_request, _worker
from pathlib import Path
print(_reset_request(_worker(Path(sys.argv[1]), "b", sys.argv[2])))
"""


def test_two_worker_processes_share_one_client_limit_through_redis(tmp_path: Path) -> None:
    import redis

    prefix = f"portal-test-{uuid.uuid4().hex}"
    first = _worker(tmp_path, "a", prefix)
    assert [_reset_request(first) for _ in range(3)] == [302, 302, 302]
    assert redis.Redis.from_url(REDIS_URL).keys(f"*{prefix}*"), "the counts live in Redis"
    # Another worker process (its own memory) refuses the same client: three a minute in all.
    other = subprocess.run(
        [sys.executable, "-c", _OTHER_WORKER, str(tmp_path), prefix],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert other.stdout.strip().splitlines()[-1] == "429"
