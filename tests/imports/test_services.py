"""The import rules of issue 3, through the services, on real .xlsx files."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from psad.audit.models import AuditEvent
from psad.audit.services import Actor
from psad.auth.models import Psad
from psad.imports import pipeline, queries, services
from psad.imports.checking import analyse_file
from psad.imports.models import ImportBatch, ImportOrigin, Listing, ListingOutcome, ListSource
from psad.imports.profiles import default_profiles_dir, load_profiles
from psad.imports.reader import ReadLimits
from psad.imports.results import ImportRequest
from psad.youth.models import Case, CaseSource, CaseStatus, Guardian, Sex, Youth
from tests.factories import make_psad, make_youth
from tests.imports.files import write_xlsx

TODAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
HEADER = [
    "INE",
    "Nom",
    "Prénom",
    "Date de naissance",
    "Sexe",
    "Téléphone",
    "Code postal",
    "Courriel",
    "UAI établissement",
    "Date de sortie",
    "Nom du responsable légal",
    "Téléphone du responsable légal",
]


def row(
    ine: str | None = "0494004062M",
    last: str = "Lefèvre",
    first: str = "Éloïse",
    birth: object = date(2008, 3, 14),
    **extra: object,
) -> list[object]:
    values = {
        "sex": "F",
        "phone": "06 12 34 56 78",
        "postal": 59000,
        "email": None,
        "uai": "0750655E",
        "exit": None,
        "guardian": None,
        "guardian_phone": None,
    }
    values.update(extra)
    return [
        ine,
        last,
        first,
        birth,
        values["sex"],
        values["phone"],
        values["postal"],
        values["email"],
        values["uai"],
        values["exit"],
        values["guardian"],
        values["guardian_phone"],
    ]


def listing(tmp_path: Path, *rows: list[object], name: str = "liste.xlsx") -> Path:
    return write_xlsx(
        tmp_path, name, [["Liste des jeunes repérés - campagne de mars"], [], HEADER, *rows]
    )


def analyse(path: Path, session: Session | None = None, psad: Psad | None = None):
    listed = None
    if session is not None and psad is not None:

        def listed() -> dict[str, int]:
            return queries.listed_rows(session, psad.id)

    return analyse_file(
        path,
        file_name=path.name,
        profiles=load_profiles(default_profiles_dir()),
        limits=ReadLimits(),
        today=TODAY,
        min_age=16,
        max_age=25,
        listed=listed,
    )


def import_request(psad: Psad, label: str = "SIEI mars 2026") -> ImportRequest:
    return ImportRequest(
        psad=psad,
        label=label,
        source=ListSource.SIEI,
        origin=ImportOrigin.CLI,
        actor=Actor(user_id=None, psad_id=psad.id, ip_address="test"),
        today=TODAY,
        now=NOW,
    )


def do_import(
    session: Session, psad: Psad, path: Path, label: str = "SIEI mars 2026", **options: bool
) -> pipeline.Outcome:
    request = import_request(psad, label)
    return pipeline.run(session, analyse(path, session, psad), request, **options)


def problems_of(outcome: pipeline.Outcome, line: int) -> list[str]:
    found = outcome.analysis.problems + outcome.result.late_problems
    return [f"{p.level}: {p.message}" for p in found if p.line == line]


def test_a_new_list_creates_youth_and_opens_their_cases(session, tmp_path):
    psad = make_psad(session)
    path = listing(tmp_path, row(), row(ine=None, last="Dupré", first="Noé", birth="14/05/2007"))

    outcome = do_import(session, psad, path)

    assert outcome.result.created == 2
    assert outcome.result.opened == 2
    youth = session.scalars(select(Youth).order_by(Youth.last_name)).all()
    assert [(y.last_name, y.first_name, y.birth_date) for y in youth] == [
        ("Dupré", "Noé", date(2007, 5, 14)),
        ("Lefèvre", "Éloïse", date(2008, 3, 14)),
    ]
    cases = session.scalars(select(Case)).all()
    assert {(c.status, c.source, c.source_batch_id) for c in cases} == {
        (CaseStatus.OPEN, CaseSource.LISTING, outcome.result.batch.id)
    }


def test_values_are_normalised(session, tmp_path):
    psad = make_psad(session)
    path = listing(
        tmp_path,
        row(
            ine=" 0494004062m ",
            phone="06.12.34.56.78",
            postal=2100,
            sex="Féminin",
            guardian="MARTIN Paul",
            guardian_phone="0612345679",
        ),
    )

    do_import(session, psad, path)

    youth = session.scalars(select(Youth)).one()
    assert (youth.ine, youth.phone, youth.postal_code, youth.sex, youth.school_uai) == (
        "0494004062M",
        "+33612345678",
        "02100",
        Sex.FEMALE,
        "0750655E",
    )
    guardian = session.scalars(select(Guardian)).one()
    assert guardian.phone == "+33612345679"


@pytest.mark.parametrize("birth", [date(2008, 3, 14), "14/03/2008", "2008-03-14", 39521])
def test_birth_dates_are_read_in_every_usual_form(session, tmp_path, birth):
    psad = make_psad(session)

    do_import(session, psad, listing(tmp_path, row(birth=birth)))

    assert session.scalars(select(Youth.birth_date)).one() == date(2008, 3, 14)


def test_an_unreadable_phone_is_a_warning_and_the_cell_stays_empty(session, tmp_path):
    psad = make_psad(session)

    outcome = do_import(session, psad, listing(tmp_path, row(phone="0612")))

    assert outcome.result.created == 1
    assert session.scalars(select(Youth.phone)).one() is None
    assert any("avertissement" in p and "0612" in p for p in problems_of(outcome, 4))


def test_a_wrong_ine_key_is_a_warning_not_a_rejection(session, tmp_path):
    psad = make_psad(session)

    outcome = do_import(session, psad, listing(tmp_path, row(ine="0494004062X")))

    assert outcome.result.created == 1
    assert session.scalars(select(Youth.ine)).one() == "0494004062X"
    assert any("clé" in p for p in problems_of(outcome, 4))


def test_rows_without_identity_are_rejected_with_their_reason(session, tmp_path):
    psad = make_psad(session)
    path = listing(tmp_path, row(last=""), row(ine=None, birth="31/02/2008"), row(first=None))

    outcome = do_import(session, psad, path)

    assert outcome.result.rejected == 3
    assert outcome.result.created == 0
    assert "erreur: Nom manquant" in problems_of(outcome, 4)
    assert any("Ni INE ni date de naissance" in p for p in problems_of(outcome, 5))
    assert "erreur: Prénom manquant" in problems_of(outcome, 6)
    assert session.scalar(select(func.count()).select_from(Youth)) == 0


def test_a_youth_under_16_is_rejected_and_one_over_25_flagged(session, tmp_path):
    psad = make_psad(session)
    path = listing(
        tmp_path,
        row(ine=None, birth=date(2011, 1, 1)),
        row(ine=None, last="Aîné", birth=date(1999, 1, 1)),
    )

    outcome = do_import(session, psad, path)

    assert outcome.result.rejected == 1
    assert outcome.result.created == 1
    assert any("moins de 16 ans" in p for p in problems_of(outcome, 4))
    assert any("plus de 25 ans" in p for p in problems_of(outcome, 5))


def test_two_rows_of_one_file_for_the_same_youth_are_merged(session, tmp_path):
    psad = make_psad(session)
    path = listing(
        tmp_path,
        row(email=None),
        row(ine=None, last="LEFEVRE", first="eloise", email="eloise@exemple.fr"),
    )

    outcome = do_import(session, psad, path)

    assert outcome.result.created == 1
    youth = session.scalars(select(Youth)).one()
    assert youth.email == "eloise@exemple.fr"
    assert any("lignes fusionnées" in p for p in problems_of(outcome, 5))


def test_importing_the_same_file_twice_changes_nothing(session, tmp_path):
    psad = make_psad(session)
    path = listing(tmp_path, row())
    do_import(session, psad, path)

    again = do_import(session, psad, path)
    forced = do_import(session, psad, path, force=True)

    assert again.result.already_imported and again.result.created == 0
    assert forced.result.already_imported and forced.result.unchanged == 1
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 1
    assert session.scalar(select(func.count()).select_from(Youth)) == 1


def test_a_dry_run_stores_nothing(session, tmp_path):
    psad = make_psad(session)
    session.commit()

    outcome = do_import(session, psad, listing(tmp_path, row()), dry_run=True)

    assert outcome.result.created == 1
    assert session.scalar(select(func.count()).select_from(Youth)) == 0
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_a_newer_list_fills_and_corrects_but_never_blanks(session, tmp_path):
    psad = make_psad(session)
    do_import(session, psad, listing(tmp_path, row(phone="0612345678", email="a@exemple.fr")))
    newer = listing(
        tmp_path,
        row(phone="0698765432", email=None, postal=None, exit=date(2026, 6, 30)),
        name="avril.xlsx",
    )

    outcome = do_import(session, psad, newer, label="SIEI avril 2026")

    assert outcome.result.updated == 1
    youth = session.scalars(select(Youth)).one()
    assert (youth.phone, youth.email, youth.postal_code, youth.school_exit_date) == (
        "+33698765432",
        "a@exemple.fr",
        "59000",
        date(2026, 6, 30),
    )
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "youth.updated")).one()
    assert event.object_id == youth.id
    assert "phone" in (event.detail or "") and "school_exit_date" in (event.detail or "")
    assert "Lefèvre" not in (event.detail or "")


def test_a_youth_a_newer_list_updates_gets_a_new_version_and_one_it_leaves_keeps_it(
    session, tmp_path
):
    psad = make_psad(session)
    do_import(session, psad, listing(tmp_path, row(), row(ine=None, last="Dupré", first="Noé")))
    newer = listing(
        tmp_path, row(phone="0698765432"), row(ine=None, last="Dupré", first="Noé"), name="b.xlsx"
    )

    do_import(session, psad, newer, label="SIEI avril 2026")

    versions = session.execute(select(Youth.last_name, Youth.version).order_by(Youth.last_name))
    assert versions.all() == [("Dupré", 1), ("Lefèvre", 2)]


def test_a_listed_youth_without_an_open_case_gets_a_reopened_case(session, tmp_path):
    psad = make_psad(session)
    known = make_youth(
        session,
        psad,
        ine="0494004062M",
        last_name="Lefèvre",
        first_name="Éloïse",
        case_status=CaseStatus.CLOSED,
    )
    session.commit()

    outcome = do_import(session, psad, listing(tmp_path, row()))

    assert outcome.result.reopened == 1
    cases = session.scalars(select(Case).where(Case.youth_id == known.id).order_by(Case.id)).all()
    assert [c.status for c in cases] == [CaseStatus.CLOSED, CaseStatus.OPEN]
    assert cases[1].source_batch_id == outcome.result.batch.id


def test_a_youth_with_an_open_case_is_simply_listed_again(session, tmp_path):
    psad = make_psad(session)
    known = make_youth(
        session,
        psad,
        ine="0494004062M",
        last_name="Lefèvre",
        first_name="Éloïse",
        birth_date=date(2008, 3, 14),
    )
    session.commit()

    outcome = do_import(session, psad, listing(tmp_path, row()))

    assert (outcome.result.reopened, outcome.result.created) == (0, 0)
    assert session.scalar(select(func.count()).select_from(Case)) == 1
    assert session.scalars(select(Listing.youth_id)).one() == known.id


def test_a_youth_known_without_ine_is_matched_by_name_and_birth_date(session, tmp_path):
    psad = make_psad(session)
    known = make_youth(
        session,
        psad,
        ine=None,
        last_name="Lefèvre",
        first_name="Éloïse",
        birth_date=date(2008, 3, 14),
    )
    session.commit()

    outcome = do_import(session, psad, listing(tmp_path, row(last="LEFEVRE", first="eloise")))

    assert outcome.result.created == 0
    session.refresh(known)
    assert known.ine == "0494004062M"


def test_a_youth_followed_by_another_psad_is_a_conflict_and_is_not_moved(session, tmp_path):
    ours = make_psad(session)
    theirs = make_psad(session, code="AMIENS", name="PSAD d'Amiens")
    known = make_youth(session, theirs, ine="0494004062M")
    session.commit()

    outcome = do_import(session, ours, listing(tmp_path, row()))

    assert outcome.result.conflicts == 1
    assert outcome.result.created == 0
    assert any("AMIENS" in p and "conflit" in p for p in problems_of(outcome, 4))
    session.refresh(known)
    assert known.psad_id == theirs.id


def test_an_import_failing_half_way_leaves_the_database_as_it_was(session, tmp_path):
    psad = make_psad(session)
    session.commit()
    rows = [row(ine=None, last=f"Nom{i}", birth=date(2008, 1, 1)) for i in range(2500)]
    path = listing(tmp_path, *rows)

    def fail_after_first_chunk(phase: str, done: int, total: int) -> None:
        if phase.startswith("Enregistrement") and done > 0:  # rows already written
            raise RuntimeError("disk full")

    request = import_request(psad, "L")
    with pytest.raises(RuntimeError):
        pipeline.run(session, analyse(path), request, progress=fail_after_first_chunk)

    assert session.scalar(select(func.count()).select_from(Youth)) == 0
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_an_analysis_is_applied_once_and_a_half_checked_one_not_at_all(session, tmp_path):
    psad = make_psad(session)
    path = listing(tmp_path, *(row(ine=None, last=f"Nom{i}") for i in range(30)))
    request = import_request(psad, "L")
    applied = analyse(path)
    pipeline.run(session, applied, request, dry_run=True)
    half_checked = analyse(path)
    next(iter(half_checked.ready(10)))  # stopped after the first chunk, as by a failure

    with pytest.raises(RuntimeError, match="applied once"):
        pipeline.run(session, applied, request)
    with pytest.raises(RuntimeError, match="interrupted"):
        half_checked.problems  # noqa: B018


@pytest.mark.committed
def test_two_imports_into_one_psad_do_not_interleave(app, session):
    psad = make_psad(session)
    session.commit()
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    first, second = Session(engine), Session(engine)
    second_has_lock = threading.Event()

    def second_import() -> None:
        services.lock_psad_imports(second, psad.id, now=NOW)
        second_has_lock.set()
        second.rollback()

    try:
        services.lock_psad_imports(first, psad.id, now=NOW)
        first.commit()  # the lock row exists now
        services.lock_psad_imports(first, psad.id, now=NOW)
        worker = threading.Thread(target=second_import)
        worker.start()
        time.sleep(0.5)
        waited = not second_has_lock.is_set()
        first.commit()
        worker.join(10)
    finally:
        first.close()
        second.close()
        engine.dispose()

    assert waited, "the second import took the lock while the first held it"
    assert second_has_lock.is_set()


def test_a_row_listed_identically_before_is_recognised_without_being_checked_again(
    session, tmp_path
):
    psad = make_psad(session)
    do_import(session, psad, listing(tmp_path, row(phone="0612")))
    youth = session.scalars(select(Youth)).one()
    youth.last_name = "Lefèvre-Martin"  # corrected by hand since
    session.commit()
    newer = listing(
        tmp_path, row(phone="0612"), row(ine=None, last="Neuf", first="Nouveau"), name="avril.xlsx"
    )

    outcome = do_import(session, psad, newer, label="SIEI avril 2026")

    assert (outcome.result.unchanged, outcome.result.created) == (1, 1)
    assert problems_of(outcome, 4) == []  # not checked again: no repeated warning
    session.refresh(youth)
    assert youth.last_name == "Lefèvre-Martin"
    lines = session.scalars(select(Listing.line).where(Listing.youth_id == youth.id)).all()
    assert sorted(lines) == [4, 4]


def test_the_first_row_of_a_youth_in_the_file_is_applied_even_around_a_known_one(session, tmp_path):
    psad = make_psad(session)
    do_import(session, psad, listing(tmp_path, row()))
    newer = listing(
        tmp_path,
        row(phone="06 11 11 11 11", postal=None),  # line 4, merged with line 6
        row(),  # line 5: identical to the youth's latest listing
        row(phone=None, postal=59100),  # line 6
        name="avril.xlsx",
    )

    outcome = do_import(session, psad, newer, label="SIEI avril 2026")

    assert (outcome.result.updated, outcome.result.unchanged) == (1, 0)
    youth = session.scalars(select(Youth)).one()
    assert (youth.phone, youth.postal_code) == ("+33611111111", "59100")
    assert "avertissement: Même jeune qu'à la ligne 4 : lignes fusionnées" in problems_of(
        outcome, 6
    )
    assert problems_of(outcome, 5) == [
        "avertissement: Même jeune qu'une autre ligne de ce fichier : ligne non appliquée"
    ]


def test_a_youth_listed_twice_in_a_file_read_again_is_counted_once(session, tmp_path):
    psad = make_psad(session)
    path = listing(tmp_path, row(), row(ine=None, last="LEFEVRE", first="eloise"))
    do_import(session, psad, path)

    forced = do_import(session, psad, path, force=True)

    assert (forced.result.unchanged, forced.result.created) == (1, 0)
    assert any("Même jeune qu'une autre ligne" in p for p in problems_of(forced, 5))


def test_placeholder_ines_neither_merge_youth_nor_stop_the_import(session, tmp_path):
    psad = make_psad(session)
    path = listing(
        tmp_path,
        row(ine="INCONNU", uai="0750655E-LYCEE"),
        row(ine="INCONNU", last="Dupré", first="Noé"),
    )

    outcome = do_import(session, psad, path)

    assert outcome.result.created == 2
    assert session.scalars(select(Youth.ine).distinct()).all() == [None]
    assert any("format non reconnu" in p for p in problems_of(outcome, 4))


def test_an_older_row_listed_again_after_a_newer_one_is_applied_again(session, tmp_path):
    psad = make_psad(session)
    do_import(session, psad, listing(tmp_path, row(phone="0611111111"), name="a.xlsx"))
    do_import(session, psad, listing(tmp_path, row(phone="0622222222"), name="b.xlsx"))

    third = listing(tmp_path, row(phone="0611111111"), row(ine=None, last="Autre"), name="c.xlsx")

    outcome = do_import(session, psad, third)

    assert outcome.result.updated == 1
    phone = session.scalars(select(Youth.phone).where(Youth.last_name == "Lefèvre")).one()
    assert phone == "+33611111111"


def test_a_known_row_is_applied_to_its_youth_as_they_are_when_the_list_is_confirmed(
    session, tmp_path
):
    psad = make_psad(session)
    other = make_psad(session, code="PSAD-B")
    do_import(session, psad, listing(tmp_path, row(), row(ine=None, last="Dupré", first="Noé")))
    closed, moved = session.scalars(select(Youth).order_by(Youth.id)).all()
    newer = listing(
        tmp_path,
        row(),
        row(ine=None, last="Dupré", first="Noé"),
        row(ine=None, last="Neuf", first="Nouveau"),
        name="avril.xlsx",
    )
    analysis = analyse(newer, session, psad)  # the first two listed identically before
    # between the preview and the confirmation: one case is closed, one youth transferred
    session.scalars(select(Case).where(Case.youth_id == closed.id)).one().status = CaseStatus.CLOSED
    moved.psad_id = other.id
    session.commit()
    request = import_request(psad, "SIEI avril 2026")

    outcome = pipeline.run(session, analysis, request)

    assert (outcome.result.unchanged, outcome.result.reopened) == (1, 1)
    assert (outcome.result.conflicts, outcome.result.created) == (1, 1)
    assert any("PSAD-B" in p for p in problems_of(outcome, 5))
    statuses = session.scalars(
        select(Case.status).where(Case.youth_id == closed.id).order_by(Case.id)
    ).all()
    assert statuses == [CaseStatus.CLOSED, CaseStatus.OPEN]


def test_each_listing_keeps_what_the_import_did_with_its_youth(session, tmp_path):
    psad = make_psad(session)
    do_import(session, psad, listing(tmp_path, row(), row(ine=None, last="Dupré", first="Noé")))
    lefevre = session.scalars(select(Youth).where(Youth.last_name == "Lefèvre")).one()
    session.scalars(
        select(Case).where(Case.youth_id == lefevre.id)
    ).one().status = CaseStatus.CLOSED
    session.commit()
    newer = listing(
        tmp_path,
        row(),
        row(ine=None, last="Dupré", first="Noé", phone="06 98 76 54 32"),
        row(ine=None, last="Neuf", first="Nouveau"),
        name="avril.xlsx",
    )

    outcome = do_import(session, psad, newer, label="SIEI avril 2026")

    batch_id = outcome.result.batch.id
    listed = select(Listing.outcome).where(Listing.batch_id == batch_id).order_by(Listing.line)
    assert session.scalars(listed).all() == [
        ListingOutcome.UNCHANGED_REOPENED,
        ListingOutcome.UPDATED,
        ListingOutcome.CREATED,
    ]
    stored = text("SELECT outcome FROM listings WHERE batch_id = :batch ORDER BY line")
    assert session.scalars(stored, {"batch": batch_id}).all() == [
        "unchanged+reopened",
        "updated",
        "created",
    ]


def test_a_row_listed_identically_again_is_stored_once(session, tmp_path):
    psad = make_psad(session)
    do_import(session, psad, listing(tmp_path, row(), row(ine=None, last="Dupré", first="Noé")))
    newer = listing(
        tmp_path, row(), row(ine=None, last="Dupré", first="Noé", phone="0622"), name="avril.xlsx"
    )

    do_import(session, psad, newer, label="SIEI avril 2026")

    stored = session.execute(
        select(Youth.last_name, Listing.row_hash, Listing.row_json)
        .join(Listing.youth)
        .order_by(Listing.id)
    ).all()
    (first_same, first_changed, again_same, again_changed) = stored
    assert again_same.row_json is None  # the same row: the earlier listing holds it
    assert again_same.row_hash == first_same.row_hash
    assert json.loads(first_same.row_json)[:3] == ["0494004062M", "Lefèvre", "Éloïse"]
    assert again_changed.row_hash != first_changed.row_hash
    assert json.loads(again_changed.row_json)[5] == "0622"
