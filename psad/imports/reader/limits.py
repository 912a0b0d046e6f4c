"""What the reader accepts, and the checks that refuse a file or a sheet past it."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from psad.imports.reader.errors import SheetTooLargeError, TooManyColumnsError, TooManyRowsError
from psad.imports.reader.table import Row

RowT = TypeVar("RowT")

MEBIBYTE = 1024 * 1024
MIN_REPEATED_BYTES = 16 * MEBIBYTE


@dataclass(frozen=True)
class ReadLimits:
    """What the reader accepts; callers take the values from the settings."""

    max_bytes: int = 20 * MEBIBYTE
    max_uncompressed_bytes: int = 200 * MEBIBYTE
    max_ratio: int = 100
    max_rows: int = 500_000
    max_cells: int = 20_000_000  # lines x columns of a sheet's grid (calamine allocates it)
    # A SIEI list has 25 to 60 columns; 256 is also all an .xls sheet holds. The preview
    # offers a choice of field for each column, so its size grows with this limit.
    max_columns: int = 256
    # A sheet's grid (from A1 to its last value, repeats expanded) is built whole, at about
    # 40 bytes a cell, before a single row can be checked. Past ``min_grid_cells`` it must be
    # paid for by the sheet's own content, ``grid_cells_per_byte`` cells for each byte of it:
    # a real list spends 10 to 30 bytes on a filled cell, whereas a value left far from a small
    # table, or a count that repeats a cell a million times, costs a few bytes.
    min_grid_cells: int = 1_000_000
    grid_cells_per_byte: int = 4
    # Repeated filled cells (ods) copy their text: the sheet written out may be this many
    # times its content (a real list repeats little: two equal neighbouring cells).
    max_repeat_growth: int = 4

    def counted(self, rows: Iterable[RowT], *, file_name: str) -> Iterator[RowT]:
        """``rows`` as they come, refused as soon as there are more than ``max_rows``."""
        for count, row in enumerate(rows, 1):
            self.check_rows(count, file_name=file_name)
            yield row

    def check_extent(self, rows: int, columns: int, *, file_name: str) -> None:
        """Refuse a sheet that spreads over more lines, or more cells, than the limits allow."""
        self.check_rows(rows, file_name=file_name)
        if rows * columns > self.max_cells:
            raise _too_large(rows, columns, file_name=file_name)

    def grid_fits(self, rows: int, columns: int, *, content_bytes: int) -> bool:
        """Whether a grid of ``rows`` x ``columns`` is paid for by ``content_bytes``."""
        allowed = max(self.min_grid_cells, self.grid_cells_per_byte * content_bytes)
        return rows * columns <= allowed

    def check_grid(self, rows: int, columns: int, *, content_bytes: int, file_name: str) -> None:
        """``check_extent``, and refuse a grid that its content (in bytes) does not pay for."""
        self.check_extent(rows, columns, file_name=file_name)
        if not self.grid_fits(rows, columns, content_bytes=content_bytes):
            raise _too_large(rows, columns, file_name=file_name)

    def check_rows(self, count: int, *, file_name: str) -> None:
        if count > self.max_rows:
            raise TooManyRowsError(
                f"Le fichier « {file_name} » compte plus de {thousands(self.max_rows)} lignes, "
                "la limite acceptée : découpez la liste en plusieurs fichiers puis réessayez."
            )

    def check_columns(self, count: int, *, file_name: str) -> None:
        if count > self.max_columns:
            raise TooManyColumnsError(
                f"Le fichier « {file_name} » compte {thousands(count)} colonnes, au-delà de la "
                f"limite de {thousands(self.max_columns)} : gardez les colonnes utiles (une "
                "valeur oubliée loin à droite du tableau ?) ou copiez le tableau seul dans un "
                "nouveau classeur, puis réessayez."
            )

    def check_width(self, rows: list[Row], *, file_name: str) -> None:
        """Refuse a table whose widest row (trailing empty cells trimmed) passes the limit.

        One pass over the rows once they are built, none over their cells.
        """
        widest = max((len(cells) for _, cells in rows), default=0)
        self.check_columns(widest, file_name=file_name)

    def check_repeats(self, expanded_bytes: int, *, content_bytes: int, file_name: str) -> None:
        """Refuse a sheet whose filled cells, once their repeat counts (ods) are applied, make
        more than ``max_repeat_growth`` times its content (and ``MIN_REPEATED_BYTES``): a
        long text repeated a million times."""
        if expanded_bytes > max(MIN_REPEATED_BYTES, self.max_repeat_growth * content_bytes):
            raise SheetTooLargeError(
                f"Une feuille de « {file_name} » répète ses cellules remplies un très grand "
                "nombre de fois, bien au-delà d'une vraie liste : copiez le tableau seul dans "
                "un nouveau classeur, puis réessayez."
            )


DEFAULT_LIMITS = ReadLimits()


def _too_large(rows: int, columns: int, *, file_name: str) -> SheetTooLargeError:
    return SheetTooLargeError(
        f"Une feuille de « {file_name} » s'étend sur {thousands(rows)} lignes et "
        f"{thousands(columns)} colonnes, bien au-delà d'une vraie liste (une valeur "
        "oubliée loin du tableau ?) : supprimez les lignes et colonnes inutilisées ou "
        "copiez le tableau seul dans un nouveau classeur, puis réessayez."
    )


def megabytes(size: int, *, round_up: bool = False) -> str:
    """Size in Mo with one decimal; round up to show that a file just past a limit is."""
    tenths = math.ceil(size * 10 / MEBIBYTE) if round_up else round(size * 10 / MEBIBYTE)
    whole, tenth = divmod(tenths, 10)
    return f"{whole},{tenth}" if tenth else str(whole)


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\N{NO-BREAK SPACE}")
