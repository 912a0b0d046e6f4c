"""The list reader fuzzed (issue 17, « Hostile input »): random and damaged xlsx, xls, ods and
csv files, read through the imports' entry point (``pipeline.analyse``) in a worker process.

Whatever the file, reading it returns a table or refuses it with an ``UnreadableFileError``
whose French message names the file; it never fails otherwise, never runs past
``TIME_LIMIT`` seconds and never grows the worker's memory by ``MEMORY_BOUND_MB``.

The default run reads ``PSAD_FUZZ_EXAMPLES`` (200) files per format, the same ones each time
(``derandomize``); ``bench/fuzz_reader.py`` makes the longer, random runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.imports import fuzz_cases
from tests.imports.fuzz_worker import FINDINGS, REFUSED, SECRET_MARKER, TABLE, Outcome, Reader

EXAMPLES = int(os.environ.get("PSAD_FUZZ_EXAMPLES", "200"))
TIME_LIMIT = 5.0  # seconds a file may take; the worker is killed past it
MEMORY_BOUND_MB = 200  # growth of the worker's resident memory while it reads one file
FORMATS = ("xlsx", "xls", "ods", "csv", "random")


@dataclass(frozen=True)
class Corpus:
    directory: Path
    seeds: dict[str, list[bytes]]
    secret: Path  # what an external entity points to

    def write(self, fmt: str, data: bytes) -> tuple[Path, str]:
        file_name = fuzz_cases.FILE_NAMES.get(fmt, "liste.xlsx")
        path = self.directory / file_name
        path.write_bytes(data)
        return path, file_name


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    directory = tmp_path_factory.mktemp("fuzz")
    secret = directory / "secret.txt"
    secret.write_text(SECRET_MARKER, encoding="utf-8")
    return Corpus(directory, fuzz_cases.write_seeds(directory / "seeds"), secret)


@pytest.fixture(scope="module")
def reader() -> Iterator[Reader]:
    with Reader(time_limit=TIME_LIMIT, memory_bound_mb=MEMORY_BOUND_MB) as worker:
        yield worker


def assert_table_or_clear_refusal(outcome: Outcome, file_name: str) -> None:
    assert outcome.kind not in FINDINGS, f"{outcome.kind}: {outcome.detail}"
    assert outcome.kind in (TABLE, REFUSED)
    assert outcome.peak_mb < MEMORY_BOUND_MB, f"{outcome.peak_mb:.0f} Mo ({outcome.detail})"
    if outcome.kind == REFUSED:
        assert f"« {file_name} »" in outcome.detail


@pytest.mark.parametrize("fmt", FORMATS)
def test_any_file_is_read_or_refused_clearly_within_bounds(
    fmt: str, corpus: Corpus, reader: Reader
) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=timedelta(seconds=3 * TIME_LIMIT),
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=fuzz_cases.cases(fmt, corpus.seeds, corpus.secret))
    def read(data: bytes) -> None:
        path, file_name = corpus.write(fmt, data)
        assert_table_or_clear_refusal(reader.read(path, file_name=file_name), file_name)

    read()


# --- the hostile files the fuzzing found, and odd real ones --------------------------------

# How each ends: the refusal's class, or a table. Before the grid checks of
# ``reader/extents.py`` (in a worker capped at 2 GiB), calamine aborted the process on
# XFD1048576 and on the three ods repeats, ran past 5 s (and 779 Mo) on the four CV200000
# and on IV65536, took 278 Mo for the cells without reference; zipfile raised a RuntimeError
# on the encrypted ods part; the encrypted xlsx part and xls were read as if they were not.
HOSTILE = {
    "xlsx-valeur-en-XFD1048576": "TooManyRowsError",
    "xlsx-valeur-en-CV200000": "SheetTooLargeError",
    "xlsx-valeur-en-CV200000-ecrite-autrement": "SheetTooLargeError",
    "xlsx-valeur-en-CV200000-prefixee": "SheetTooLargeError",
    "xlsx-feuille-ailleurs-valeur-en-CV200000": "SheetTooLargeError",
    "xlsx-cellules-sans-reference": "SheetTooLargeError",
    "ods-cellule-repetee-200x100000": "SheetTooLargeError",
    "ods-texte-long-repete": "SheetTooLargeError",
    "ods-valeur-apres-290000-lignes-vides": "SheetTooLargeError",
    "xls-valeur-en-IV65536": "SheetTooLargeError",
    "ods-partie-chiffree": "PasswordProtectedError",
    "xlsx-partie-chiffree": "PasswordProtectedError",
    "xls-chiffre": "PasswordProtectedError",
    "xlsx-bombe-zip": "ZipBombError",
    "xlsx-bombe-zip-taille-masquee": "CorruptFileError",
    "xlsx-entites-en-cascade": "CorruptFileError",
    "xlsx-entite-externe": "CorruptFileError",
    "xlsx-entite-externe-openpyxl": "CorruptFileError",
    "ods-entite-externe": "CorruptFileError",
    "xlsx-imbrication-profonde": TABLE,
    "ods-comme-libreoffice": TABLE,
    "xlsx-cellule-vide-mise-en-forme-loin": TABLE,
}


def test_every_hostile_file_has_its_expected_ending(corpus: Corpus) -> None:
    assert set(fuzz_cases.hostile_files(corpus.seeds, corpus.secret)) == set(HOSTILE)


@pytest.mark.parametrize(("name", "ending"), HOSTILE.items(), ids=HOSTILE.keys())
def test_hostile_file_is_refused_clearly_within_bounds(
    name: str, ending: str, corpus: Corpus, reader: Reader
) -> None:
    fmt, write = fuzz_cases.hostile_files(corpus.seeds, corpus.secret)[name]
    path, file_name = corpus.write(fmt, write())

    outcome = reader.read(path, file_name=file_name)

    assert_table_or_clear_refusal(outcome, file_name)
    assert (outcome.kind if ending == TABLE else outcome.error_class) == ending, outcome.detail
    assert outcome.seconds < 2  # refused before the sheet is built


def test_seeds_are_read(corpus: Corpus, reader: Reader) -> None:
    for fmt, seeds in corpus.seeds.items():
        for data in seeds:
            path, file_name = corpus.write(fmt, data)
            outcome = reader.read(path, file_name=file_name)
            assert outcome.kind == TABLE, outcome.detail
            assert outcome.peak_mb < MEMORY_BOUND_MB
