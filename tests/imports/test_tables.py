"""Looking up many values with one bound parameter, on SQLite and on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from psad.imports.matching import among
from psad.imports.writing.bulk import allocate_ids
from psad.imports.writing.writer import YOUTHS
from psad.youth.models import Youth
from tests.factories import make_psad, make_youth

AWKWARD = ['o"neil|lea|2008-03-14', "back\\slash|a|2008-03-14", "{brace},comma|b|2008-03-14"]


def test_text_values_are_found_whatever_characters_they_hold(session) -> None:  # type: ignore[no-untyped-def]
    psad = make_psad(session)
    wanted = [make_youth(session, psad, case=False) for _ in AWKWARD]
    other = make_youth(session, psad, case=False)
    for youth, key in zip(wanted, AWKWARD, strict=True):
        youth.identity_key = key
    other.identity_key = "autre|x|2008-03-14"
    session.flush()

    found = session.scalars(
        select(Youth.id).where(among(session, "youths.identity_key", AWKWARD))
    ).all()

    assert sorted(found) == sorted(youth.id for youth in wanted)


def test_ids_are_found_and_new_ones_are_all_different(session) -> None:  # type: ignore[no-untyped-def]
    psad = make_psad(session)
    youth = [make_youth(session, psad, case=False) for _ in range(3)]
    session.flush()

    found = session.scalars(
        select(Youth.id).where(among(session, "youths.id", {youth[0].id, youth[2].id}))
    ).all()
    new_ids = allocate_ids(session, YOUTHS, 500)

    assert sorted(found) == [youth[0].id, youth[2].id]
    assert len(set(new_ids)) == 500
    assert not set(new_ids) & {y.id for y in youth}
