"""Follow-up pages: the rules of the « Prioritaires » block (administrators).

The work lists themselves are the youth list (``youth.index``) and the walk on a file
(``psad.followup.worklist``).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response
from wtforms import SelectChoice, SelectMultipleField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from psad.extensions import db
from psad.followup import worklist
from psad.followup.queries import Priority
from psad.followup.views import bp
from psad.web.access import admin_only
from psad.web.forms import FrenchForm
from psad.web.session import current_actor


class PriorityRulesForm(FrenchForm):
    active = SelectMultipleField(
        "Règles appliquées",
        choices=[SelectChoice(rule.value, rule.label) for rule in Priority],
        validators=[Optional()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


@bp.route("/admin/prioritaires", methods=["GET", "POST"])
@admin_only
def priority_rules() -> Response | tuple[str, int]:
    rules = worklist.priority_rules(db.session())
    form = PriorityRulesForm(data={"active": [rule.value for rule, on in rules.items() if on]})
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("followup/priority_rules.html", form=form), status
    changed = worklist.switch_priority_rules(
        db.session(),
        active={Priority(code) for code in form.active.data or []},
        actor=current_actor(),
    )
    db.session.commit()
    flash(
        "Règles des prioritaires enregistrées." if changed else "Aucune règle n'a changé.",
        "success",
    )
    return redirect(url_for("followup.priority_rules"))
