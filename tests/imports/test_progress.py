"""`psad import` shows a progress bar on standard error, and only on a terminal.

The command runs as a real process (the virtualenv's ``psad`` script) with its standard error
on a pseudo-terminal and its standard output on a pipe, as when a person runs it and
redirects the summary. It commits through its own connection, hence ``committed``.
"""

from __future__ import annotations

import errno
import json
import os
import pty
import re
import selectors
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from psad import clock
from psad.auth.models import Psad
from psad.config import Settings
from psad.imports.models import ImportBatch
from psad.youth.models import Youth
from tests.conftest import SECRET
from tests.imports.files import write_xlsx

pytestmark = pytest.mark.committed

PSAD_SCRIPT = Path(sys.executable).parent / "psad"
ROWS = 3000
TIMEOUT = 120
LAST_NAMES = [
    "Lefèvre", "Bénard", "Dupré", "Nguyen", "Martin", "Œuvray", "Girard", "Faure", "Rousseau",
    "Müller", "Léger", "Chevalier", "Gauthier", "Hébert", "Brémond", "Perrin", "Noël", "Aubé",
    "Mercier", "Étienne",
]  # fmt: skip
FIRST_NAMES = [
    "Éloïse", "Anaïs", "Noé", "Inès", "Léo", "Zoé", "Maël", "Chloé", "Jérôme", "Léa", "Gaël",
    "Hélène", "Loïc", "Héloïse", "Joël",
]  # fmt: skip
PHONES = ["06 12 34 56 78", "+33 7 81 23 45 67", 612345679, "06.98.76.54.32"]


@dataclass
class Finished:
    status: int
    stdout: str
    stderr: str


@pytest.fixture
def lille_code(app: Flask, committed_psad: Psad) -> str:
    """The code of the PSAD the lists go to; ``app`` empties the tables afterwards."""
    return committed_psad.code


@pytest.fixture
def environment(settings: Settings, tmp_path: Path) -> dict[str, str]:
    """The command's environment: its config file names the test database."""
    config = tmp_path / "cli.toml"
    config.write_text(
        f'[web]\nsecret_key = "{SECRET}"\n[database]\nurl = "{settings.database_url}"\n',
        encoding="utf-8",
    )
    env = {name: value for name, value in os.environ.items() if not name.startswith("PSAD_")}
    env.update(PSAD_CONFIG=str(config), PSAD_INSTANCE_PATH=str(tmp_path / "cli-instance"))
    return env


def long_list(directory: Path) -> Path:
    """A list of 3,000 different youth of 17 to 20, under a title line and a blank line."""
    year = clock.today().year
    rows: list[list[object]] = [["Jeunes repérés : liste annuelle"], []]
    rows.append(["Nom", "Prénom", "Date de naissance", "Téléphone"])
    for index in range(ROWS):
        last = LAST_NAMES[index % len(LAST_NAMES)]
        first = FIRST_NAMES[index // len(LAST_NAMES) % len(FIRST_NAMES)]
        variant = index // (len(LAST_NAMES) * len(FIRST_NAMES))  # 0 to 9
        born = date(year - 18 - variant % 3, 1 + variant, 10 + variant)
        written: object = born if index % 2 else f"{born:%d/%m/%Y}"
        rows.append([last, first, written, PHONES[index % len(PHONES)]])
    return write_xlsx(directory, "liste-annuelle.xlsx", rows)


def run_with_terminal_stderr(args: list[str], env: dict[str, str]) -> Finished:
    """Run ``psad ARGS``: standard error on a pseudo-terminal, standard output on a pipe."""
    assert PSAD_SCRIPT.exists(), f"{PSAD_SCRIPT} is missing: pip install -e . in the virtualenv"
    master, slave = pty.openpty()
    received: dict[int, bytearray] = {}
    try:
        with subprocess.Popen(
            [str(PSAD_SCRIPT), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
            env=env,
        ) as process:
            os.close(slave)  # only the child holds the terminal: its exit ends the reading
            slave = -1
            assert process.stdout is not None
            out = process.stdout.fileno()
            received = {master: bytearray(), out: bytearray()}
            try:
                _read_until_closed(list(received), received, time.monotonic() + TIMEOUT)
            except TimeoutError:
                process.kill()
                raise
            status = process.wait(timeout=TIMEOUT)
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    return Finished(status, received[out].decode(), received[master].decode())


def _read_until_closed(fds: list[int], received: dict[int, bytearray], deadline: float) -> None:
    with selectors.DefaultSelector() as selector:
        for fd in fds:
            selector.register(fd, selectors.EVENT_READ)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"psad import still running after {TIMEOUT} s")
            for key, _ in selector.select(timeout=left):
                try:
                    data = os.read(key.fd, 65536)
                except OSError as error:  # EIO: the terminal's last writer has gone
                    if error.errno != errno.EIO:
                        raise
                    data = b""
                if data:
                    received[key.fd] += data
                else:
                    selector.unregister(key.fd)


def test_a_terminal_gets_a_progress_bar_on_stderr_and_the_summary_stays_on_stdout(
    lille_code: str, environment: dict[str, str], tmp_path: Path, session: Session
) -> None:
    path = long_list(tmp_path)

    done = run_with_terminal_stderr(
        ["import", str(path), "--psad", lille_code, "--label", "Liste annuelle"], environment
    )

    assert done.status == 0, done.stdout + done.stderr
    full, empty = "#" * 30, "." * 30
    assert "Lecture du fichier…" in done.stderr
    assert f"Vérification des lignes [{empty}] 0/{ROWS}" in done.stderr
    assert f"Vérification des lignes [{full}] {ROWS}/{ROWS}" in done.stderr
    assert f"Enregistrement des jeunes [{full}] {ROWS}/{ROWS}" in done.stderr
    assert "jeunes créés" not in done.stderr
    assert re.match(r"Liste importée \(n° \d+\)\.\n", done.stdout), done.stdout
    assert f"  lignes lues : {ROWS}\n" in done.stdout
    assert f"  jeunes créés : {ROWS}\n" in done.stdout
    assert f"  dossiers ouverts : {ROWS}\n" in done.stdout
    assert "  lignes rejetées : 0\n" in done.stdout
    assert "[#" not in done.stdout and "Vérification" not in done.stdout
    assert session.scalar(select(func.count()).select_from(Youth)) == ROWS


def test_with_json_the_terminal_gets_no_progress_and_stdout_one_json_line(
    lille_code: str, environment: dict[str, str], tmp_path: Path, session: Session
) -> None:
    path = long_list(tmp_path)

    done = run_with_terminal_stderr(
        ["import", str(path), "--psad", lille_code, "--label", "Liste annuelle", "--json"],
        environment,
    )

    assert done.status == 0, done.stdout + done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert len(lines) == 1 and done.stdout == lines[0] + "\n", done.stdout
    payload = json.loads(lines[0])
    assert (payload["created"], payload["rejected"], payload["warnings"]) == (ROWS, 0, 0)
    batch = session.scalars(select(ImportBatch)).one()
    assert payload["batch_id"] == batch.id
    assert batch.label == "Liste annuelle" and batch.created == ROWS


def test_without_a_terminal_stderr_gets_no_progress(
    lille_code: str, environment: dict[str, str], tmp_path: Path
) -> None:
    path = long_list(tmp_path)

    done = subprocess.run(
        [str(PSAD_SCRIPT), "import", str(path), "--psad", lille_code, "--label", "Liste annuelle"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=environment,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    assert f"  jeunes créés : {ROWS}\n" in done.stdout
