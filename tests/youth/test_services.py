"""The signalement service, below the web page."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from psad.access.viewer import Viewer
from psad.access.youth import youth_scope
from psad.audit.services import Actor
from psad.auth.models import Role
from psad.youth import services
from psad.youth.models import Case, Youth
from psad.youth.queries import search_youth
from tests.factories import make_psad, make_user, make_youth


def test_a_referral_is_stored_only_when_its_caller_commits(session):
    psad = make_psad(session)
    user = make_user(session, psad=psad, role=Role.PILOT)
    session.commit()
    data = services.Referral(
        youth=services.YouthData(
            last_name="Lefèvre",
            first_name="Éloïse",
            ine="0494004062M",
            birth_date=date(2008, 3, 14),
        )
    )

    case = services.refer_youth(
        session,
        psad=psad,
        data=data,
        by=user,
        on=date(2026, 11, 30),
        actor=Actor(user_id=user.id, psad_id=psad.id, ip_address="test"),
    )
    assert case.youth.ine == "0494004062M"  # made in the transaction...
    session.rollback()  # as the page does when anything after it fails

    assert session.scalar(select(func.count()).select_from(Youth)) == 0
    assert session.scalar(select(func.count()).select_from(Case)) == 0


# --- odd input (issue 8) ------------------------------------------------------------------


def _refer(session, psad, user, youth: services.YouthData) -> None:  # type: ignore[no-untyped-def]
    services.refer_youth(
        session,
        psad=psad,
        data=services.Referral(youth=youth),
        by=user,
        on=date(2026, 11, 30),
        actor=Actor(user_id=user.id, psad_id=psad.id, ip_address="test"),
    )


@pytest.mark.parametrize(
    ("last_name", "first_name"),
    [
        ("Lef\u0435vre", "Éloïse"),  # Cyrillic « е »
        ("LEF\u0415VRE", "\u0415lo\u0456se"),  # Cyrillic « Е » and « і »
        ("Lefèvre", "\u0395loïse"),  # Greek « Ε »
    ],
    ids=["cyrillic-e", "cyrillic-capitals", "greek-capital-e"],
)
def test_a_name_with_latin_lookalike_letters_is_a_duplicate(session, last_name, first_name):
    psad = make_psad(session)
    user = make_user(session, psad=psad, role=Role.PILOT)
    born = date(2008, 3, 14)
    _refer(session, psad, user, services.YouthData("Lefèvre", "Éloïse", birth_date=born))

    with pytest.raises(services.DuplicateYouthError):
        _refer(session, psad, user, services.YouthData(last_name, first_name, birth_date=born))


@pytest.mark.parametrize(
    "text",
    ["a" * 50_000, " ".join(["mot"] * 1_000), " ".join(f"m{n}" for n in range(1_000))],
    ids=["50000-characters", "1000-same-words", "1000-words"],
)
def test_a_huge_search_is_bounded_below_the_form(session, text):
    psad = make_psad(session)
    user = make_user(session, psad=psad, role=Role.PILOT)
    make_youth(session, psad, last_name="Lefèvre", first_name="Éloïse")
    viewer = Viewer(user_id=user.id, psad_id=psad.id, role=Role.PILOT, structure_id=None)

    found = session.scalars(search_youth(youth_scope(viewer), text)).all()
    repeated = session.scalars(search_youth(youth_scope(viewer), "lefevre " * 1_000)).all()

    assert found == []  # no error from SQLite, and no youth named so
    assert [y.last_name for y in repeated] == ["Lefèvre"]  # a bounded search still finds
