"""The youth list says, for each minor, the obligation de formation step to do next."""

from __future__ import annotations

import re
from datetime import date

from psad.followup import services
from psad.followup.models import ObligationStep
from tests.followup.conftest import NOW, TODAY
from tests.helpers import text


def test_a_minor_shows_the_interview_due_and_an_adult_nothing(client, world, frozen_clock):
    client.sign_in(world.pilot)

    page = text(client.get("/jeunes"))

    # opened on 01/10/2026: the interview is due within three months
    assert "OF : entretien avant le 01/01/2027" in page
    [martin_row] = re.findall(r"<tr>(?:(?!</tr>).)*MARTIN Hugo(?:(?!</tr>).)*</tr>", page, re.S)
    assert "OF :" not in martin_row  # Martin Hugo is 20


def test_an_interview_late_shows_in_red_with_its_days(client, session, world, monkeypatch):
    from psad import clock

    monkeypatch.setattr(clock, "today", lambda: date(2027, 1, 11))
    client.sign_in(world.pilot)

    page = text(client.get("/jeunes"))

    assert 'text-bg-danger text-wrap me-1">OF : entretien en retard de 10 jours' in page


def test_once_the_interview_is_held_the_mark_goes(client, session, world, frozen_clock):
    services.record_obligation_step(
        session,
        case=world.minor_case,
        step=ObligationStep.INTERVIEW,
        done_on=date(2026, 11, 2),
        comment=None,
        by=world.pilot,
        today=TODAY,
        now=NOW,
        actor=world.actor(world.pilot),
    )
    session.commit()
    client.sign_in(world.pilot)

    page = text(client.get("/jeunes"))

    assert "OF :" not in page
    assert "LEFÈVRE Éloïse" in page
