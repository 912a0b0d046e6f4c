"""Step 5 of an import: the checked rows written in bulk (``writer``), below the ORM
(``bulk``: COPY on PostgreSQL, executemany on SQLite, ids allocated beforehand)."""

from psad.imports.writing.writer import ChunkWriter

__all__ = ["ChunkWriter"]
