"""The one place that decides which youth a user may see.

Every page, export and query that lists or opens youth goes through ``youth_scope``:
pilotes and co-pilotes see every youth of their current PSAD; a partner sees the youth whose
case (open or closed) is assigned to their structure, and the youth oriented to a site their
structure hosts or to a vacant place it declared (« the youth it received »: every orientation
but a cancelled one); readers and administrators see no names at all. A youth outside the
scope answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select
from sqlalchemy.orm import Session

from psad.access.viewer import Viewer
from psad.auth.models import Role
from psad.errors import NotFoundError
from psad.orientations.models import (
    Orientation,
    OrientationStatus,
    ProgrammeSite,
    VacantPlace,
)
from psad.youth.models import Case, Youth

NOT_FOUND = "Ce dossier n'existe pas ou ne fait pas partie de vos dossiers."


def youth_scope(viewer: Viewer) -> ColumnElement[bool]:
    """SQL condition on ``Youth`` that is true exactly for the youth the viewer may see."""
    if viewer.psad_id is None or viewer.role is None or not viewer.role.sees_names:
        return false()
    in_psad = Youth.psad_id == viewer.psad_id
    if viewer.role.sees_all_youth:
        return in_psad
    if viewer.role is Role.PARTNER and viewer.structure_id is not None:
        assigned = exists().where(
            Case.youth_id == Youth.id,
            Case.psad_id == viewer.psad_id,
            Case.referent_structure_id == viewer.structure_id,
        )
        return and_(in_psad, or_(assigned, received_by(viewer.psad_id, viewer.structure_id)))
    return false()


def visible_youth(viewer: Viewer) -> Select[Youth]:
    return select(Youth).where(youth_scope(viewer))


def get_visible_youth_or_404(session: Session, youth_id: int, viewer: Viewer) -> Youth:
    youth = session.scalar(visible_youth(viewer).where(Youth.id == youth_id))
    if youth is None:
        raise NotFoundError(NOT_FOUND)
    return youth


def received_by(psad_id: int, structure_id: int) -> ColumnElement[bool]:
    """True for a youth oriented to a site the structure hosts, or to a vacant place it
    declared, in the PSAD (any orientation but a cancelled one)."""
    hosted_sites = select(ProgrammeSite.id).where(ProgrammeSite.structure_id == structure_id)
    declared = select(VacantPlace.id).where(VacantPlace.structure_id == structure_id)
    return exists().where(
        Orientation.youth_id == Youth.id,
        Orientation.psad_id == psad_id,
        Orientation.status != OrientationStatus.CANCELLED,
        or_(Orientation.site_id.in_(hosted_sites), Orientation.vacant_place_id.in_(declared)),
    )
