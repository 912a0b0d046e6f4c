"""Importing a list of jeunes repérés: read, recognise, check, then apply in one transaction.

``analyse_file`` reads and checks the file without touching the database;
``apply_import`` writes what the analysis found, under a per-PSAD lock, and never commits:
the entry point (web page, command line, drop folder job) commits once, or rolls back for a
dry run.
"""

from __future__ import annotations

from datetime import date

from psad.imports.services.analysis import (
    MAX_PROBLEMS_SHOWN,
    PHONE_FIELDS,
    PREVIEW_ROWS,
    Analysis,
    MappingError,
    Progress,
    _no_progress,
    analyse_file,
    file_hash,
)
from psad.imports.services.apply import (
    CHUNK,
    AlreadyImportedError,
    ConcurrentImportError,
    ImportRequest,
    ImportResult,
    apply_import,
    lock_psad_imports,
)
from psad.imports.services.batches import batch_youth, count_batches, listed_rows, previous_batch
from psad.imports.services.tables import (
    CASE_COLUMNS,
    CASES,
    COMPARED,
    GUARDIAN_COLUMNS,
    GUARDIANS,
    LISTING_COLUMNS,
    LISTINGS,
    YOUTH_EXTRA_COLUMNS,
    YOUTHS,
    allocate_ids,
)

__all__ = [
    "CASES",
    "CASE_COLUMNS",
    "CHUNK",
    "COMPARED",
    "GUARDIANS",
    "GUARDIAN_COLUMNS",
    "LISTINGS",
    "LISTING_COLUMNS",
    "MAX_PROBLEMS_SHOWN",
    "PHONE_FIELDS",
    "PREVIEW_ROWS",
    "YOUTHS",
    "YOUTH_EXTRA_COLUMNS",
    "AlreadyImportedError",
    "Analysis",
    "ConcurrentImportError",
    "ImportRequest",
    "ImportResult",
    "MappingError",
    "Progress",
    "_no_progress",
    "allocate_ids",
    "analyse_file",
    "apply_import",
    "batch_youth",
    "count_batches",
    "date",  # callers annotate with ``services.date``
    "file_hash",
    "listed_rows",
    "lock_psad_imports",
    "previous_batch",
]
