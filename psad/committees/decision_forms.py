"""The forms of the meeting: the attendance (members ticked present, guests) and the decision
for one youth (its kind, a dispositif and site, a closing reason, who acts, a due date, a
comment).

What each kind of decision needs is the service's rule (``services.decisions.problems``): the
form asks it, so that every missing field shows its message under itself at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from psad.committees.models import TEXT_LENGTH, DecisionKind
from psad.committees.services.attendance import GUEST_WITHOUT_NAME, NAME_LENGTH, MemberGroup
from psad.committees.services.decisions import problems
from psad.orientations.forms import CONFIRM_FULL
from psad.web.forms import FrenchForm
from psad.youth.forms import FREE_TEXT_WARNING, FrenchDateField

NOTHING = ""
KINDS = {kind.value for kind in DecisionKind}
BLANK_GUESTS = 3  # empty guest lines offered under those already entered
TOO_LONG = f"{TEXT_LENGTH} caractères au plus."


# --- attendance ---------------------------------------------------------------------------------


class GuestForm(Form):
    """One guest line (a sub-form: the page's form carries the CSRF token)."""

    name = StringField("Nom", validators=[Optional(), Length(max=NAME_LENGTH)])
    organisation = StringField("Organisation", validators=[Optional(), Length(max=NAME_LENGTH)])
    remove = BooleanField("Retirer")

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        valid = super().validate(extra_validators)
        named = bool((self.name.data or "").strip())
        if not self.remove.data and (self.organisation.data or "").strip() and not named:
            self.name.errors = [*self.name.errors, GUEST_WITHOUT_NAME]
            return False
        return valid

    @property
    def kept(self) -> bool:
        return not self.remove.data and bool((self.name.data or "").strip())


class AttendanceForm(FrenchForm):
    present = SelectMultipleField("Présents", coerce=int, validators=[Optional()])
    guests = FieldList(FormField(GuestForm), min_entries=0)
    submit = SubmitField("Enregistrer les présences")


def attendance_form(
    groups: list[MemberGroup], present: set[int], guests: list[tuple[str, str | None]]
) -> AttendanceForm:
    """The form on the members' list; opened (not sent), it shows what was saved and a few
    empty guest lines."""
    form = AttendanceForm()
    form.present.choices = [
        (member.user.id, member.user.full_name) for group in groups for member in group.members
    ]
    if not form.is_submitted():
        form.present.data = sorted(present)
        while form.guests.entries:
            form.guests.pop_entry()
        for name, organisation in guests:
            form.guests.append_entry({"name": name, "organisation": organisation or ""})
        for _ in range(BLANK_GUESTS):
            form.guests.append_entry()
    return form


# --- the decision -------------------------------------------------------------------------------


class DecisionForm(FrenchForm):
    kind = RadioField(
        "Décision",
        choices=[SelectChoice(kind.value, kind.label) for kind in DecisionKind],
        validators=[InputRequired("Choisissez la décision du comité.")],
    )
    choice = SelectField("Dispositif et site", validators=[Optional()], validate_choice=True)
    confirm_full = BooleanField(CONFIRM_FULL)
    closing_reason = SelectField("Motif de clôture", validators=[Optional()])
    acting_structure = SelectField("Qui agit : structure", validators=[Optional()])
    acting_user = SelectField("Qui agit : personne", validators=[Optional()])
    due_on = FrenchDateField("Échéance (jj/mm/aaaa)", validators=[Optional()])
    comment = TextAreaField(
        "Commentaire",
        validators=[Optional(), Length(max=TEXT_LENGTH, message=TOO_LONG)],
        description=FREE_TEXT_WARNING,
    )
    submit = SubmitField("Enregistrer et suivant")

    committee_day: date

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        valid = super().validate(extra_validators)
        kind = DecisionKind(self.kind.data) if self.kind.data in KINDS else None
        found = problems(
            kind,
            has_programme=bool(self.choice.data),
            has_reason=bool(self.closing_reason.data),
            has_who=bool(self.acting_structure.data or self.acting_user.data),
            due_on=self.due_on.data,
            committee_day=self.committee_day,
        )
        for name, message in found.items():
            if not self[name].errors:
                self[name].errors = [*self[name].errors, message]
        return valid and not found

    @property
    def decision_kind(self) -> DecisionKind:
        return DecisionKind(self.kind.data)


def decision_form(
    *,
    options: list[tuple[str, list[Any]]],
    structures: list[tuple[int, str]],
    people: list[tuple[int, str]],
    reasons: list[tuple[str, str]],
    committee_day: date,
) -> DecisionForm:
    """The decision form with the PSAD's choices: the orient form's « dispositif · site »
    (places left in their labels), the PSAD's structures and members, the closing reasons
    a comité records."""
    form = DecisionForm()
    form.committee_day = committee_day
    form.choice.choices = [
        SelectChoice(NOTHING, "(pour une orientation : choisir un dispositif)"),
        *(
            SelectChoice(option.value, option.label, optgroup=family)
            for family, group in options
            for option in group
        ),
    ]
    form.closing_reason.choices = [
        SelectChoice(NOTHING, "(pour une clôture : choisir le motif)"),
        *(SelectChoice(code, label) for code, label in reasons),
    ]
    form.acting_structure.choices = [
        SelectChoice(NOTHING, "(aucune)"),
        *(SelectChoice(str(key), label) for key, label in structures),
    ]
    form.acting_user.choices = [
        SelectChoice(NOTHING, "(personne)"),
        *(SelectChoice(str(key), label) for key, label in people),
    ]
    return form
