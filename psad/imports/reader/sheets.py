"""Spreadsheets through calamine, xlsx through openpyxl as a fallback."""

from __future__ import annotations

import warnings
from pathlib import Path

import python_calamine

from psad.imports.collector import collector_paused
from psad.imports.reader.errors import (
    CorruptFileError,
    EmptyFileError,
    PasswordProtectedError,
    SheetNotFoundError,
    UnreadableFileError,
)
from psad.imports.reader.limits import ReadLimits
from psad.imports.reader.table import RawTable, consumed, filled_rows


def read_with_calamine(
    path: Path, *, file_name: str, fmt: str, limits: ReadLimits, sheet_name: str | None
) -> RawTable:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(path)
        with workbook:
            visible = python_calamine.SheetVisibleEnum.Visible
            worksheet = python_calamine.SheetTypeEnum.WorkSheet
            order = [
                (index, meta.name)
                for index, meta in enumerate(workbook.sheets_metadata)
                if meta.typ == worksheet
            ]
            hidden = {meta.name for meta in workbook.sheets_metadata if meta.visible != visible}
            order.sort(key=lambda entry: entry[1] in hidden)
            if sheet_name is not None:
                order = _only_sheet(order, sheet_name, file_name=file_name)
            for index, name in order:
                sheet = workbook.get_sheet_by_index(index)
                end = sheet.end
                if end is None:
                    continue
                # The extent of the cells holding a value (formatted empty cells do not count).
                limits.check_rows(end[0] + 1, file_name=file_name)
                limits.check_columns(end[1] + 1, file_name=file_name)
                with collector_paused():
                    cells = sheet.to_python(skip_empty_area=False)
                    del sheet  # frees calamine's copy of the sheet before ours is built
                    rows = filled_rows(consumed(cells))
                if rows:
                    return RawTable(file_name=file_name, format=fmt, sheet_name=name, rows=rows)
    except UnreadableFileError:
        raise
    except python_calamine.PasswordError as exc:
        raise PasswordProtectedError.for_file(file_name) from exc
    except BaseException as exc:
        # A damaged file can make calamine's Rust code panic, which surfaces as a
        # BaseException subclass; anything else that is not an Exception is re-raised.
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raise CorruptFileError.for_file(file_name) from exc
    raise EmptyFileError.for_file(file_name)


def read_with_openpyxl(
    path: Path, *, file_name: str, limits: ReadLimits, sheet_name: str | None
) -> RawTable:
    import openpyxl  # imported here: only needed for the rare files calamine cannot read

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                order = [(index, ws.title) for index, ws in enumerate(workbook.worksheets)]
                order.sort(key=lambda entry: workbook.worksheets[entry[0]].sheet_state != "visible")
                if sheet_name is not None:
                    order = _only_sheet(order, sheet_name, file_name=file_name)
                for index, name in order:
                    sheet = workbook.worksheets[index]
                    sheet.reset_dimensions()  # the declared dimension may be wrong: ignore it
                    values = limits.counted(sheet.iter_rows(values_only=True), file_name=file_name)
                    with collector_paused():
                        rows = filled_rows(values)
                    limits.check_width(rows, file_name=file_name)
                    if rows:
                        return RawTable(
                            file_name=file_name, format="xlsx", sheet_name=name, rows=rows
                        )
            finally:
                workbook.close()
    except UnreadableFileError:
        raise
    except Exception as exc:
        raise CorruptFileError.for_file(file_name) from exc
    raise EmptyFileError.for_file(file_name)


def _only_sheet(
    order: list[tuple[int, str]], sheet_name: str, *, file_name: str
) -> list[tuple[int, str]]:
    chosen = [entry for entry in order if entry[1] == sheet_name]
    if not chosen:
        present = ", ".join(f"« {name} »" for _, name in order) or "aucune"
        raise SheetNotFoundError(
            f"La feuille « {sheet_name} » n'existe pas dans « {file_name} » "
            f"(feuilles présentes : {present}) : choisissez l'une d'elles."
        )
    return chosen
