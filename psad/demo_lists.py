"""The demo's saved views of the youth list: a few lists the demo pilote comes back to, each
one click away in the list's toolbar (« Mes vues »)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from psad.audit.services import Actor
from psad.auth.models import Psad, User
from psad.followup.queries import Tab
from psad.followup.worklist import MINOR, YES, ListArgs
from psad.lists import services

ACTOR = Actor(user_id=None, psad_id=None, ip_address="demo")
# name → the list's URL arguments, as the list's tabs and filters write them
VIEWS = {
    "Mineurs à traiter": {"onglet": Tab.TO_PROCESS.value, "age": MINOR},
    "Obligation de formation à faire": {"onglet": Tab.ALL.value, "of": YES},
    "Sans contact depuis 30 jours": {"onglet": Tab.ALL.value, "sans_contact": "30"},
}


def populate(session: Session, *, psad: Psad, pilot: User) -> None:
    """Save the views for ``pilot`` in ``psad`` (the demo PSAD)."""
    for name, arguments in VIEWS.items():
        services.save_view(
            session,
            user_id=pilot.id,
            psad_id=psad.id,
            name=name,
            query=ListArgs.from_args(arguments).query_string(),
            actor=ACTOR,
        )
