"""Small functions the follow-up tests share: record a task, a contact or a closing through
the services, read a case back, sign in as a role.

The ``world`` they take is the fixture of ``tests/followup/conftest.py``; the pilote acts
unless told otherwise, at NOW.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from psad.followup import services
from psad.followup.models import Party, Task
from psad.reference.models import ReferenceKind
from psad.youth.models import Case, KnownToPartner, Youth
from tests.followup.conftest import NOW, TODAY, World, reference


def add_task(
    session: Any,
    world: World,
    *,
    case: Case | None = None,
    by: Any = None,
    due_on: date = TODAY,
    user: Any = None,
    structure: Any = None,
    title: str = "Appeler le lycée",
) -> Task:
    """Add a task (« Appeler le lycée », due TODAY) on ``case`` (the minor's by default),
    added ``by`` the pilote unless told otherwise; flushed, not committed."""
    by = by or world.pilot
    return services.add_task(
        session,
        case=case or world.minor_case,
        title=title,
        due_on=due_on,
        user=user,
        structure=structure,
        by=by,
        actor=world.actor(by),
    )


def reach(session: Any, world: World, case: Case, reached: bool = True) -> None:
    """Record a phone call to the youth on ``case`` at NOW by the pilote, who reached them
    (or not, with ``reached=False``); not committed."""
    data = services.ContactData(
        occurred_at=NOW,
        channel=reference(session, ReferenceKind.CONTACT_CHANNEL, "phone"),
        reached=reached,
        party=Party.YOUTH,
    )
    services.record_contact(
        session, case=case, data=data, by=world.pilot, now=NOW, actor=world.actor(world.pilot)
    )


def close(session: Any, world: World, case: Case, reason: str, **kwargs: Any) -> None:
    """Close ``case`` on TODAY by the pilote for the closing reason coded ``reason``; the
    partner's knowledge unknown and no solution unless ``kwargs`` say otherwise."""
    values = {"known_to_partner": KnownToPartner.UNKNOWN, "solution": None, "solution_since": None}
    services.close_case(
        session,
        case=case,
        reason=reference(session, ReferenceKind.CLOSING_REASON, reason),
        on=TODAY,
        **{**values, **kwargs},
        by=world.pilot,
        now=NOW,
        actor=world.actor(world.pilot),
    )


def stored_case(session: Any, case_id: int) -> Case:
    """The case ``case_id`` read afresh from the database."""
    session.expire_all()
    case = session.get(Case, case_id)
    assert case is not None
    return case


def sign_in_as(client: Any, world: World, admin: Any, role: str) -> Youth:
    """Sign in as ``role`` (« anonyme » stays signed out); the youth the request is about:
    the minor, or the adult for a partner asking about another youth
    (« partenaire-autre-jeune »)."""
    users = {
        "pilote": world.pilot,
        "co-pilote": world.copilot,
        "partenaire": world.partner,
        "partenaire-autre-jeune": world.partner,
        "lecteur": world.reader,
        "administrateur": admin,
    }
    if role in users:
        client.sign_in(users[role])
    return world.adult if role == "partenaire-autre-jeune" else world.minor
