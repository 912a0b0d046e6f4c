"""The communes: the shipped file, an official file loaded by INSEE code (its header named
either way), a wrong cell refusing the whole file, and `psad communes charger / amorcer`."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from psad.orientations import geo
from psad.orientations.communes import (
    ensure_communes,
    load_communes,
    read_communes_file,
)
from psad.orientations.sheets import SheetError
from psad.reference.models import Commune
from tests.helpers import count

DATA_GOUV = [
    "code_insee;nom_standard;dep_code;codes_postaux;latitude_centre;longitude_centre",
    "80021;Amiens;80;80000,80080,80090;49,8941;2,2958",
    "02691;Saint-Quentin;02;02100;49.8465;3.2876",
    "59350;Lille;59;59000,59160,59260,59777,59800;50.6311;3.0468",
]


def write_csv(directory: Path, lines: list[str], name: str = "communes.csv") -> Path:
    path = directory / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_the_data_gouv_file_is_read_with_its_own_headers(tmp_path):
    rows = read_communes_file(write_csv(tmp_path, DATA_GOUV))

    amiens = rows[0]
    assert (amiens.code, amiens.name, amiens.department) == ("80021", "Amiens", "80")
    assert amiens.postal_codes == "80000 80080 80090"
    assert (amiens.latitude, amiens.longitude) == (49.8941, 2.2958)
    assert rows[1].code == "02691"


def test_an_official_geographic_code_workbook_keeps_the_communes_only(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for values in [
        ["TYPECOM", "COM", "DEP", "LIBELLE"],
        ["COM", 2691, "02", "Saint-Quentin"],
        ["COMD", "59350", "59", "Lomme"],
        ["COM", "59350", "59", "Lille"],
    ]:
        sheet.append(values)
    path = tmp_path / "v_commune_2025.xlsx"
    workbook.save(path)

    rows = read_communes_file(path)

    assert [(r.code, r.name, r.latitude) for r in rows] == [
        ("02691", "Saint-Quentin", None),
        ("59350", "Lille", None),
    ]


def test_a_latitude_that_is_not_a_number_is_named_and_nothing_is_read(tmp_path):
    lines = [*DATA_GOUV, "62041;Arras;62;62000;cinquante;2.7775", "62O41;Arras;62;62000;50.29;2.77"]

    with pytest.raises(SheetError) as refused:
        read_communes_file(write_csv(tmp_path, lines))

    assert refused.value.problems == [
        "communes.csv, ligne 5, colonne « latitude_centre » : « cinquante » n'est pas un nombre.",
        "communes.csv, ligne 6, colonne « code_insee » : « 62O41 » n'est pas un code INSEE de "
        "commune (5 caractères).",
    ]


def test_loading_adds_new_communes_and_updates_known_ones_by_code(session, tmp_path):
    session.add(
        Commune(code="80021", name="Amien", name_key="amien", department="80", latitude=1.0)
    )
    session.flush()

    report = load_communes(session, read_communes_file(write_csv(tmp_path, DATA_GOUV)))
    session.commit()

    assert (report.added, report.updated) == (2, 1)
    amiens = session.get(Commune, "80021")
    assert amiens is not None
    assert (amiens.name, amiens.name_key, amiens.latitude) == ("Amiens", "amiens", 49.8941)
    assert geo.locate(session, name="SAINT QUENTIN") == session.get(Commune, "02691")


def test_the_shipped_communes_are_loaded_when_the_table_is_empty(session):
    added = ensure_communes(session)
    session.commit()

    assert added == count(session, Commune) > 50
    amiens = session.scalars(select(Commune).where(Commune.name == "Amiens")).one()
    assert amiens.code == "80021"
    assert amiens.latitude is not None and abs(amiens.latitude - 49.89) < 0.02
    assert amiens.longitude is not None and abs(amiens.longitude - 2.29) < 0.02
    for code in ("59350", "59512", "59599", "59606", "62041", "80001", "60057", "02691", "02408"):
        assert session.get(Commune, code) is not None, code
    assert ensure_communes(session) == 0


def test_the_shipped_file_gives_the_distances_the_places_are_ordered_by(session):
    ensure_communes(session)

    def point(name: str) -> geo.Point | None:
        return geo.point_of(geo.locate(session, name=name))

    lille_roubaix = geo.distance_km(point("Lille"), point("Roubaix"))
    lille_amiens = geo.distance_km(point("Lille"), point("Amiens"))
    assert lille_roubaix is not None and 8 < lille_roubaix < 15
    assert lille_amiens is not None and 90 < lille_amiens < 110


# --- the command line -------------------------------------------------------------------------


@pytest.mark.committed
def test_psad_communes_charger_prints_the_counts(run, session, tmp_path):
    result = run("communes", "charger", str(write_csv(tmp_path, DATA_GOUV)))

    assert result.exit_code == 0, result.output
    assert "3 commune(s) ajoutée(s), 0 mise(s) à jour." in result.stdout
    assert count(session, Commune) == 3


@pytest.mark.committed
def test_psad_communes_charger_stops_on_a_wrong_cell_and_writes_nothing(run, session, tmp_path):
    path = write_csv(tmp_path, [*DATA_GOUV, "62041;Arras;62;62000;50.29;est"])

    result = run("communes", "charger", str(path))

    assert result.exit_code == 1
    assert "ligne 5, colonne « longitude_centre » : « est » n'est pas un nombre." in result.stderr
    assert count(session, Commune) == 0


@pytest.mark.committed
def test_psad_communes_amorcer_adds_the_shipped_communes_and_keeps_known_ones(run, session):
    session.add(
        Commune(code="80021", name="Amiens", name_key="amiens", department="80", latitude=49.9)
    )
    session.commit()

    result = run("communes", "amorcer")

    assert result.exit_code == 0, result.output
    assert "mise(s) à jour" in result.stdout and "0 mise(s) à jour" in result.stdout
    amiens = session.get(Commune, "80021")
    session.refresh(amiens)
    assert amiens is not None and amiens.latitude == 49.9
    assert count(session, Commune) > 50
