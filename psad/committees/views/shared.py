"""What every comité page shares: who may see, run or validate them, the meeting of the
viewer's PSAD (404 otherwise), and who acts, for the services.

Every member of the PSAD sees its meetings (a reader too: dates and counts, no names);
pilotes and co-pilotes plan and run them; the pilote validates and amends the minutes.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from werkzeug.wrappers import Response

from psad.access.committees import committee_scope
from psad.committees import queries
from psad.committees.models import Committee
from psad.extensions import db
from psad.web.access import requires
from psad.web.session import current_actor, current_viewer
from psad.web.urls import RECORD_ID

MEMBERS_ONLY = "Les comités sont ceux d'une PSAD : ils sont réservés à ses membres."
RUNNERS_ONLY = (
    "Seuls le pilote et le co-pilote de la PSAD planifient et tiennent les comités et "
    "préparent leur ordre du jour."
)
PILOT_ONLY = "Seul le pilote de la PSAD valide et amende le relevé de décisions."
NAMES_ONLY = (
    "L'export et l'impression du relevé donnent une ligne par jeune : ils sont réservés aux "
    "membres qui suivent des jeunes. La page du relevé vous en donne les chiffres."
)
ROUTE = f"/comites/<{RECORD_ID}:committee_id>"
Page = Response | str | tuple[str, int]

members = requires(lambda v: v.sees_committees and v.psad_id is not None, MEMBERS_ONLY)
runners = requires(lambda v: v.can_run_committees and v.psad_id is not None, RUNNERS_ONLY)
pilot = requires(lambda v: v.can_validate_minutes and v.psad_id is not None, PILOT_ONLY)
with_names = requires(lambda v: v.sees_youth and v.psad_id is not None, NAMES_ONLY)


def viewer_psad_id() -> int:
    """The viewer's PSAD (the decorators let members of a PSAD only)."""
    found = current_viewer().psad_id
    assert found is not None
    return found


def meeting_in_psad(committee_id: int) -> Committee:
    """The meeting, if it is one of the viewer's PSAD (404 otherwise)."""
    return queries.committee_in(db.session(), committee_id, committee_scope(current_viewer()))


def who() -> dict[str, Any]:
    """Who acts, for the services."""
    return {"by": current_user._get_current_object(), "actor": current_actor()}
