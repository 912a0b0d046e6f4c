"""The bilan's workbook, downloaded: the PSAD's for its pilotes and co-pilotes, the regional
one (masked, no personal data) for readers and administrators. Audited."""

from __future__ import annotations

from flask import abort
from werkzeug.wrappers import Response

from psad import clock
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Psad
from psad.extensions import db
from psad.reports.bilan import compute_bilan
from psad.reports.figures import Period
from psad.reports.forms import PeriodForm, SchoolYearForm
from psad.reports.regional import visible_psads
from psad.reports.regional_workbook import regional_workbook_bytes
from psad.reports.views import bp
from psad.reports.views.dashboard import period_form
from psad.reports.workbook import workbook_bytes
from psad.web.access import requires
from psad.web.session import current_actor, current_membership, current_viewer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_ALLOWED = (
    "Le bilan est réservé aux pilotes et co-pilotes de la PSAD ; la vue régionale aux "
    "lecteurs et aux administrateurs."
)
NO_PSAD = "Aucune PSAD à présenter : vous n'êtes lecteur d'aucune PSAD active."


@bp.get("/bilan/export.xlsx")
@requires(lambda v: v.sees_dashboard or v.sees_regional_view, NOT_ALLOWED)
def export() -> Response:
    """The workbook of the period in the URL (``du`` and ``au``, or ``annee``; the current
    school year without them; readers: ``annee`` only); 422 with the reason for a period
    that cannot be read."""
    session, viewer, now = db.session(), current_viewer(), clock.now()
    # Readers get the regional workbook: a school year only (``SchoolYearForm``).
    kind_of_form = PeriodForm if viewer.sees_dashboard else SchoolYearForm
    form, period, valid = period_form(clock.today(), kind_of_form)
    if not valid:
        abort(422, description=" ".join(e for errors in form.errors.values() for e in errors))
    if viewer.sees_dashboard:
        membership = current_membership()
        assert membership is not None  # sees_dashboard: a pilote or co-pilote of this PSAD
        psads = [membership.psad]
        bilan = compute_bilan(session, [membership.psad_id], period, produced_at=now)
        content, kind = workbook_bytes(bilan), "psad"
    else:
        psads = visible_psads(session, user_id=viewer.user_id, is_admin=viewer.is_admin)
        if not psads:
            abort(404, description=NO_PSAD)
        content = regional_workbook_bytes(session, psads, period, produced_at=now)
        kind = "regional"
    audit.record(
        session,
        current_actor(),
        AuditAction.BILAN_EXPORTED,
        object_type="bilan",
        detail=f"{kind}; du={period.start}; au={period.end}; "
        f"psad={','.join(p.code for p in psads)}",
    )
    session.commit()
    return Response(
        content,
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{file_name(kind, psads, period)}"'},
    )


def file_name(kind: str, psads: list[Psad], period: Period) -> str:
    """« bilan-LILLE-2025-09-01-2026-08-31.xlsx », « bilan-regional-... .xlsx »."""
    if kind == "psad":
        code = "".join(c for c in psads[0].code if c.isalnum() or c in "-_") or "psad"
    else:
        code = "regional"
    return f"bilan-{code}-{period.start}-{period.end}.xlsx"
