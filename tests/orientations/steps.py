"""Steps of an orientation as the service tests take them: propose one, move one on (with
what each step needs), count the places left at a site, put another youth at a site."""

from __future__ import annotations

from psad.orientations import places, services
from psad.orientations.models import OrientationStatus, RefusedBy
from tests.factories import make_youth
from tests.followup.conftest import NOW, TODAY
from tests.orientations.conftest import SCHOOL_YEAR, make_orientation

Status = OrientationStatus


def propose(session, offer, *, case=None, **values):  # type: ignore[no-untyped-def]
    world = offer.world
    arguments = {
        "case": case or world.adult_case,
        "programme": offer.e2c,
        "site": offer.e2c_site,
        "on": TODAY,
        "by": world.pilot,
        "actor": world.actor(world.pilot),
        "today": TODAY,
        **values,
    }
    return services.propose_orientation(session, **arguments)


def change(session, offer, orientation, to, **values):  # type: ignore[no-untyped-def]
    world = offer.world
    arguments = {
        "orientation": orientation,
        "to": to,
        "on": TODAY,
        "by": world.pilot,
        "actor": world.actor(world.pilot),
        "today": TODAY,
        "now": NOW,
        **values,
    }
    return services.change_status(session, **arguments)


def needed(to: OrientationStatus) -> dict[str, object]:
    """What a step needs besides its date: who refuses, a reason."""
    if to is Status.REFUSED:
        return {"refused_by": RefusedBy.YOUTH, "reason": "Préfère chercher un emploi."}
    if to in (Status.ABANDONED, Status.CANCELLED):
        return {"reason": "Déménagement."}
    return {}


def left_at(session, site) -> int | None:  # type: ignore[no-untyped-def]
    session.flush()
    return places.site_places(session, [site], SCHOOL_YEAR)[site.id].left


def another_youth_at(session, offer, site, status=Status.ACCEPTED):  # type: ignore[no-untyped-def]
    other = make_youth(session, offer.world.psad)
    return make_orientation(session, other.cases[0], site.programme, site=site, status=status)
