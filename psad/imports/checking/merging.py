"""Rows of one list that are the same youth, merged; the rows checked in two steps.

A large list is written while it is being checked:
``RowParser.begin`` reads the identity columns of every row first: that is enough to know
which rows are rejected and which rows of the file are the same youth (``merge_plan``).
``CheckedRows.ready`` then reads the other columns and hands the youth out in chunks, in file
order: the import writes one chunk while the next is being checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from psad.imports.checking.problems import Problem, ProblemLevel
from psad.imports.checking.rows import ParsedRow, RowParser
from psad.imports.fields import IDENTITY_FIELDS
from psad.youth import identifiers as ids


def merge_plan(rows: list[ParsedRow]) -> list[int]:
    """For each row, the index of the row it is merged into (its own when it is kept).

    Two accepted rows are the same youth when they share an INE, or an identity key (folded
    names and birth date) without contradicting INEs. A row merged into an earlier one fills
    what that one lacks, which may give it an identity key that later rows match. Rejected
    rows are never merged.
    """
    by_ine: dict[str, int] = {}
    by_key: dict[str, int] = {}
    # identity fields of each row that others joined, as merged so far (made at the first join)
    identity: dict[int, dict[str, Any]] = {}
    target = list(range(len(rows)))
    for index, row in enumerate(rows):
        ine, key = row.ine, row.identity_key
        if row.rejected or not (ine or key):  # without either, no row can be this youth
            continue
        first = by_ine.get(ine) if ine else None
        if first is None and key:
            first = by_key.get(key)
        known: dict[str, Any] | None = None
        if first is not None:
            known = identity.get(first)
            if known is None:
                youth = rows[first].youth
                known = identity[first] = {n: youth[n] for n in IDENTITY_FIELDS if n in youth}
        if first is None or known is None or (ine and known.get("ine") not in (None, ine)):
            if ine:
                by_ine[ine] = index
            if key:
                by_key[key] = index
            continue
        target[index] = first
        for name in IDENTITY_FIELDS:
            if name in row.youth:
                known.setdefault(name, row.youth[name])
        merged_key = ids.identity_key(
            known.get("last_name"), known.get("first_name"), known.get("birth_date")
        )
        if merged_key:
            by_key.setdefault(merged_key, first)
        if ine:
            by_ine.setdefault(ine, first)
    return target


def merge_into(first: ParsedRow, row: ParsedRow) -> None:
    """``row`` is the same youth as ``first``: it fills what ``first`` lacks, with a warning."""
    for name, value in row.youth.items():
        first.youth.setdefault(name, value)
    for name, value in row.guardian.items():
        first.guardian.setdefault(name, value)
    first.refresh_identity()
    first.merged_lines.append(row.line)
    first.problems.append(
        Problem(
            row.line,
            ProblemLevel.WARNING,
            f"Même jeune qu'à la ligne {first.line} : lignes fusionnées",
        )
    )
    first.problems.extend(row.problems)


class CheckedRows:
    """The rows of a list after the first step, finished on demand by ``ready``."""

    def __init__(self, parser: RowParser, rows: list[ParsedRow]) -> None:
        self.parser = parser
        self.rows = rows
        self.target = merge_plan(rows)
        self.members: dict[int, list[int]] = {}
        for index, first in enumerate(self.target):
            if first != index:
                self.members.setdefault(first, []).append(index)
        self.to_write = sum(
            1 for index, row in enumerate(rows) if self.target[index] == index and not row.rejected
        )

    def ready(self, chunk_size: int) -> Iterator[list[ParsedRow]]:
        """Finish every row; yield the accepted youth in chunks, in the order of their first line.

        The rows of a youth listed more than once (about 1 % of a list) are checked and merged
        first; the others as they come. The order matters: when two rows still turn out to
        be one youth known to the database, the first in the file is applied and the other
        reported, as the user reads the file. When the iteration ends, ``kept`` holds the rows
        of the analysis.
        """
        rows, target, members, finish = self.rows, self.target, self.members, self.parser.finish
        for first, others in members.items():
            finish(rows[first])
            for other in others:
                finish(rows[other])
                merge_into(rows[first], rows[other])
        chunk: list[ParsedRow] = []
        for index, row in enumerate(rows):
            if target[index] != index:
                continue  # merged into its first row, above
            if index not in members:
                finish(row)
            if row.rejected:
                continue
            chunk.append(row)
            if len(chunk) >= chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def kept(self) -> tuple[list[ParsedRow], int]:
        """The rows that remain once duplicates are merged, in file order, and how many merged."""
        kept = [row for index, row in enumerate(self.rows) if self.target[index] == index]
        return kept, len(self.rows) - len(kept)
