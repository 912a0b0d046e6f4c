"""Who sees which meetings and which youth of their agendas.

Every member of a PSAD sees its meetings (date, place, kind, invited structures, counts). On
an agenda, the minutes or an export, a member sees only the youth the one scoping function
lets them see (``youth_scope``): a partner, their youth; a reader, none (counts only). Pilotes
and co-pilotes run the meetings; the pilote validates the minutes.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists

from psad.access.viewer import Viewer
from psad.access.youth import youth_scope
from psad.committees.models import AgendaItem, Committee
from psad.youth.models import Youth


def committee_scope(viewer: Viewer) -> ColumnElement[bool]:
    """SQL condition on ``Committee``: the meetings of the viewer's current PSAD."""
    return Committee.psad_id == viewer.psad_id


def visible_items(viewer: Viewer) -> ColumnElement[bool]:
    """SQL condition on ``AgendaItem``: the lines whose youth the viewer may see."""
    return exists().where(and_(Youth.id == AgendaItem.youth_id, youth_scope(viewer)))


def sees_agenda(viewer: Viewer, committee: Committee) -> bool:
    """A draft agenda is for those who prepare it; once published, every member sees it."""
    return viewer.can_run_committees or committee.is_published
