"""Questions about accounts that other pages ask (the journal, later the comités)."""

from __future__ import annotations

from sqlalchemy import Select, select

from psad.auth.models import Membership


def member_ids(psad_id: int) -> Select[int]:
    """The ids of the users who hold a role in the PSAD (a subquery)."""
    return select(Membership.user_id).where(Membership.psad_id == psad_id)
