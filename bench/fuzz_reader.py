"""A long fuzzing run of the list reader (issue 17, « Hostile input »): not a test.

The same hostile files as ``tests/imports/test_reader_fuzz.py`` (``tests/imports/fuzz_cases``),
more of them and random each run, read through ``pipeline.analyse`` by the same worker
(``tests/imports/fuzz_worker``: a process killed past the time limit, its address space
capped). For each format it prints the cases read, how they ended (table, refusal by error
class, findings), the time and the largest growth of the worker's memory; each finding's
file is kept in ``bench/out/fuzz/`` with its detail, to be replayed, and so is the slowest.

    .venv/bin/python bench/fuzz_reader.py [--cases N] [--formats xlsx,xls,ods,csv,random]
        [--time-limit S] [--seed N] [--json]

``--engine atheris`` runs libFuzzer (atheris, where it installs: ``pip install atheris``)
on one format instead, in this process, with the seeds as corpus: coverage-guided
mutations of the bytes, any exception but a refusal is a crash, with libFuzzer's own
``-timeout`` and ``-rss_limit_mb``; extra arguments go to libFuzzer (``-runs=N``,
``-max_total_time=S``).
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

from tests.imports import fuzz_cases  # noqa: E402
from tests.imports.fuzz_worker import FINDINGS, SECRET_MARKER, Outcome, Reader  # noqa: E402

OUT = ROOT / "bench" / "out" / "fuzz"
FORMATS = ("xlsx", "xls", "ods", "csv", "random")


def run_format(fmt: str, *, cases: int, seed: int | None, reader: Reader) -> dict[str, Any]:
    seeds = fuzz_cases.write_seeds(OUT / "seeds")
    secret = OUT / "secret.txt"
    secret.write_text(SECRET_MARKER, encoding="utf-8")
    outcomes: list[Outcome] = []
    findings: list[str] = []
    sizes: list[int] = []
    file_name = fuzz_cases.FILE_NAMES.get(fmt, "liste.xlsx")
    path = OUT / file_name
    slowest_file = OUT / f"{fmt}-plus-lent{path.suffix}"

    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        derandomize=seed is not None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate],  # no shrinking here: every file is kept as it was
    )
    @given(data=fuzz_cases.cases(fmt, seeds, secret))
    def read(data: bytes) -> None:
        path.write_bytes(data)
        outcome = reader.read(path, file_name=file_name)
        if not outcomes or outcome.seconds > max(o.seconds for o in outcomes):
            slowest_file.write_bytes(data)  # kept to see what takes time
        outcomes.append(outcome)
        sizes.append(len(data))
        if outcome.kind in FINDINGS:
            kept = OUT / f"{fmt}-{len(findings) + 1}{path.suffix}"
            kept.write_bytes(data)
            kept.with_suffix(".txt").write_text(f"{outcome.kind}\n{outcome.detail}\n")
            findings.append(f"{kept.name}: {outcome.kind}: {outcome.detail.splitlines()[-1]}")

    started = time.perf_counter()
    read()
    elapsed = time.perf_counter() - started
    kinds = collections.Counter(
        outcome.error_class if outcome.kind == "refused" else outcome.kind for outcome in outcomes
    )
    slowest = max(outcomes, key=lambda outcome: outcome.seconds)
    return {
        "format": fmt,
        "cases": len(outcomes),
        "seconds": round(elapsed, 1),
        "endings": dict(kinds.most_common()),
        "findings": findings,
        "slowest_s": round(slowest.seconds, 2),
        "peak_mb": round(max(outcome.peak_mb for outcome in outcomes), 1),
        "largest_file_kb": round(max(sizes) / 1024, 1),
    }


def run_atheris(fmt: str, libfuzzer_args: list[str], time_limit: float) -> None:
    import atheris

    with atheris.instrument_imports():
        from datetime import date

        from psad.config import Settings, WebSettings
        from psad.imports import pipeline
        from psad.imports.checking import analyse_file
        from psad.imports.profiles import MappingError, NoHeaderError
        from psad.imports.reader import UnreadableFileError

    corpus = OUT / f"atheris-{fmt}"
    corpus.mkdir(parents=True, exist_ok=True)
    for number, data in enumerate(fuzz_cases.write_seeds(OUT / "seeds").get(fmt, [b""])):
        (corpus / f"seed-{number}").write_bytes(data)
    settings_ = Settings(web=WebSettings(secret_key="fuzz-" + "0" * 32))
    profiles = pipeline.psad_profiles(settings_)  # as the worker: loaded once
    limits = pipeline.read_limits(settings_)
    file_name = fuzz_cases.FILE_NAMES.get(fmt, "liste.xlsx")
    path = OUT / f"atheris-{file_name}"

    def one_input(data: bytes) -> None:
        path.write_bytes(data)
        try:
            analyse_file(
                path,
                file_name=file_name,
                profiles=profiles,
                limits=limits,
                today=date(2026, 3, 16),
                min_age=settings_.data.min_age,
                max_age=settings_.data.max_age,
            )
        except (UnreadableFileError, NoHeaderError, MappingError) as error:
            assert f"« {file_name} »" in str(error), str(error)

    arguments = [
        sys.argv[0],
        str(corpus),
        f"-timeout={int(time_limit)}",
        "-rss_limit_mb=2048",
        f"-artifact_prefix={OUT}/atheris-{fmt}-",
        *libfuzzer_args,
    ]
    atheris.Setup(arguments, one_input)
    atheris.Fuzz()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000, help="files per format")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=None, help="the same files as the tests")
    parser.add_argument("--engine", choices=("hypothesis", "atheris"), default="hypothesis")
    parser.add_argument("--json", action="store_true")
    options, rest = parser.parse_known_args()
    OUT.mkdir(parents=True, exist_ok=True)
    formats = options.formats.split(",")
    if options.engine == "atheris":
        run_atheris(formats[0], rest, options.time_limit)
        return
    results = []
    started = time.perf_counter()
    with Reader(time_limit=options.time_limit) as reader:
        for fmt in formats:
            result = run_format(fmt, cases=options.cases, seed=options.seed, reader=reader)
            results.append(result)
            print(
                f"{fmt:7} {result['cases']:6} cas  {result['seconds']:7.1f} s  "
                f"pic {result['peak_mb']:6.1f} Mo  plus lent {result['slowest_s']:5.2f} s  "
                f"{len(result['findings'])} problème(s)  {result['endings']}",
                file=sys.stderr,
                flush=True,
            )
            for finding in result["findings"]:
                print(f"        {finding}", file=sys.stderr)
    total = time.perf_counter() - started
    print(f"total   {sum(r['cases'] for r in results):6} cas  {total:7.1f} s", file=sys.stderr)
    if options.json:
        print(json.dumps({"results": results, "seconds": round(total, 1)}, indent=2))


if __name__ == "__main__":
    main()
