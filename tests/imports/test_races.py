"""One youth per INE, even when two transactions save the same new INE at the same moment.

The unique index makes the second writer wait for the first, then fail, and the application
turns that into a clear message. On SQLite an import, whose look-ups come after it takes the
write lock, sees the first one's youth instead; a signalement, whose checks come before its
insert, meets the index there too. Either way, never two youth.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from psad.audit.services import Actor
from psad.auth.models import Psad
from psad.imports import pipeline
from psad.imports.models import ImportBatch
from psad.imports.results import ConcurrentImportError
from psad.youth import services as youth_services
from psad.youth.models import Youth
from tests.factories import make_psad, make_user, make_youth
from tests.imports.test_services import TODAY, analyse, import_request, listing, problems_of, row

pytestmark = pytest.mark.committed

INE = "0494004062M"


@pytest.fixture
def other_session(app: Flask) -> Iterator[Session]:
    """A second connection to the test's database, as another user's request would have."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    session = Session(engine)
    yield session
    session.close()
    engine.dispose()


def while_saved_elsewhere(
    other_session: Session, psad: Psad, action: Callable[[], Any]
) -> tuple[Any, BaseException | None]:
    """Run ``action`` in a thread while ``other_session`` holds a new youth with ``INE``,
    not yet committed; commit it half a second later. What ``action`` returned or raised."""
    make_youth(other_session, other_session.get_one(Psad, psad.id), ine=INE, last_name="Lefèvre")
    other_session.flush()
    outcome: dict[str, Any] = {}

    def run_action() -> None:
        try:
            outcome["value"] = action()
        except BaseException as error:  # handed to the test
            outcome["error"] = error

    worker = threading.Thread(target=run_action)
    worker.start()
    time.sleep(0.5)
    other_session.commit()
    worker.join(20)
    assert not worker.is_alive(), "the second transaction never ended"
    return outcome.get("value"), outcome.get("error")


def test_the_database_keeps_one_youth_per_ine_and_any_number_without(session):
    psad, other = make_psad(session), make_psad(session)
    make_youth(session, psad, ine=INE)
    make_youth(session, psad, ine=None)
    make_youth(session, other, ine=None)
    session.commit()

    with pytest.raises(IntegrityError):
        make_youth(session, other, ine=INE)
        session.commit()


def test_an_import_racing_another_psad_for_a_new_ine_never_makes_two_youth(
    app, session, other_session, tmp_path: Path
):
    importer, follower = make_psad(session, code="PSAD-A"), make_psad(session, code="PSAD-B")
    session.commit()
    path = listing(tmp_path, row(ine=INE), row(ine=None, last="Dupré", first="Noé"))
    analysis = analyse(path, session, importer)

    result, error = while_saved_elsewhere(
        other_session, follower, lambda: pipeline.run(session, analysis, import_request(importer))
    )

    session.rollback()
    assert session.scalar(select(func.count()).select_from(Youth).where(Youth.ine == INE)) == 1
    if session.get_bind().dialect.name == "postgresql":  # it saw nothing, then met the index
        assert isinstance(error, ConcurrentImportError), error
        assert "Relancez l'import" in error.message
        assert session.scalars(select(ImportBatch)).all() == []  # nothing half-written
        result = pipeline.run(session, analyse(path, session, importer), import_request(importer))
    else:  # SQLite: it waited for the other writer, then saw their youth
        assert error is None, error
    assert (result.result.conflicts, result.result.created) == (1, 1)
    assert any("PSAD-B" in message for message in problems_of(result, 4))


def test_a_referral_racing_an_import_for_a_new_ine_names_the_psad_that_has_them(
    app, session, other_session
):
    follower, here = make_psad(session, code="PSAD-B"), make_psad(session, code="PSAD-A")
    user = make_user(session, psad=here)
    session.commit()
    data = youth_services.Referral(
        youth=youth_services.YouthData(
            last_name="Lefèvre", first_name="Éloïse", ine=INE, birth_date=date(2008, 3, 14)
        )
    )

    def refer() -> Any:
        """As the referral page does: the service refuses, the page rolls back and asks."""
        psad = session.get_one(Psad, here.id)
        try:
            return youth_services.refer_youth(
                session,
                psad=psad,
                data=data,
                by=user,
                on=TODAY,
                actor=Actor(user_id=user.id, psad_id=here.id, ip_address="test"),
            )
        except youth_services.ReferralRaceError:
            session.rollback()  # the service never rolls back its caller's transaction
            youth_services.explain_race(session, psad=psad, data=data)
            raise

    _, error = while_saved_elsewhere(other_session, follower, refer)

    assert isinstance(error, youth_services.YouthOutOfScopeError)
    assert "PSAD-B" in error.message and "transfert" in error.message
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Youth).where(Youth.ine == INE)) == 1
