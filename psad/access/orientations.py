"""Who sees which orientations and vacant places, and who may move an orientation on.

An orientation is seen with its youth: the one scoping function decides (``youth_scope``),
so a hosting structure sees the orientations of the youth it received. Moving one on
(accept, refuse, start, end, cancel, news) is for pilotes and co-pilotes, the structure that
follows the case (its referent structure), and the structure that hosts the site or declared
the vacant place; a reader or an administrator never.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists

from psad.access.viewer import Viewer
from psad.access.youth import youth_scope
from psad.auth.models import Role
from psad.orientations.models import Orientation, ProgrammeSite, VacantPlace
from psad.youth.models import Youth


def orientation_scope(viewer: Viewer) -> ColumnElement[bool]:
    """SQL condition on ``Orientation``: those of the youth the viewer sees, in their PSAD."""
    return and_(
        Orientation.psad_id == viewer.psad_id,
        exists().where(Youth.id == Orientation.youth_id, youth_scope(viewer)),
    )


def hosts(viewer: Viewer, orientation: Orientation) -> bool:
    """The viewer's structure receives this orientation (its site, or its vacant place)."""
    if viewer.structure_id is None:
        return False
    site: ProgrammeSite | None = orientation.site
    vacancy: VacantPlace | None = orientation.vacant_place
    return (site is not None and site.structure_id == viewer.structure_id) or (
        vacancy is not None and vacancy.structure_id == viewer.structure_id
    )


def may_update(viewer: Viewer, orientation: Orientation) -> bool:
    """May the viewer (who sees the youth) record a step or news of this orientation?"""
    if viewer.psad_id != orientation.psad_id or viewer.role is None:
        return False
    if viewer.role in (Role.PILOT, Role.COPILOT):
        return True
    if viewer.role is not Role.PARTNER:
        return False
    follows = orientation.case.referent_structure_id == viewer.structure_id
    return follows or hosts(viewer, orientation)


def may_manage_vacancy(viewer: Viewer, vacancy: VacantPlace) -> bool:
    """Withdraw or correct a vacant place: pilotes and co-pilotes of its PSAD, and the
    partner structure that declared it."""
    if viewer.psad_id != vacancy.psad_id:
        return False
    if viewer.role in (Role.PILOT, Role.COPILOT):
        return True
    return (
        viewer.role is Role.PARTNER
        and viewer.structure_id is not None
        and vacancy.structure_id == viewer.structure_id
    )
