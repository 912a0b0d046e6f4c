"""Read untrusted files one at a time in a separate process, under a time and memory bound.

The list reader is fuzzed through the entry point the imports use: ``pipeline.analyse`` (the
command line, the upload page and the drop folder all go through it), which reads, maps and
checks the file with the settings' limits and profiles (``checking.analyse_file``, called here
as it calls it, the profiles loaded once). A file that makes the reader hang, abort
(calamine's Rust code aborts the whole process when an allocation fails) or swell must not
take the test run down with it, so each file is read by a worker process:

- the worker reports how the reading ended, its time and how far its resident memory grew
  above what it held before (the kernel's peak, ``VmHWM``, reset before each file; the
  memory freed is handed back to the system after each file, ``malloc_trim``), and a
  growth past ``memory_bound_mb`` counts as a blow-up;
- past ``time_limit`` seconds the worker is killed, and the file counts as a hang;
- the worker's address space is capped (``RLIMIT_AS``) at ``memory_cap_mb`` above its size
  at start, so that a blow-up ends the worker, never the machine;
- a worker that died is replaced before the next file.

Used by ``tests/imports/test_reader_fuzz.py`` and ``bench/fuzz_reader.py``.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import resource
import time
import traceback
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

MEBIBYTE = 1024 * 1024
# A string no real list holds: a file that makes the reader pull an external entity (XXE)
# holding it would show it in a cell.
SECRET_MARKER = "SECRET-6d1f0c-NE-DOIT-JAMAIS-ETRE-LU"

# How a reading ended.
TABLE = "table"  # the reader returned a table (whether a header was recognised or not)
REFUSED = "refused"  # UnreadableFileError, with its message
ERROR = "error"  # any other exception: a finding
CRASH = "crash"  # the worker died (a Rust abort, a segfault): a finding
HANG = "hang"  # past the time limit: a finding
LEAK = "leak"  # a cell holds the secret of an external entity: a finding
MEMORY = "memory"  # the worker's memory grew past the bound: a finding
FINDINGS = (ERROR, CRASH, HANG, LEAK, MEMORY)
TODAY = date(2026, 3, 16)


@dataclass(frozen=True)
class Outcome:
    kind: str
    detail: str  # the error's class and message, or the traceback
    seconds: float
    peak_mb: float  # growth of the worker's resident memory while it read the file

    @property
    def error_class(self) -> str:
        return self.detail.split(":", 1)[0]


class Reader:
    """A worker process reading files through ``pipeline.analyse``, replaced when it dies."""

    def __init__(
        self, *, time_limit: float = 5.0, memory_bound_mb: int = 200, memory_cap_mb: int = 2048
    ) -> None:
        self.time_limit = time_limit
        self.memory_bound_mb = memory_bound_mb
        self.memory_cap_mb = memory_cap_mb
        # Workers fork from a server that imported the app once: a new one starts at once.
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["psad.imports.pipeline", __name__])
        self._process: Any = None
        self._connection: Connection | None = None

    def read(self, path: Path, *, file_name: str) -> Outcome:
        connection = self._ready()
        connection.send((str(path), file_name))
        started = time.perf_counter()
        if not connection.poll(self.time_limit + 1.0):
            self.close()
            return Outcome(HANG, f"plus de {self.time_limit:g} s", self.time_limit, 0.0)
        try:
            kind, detail, seconds, peak = connection.recv()
        except (EOFError, OSError):
            code = self._exit_code()
            self.close()
            return Outcome(CRASH, f"worker exit code {code}", time.perf_counter() - started, 0)
        if seconds > self.time_limit:
            kind, detail = HANG, f"{seconds:.1f} s ({kind}: {detail})"
        elif peak > self.memory_bound_mb * MEBIBYTE:
            kind, detail = MEMORY, f"{peak / MEBIBYTE:.0f} Mo ({kind}: {detail})"
        return Outcome(kind, detail, seconds, peak / MEBIBYTE)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join()
            self._process = None

    def _ready(self) -> Connection:
        if self._connection is None:
            parent, child = self._context.Pipe()
            self._process = self._context.Process(
                target=_serve, args=(child, self.memory_cap_mb), daemon=True
            )
            self._process.start()
            child.close()
            if not parent.poll(60):
                raise RuntimeError("the fuzzing worker did not start")
            parent.recv()  # "ready"
            self._connection = parent
        return self._connection

    def _exit_code(self) -> int | None:
        if self._process is None:
            return None
        self._process.join(5)
        code: int | None = self._process.exitcode
        return code

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _serve(connection: Connection, memory_cap_mb: int) -> None:
    """The worker: read each file it is sent, answer how it ended."""
    from psad.config import Settings, WebSettings
    from psad.imports import pipeline
    from psad.imports.checking import analyse_file
    from psad.imports.profiles import MappingError, NoHeaderError
    from psad.imports.reader import UnreadableFileError

    settings = Settings(web=WebSettings(secret_key="fuzz-" + "0" * 32))
    # What ``pipeline.analyse`` does without a PSAD, its profiles loaded once rather than for
    # each file (parsing them takes 50 ms, more than reading most of these files).
    profiles = pipeline.psad_profiles(settings)
    limits = pipeline.read_limits(settings)
    trim = ctypes.CDLL("libc.so.6").malloc_trim
    with open(os.devnull, "w") as devnull:  # calamine's backtraces, when it aborts
        os.dup2(devnull.fileno(), 2)
    size = _status_kb("VmSize") * 1024
    resource.setrlimit(
        resource.RLIMIT_AS, (size + memory_cap_mb * MEBIBYTE, resource.RLIM_INFINITY)
    )
    connection.send("ready")
    while True:
        try:
            path, file_name = connection.recv()
        except EOFError:
            return
        _reset_peak()
        before = _status_kb("VmRSS")
        started = time.perf_counter()
        analysis = None
        try:
            analysis = analyse_file(
                Path(path),
                file_name=file_name,
                profiles=profiles,
                limits=limits,
                today=TODAY,
                min_age=settings.data.min_age,
                max_age=settings.data.max_age,
            )
            cells = [cell for row in analysis.rows[:1000] for cell in row.cells]
            cells += analysis.header.headers
            leaked = any(SECRET_MARKER in str(cell) for cell in cells)
            kind, detail = (LEAK, "entité externe lue") if leaked else (TABLE, "")
        except (NoHeaderError, MappingError) as error:  # a table was read; no list in it
            kind, detail = TABLE, f"{type(error).__name__}: {error}"
        except UnreadableFileError as error:
            kind, detail = REFUSED, f"{type(error).__name__}: {error}"
        except BaseException as error:  # every other ending is a finding
            if isinstance(error, KeyboardInterrupt):
                raise
            kind, detail = ERROR, "".join(traceback.format_exception(error))
            detail = f"{type(error).__name__}: {detail}"
        seconds = time.perf_counter() - started
        peak = max(0, _status_kb("VmHWM") - before) * 1024
        del analysis
        trim()
        connection.send((kind, detail, seconds, peak))


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    """Reset the kernel's peak resident size of this process (Linux ``clear_refs``)."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
