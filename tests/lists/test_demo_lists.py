"""The demo pilote's saved views: each opens the list with its filter."""

from __future__ import annotations

from psad import demo_lists
from psad.lists.queries import saved_views
from tests.helpers import text


def test_the_demo_pilote_finds_saved_views_that_filter_the_list(pilot_client, session, world):
    demo_lists.populate(session, psad=world.psad, pilot=world.pilot)
    session.commit()

    views = saved_views(session, user_id=world.pilot.id, psad_id=world.psad.id)

    assert [view.name for view in views] == [
        "Mineurs à traiter",
        "Obligation de formation à faire",
        "Sans contact depuis 30 jours",
    ]
    minors = text(pilot_client.get(f"/jeunes?{views[0].query}"))
    assert "1 jeune avec les filtres choisis." in minors  # Éloïse, 17; not Hugo, 20
    assert "Mineurs à traiter</a>" in minors
