"""The rejected rows of a list, as a workbook ready to be fixed and imported again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psad.imports.models import ImportBatch
from psad.xlsx import table_workbook

REASON_HEADER = "Motif du rejet"
LINE_HEADER = "Ligne d'origine"


def rejected_rows_workbook(batch: ImportBatch) -> bytes:
    """The original columns, then the reason and the original line number."""
    report = batch.report
    headers: list[str] = [str(h) for h in report.get("headers", [])]
    rows: list[list[Any]] = []
    for entry in report.get("rejected_rows", []):
        cells = [_restore(value) for value in entry.get("cells", [])]
        cells += [None] * (len(headers) - len(cells))
        rows.append([*cells[: len(headers)], entry.get("reason", ""), entry.get("line")])
    return table_workbook("Lignes rejetées", [*headers, REASON_HEADER, LINE_HEADER], rows)


def _restore(value: Any) -> Any:
    """Dates were kept as ISO text in the report; give them back as dates."""
    if isinstance(value, str) and len(value) in (10, 19) and value[4:5] == "-":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        return parsed.date() if len(value) == 10 else parsed
    return value
