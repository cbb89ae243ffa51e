"""The built wheel runs the portal on its own: templates, static files, translations and migrations
travel inside the package, so nothing needs the source checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.slow

_SMOKE = """
import sys
from pathlib import Path
import portal
from portal import create_app

assert Path(portal.__file__).is_relative_to(sys.argv[1]), portal.__file__
app = create_app({"SERVER_NAME": "localhost"})
client = app.test_client()
home = client.get("/", headers={"Accept-Language": "fr"})
css = client.get("/static/css/portal.css")
print(home.status_code, css.status_code, "Accueil" in home.get_data(as_text=True))
"""


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the tracked files (the checkout is left untouched)."""
    source = tmp_path_factory.mktemp("source")
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, (entry.decode() for entry in tracked)):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    env = {**os.environ}
    bin_dir = Path(sys.executable).parent
    _run([str(bin_dir / "pybabel"), "compile", "-d", "portal/translations"], source, env)
    out = tmp_path_factory.mktemp("wheel")
    _run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
        + ["-w", str(out), "."],
        source,
        env,
    )
    (built,) = out.glob("*.whl")
    return built


def test_the_wheel_carries_templates_static_files_translations_and_migrations(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "portal/templates/base.html",
        "portal/templates/mail/survey_invitation.txt",
        "portal/static/css/portal.css",
        "portal/migrations/env.py",
        "portal/migrations/script.py.mako",
        "portal/translations/ar/LC_MESSAGES/messages.mo",
        "surveys/definitions/partner.v2.yaml",
    ):
        assert expected in names, expected
    versions = [name for name in names if name.startswith("portal/migrations/versions/")]
    tracked = subprocess.run(
        ["git", "ls-files", "portal/migrations/versions/*.py"], cwd=REPO, capture_output=True
    ).stdout.split()
    assert len(versions) == len(tracked) > 0
    assert not [name for name in names if name.startswith("tests/")]


def test_the_installed_wheel_migrates_and_serves_pages_outside_the_checkout(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    _run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
        + ["--target", str(site), str(wheel)],
        tmp_path,
        {**os.environ},
    )
    instance = tmp_path / "instance"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DATABASE"))},
        "PYTHONPATH": str(site),
        "PORTAL_INSTANCE": str(instance),
    }
    flask = [sys.executable, "-m", "flask", "--app", "portal:create_app"]
    assert "database at revision head" in _run([*flask, "db", "upgrade"], tmp_path, env)
    assert (instance / "portal.db").is_file()
    assert _run([sys.executable, "-c", _SMOKE, str(site)], tmp_path, env).split() == [
        "200",
        "200",
        "True",
    ]
