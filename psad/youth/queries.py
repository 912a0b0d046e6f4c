"""The one place that decides which youth a user may see.

Every page, export and query that lists or opens youth goes through ``youth_scope``:
pilotes and co-pilotes see every youth of their current PSAD; a partner sees the youth whose
case (open or closed) is assigned to their structure; readers and administrators see no
names at all. A youth outside the scope answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select
from sqlalchemy.orm import Session, selectinload

from psad.auth.models import Role
from psad.auth.permissions import Viewer
from psad.errors import NotFoundError
from psad.youth.identifiers import fold
from psad.youth.models import Case, CaseStatus, Youth

NOT_FOUND = "Ce dossier n'existe pas ou ne fait pas partie de vos dossiers."
# A search is a few words of a name, or an INE. SQLite refuses a LIKE pattern past 50,000
# bytes and a condition about 1,000 terms deep; ten words cover the longest compound names
# once folded ("jean pierre marie de la tour d auvergne" is eight).
SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 10


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
        return and_(in_psad, assigned)
    return false()


def visible_youth(viewer: Viewer) -> Select[Youth]:
    return select(Youth).where(youth_scope(viewer))


def search_youth(
    viewer: Viewer, text: str | None = None, status: CaseStatus | None = None
) -> Select[Youth]:
    """The youth list: visible youth whose name (accents and case ignored) or INE matches.

    The form refuses a longer text; here it is cut to SEARCH_MAX_LENGTH characters and
    SEARCH_MAX_WORDS words, whoever calls.
    """
    query = visible_youth(viewer).options(selectinload(Youth.cases))
    text = (text or "")[:SEARCH_MAX_LENGTH]
    words = fold(text).split()[:SEARCH_MAX_WORDS]
    if words:
        compact = text.replace(" ", "").upper()
        by_name = and_(*(Youth.search_key.contains(word, autoescape=True) for word in words))
        query = query.where(or_(by_name, Youth.ine == compact))
    if status is not None:
        query = query.where(exists().where(Case.youth_id == Youth.id, Case.status == status))
    return query.order_by(Youth.search_key, Youth.id)


def get_visible_youth_or_404(session: Session, youth_id: int, viewer: Viewer) -> Youth:
    youth = session.scalar(visible_youth(viewer).where(Youth.id == youth_id))
    if youth is None:
        raise NotFoundError(NOT_FOUND)
    return youth


def count_visible_youth(session: Session, viewer: Viewer) -> int:
    from sqlalchemy import func

    return session.scalar(select(func.count()).select_from(Youth).where(youth_scope(viewer))) or 0
