"""The signalement service, below the web page."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from psad.audit.services import Actor
from psad.auth.models import Role
from psad.youth import services
from psad.youth.models import Case, Youth
from tests.factories import make_psad, make_user


def test_a_signalement_is_stored_only_when_its_caller_commits(session):
    psad = make_psad(session)
    user = make_user(session, psad=psad, role=Role.PILOT)
    session.commit()
    data = services.Signalement(
        youth=services.YouthData(
            last_name="Lefèvre",
            first_name="Éloïse",
            ine="0494004062M",
            birth_date=date(2008, 3, 14),
        )
    )

    services.signal_youth(
        session,
        psad=psad,
        data=data,
        by=user,
        on=date(2026, 11, 30),
        actor=Actor(user_id=user.id, psad_id=psad.id, ip_address="test"),
    )
    session.rollback()  # as the page does when anything after it fails

    assert session.scalar(select(func.count()).select_from(Youth)) == 0
    assert session.scalar(select(func.count()).select_from(Case)) == 0
