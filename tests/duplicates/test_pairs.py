"""Finding the probable pairs of a PSAD: each rule through the database, only the files that
changed compared again, another PSAD never mixed in, « pas un doublon » left out."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert

from psad.access.viewer import Viewer
from psad.access.youth import youth_scope
from psad.duplicates import queries, services
from psad.duplicates.jobs import refresh_duplicates
from psad.duplicates.rules import Reason
from psad.youth.models import Youth
from tests.duplicates.conftest import born_with, dismiss, edit, pairs, refreshed
from tests.factories import make_youth
from tests.followup.conftest import NOW

LAST_NAME_TYPO = (Reason.LAST_NAME_TYPO,)


def scope_of(world, user):  # type: ignore[no-untyped-def]
    return youth_scope(Viewer.of(user, user.membership_in(world.psad.id)))


def listed(session, world, user=None) -> list[tuple[str, str, tuple[Reason, ...]]]:  # type: ignore[no-untyped-def]
    """The pairs the page lists for ``user`` (the pilote by default), by name."""
    query = queries.probable_pairs(world.psad.id, scope_of(world, user or world.pilot))
    return [
        (pair.low.display_name, pair.high.display_name, pair.reason_list)
        for pair in session.scalars(query)
    ]


def test_a_second_file_of_a_youth_is_proposed_with_why(session, world, double):
    refreshed(session, world)

    assert listed(session, world) == [("LEFÈVRE Éloïse", "LEFEBVRE Eloise", LAST_NAME_TYPO)]


@pytest.mark.parametrize(
    ("one", "other", "reason"),
    [
        (("Noël", "Clémence", {}), ("NOEL", "clemence", {}), Reason.SAME_IDENTITY),
        (
            ("Noël", "Clémence", {"ine": "0494004062M"}),
            ("Noel", "Clemence", {"ine": "1234567890A"}),
            Reason.INE_DIFFERS,
        ),
        (("Martin", "Hugo", {}), ("Hugo", "Martin", {}), Reason.SWAPPED),
        (("Le Goff", "Jean-Pierre", {}), ("Legoff", "Jeanpierre", {}), Reason.JOINED),
        (("Noël", "Clémence", {}), ("Noël", "Clémance", {}), Reason.FIRST_NAME_TYPO),
        (("Dupont", "Anne-Marie", {}), ("Dupont", "Marie", {}), Reason.COMPOUND_FIRST_NAME),
        (("Da Silva", "Inès", {}), ("Silva", "Inès", {}), Reason.COMPOUND_LAST_NAME),
        (
            ("Durand", "Léa", {"phone": "+33353010007"}),
            ("Benali", "Karim", {"other_phone": "+33353010007", "birth_date": date(2006, 1, 2)}),
            Reason.SAME_PHONE,
        ),
    ],
)
def test_each_rule_finds_its_pair_in_the_database(session, world, one, other, reason):
    first = born_with(session, world, one[0], one[1], **one[2])
    second = born_with(session, world, other[0], other[1], **other[2])
    session.commit()

    refreshed(session, world)

    assert pairs(session) == {(first.id, second.id): (reason,)}


def test_youth_born_on_other_days_with_other_numbers_are_not_paired(session, world):
    born_with(session, world, "Lefèvre", "Éloïse", birth_date=date(2009, 3, 15))
    born_with(session, world, "Lefèvre", "Léo", phone="+33353010008")
    born_with(session, world, "Lefèvre", "Léa", phone="+33353010009")  # twins
    session.commit()

    refreshed(session, world)

    assert pairs(session) == {}


def test_a_youth_of_another_psad_is_never_paired(session, world, lens, double):
    elsewhere = make_youth(
        session, lens.psad, last_name="Lefèvre", first_name="Éloïse", birth_date=date(2009, 3, 14)
    )
    session.commit()

    refreshed(session, world)
    services.refresh_pairs(session, psad_id=lens.psad.id)
    session.commit()

    assert set(pairs(session)) == {(world.minor.id, double.id)}
    assert elsewhere.id not in {i for pair in pairs(session) for i in pair}


def test_only_the_files_changed_since_are_compared_again(session, world, double):
    assert services.refresh_pairs(session, psad_id=world.psad.id) == 3
    assert services.refresh_pairs(session, psad_id=world.psad.id) == 0

    edit(session, world, double, last_name="Lefèvre")

    assert services.count_stale(session, world.psad.id) == 1
    assert services.refresh_pairs(session, psad_id=world.psad.id) == 1
    assert pairs(session) == {(world.minor.id, double.id): (Reason.SAME_IDENTITY,)}


def test_a_file_that_no_longer_looks_alike_leaves_the_list(session, world, double):
    refreshed(session, world)

    edit(session, world, double, first_name="Hugo", phone=None)
    refreshed(session, world)

    assert pairs(session) == {}


def test_youth_written_by_an_import_are_compared_too(session, world):
    session.execute(
        insert(Youth).values(
            psad_id=world.psad.id,
            last_name="LEFEVRE",
            first_name="ELOISE",
            birth_date=world.minor.birth_date,
            search_key="lefevre eloise",
            identity_key="lefevre|eloise|2009-03-14",
            created_at=NOW,
            updated_at=NOW,
        )
    )
    session.commit()

    refreshed(session, world)

    assert list(pairs(session).values()) == [(Reason.SAME_IDENTITY,)]


def test_a_pair_said_not_a_duplicate_is_left_out(session, world, double):
    refreshed(session, world)

    dismiss(session, world, double, world.minor)
    refreshed(session, world)

    assert listed(session, world) == []
    assert queries.is_dismissed(session, world.minor.id, double.id)


def test_a_pair_lists_only_when_the_viewer_sees_both_youth(session, world, double):
    """The Lycée Baggio follows Éloïse, not her second file."""
    refreshed(session, world)

    assert listed(session, world, world.copilot) == listed(session, world)
    assert listed(session, world, world.partner) == []


def test_the_strongest_reasons_come_first(session, world, double):
    twin = born_with(session, world, "Martin", "Hugo", birth_date=world.adult.birth_date)
    session.commit()
    refreshed(session, world)

    assert [names[:2] for names in listed(session, world)] == [
        (world.adult.display_name, twin.display_name),
        (world.minor.display_name, double.display_name),
    ]


def test_the_pairs_of_one_youth(session, world, double):
    refreshed(session, world)

    [pair] = queries.pairs_of(session, scope_of(world, world.pilot), double.id)

    assert (pair.low_youth_id, pair.high_youth_id) == (world.minor.id, double.id)
    assert queries.pairs_of(session, scope_of(world, world.pilot), world.adult.id) == []


def test_the_scheduled_job_compares_every_psad(app, session, world, lens, double):
    make_youth(session, lens.psad, last_name="Roux", first_name="Julie")
    make_youth(session, lens.psad, last_name="Julie", first_name="Roux")
    session.commit()

    assert refresh_duplicates(app) == 5

    assert len(pairs(session, world.psad.id)) == 1
    assert [why for why in pairs(session, lens.psad.id).values()] == [(Reason.SWAPPED,)]
    assert refresh_duplicates(app) == 0
