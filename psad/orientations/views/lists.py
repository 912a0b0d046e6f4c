"""The list of orientations (by status, dispositif, site, structure d'accueil, school year and
youth's name, all in the URL) and its ``.xlsx`` export: the same filters, the same scope (the
orientations of the youth the viewer sees, in their PSAD)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO

from flask import render_template, request
from werkzeug.wrappers import Response

from psad import clock
from psad.access.orientations import orientation_scope
from psad.auth.queries import active_structures
from psad.extensions import db
from psad.orientations import queries
from psad.orientations.export import export_orientations
from psad.orientations.list_forms import OrientationListForm
from psad.orientations.views import bp
from psad.schoolyear import school_year_of
from psad.web.access import sees_youth
from psad.web.session import current_actor, current_membership, current_viewer
from psad.web.urls import requested_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STREAM_BLOCK = 64 * 1024


def _filter_form() -> OrientationListForm:
    """The list's filters read from the URL (the current school year unless one is asked),
    with the choices of the viewer's PSAD."""
    session, psad_id = db.session(), current_viewer().psad_id
    assert psad_id is not None  # sees_youth guarantees a PSAD
    current = school_year_of(clock.today())
    form = OrientationListForm(request.args, annee=str(current))
    form.fill(
        programmes=queries.programmes(session),
        sites=queries.psad_sites(session, psad_id),
        structures=active_structures(session, psad_id),
        years=queries.school_years(session, psad_id, current),
    )
    return form


@bp.get("/orientations")
@sees_youth
def index() -> str | tuple[str, int]:
    form = _filter_form()
    if not form.validate():
        return render_template("orientations/index.html", form=form, page=None), 422
    listed = queries.orientations_page(
        db.session(),
        viewer_scope=orientation_scope(current_viewer()),
        filter=form.chosen(),
        page=requested_page(),
    )
    return render_template("orientations/index.html", form=form, page=listed)


@bp.get("/orientations/export.xlsx")
@sees_youth
def export() -> Response | tuple[str, int]:
    """The filtered list as a workbook, written to a temporary file that the response streams."""
    form = _filter_form()
    if not form.validate():
        return render_template("orientations/index.html", form=form, page=None), 422
    target = tempfile.TemporaryFile()  # noqa: SIM115  (closed by _streamed once sent)
    export_orientations(
        db.session(),
        viewer_scope=orientation_scope(current_viewer()),
        chosen=form.chosen(),
        target=target,
        actor=current_actor(),
    )
    db.session.commit()
    return _attachment(target, f"orientations-{_psad_code()}-{clock.today()}.xlsx")


def _psad_code() -> str:
    membership = current_membership()
    assert membership is not None  # sees_youth guarantees a membership
    return "".join(c for c in membership.psad.code if c.isalnum() or c in "-_") or "psad"


def _attachment(target: IO[bytes], name: str) -> Response:
    """The workbook written to ``target``, streamed as a download."""
    size = target.tell()
    target.seek(0)
    return Response(
        _streamed(target),
        mimetype=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Length": str(size),
        },
    )


def _streamed(target: IO[bytes]) -> Iterator[bytes]:
    """The file's bytes by blocks; the file is closed at the end, or when the client goes."""
    with target:
        while block := target.read(STREAM_BLOCK):
            yield block
