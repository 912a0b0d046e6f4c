"""Builders of test records: they flush, never commit; the test commits when it needs to."""

from __future__ import annotations

import itertools
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from psad.auth.models import Membership, Psad, Role, Structure, StructureKind, User
from psad.auth.passwords import hash_password
from psad.youth.models import Case, CaseSource, CaseStatus, Youth

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


@cache
def _password_hash(password: str) -> str:
    return hash_password(password)  # hashing is slow on purpose: hash each password once


def make_psad(session: Session, **overrides: Any) -> Psad:
    number = next(_counter)
    values = {"code": f"P{number}", "name": f"PSAD {number}", **overrides}
    psad = Psad(**values)
    session.add(psad)
    session.flush()
    return psad


def make_structure(session: Session, psad: Psad, **overrides: Any) -> Structure:
    values = {"name": f"Structure {next(_counter)}", "kind": StructureKind.SCHOOL, **overrides}
    structure = Structure(psad=psad, **values)
    session.add(structure)
    session.flush()
    return structure


def make_user(
    session: Session,
    *,
    psad: Psad | None = None,
    role: Role | None = None,
    structure: Structure | None = None,
    password: str = PASSWORD,
    **overrides: Any,
) -> User:
    number = next(_counter)
    values = {
        "email": f"user{number}@psad.example",
        "full_name": f"Utilisateur {number}",
        **overrides,
    }
    user = User(password_hash=_password_hash(password), **values)
    session.add(user)
    if psad is not None and role is not None:
        user.memberships.append(Membership(psad=psad, role=role, structure=structure))
    session.flush()
    return user


def make_youth(
    session: Session,
    psad: Psad,
    *,
    case: bool = True,
    referent_structure: Structure | None = None,
    case_status: CaseStatus = CaseStatus.OPEN,
    **overrides: Any,
) -> Youth:
    number = next(_counter)
    values: dict[str, Any] = {
        "last_name": f"Nom{number}",
        "first_name": "Prénom",
        "birth_date": date(2008, 3, 14),
        **overrides,
    }
    youth = Youth(psad=psad, **values)
    youth.refresh_keys()
    session.add(youth)
    if case:
        session.add(
            Case(
                youth=youth,
                psad_id=psad.id,
                source=CaseSource.REFERRAL,
                opened_on=date(2026, 10, 1),
                status=case_status,
                closed_on=date(2026, 11, 1) if case_status is CaseStatus.CLOSED else None,
                referent_structure=referent_structure,
            )
        )
    session.flush()
    return youth
