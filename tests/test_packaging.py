"""The wheel carries what the app needs, and an installed copy runs outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIP = (sys.executable, "-m", "pip")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [*PIP, "wheel", "--quiet", "--no-build-isolation", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("psad-*.whl")
    return built


def test_the_wheel_carries_templates_static_files_migrations_and_profiles(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())

    for expected in (
        "psad/_shipped/templates/base.html",
        "psad/_shipped/templates/youth/detail.html",
        "psad/_shipped/migrations/env.py",
        "psad/_shipped/migrations/alembic.ini",
        "psad/_shipped/imports/profiles/siei.toml",
        "psad/_shipped/config.example.toml",
        "psad/static/psad.css",
        "psad/cli.py",
    ):
        assert expected in names, expected
    revisions = {n for n in names if n.startswith("psad/_shipped/migrations/versions/")}
    assert len(revisions) == len(list((ROOT / "migrations" / "versions").glob("*.py")))
    assert not any(n.startswith("tests/") for n in names)


def test_an_installed_copy_migrates_creates_the_demo_and_serves_pages(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [*PIP, "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    workdir = tmp_path / "run"
    workdir.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PSAD_") and key != "PYTHONPATH"
    }
    env["PYTHONPATH"] = str(target)  # before the checkout's editable install

    def installed_psad(*args: str) -> str:
        """Run the installed copy's `psad` command with ``args``; its standard output."""
        done = subprocess.run(
            [sys.executable, "-c", "from psad.cli import main; main()", *args],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    installed_psad("config", "init")
    installed_psad("db", "upgrade")
    assert "PSAD DEMO créée" in installed_psad("demo", "--youth", "5")
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
    )

    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == [str(target / "psad" / "__init__.py"), "200", "200", "200"]


PROBE = """
import psad
from psad import create_app
app = create_app()
client = app.test_client()
print(psad.__file__)
print(client.get("/connexion").status_code)
print(client.get("/static/psad.css").status_code)
print(client.get("/bootstrap/static/css/bootstrap.min.css").status_code)
"""
