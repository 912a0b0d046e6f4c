"""URL pieces shared by the blueprints: record ids and page numbers kept in the database's range.

An id or a page number beyond what the database can compare (``/jeunes/99999999999999999999``)
must answer 404 or the last page, never a 500 from the driver.
"""

from __future__ import annotations

from flask import request

from psad.db import MAX_RECORD_ID

# Route converter for a record id: ``f"/jeunes/<{RECORD_ID}:youth_id>"``; others answer 404.
RECORD_ID = f"int(min=1, max={MAX_RECORD_ID})"
MAX_PAGE = 100_000


def requested_page() -> int:
    """The ``page`` query argument, 1 when missing or unreadable, clamped to a sane range."""
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)
