"""The orientations on the youth's timeline: one entry per step (and per news), with its
date, what happened, the reason and who recorded it; merged into the file's timeline."""

from __future__ import annotations

from datetime import date

from psad.orientations import services
from psad.orientations.models import OrientationStatus, RefusedBy
from psad.orientations.timeline import entries
from tests.followup.conftest import NOW, TODAY
from tests.helpers import text

Status = OrientationStatus


def steps_of_a_refused_orientation(session, offer):  # type: ignore[no-untyped-def]
    world = offer.world
    who = {"by": world.pilot, "actor": world.actor(world.pilot), "today": TODAY}
    orientation = services.propose_orientation(
        session,
        case=world.adult_case,
        programme=offer.e2c,
        site=offer.e2c_site,
        on=date(2026, 12, 1),
        comment="Projet d'alternance.",
        **who,
    )
    services.record_news(
        session,
        orientation=orientation,
        on=date(2026, 12, 2),
        comment="Visite prévue.",
        now=NOW,
        **who,
    )
    services.change_status(
        session,
        orientation=orientation,
        to=Status.REFUSED,
        on=date(2026, 12, 4),
        refused_by=RefusedBy.YOUTH,
        reason="Préfère un emploi.",
        now=NOW,
        **who,
    )
    session.commit()
    return orientation


def test_each_step_is_an_entry(session, offer):
    steps_of_a_refused_orientation(session, offer)

    found = entries(session, offer.world.adult)

    target = "École de la deuxième chance (E2C) · E2C Lille Métropole (Roubaix)"
    assert [(e.when.on, e.what) for e in found] == [
        (date(2026, 12, 1), f"Orientation proposée : {target}"),
        (date(2026, 12, 2), f"Nouvelles de l'orientation : {target}"),
        (date(2026, 12, 4), f"Orientation refusée : {target}"),
    ]
    assert [e.details for e in found] == [
        ("Projet d'alternance.",),
        ("Visite prévue.",),
        ("Refusée par le jeune", "Motif : Préfère un emploi."),
    ]
    assert {e.who for e in found} == {"Claire Martin"}
    assert {e.kind for e in found} == {"orientation"}


def test_the_file_shows_the_steps_among_the_other_events(pilot_client, session, offer):
    steps_of_a_refused_orientation(session, offer)

    page = text(pilot_client.get(f"/jeunes/{offer.world.adult.id}"))

    timeline = page[page.index('id="chronologie"') :]
    refused = timeline.index("Orientation refusée : École de la deuxième chance (E2C)")
    proposed = timeline.index("Orientation proposée : École de la deuxième chance (E2C)")
    opened = timeline.index("Dossier ouvert")
    assert refused < proposed < opened  # newest first
    assert "Motif : Préfère un emploi." in timeline


def test_another_youths_steps_are_not_on_the_timeline(session, offer):
    steps_of_a_refused_orientation(session, offer)

    assert entries(session, offer.world.minor) == []
