"""Hostile files for the list reader, as hypothesis strategies (issue 17, « Hostile input »).

Seeds are the real files the other import tests write (``tests/imports/files.py``); each
strategy starts from one and damages it the way a broken export, an interrupted download or
an attacker would:

- any file: bit flips, bytes set to edge values (0, 0xFF, 2^31...), inserted, deleted,
  repeated bytes, truncation;
- xlsx and ods (zip): parts dropped, duplicated, renamed, stored instead of deflated, their
  sizes misdeclared, their XML damaged (numbers changed, tags cut) or made hostile: a cell
  far away, a false or huge ``<dimension>``, cells and rows without reference, deeply nested
  elements, entity expansion (billion laughs), an external entity, huge repeat counts (ods),
  a false shared-string count, and a zip bomb small on disk;
- xls (OLE2): header fields, DIMENSIONS and cell records rewritten with edge values;
- csv: random text in odd encodings, NULs, very long lines, unbalanced quotes, ``sep=``.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.imports import files

FILE_NAMES = {"xlsx": "liste.xlsx", "xls": "liste.xls", "ods": "liste.ods", "csv": "liste.csv"}
EDGE_NUMBERS = (0, 1, 255, 256, 257, 65535, 65536, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**63)
EDGE_TEXTS = ("0", "-1", "1048576", "1048577", "16384", "4294967295", "99999999999", "1e9", "")
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
CSV_ENCODINGS = (
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32",
    "cp1252", "latin-1", "cp850", "mac_roman", "shift_jis", "gb18030",
)  # fmt: skip


# --- seeds -----------------------------------------------------------------------------------


def write_seeds(directory: Path) -> dict[str, list[bytes]]:
    """The real files each format starts from (xls needs the dev dependency xlwt)."""
    directory.mkdir(parents=True, exist_ok=True)

    def read(*writers: Callable[[Path], Path]) -> list[bytes]:
        return [writer(directory).read_bytes() for writer in writers]

    return {
        "xlsx": read(
            files.write_siei_xlsx,
            files.write_xlsx_without_dimension,
            files.write_two_sheet_xlsx,
            files.write_xlsx_calamine_rejects,
            lambda d: files.write_wide_xlsx(d, 30),
        ),
        "xls": read(files.write_xls),
        "ods": read(files.write_ods),
        "csv": read(
            files.write_cp1252_semicolon_csv,
            files.write_utf8_bom_comma_csv,
            files.write_tab_separated,
            lambda d: files.write_csv_with_long_cell(d, chars=2000),
        ),
    }


# --- bytes -----------------------------------------------------------------------------------

_positions = st.integers(0, 2**31)


def _edge_bytes() -> st.SearchStrategy[bytes]:
    return st.builds(
        lambda number, width, order: (number % 256**width).to_bytes(width, order),
        st.sampled_from(EDGE_NUMBERS),
        st.sampled_from((1, 2, 4, 8)),
        st.sampled_from(("little", "big")),
    )


_byte_edits = st.one_of(
    st.tuples(st.just("flip"), _positions, st.integers(0, 7)),
    st.tuples(st.just("set"), _positions, _edge_bytes()),
    st.tuples(st.just("insert"), _positions, st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("delete"), _positions, st.integers(1, 512)),
    st.tuples(st.just("repeat"), _positions, st.integers(1, 256), st.integers(2, 64)),
    st.tuples(st.just("truncate"), _positions),
)


def apply_byte_edits(data: bytes, edits: list[tuple[Any, ...]]) -> bytes:
    buffer = bytearray(data)
    for kind, position, *args in edits:
        at = position % (len(buffer) + 1)
        if kind == "flip" and at < len(buffer):
            buffer[at] ^= 1 << args[0]
        elif kind == "set":
            buffer[at : at + len(args[0])] = args[0]
        elif kind == "insert":
            buffer[at:at] = args[0]
        elif kind == "delete":
            del buffer[at : at + args[0]]
        elif kind == "repeat":
            buffer[at:at] = buffer[at : at + args[0]] * args[1]
        elif kind == "truncate":
            del buffer[at:]
    return bytes(buffer)


def mutated(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    """A seed with a few bytes damaged."""
    return st.builds(
        apply_byte_edits, st.sampled_from(seeds), st.lists(_byte_edits, min_size=1, max_size=6)
    )


def random_bytes() -> st.SearchStrategy[bytes]:
    """Bytes of no format, some behind the magic number of one (zip, OLE2, PDF, a BOM)."""
    magics = st.sampled_from(
        (b"", b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF",
         b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"<?xml", b"<html><table>", b"sep=;\n")
    )  # fmt: skip
    return st.builds(bytes.__add__, magics, st.binary(max_size=4096))


# --- XML parts -------------------------------------------------------------------------------


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# Any order of magnitude as likely as any other: 1 to 9, 10 to 90... up to 9 x 10^7.
_rows = st.one_of(
    st.builds(lambda digit, power: digit * 10**power, st.integers(1, 9), st.integers(0, 7)),
    st.sampled_from(EDGE_NUMBERS[1:]),
)
_columns = st.builds(lambda digit, power: digit * 10**power, st.integers(1, 9), st.integers(0, 4))
_refs = st.builds(lambda c, r: f"{_column_letters(c)}{r}", _columns, _rows)
_counts = st.integers(1, 3000)

BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)


def _external_entity(secret: Path) -> str:
    return f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'


def _with_doctype(xml: bytes, doctype: str) -> bytes:
    end = xml.find(b"?>")
    at = end + 2 if xml.startswith(b"<?xml") and end > 0 else 0
    return xml[:at] + doctype.encode() + xml[at:]


def _before(xml: bytes, marker: bytes, insert: bytes) -> bytes:
    at = xml.rfind(marker)
    return xml[:at] + insert + xml[at:] if at >= 0 else xml + insert


# Each edit takes an XML part and returns it changed; ``partial`` keeps its name and values
# readable in a finding.
XmlEdit = Callable[[bytes], bytes]


def number_changed(index: int, value: str, xml: bytes) -> bytes:
    found = list(re.finditer(rb"\d+", xml))
    if not found:
        return xml
    match = found[index % len(found)]
    return xml[: match.start()] + value.encode() + xml[match.end() :]


def tag_cut(index: int, xml: bytes) -> bytes:
    tags = list(re.finditer(rb"<[^>]*>", xml))
    if not tags:
        return xml
    tag = tags[index % len(tags)]
    return xml[: tag.start()] + xml[tag.start() : tag.end()][:-2] + xml[tag.end() :]


def nested(depth: int, xml: bytes) -> bytes:
    return _before(xml, b"</", b"<a>" * depth + b"</a>" * depth)


def entity(doctype: str, reference: str, xml: bytes) -> bytes:
    xml = _with_doctype(xml, doctype)
    for text in (b"<t>", b"<text:p>", b"<v>"):
        if text in xml:
            return xml.replace(text, text + reference.encode(), 1)
    return xml


def far_cell(ref: str, xml: bytes, *, style: str = "plain") -> bytes:
    """xlsx: one value in cell ``ref``, far from the table, written ``plain``, with its
    reference after another attribute (``reordered``) or with a namespace prefix."""
    row = re.sub("[A-Z]", "", ref)
    cell = {
        "plain": f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>',
        "reordered": f"<row  r='{row}'><c t=\"inlineStr\" r = '{ref}'><is><t>x</t></is></c></row>",
        "prefixed": f'<x:row r="{row}"><x:c r="{ref}"><x:v>1</x:v></x:c></x:row>',
    }[style]
    return _before(xml, b"</sheetData>", cell.encode())


def dimension(ref: str, xml: bytes) -> bytes:
    """xlsx: the sheet declares that it spreads from A1 to ``ref``."""
    return re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="A1:{ref}"'.encode(), xml)


def unreferenced(rows: int, columns: int, xml: bytes) -> bytes:
    """xlsx: cells and rows without reference, placed one after the other."""
    row = "<row>" + "<c><v>1</v></c>" * columns + "</row>"
    return _before(xml, b"</sheetData>", row.encode() + b"<row><c><v>2</v></c></row>" * rows)


def string_count(count: int, xml: bytes) -> bytes:
    """xlsx: the shared strings declare ``count`` entries."""
    return re.sub(rb'(uniqueCount|count)="\d+"', f'\\1="{count}"'.encode(), xml)


def repeated(attribute: str, count: int, xml: bytes) -> bytes:
    """ods: every row (``rows``) or cell (``columns``) repeated ``count`` times."""
    tag = b"<table:table-row" if attribute == "rows" else b"<table:table-cell"
    name = f" table:number-{attribute}-repeated=".encode()
    xml = re.sub(re.escape(name) + rb'"\d*"', b"", xml)
    value = name + f'"{count}"'.encode()
    return re.sub(re.escape(tag) + rb"(?=[\s/>])", lambda match: tag + value, xml)


def repeated_grid(rows: int, columns: int, xml: bytes) -> bytes:
    return repeated("columns", columns, repeated("rows", rows, xml))


def ods_far_cell(rows: int, columns: int, xml: bytes) -> bytes:
    """ods: empty rows and cells repeated, then one value after them."""
    empty = f'<table:table-cell table:number-columns-repeated="{columns}"/>'
    far = (
        f'<table:table-row table:number-rows-repeated="{rows}">{empty}</table:table-row>'
        f'<table:table-row>{empty}<table:table-cell office:value-type="string"><text:p>x'
        "</text:p></table:table-cell></table:table-row>"
    )
    return _before(xml, b"</table:table>", far.encode())


def _xml_edits(secret: Path, fmt: str, *, only_hostile: bool = False) -> st.SearchStrategy[XmlEdit]:
    """Changes to one XML part of an ``fmt`` file, hostile ones or mere damage."""
    shared = [
        st.builds(partial, st.just(nested), st.sampled_from((100, 10_000, 200_000))),
        st.just(partial(entity, BILLION_LAUGHS, "&lol9;")),
        st.just(partial(entity, _external_entity(secret), "&xxe;")),
    ]
    if fmt == "xlsx":
        hostile = [
            st.builds(
                partial,
                st.just(far_cell),
                _refs,
                style=st.sampled_from(("plain", "reordered", "prefixed")),
            ),
            st.builds(partial, st.just(dimension), _refs),
            st.builds(partial, st.just(unreferenced), _counts, _counts),
            st.builds(partial, st.just(string_count), st.sampled_from(EDGE_NUMBERS)),
        ]
    else:
        hostile = [
            st.builds(partial, st.just(repeated), st.sampled_from(("rows", "columns")), _rows),
            st.builds(partial, st.just(repeated_grid), _rows, _columns),
            st.builds(partial, st.just(ods_far_cell), _rows, _columns),
        ]
    damage = [
        st.builds(partial, st.just(number_changed), _positions, st.sampled_from(EDGE_TEXTS)),
        st.builds(partial, st.just(tag_cut), _positions),
    ]
    return st.one_of(*shared, *hostile, *([] if only_hostile else damage))


# --- zip containers --------------------------------------------------------------------------

Member = tuple[str, bytes, int]  # name, content, compression
MAIN_PARTS = re.compile(r"worksheets/|sharedStrings|workbook\.xml$|^content\.xml$")


def _members(data: bytes) -> list[Member]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(m.filename, archive.read(m), m.compress_type) for m in archive.infolist()]


def _zip(members: list[Member]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are one of the cases
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, content, compression in members:
                archive.writestr(zipfile.ZipInfo(name), content, compress_type=compression)
    return buffer.getvalue()


def _lie_about_sizes(data: bytes, index: int, value: int) -> bytes:
    """Rewrite the uncompressed size one central-directory entry declares."""
    entries = [m.start() for m in re.finditer(rb"PK\x01\x02", data)]
    if not entries:
        return data
    at = entries[index % len(entries)] + 24
    return data[:at] + (value % 2**32).to_bytes(4, "little") + data[at + 4 :]


def zip_bomb_member(megabytes: int) -> bytes:
    """``megabytes`` MiB of one repeated row of a sheet: deflates to about a thousandth (50
    MiB: within the size allowed, far past the compression ratio)."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    return row * (megabytes * 1024 * 1024 // len(row))


@st.composite
def mutated_zip(draw: st.DrawFn, fmt: str, seeds: list[bytes], secret: Path) -> bytes:
    """A zip seed with one of its main parts made hostile, or with parts dropped, duplicated,
    renamed or damaged, and then maybe its sizes or its bytes."""
    members = _members(draw(st.sampled_from(seeds)))
    names = [name for name, _, _ in members]
    pick = st.integers(0, len(members) - 1)
    # The parts the reader reads most often: the sheets, their strings, the ods content.
    main = [i for i, name in enumerate(names) if MAIN_PARTS.search(name)] or [0]
    if draw(st.booleans()):
        index = draw(st.sampled_from(main))
        name, content, compression = members[index]
        members[index] = (
            name,
            draw(_xml_edits(secret, fmt, only_hostile=True))(content),
            compression,
        )
        return _zip(members)
    for _ in range(draw(st.integers(1, 4))):
        if not members:
            break
        kind = draw(st.sampled_from(("xml", "bytes", "drop", "copy", "rename", "store")))
        index = draw(st.one_of(st.sampled_from(main), pick)) % len(members)
        name, content, compression = members[index]
        if kind == "xml":
            members[index] = (name, draw(_xml_edits(secret, fmt))(content), compression)
        elif kind == "bytes":
            edits = draw(st.lists(_byte_edits, min_size=1, max_size=4))
            members[index] = (name, apply_byte_edits(content, edits), compression)
        elif kind == "drop":
            del members[index]
        elif kind == "copy":
            members.insert(draw(pick) % (len(members) + 1), members[index])
        elif kind == "rename":
            other = draw(st.sampled_from([*names, name.upper(), name + "/", "/" + name, ""]))
            members[index] = (other, content, compression)
        elif kind == "store":
            members[index] = (name, content, zipfile.ZIP_STORED)
    data = _zip(members)
    if draw(st.integers(0, 4)) == 0:
        data = _lie_about_sizes(data, draw(pick), draw(st.sampled_from(EDGE_NUMBERS)))
    if draw(st.integers(0, 4)) == 0:
        data = apply_byte_edits(data, draw(st.lists(_byte_edits, min_size=1, max_size=3)))
    return data


def with_part(data: bytes, name: str, content: bytes) -> bytes:
    """The zip ``data`` with its part ``name`` replaced by ``content`` (deflated, last)."""
    members = [member for member in _members(data) if member[0] != name]
    return _zip([*members, (name, content, zipfile.ZIP_DEFLATED)])


def encrypted_last_part(data: bytes) -> bytes:
    """The zip ``data`` with its last part marked as encrypted (zip's own encryption)."""
    buffer = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        last = buffer.rindex(signature) + offset
        buffer[last] |= 0x1
    return bytes(buffer)


def part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


# --- xls (OLE2) ------------------------------------------------------------------------------

# Offsets of the compound file header's fields: sector shifts, FAT count, first directory
# sector, mini-stream cutoff, first mini-FAT sector, first DIFAT sector and DIFAT count.
OLE_HEADER_FIELDS = (
    (30, 2),
    (32, 2),
    (44, 4),
    (48, 4),
    (56, 4),
    (60, 4),
    (68, 4),
    (72, 4),
    (76, 4),
)
# BIFF8 records: DIMENSIONS, and cells (NUMBER, LABELSST, RK, BLANK, MULRK, LABEL).
BIFF_RECORDS = (0x0200, 0x0203, 0x00FD, 0x027E, 0x0201, 0x00BD, 0x0204)


def _record_edit(data: bytes, kind: int, index: int, offset: int, value: bytes) -> bytes:
    found = [m.start() for m in re.finditer(re.escape(kind.to_bytes(2, "little")), data)]
    if not found:
        return data
    at = found[index % len(found)] + 4 + offset
    return data[:at] + value + data[at + len(value) :]


@st.composite
def mutated_xls(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    data = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(("header", "record", "record", "bytes")))
        if kind == "header":
            offset, width = draw(st.sampled_from(OLE_HEADER_FIELDS))
            value = draw(st.sampled_from(EDGE_NUMBERS)) % 256**width
            data = data[:offset] + value.to_bytes(width, "little") + data[offset + width :]
        elif kind == "record":
            record = draw(st.sampled_from(BIFF_RECORDS))
            value = draw(_edge_bytes())
            data = _record_edit(
                data, record, draw(st.integers(0, 100)), draw(st.integers(0, 12)), value
            )
        else:
            data = apply_byte_edits(data, draw(st.lists(_byte_edits, min_size=1, max_size=4)))
    return data


# --- csv -------------------------------------------------------------------------------------

_csv_characters = st.one_of(
    st.sampled_from(list(";,\t\"\r\n ='x0é€ÿ\x00\x1a\u2028\ufeff")),
    st.builds(chr, st.one_of(st.integers(0, 0x2FF), st.integers(0, 0x10FFFF))),
)


@st.composite
def csv_files(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """Random text in an odd encoding, sometimes with a long line, many columns, a ``sep=``
    line, or a seed with damaged bytes."""
    if draw(st.integers(0, 3)) == 0:
        return draw(mutated(seeds))
    text = draw(st.text(_csv_characters, max_size=400))
    extra = draw(st.sampled_from(("", "", "long", "quote", "wide", "rows", "sep")))
    if extra == "long":
        text += draw(st.sampled_from(("x", '"', ";", "é", "\x00"))) * draw(st.integers(1, 300_000))
    elif extra == "quote":
        text = 'Nom;Prénom\n"Dupont;' + text + "\nMartin;Noël\n" * draw(st.integers(1, 5000))
    elif extra == "wide":
        text += ";" * draw(st.integers(200, 20_000)) + "x\n"
    elif extra == "rows":
        text += draw(st.sampled_from(("x\n", "\n", "\r", ";\n"))) * draw(st.integers(1, 100_000))
    elif extra == "sep":
        text = draw(st.sampled_from(("sep=;", "sep=", "SEP=\t", "sep=|"))) + "\n" + text
    encoding = draw(st.sampled_from(CSV_ENCODINGS))
    return text.encode(encoding, errors="replace")


# --- the hostile files every run tries -------------------------------------------------------

XLSX_SHEET = "xl/worksheets/sheet1.xml"
ODS_CONTENT = "content.xml"
ODS_CELL = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'


def edited(data: bytes, name: str, edit: XmlEdit) -> bytes:
    """The zip ``data`` with its part ``name`` changed by ``edit``."""
    return with_part(data, name, edit(part(data, name)))


def _sheet_elsewhere(data: bytes, edit: XmlEdit) -> bytes:
    """The workbook ``data`` with its sheet moved out of ``xl/worksheets/`` (calamine goes
    where the relationships point) and changed by ``edit``."""
    rels_name = "xl/_rels/workbook.xml.rels"
    rels = part(data, rels_name).replace(b"worksheets/sheet1.xml", b"donnees/liste.bin")
    sheet = edit(part(data, XLSX_SHEET))
    members = [member for member in _members(data) if member[0] not in (XLSX_SHEET, rels_name)]
    deflated = zipfile.ZIP_DEFLATED
    return _zip([*members, (rels_name, rels, deflated), ("xl/donnees/liste.bin", sheet, deflated)])


def _ods_as_libreoffice_writes(xml: bytes) -> bytes:
    """Each row's empty cells repeated to the 1,024th column, empty rows to the last line."""
    xml = xml.replace(
        b"</table:table-row>",
        b'<table:table-cell table:number-columns-repeated="1016"/></table:table-row>',
    )
    rest = (
        '<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'
    )
    return _before(xml, b"</table:table>", rest.encode())


def _xlsx_formatted_cell_far_away(xml: bytes) -> bytes:
    """A formatted but empty cell far below the table (``<dimension>`` left to the values)."""
    return _before(xml, b"</sheetData>", b'<row r="400000"><c r="Z400000" s="1"/></row>')


def _ods_filled_grid(xml: bytes) -> bytes:
    row = (
        '<table:table-row table:number-rows-repeated="100000"><table:table-cell '
        'table:number-columns-repeated="200" office:value-type="string"><text:p>x</text:p>'
        "</table:table-cell></table:table-row>"
    )
    return _before(xml, b"</table:table>", row.encode())


def _ods_long_text_repeated(xml: bytes) -> bytes:
    row = (
        '<table:table-row table:number-rows-repeated="2000"><table:table-cell '
        'table:number-columns-repeated="100" office:value-type="string"><text:p>'
        + "x" * 10_000
        + "</text:p></table:table-cell></table:table-row>"
    )
    return _before(xml, b"</table:table>", row.encode())


def _xls_far_value() -> bytes:
    """An .xls whose sheet holds a value in A1 and one in its last cell, IV65536."""
    import xlwt  # dev dependency

    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("Feuil1")
    sheet.write(0, 0, "Nom")
    sheet.write(65535, 255, "x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xls_encrypted(data: bytes) -> bytes:
    """The .xls ``data`` with a FILEPASS record (what follows is encrypted) in its globals."""
    protect = data.index((0x0019).to_bytes(2, "little") + (2).to_bytes(2, "little"))
    return data[:protect] + (0x002F).to_bytes(2, "little") + data[protect + 2 :]


def hostile_files(
    seeds: dict[str, list[bytes]], secret: Path
) -> dict[str, tuple[str, Callable[[], bytes]]]:
    """The hostile files found by fuzzing, or known, and odd but real ones, that every run
    reads: name → (format, how to write it)."""
    siei, calamine_rejects, ods = seeds["xlsx"][0], seeds["xlsx"][3], seeds["ods"][0]

    def sheet(edit: XmlEdit, seed: bytes = siei) -> Callable[[], bytes]:
        return lambda: edited(seed, XLSX_SHEET, edit)  # the SIEI list declares A1:G7

    def content(edit: XmlEdit) -> Callable[[], bytes]:
        return lambda: edited(ods, ODS_CONTENT, edit)

    def bomb(*, hidden: bool) -> bytes:
        data = with_part(siei, XLSX_SHEET, zip_bomb_member(50))
        return _lie_about_sizes(data, -1, 5 * 1024) if hidden else data

    xxe = partial(entity, _external_entity(secret), "&xxe;")
    return {
        "xlsx-valeur-en-XFD1048576": ("xlsx", sheet(partial(far_cell, "XFD1048576"))),
        "xlsx-valeur-en-CV200000": ("xlsx", sheet(partial(far_cell, "CV200000"))),
        "xlsx-valeur-en-CV200000-ecrite-autrement": (
            "xlsx",
            sheet(partial(far_cell, "CV200000", style="reordered")),
        ),
        "xlsx-valeur-en-CV200000-prefixee": (
            "xlsx",
            sheet(partial(far_cell, "CV200000", style="prefixed")),
        ),
        "xlsx-cellules-sans-reference": ("xlsx", sheet(partial(unreferenced, 3000, 3000))),
        "xlsx-entites-en-cascade": ("xlsx", sheet(partial(entity, BILLION_LAUGHS, "&lol9;"))),
        "xlsx-entite-externe": ("xlsx", sheet(xxe)),
        "xlsx-entite-externe-openpyxl": ("xlsx", sheet(xxe, calamine_rejects)),
        "xlsx-imbrication-profonde": ("xlsx", sheet(partial(nested, 100_000))),
        "xlsx-bombe-zip": ("xlsx", partial(bomb, hidden=False)),
        "xlsx-bombe-zip-taille-masquee": ("xlsx", partial(bomb, hidden=True)),
        "xlsx-partie-chiffree": ("xlsx", partial(encrypted_last_part, siei)),
        "xlsx-cellule-vide-mise-en-forme-loin": ("xlsx", sheet(_xlsx_formatted_cell_far_away)),
        "xlsx-feuille-ailleurs-valeur-en-CV200000": (
            "xlsx",
            partial(_sheet_elsewhere, siei, partial(far_cell, "CV200000")),
        ),
        "ods-cellule-repetee-200x100000": ("ods", content(_ods_filled_grid)),
        "ods-texte-long-repete": ("ods", content(_ods_long_text_repeated)),
        "ods-valeur-apres-290000-lignes-vides": (
            "ods",
            content(partial(ods_far_cell, 290_000, 250)),
        ),
        "ods-entite-externe": ("ods", content(xxe)),
        "ods-partie-chiffree": ("ods", partial(encrypted_last_part, ods)),
        "ods-comme-libreoffice": ("ods", content(_ods_as_libreoffice_writes)),
        "xls-valeur-en-IV65536": ("xls", _xls_far_value),
        "xls-chiffre": ("xls", partial(_xls_encrypted, seeds["xls"][0])),
    }


# --- all formats -----------------------------------------------------------------------------


def cases(fmt: str, seeds: dict[str, list[bytes]], secret: Path) -> st.SearchStrategy[bytes]:
    """The hostile files of one format."""
    if fmt == "xlsx":
        return st.one_of(mutated(seeds["xlsx"]), mutated_zip("xlsx", seeds["xlsx"], secret))
    if fmt == "ods":
        return st.one_of(mutated(seeds["ods"]), mutated_zip("ods", seeds["ods"], secret))
    if fmt == "xls":
        return st.one_of(mutated(seeds["xls"]), mutated_xls(seeds["xls"]))
    if fmt == "csv":
        return csv_files(seeds["csv"])
    return random_bytes()
