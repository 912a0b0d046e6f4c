"""A list read, mapped and checked, without touching the database: ``analyse_file``.

The file is read (``reader``), its header recognised (``profiles``) and every row checked;
two rows for the same youth are merged. The resulting ``Analysis`` is what the preview
shows and what the import applies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from psad.imports.checking.merging import CheckedRows
from psad.imports.checking.problems import Problem, ProblemLevel
from psad.imports.checking.rows import ParsedRow, RowParser
from psad.imports.collector import collector_paused
from psad.imports.fields import GUARDIAN_FIELDS, PHONE_FIELDS
from psad.imports.profiles import HeaderMatch, MappingError, Profile, check_mapping, find_header
from psad.imports.reader import RawTable, ReadLimits, read_table
from psad.youth.identifiers import format_phone

Progress = Callable[[str, int, int], None]
PREVIEW_ROWS = 10
CHUNK = 10000  # rows checked, then written, at a time
MAX_PROBLEMS_SHOWN = 1000


def no_progress(phase: str, done: int, total: int) -> None:
    """A ``Progress`` that reports to nobody."""
    return None


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Analysis:
    """What a file holds, as the preview shows it and as ``apply_import`` writes it.

    The rows are checked in two steps (``checking``): the identity columns when the file is
    analysed, the other columns when the rows are first needed, or while they are written
    (``ready``), so that a large list is written while it is being checked.
    """

    file_name: str
    file_hash: str
    file_size: int
    table: RawTable
    header: HeaderMatch
    mapping: dict[str, int]
    rows_read: int
    checking: CheckedRows | None = field(default=None, repr=False)
    _rows: list[ParsedRow] = field(default_factory=list, repr=False)
    _merged: int = 0
    interrupted: bool = False
    # Set once applied: written rows drop their values, so an analysis is applied only once.
    applied: bool = False

    @property
    def rows(self) -> list[ParsedRow]:
        self._finish()
        return self._rows

    @property
    def merged(self) -> int:
        self._finish()
        return self._merged

    @property
    def to_write(self) -> int:
        """How many youth the accepted rows are, duplicates merged (known before checking)."""
        if self.checking is not None:
            return self.checking.to_write
        return len(self.accepted)

    def known_youth_ids(self) -> set[int]:
        """The youth that rows listed identically before were listed for."""
        rows = self.checking.rows if self.checking is not None else self._rows
        return {row.known_youth_id for row in rows if row.known_youth_id is not None}

    def ready(self, chunk_size: int) -> Iterator[list[ParsedRow]]:
        """The accepted rows in chunks, each checked in full just before it is handed out.

        Checking is done once: an iteration stopped half-way (a failed import) leaves the
        analysis unusable, and the file must be analysed again.
        """
        if self.interrupted:
            raise RuntimeError("analysis interrupted half-way: analyse the file again")
        if self.checking is None:
            accepted = self.accepted
            for start in range(0, len(accepted), chunk_size):
                yield accepted[start : start + chunk_size]
            return
        self.interrupted = True
        yield from self.checking.ready(chunk_size)
        self._rows, self._merged = self.checking.kept()
        self.checking = None
        self.interrupted = False

    def _finish(self) -> None:
        if self.checking is not None:
            for _ in self.ready(CHUNK):
                pass

    @property
    def problems(self) -> list[Problem]:
        return [p for row in self.rows for p in row.problems]

    @property
    def accepted(self) -> list[ParsedRow]:
        return [row for row in self.rows if not row.rejected]

    @property
    def rejected_rows(self) -> list[ParsedRow]:
        return [row for row in self.rows if row.rejected]

    def preview(self) -> dict[str, Any]:
        """What the preview page shows, JSON-ready."""
        problems = sorted(self.problems, key=lambda p: p.line)
        first = [
            {"line": row.line, "values": {name: _shown(row, name) for name in self.mapping}}
            for row in self.rows[:PREVIEW_ROWS]
        ]
        return {
            "file_name": self.file_name,
            "sheet_name": self.table.sheet_name,
            "header_line": self.header.line,
            "profile": self.header.profile,
            "profile_label": self.header.profile_label,
            "headers": self.header.headers,
            "mapping": self.mapping,
            "rows_read": self.rows_read,
            "accepted": len(self.accepted),
            "rejected": len(self.rejected_rows),
            "merged": self.merged,
            "errors": sum(1 for p in problems if p.level is not ProblemLevel.WARNING),
            "warnings": sum(1 for p in problems if p.level is ProblemLevel.WARNING),
            "first_rows": first,
            "problems": [p.as_dict() for p in problems[:MAX_PROBLEMS_SHOWN]],
            "problems_total": len(problems),
        }


def _shown(row: ParsedRow, name: str) -> str:
    value = (
        row.guardian.get(GUARDIAN_FIELDS[name]) if name in GUARDIAN_FIELDS else row.youth.get(name)
    )
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if name in PHONE_FIELDS:
        return format_phone(value)
    return str(getattr(value, "label", value))


def analyse_file(
    path: Path,
    *,
    file_name: str,
    profiles: list[Profile],
    limits: ReadLimits,
    today: date,
    min_age: int,
    max_age: int,
    profile_name: str | None = None,
    mapping: dict[str, int] | None = None,
    progress: Progress = no_progress,
    listed: Callable[[], dict[str, int]] | None = None,
    header_line: int | None = None,
) -> Analysis:
    """Read the file, find its header and parse every row; raises on an unreadable file.

    ``listed`` gives the fingerprint of the latest listing of each youth of the PSAD: a row
    with one of them is not checked again. Without it no database is needed.
    """
    with collector_paused():  # millions of small objects, no cycles among them
        return _analyse(
            path,
            file_name=file_name,
            profiles=profiles,
            limits=limits,
            parser_options={"today": today, "min_age": min_age, "max_age": max_age},
            profile_name=profile_name,
            mapping=mapping,
            progress=progress,
            listed=listed,
            header_line=header_line,
        )


def _analyse(
    path: Path,
    *,
    file_name: str,
    profiles: list[Profile],
    limits: ReadLimits,
    parser_options: dict[str, Any],
    profile_name: str | None,
    mapping: dict[str, int] | None,
    progress: Progress,
    listed: Callable[[], dict[str, int]] | None,
    header_line: int | None,
) -> Analysis:
    progress("Lecture du fichier", 0, 0)
    size = path.stat().st_size
    digest = file_hash(path)
    table = read_table(path, file_name=file_name, limits=limits)
    if profile_name:
        profiles = [p for p in profiles if p.name == profile_name]
        if not profiles:
            raise MappingError(f"Profil d'import « {profile_name} » inconnu.")
    header = find_header(table.rows, profiles, file_name=file_name, line_only=header_line)
    if mapping is not None:
        check_mapping(mapping, header)
    else:
        mapping = dict(header.mapping)
    parser = RowParser(mapping, header.headers, **parser_options)
    body = [(line, cells) for line, cells in table.rows if line > header.line]
    table = RawTable(
        file_name=table.file_name, format=table.format, sheet_name=table.sheet_name, rows=[]
    )  # the rows live on in ``body`` only
    total = len(body)
    step = max(1, min(5000, total // 50))
    known = listed() if listed else {}
    begun: list[ParsedRow] = []
    for index in range(total):
        line, cells = body[index]
        body[index] = _READ  # a row listed identically before keeps its fingerprint only
        fingerprint = parser.fingerprint(cells)
        begun.append(parser.begin(line, cells, known.get(fingerprint), fingerprint))
        if index % step == 0:
            progress("Vérification des lignes", index, total)
    del body
    progress("Vérification des lignes", total, total)
    return Analysis(
        file_name=file_name,
        file_hash=digest,
        file_size=size,
        table=table,
        header=header,
        mapping=mapping,
        rows_read=total,
        checking=CheckedRows(parser, begun),
    )


_READ: tuple[int, list[Any]] = (0, [])
