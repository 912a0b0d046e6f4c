"""Write real list files, good and bad, into a test's temporary folder.

Each helper returns the path it wrote. The layouts mimic what users really upload: title
rows, a blank row and merged cells above the header, dates stored as dates, numbers.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

SIEI_HEADER = [
    "N° INE",
    "NOM",
    "Prénom",
    "Né(e) le",
    "Code postal",
    "Tél. portable",
    "UAI établissement",
]
DUPONT = ["0494004062M", "Dupont", "Éloïse", date(2008, 3, 14), 75011, "06 12 34 56 78", "0750655E"]
NGUYEN = [None, "Nguyen", "Kévin", date(2007, 11, 2), 13001, "0712345678", "0130040Y"]


def write_siei_xlsx(directory: Path, name: str = "liste-siei.xlsx") -> Path:
    """Lines 1-2 titles (merged), 3 blank, 4 header, 5 and 7 youth, 6 blank."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Jeunes repérés"
    sheet["A1"] = "Liste des jeunes repérés par le SIEI"
    sheet.merge_cells("A1:G1")
    sheet["A2"] = "Campagne de mars 2026"
    sheet.merge_cells("A2:G2")
    for column, header in enumerate(SIEI_HEADER, 1):
        sheet.cell(row=4, column=column, value=header)
    for row, values in ((5, DUPONT), (7, NGUYEN)):
        for column, value in enumerate(values, 1):
            sheet.cell(row=row, column=column, value=value)
    path = directory / name
    workbook.save(path)
    return path


def write_xlsx(directory: Path, name: str, rows: Sequence[Sequence[object]]) -> Path:
    """A one-sheet workbook holding ``rows`` from line 1."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for values in rows:
        sheet.append(values)
    path = directory / name
    workbook.save(path)
    return path


def write_two_sheet_xlsx(directory: Path, name: str = "classeur.xlsx") -> Path:
    """A first sheet left empty, then « Élèves » and « Notes » with one line each."""
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.title = "Consignes"
    workbook.create_sheet("Élèves").append(["Nom", "Prénom", "Classe"])
    workbook.create_sheet("Notes").append(["Matière", "Note"])
    path = directory / name
    workbook.save(path)
    return path


def write_blank_rows_xlsx(directory: Path, name: str = "vide.xlsx") -> Path:
    """Cells that exist but hold only spaces or empty text, on three lines."""
    return write_xlsx(directory, name, [["", "  "], [" "], ["", "", "   "]])


def write_csv(
    directory: Path, name: str, lines: list[str], *, encoding: str, delimiter: str
) -> Path:
    """A text file with Windows line ends, cells joined by ``delimiter``."""
    path = directory / name
    text = "\r\n".join(line.replace("|", delimiter) for line in lines) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def write_cp1252_semicolon_csv(directory: Path, name: str = "liste.csv") -> Path:
    """What French Excel writes with « CSV (séparateur : point-virgule) »."""
    return write_csv(
        directory,
        name,
        [
            "Liste du lycée Jean Moulin||",
            "||",
            "Nom|Prénom|Date de naissance|Commune",
            "Lefèvre|Zoé|02/05/2008|Besançon",
            "Martin|Noël|2007-12-25|Saint-Étienne",
        ],
        encoding="cp1252",
        delimiter=";",
    )


def write_utf8_bom_comma_csv(directory: Path, name: str = "partenaire.csv") -> Path:
    """UTF-8 with a BOM, comma-separated, a quoted comma and a quoted line break."""
    return write_csv(
        directory,
        name,
        [
            "Nom|Prénom|Adresse|Téléphone",
            'Dupont|Éloïse|"12, rue des Lilas"|0612345678',
            'Œuvray|Anaïs|"Bât. B\r\n3 allée Verte"|0712345678',
            "Durand|Léo|Place du Marché|",
        ],
        encoding="utf-8-sig",
        delimiter=",",
    )


def write_tab_separated(directory: Path, name: str = "export.txt") -> Path:
    return write_csv(
        directory,
        name,
        ["NOM|PRENOM|SEXE|DATE_NAISSANCE", "Bernard|Inès|F|14/02/2008"],
        encoding="utf-8",
        delimiter="\t",
    )


ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content
  xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Signalements">
<table:table-row><table:table-cell office:value-type="string"><text:p>Signalements de la
 mission locale</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>
<table:table-row>{header}</table:table-row>
<table:table-row>{cells}</table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>
"""
ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
  manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/"
   manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


def _ods_text(value: str) -> str:
    return (
        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    )


def write_ods(directory: Path, name: str = "signalements.ods") -> Path:
    """A minimal valid OpenDocument spreadsheet: title, two blank lines, header on line 4."""
    header = "".join(_ods_text(value) for value in ("Nom", "Prénom", "Né(e) le", "Suivi"))
    cells = (
        _ods_text("Moreau")
        + _ods_text("Jade")
        + '<table:table-cell office:value-type="date" office:date-value="2008-06-30">'
        "<text:p>30/06/2008</text:p></table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="3">'
        "<text:p>3</text:p></table:table-cell>"
    )
    path = directory / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr(
            "content.xml",
            ODS_CONTENT.format(header=header, cells=cells),
            compress_type=zipfile.ZIP_DEFLATED,
        )
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
    return path


def write_xls(directory: Path, name: str = "ancien.xls") -> Path:
    """An Excel 97-2003 workbook (needs the dev dependency xlwt)."""
    xlwt = pytest.importorskip("xlwt", reason="xlwt (dépendance de dév.) écrit les .xls de test")
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Feuil1")
    sheet.write(0, 0, "Élèves sortis sans diplôme")
    for column, header in enumerate(["Nom", "Prénom", "Date de naissance", "Classe"]):
        sheet.write(2, column, header)
    sheet.write(3, 0, "Petit")
    sheet.write(3, 1, "Chloé")
    sheet.write(3, 2, date(2008, 1, 9), xlwt.easyxf(num_format_str="DD/MM/YYYY"))
    sheet.write(3, 3, "1CAP2")
    path = directory / name
    workbook.save(str(path))
    return path


def write_encrypted_xlsx(directory: Path, name: str = "protege.xlsx") -> Path:
    """A real xlsx saved with a password (needs the dev dependency msoffcrypto-tool)."""
    ooxml = pytest.importorskip(
        "msoffcrypto.format.ooxml", reason="msoffcrypto-tool (dépendance de dév.) chiffre le test"
    )
    plain = write_siei_xlsx(directory, "en-clair.xlsx")
    path = directory / name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cryptography deprecations inside msoffcrypto
        with plain.open("rb") as source, path.open("wb") as target:
            ooxml.OOXMLFile(source).encrypt("secret", target)
    return path


def write_pdf(directory: Path, name: str = "liste.pdf") -> Path:
    path = directory / name
    path.write_bytes(
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Length 44 /Filter /FlateDecode >>\nstream\n\x78\x9c\x03\x00\x00\x00"
        b"\x00\x01\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    return path


def write_binary_junk(directory: Path, name: str = "liste.xlsx") -> Path:
    """Bytes of no known format under a spreadsheet's name."""
    path = directory / name
    path.write_bytes(bytes((index * 7919 + 13) % 256 for index in range(4096)))
    return path


def write_html_as_xls(directory: Path, name: str = "export.xls") -> Path:
    """The HTML table some web applications save with an .xls name."""
    path = directory / name
    path.write_text(
        "<html><head><meta charset='utf-8'></head><body><table>"
        "<tr><td>Nom</td><td>Prénom</td></tr></table></body></html>",
        encoding="utf-8",
    )
    return path


def write_docx_like(directory: Path, name: str = "courrier.xlsx") -> Path:
    """A zip holding a Word document, under a spreadsheet's name."""
    path = directory / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return path


def write_truncated_xlsx(directory: Path, name: str = "coupe.xlsx") -> Path:
    """The first half of a real workbook, as an interrupted download leaves it."""
    whole = write_siei_xlsx(directory, "entier.xlsx").read_bytes()
    path = directory / name
    path.write_bytes(whole[: len(whole) // 2])
    return path


def write_zip_bomb(directory: Path, name: str = "bombe.xlsx", *, megabytes: int = 300) -> Path:
    """An xlsx-looking zip whose sheet is ``megabytes`` MiB of zeros (a few hundred KiB)."""
    path = directory / name
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(megabytes):
                member.write(chunk)
    return path


def write_empty(directory: Path, name: str = "vide.csv") -> Path:
    path = directory / name
    path.write_bytes(b"")
    return path


def write_xlsx_calamine_rejects(directory: Path, name: str = "generateur.xlsx") -> Path:
    """The SIEI workbook as a buggy generator writes it: an extra empty row numbered 0.

    calamine refuses such a sheet; openpyxl reads it, so the reader must fall back.
    """
    source = write_siei_xlsx(directory, "source.xlsx")
    path = directory / name
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as copy:
        for member in original.infolist():
            data = original.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b'<sheetData><row r="0"/>', 1)
            copy.writestr(member, data)
    return path


def _rewrite_xlsx(source: Path, path: Path, changes: dict[str, bytes | None]) -> Path:
    """Copy a workbook, replacing (or adding) the parts named in ``changes``."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as copy:
        for member in original.infolist():
            if member.filename not in changes:
                copy.writestr(member, original.read(member.filename))
        for name, data in changes.items():
            if data is not None:
                copy.writestr(name, data)
    return path


def write_xlsx_with_stray_cell(directory: Path, cell: str, name: str = "loin.xlsx") -> Path:
    """The SIEI workbook with one value typed far away from the table, in ``cell``."""
    source = write_siei_xlsx(directory, "source.xlsx")
    workbook = openpyxl.load_workbook(source)
    sheet = workbook.active
    assert sheet is not None
    sheet[cell] = "x"
    path = directory / name
    workbook.save(path)
    return path


def write_xlsx_without_dimension(
    directory: Path, name: str = "sans-dimension.xlsx", *, stray_cell: str | None = None
) -> Path:
    """The SIEI workbook as generators that omit ``<dimension>`` (openpyxl's write-only
    mode among them) write it; with a value in ``stray_cell`` if given."""
    if stray_cell is None:
        source = write_siei_xlsx(directory, "source.xlsx")
    else:
        source = write_xlsx_with_stray_cell(directory, stray_cell, "source.xlsx")
    with zipfile.ZipFile(source) as original:
        sheet = original.read("xl/worksheets/sheet1.xml")
    start = sheet.index(b"<dimension")
    end = sheet.index(b">", start) + 1
    part = sheet[:start] + sheet[end:]
    return _rewrite_xlsx(source, directory / name, {"xl/worksheets/sheet1.xml": part})


def write_xlsx_false_string_count(directory: Path, name: str = "compte.xlsx") -> Path:
    """A workbook whose shared-string table claims four billion entries (it holds one)."""
    source = write_siei_xlsx(directory, "source.xlsx")
    with zipfile.ZipFile(source) as original:
        rels = original.read("xl/_rels/workbook.xml.rels")
        types = original.read("[Content_Types].xml")
    rels = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSst" Target="sharedStrings.xml" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    types = types.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    strings = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        b'uniqueCount="4000000000"><si><t>Nom</t></si></sst>'
    )
    return _rewrite_xlsx(
        source,
        directory / name,
        {
            "xl/_rels/workbook.xml.rels": rels,
            "[Content_Types].xml": types,
            "xl/sharedStrings.xml": strings,
        },
    )


def write_xlsb_like(directory: Path, name: str = "binaire.xlsb") -> Path:
    """A zip laid out as an Excel binary workbook."""
    path = directory / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return path


def write_xls_with_false_dimensions(directory: Path, name: str = "dimensions.xls") -> Path:
    """The .xls workbook whose sheet claims 1,593,835,524 lines in its DIMENSIONS record."""
    data = bytearray(write_xls(directory, "source.xls").read_bytes())
    header = b"\x00\x02\x0e\x00"  # record 0x0200, 14 bytes long (BIFF8)
    position = data.index(header)
    data[position + 8 : position + 12] = (0x5F000004).to_bytes(4, "little")
    path = directory / name
    path.write_bytes(bytes(data))
    return path


def write_damaged_ods(directory: Path, name: str = "abime.ods") -> Path:
    """The ODS list with its table's closing tag damaged (calamine alone would loop forever)."""
    source = write_ods(directory, "source.ods")
    path = directory / name
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as copy:
        for member in original.infolist():
            data = original.read(member.filename)
            if member.filename == "content.xml":
                data = data.replace(b"</table:table>", b"</table::able>")
            copy.writestr(member, data)
    return path


def _wide_rows(columns: int, header_text: str = "") -> list[list[str]]:
    """A header naming a youth's name, first name and birth date, then numbered columns up to
    ``columns`` (each title followed by ``header_text``), and one youth filling every one."""
    header = ["Nom", "Prénom", "Date de naissance"]
    header += [f"Colonne {number}{header_text}" for number in range(4, columns + 1)]
    youth = ["Lefèvre", "Éloïse", "14/03/2008"]
    youth += [f"valeur {number}" for number in range(4, columns + 1)]
    return [header, youth]


def write_wide_csv(
    directory: Path, columns: int, name: str = "large.csv", *, header_text: str = ""
) -> Path:
    """A list of ``columns`` columns (see ``_wide_rows``), separated by semicolons."""
    lines = ["|".join(row) for row in _wide_rows(columns, header_text)]
    return write_csv(directory, name, lines, encoding="utf-8", delimiter=";")


def write_wide_xlsx(directory: Path, columns: int, name: str = "large.xlsx") -> Path:
    """The workbook counterpart of ``write_wide_csv``, written in openpyxl's write-only mode
    (the normal mode takes seconds for the 16,384 columns a sheet can hold)."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Liste")
    for row in _wide_rows(columns):
        sheet.append(row)
    path = directory / name
    workbook.save(path)
    return path


def write_xlsx_with_styled_far_cell(directory: Path, name: str = "bordure.xlsx") -> Path:
    """The SIEI workbook with a bold but empty cell in column ZZ: the sheet's declared
    extent reaches 702 columns while its values fill seven."""
    source = write_siei_xlsx(directory, "source.xlsx")
    workbook = openpyxl.load_workbook(source)
    sheet = workbook.active
    assert sheet is not None
    sheet["ZZ4"].font = Font(bold=True)
    path = directory / name
    workbook.save(path)
    return path


def write_csv_with_long_cell(
    directory: Path, name: str = "longue.csv", *, chars: int = 1024 * 1024
) -> Path:
    """A semicolon list whose line 3 holds, in column C, a text of ``chars`` characters;
    line 2 holds a quoted line break, so that records, not text lines, are counted."""
    return write_csv(
        directory,
        name,
        [
            "Nom|Prénom|Observations|Commune",
            'Dupont|Éloïse|"suivie en 2024\r\npuis relancée"|Lille',
            f"Martin|Noël|{'x' * chars}|Douai",
            "Durand|Léo||Arras",
        ],
        encoding="utf-8",
        delimiter=";",
    )


def write_csv_with_unclosed_quote(directory: Path, name: str = "guillemet.csv") -> Path:
    """A list where a quote opened in line 2, column B is never closed: the 20,000 lines
    after it read as one cell."""
    rows = [f"Nom{number}|Prénom|Lille" for number in range(20_000)]
    return write_csv(
        directory,
        name,
        ["Nom|Prénom|Commune", 'Dupont|"Éloïse|Lille', *rows],
        encoding="utf-8",
        delimiter=";",
    )
