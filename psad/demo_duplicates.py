"""The demo's probable duplicates: a few demo youth look like another one, as second files
made by a list or a signalement do, so that « Doublons probables » has pairs of every kind to
compare, merge or set aside (no youth is added: the demo keeps its number of youth).

- a first name typed with one letter more, both files followed (the merge closes the newer
  case « Doublon fusionné »);
- last and first names swapped;
- the same youth under two (invented) INEs;
- a compound first name, in full in one file only;
- a brother sharing the family's phone number (« pas un doublon »).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.auth.models import Psad
from psad.duplicates import services
from psad.youth.models import CaseStatus, Sex, Youth


def _looks_like(youth: Youth, source: Youth, **values: object) -> None:
    """``youth`` takes the identity of ``source`` (names, sex, birth date), then ``values``."""
    youth.last_name, youth.first_name = source.last_name, source.first_name
    youth.sex, youth.birth_date = source.sex, source.birth_date
    for name, value in values.items():
        setattr(youth, name, value)
    youth.refresh_keys()


def populate(session: Session, *, psad: Psad, today: date) -> int:
    """Make look-alikes among the youth of ``psad`` (the demo PSAD, its youth and their
    follow-up created), compare the PSAD's files, and return how many probable pairs it has.
    ``today`` is the demo's day (unused: the look-alikes keep their own history)."""
    known = list(
        session.scalars(
            select(Youth)
            .where(Youth.psad_id == psad.id, Youth.birth_date.is_not(None))
            .order_by(Youth.id)
        )
    )
    followed = [y for y in known if any(c.status is CaseStatus.OPEN for c in y.cases)]
    named = [y for y in followed if len(y.first_name) >= 5]  # a typo wants a long enough name
    if len(named) < 2 or len(known) < 10:  # a tiny demo: no duplicates
        return 0
    typo, typo_copy = named[0], named[1]
    others = [y for y in known if y not in (typo, typo_copy)]
    first = typo.first_name
    _looks_like(typo_copy, typo, first_name=first[:2] + first[1] + first[2:])
    swapped, swapped_copy, other_ine, other_ine_copy, compound, compound_copy = others[:6]
    _looks_like(swapped_copy, swapped, last_name=swapped.first_name, first_name=swapped.last_name)
    _looks_like(other_ine_copy, other_ine, last_name=other_ine.last_name.upper())
    extra = "Marie" if compound.sex is Sex.FEMALE else "Louis"
    _looks_like(compound_copy, compound, first_name=f"{compound.first_name}-{extra}")
    with_phone = [y for y in others[6:] if y.phone]
    if len(with_phone) > 1:
        sister, brother = with_phone[0], with_phone[1]
        brother.last_name, brother.phone = sister.last_name, sister.phone
        brother.refresh_keys()
    session.flush()
    services.refresh_pairs(session, psad_id=psad.id)
    return services.count_pairs(session, psad.id)
