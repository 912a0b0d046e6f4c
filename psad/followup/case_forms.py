"""The forms that change a case (situation, stage, referent, needs, closing, reopening) and
the file's edit form (identity, contact details, legal guardian, schooling).

Each carries the version of the record it was loaded with: a save made from an older version
is refused (optimistic locking). The edit form also carries the values it was loaded with, so
that a refused save can show what the other person changed and keep what this user typed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from wtforms import (
    Field,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from psad.reference.models import ReferenceItem
from psad.web.forms import FrenchForm
from psad.youth.forms import DATE_HINT, FREE_TEXT_WARNING, REQUIRED, FrenchDateField, YouthFileForm
from psad.youth.identifiers import format_phone
from psad.youth.models import CaseStage, KnownToPartner, Youth

INCOMPLETE = "Le formulaire est incomplet : rechargez la page et recommencez."
SOLUTION_FOUND = "solution_found"
# The closing reasons a link may preselect (``?motif=``), besides the reference codes.
REASON_ALIASES = {"injoignable": "unreachable"}
NONE = 0  # « aucun » in the referent's lists
CHOOSE = SelectChoice("", "(choisir)")  # nothing chosen for the user: sending it is refused


def reference_choices(
    items: Iterable[ReferenceItem], *current: ReferenceItem | None
) -> list[SelectChoice]:
    """The active items of a list, plus those the case holds even if retired since."""
    chosen = list(items)
    chosen += [item for item in current if item is not None and item not in chosen]
    return [SelectChoice(item.code, item.label) for item in chosen]


class VersionedForm(FrenchForm):
    """A form prepared on one version of a record."""

    version = HiddenField("Version", validators=[DataRequired(INCOMPLETE), Regexp(r"^\d{1,9}$")])

    def expected_version(self) -> int:
        return int(self.version.data)


class SituationForm(VersionedForm):
    situation = SelectField("Situation constatée", validators=[InputRequired(REQUIRED)])
    submit = SubmitField("Enregistrer la situation")


class StageForm(VersionedForm):
    stage = RadioField(
        "Nouvelle étape",
        choices=[SelectChoice(s.value, s.label) for s in (CaseStage.SUPPORTED, CaseStage.SOLUTION)],
        validators=[InputRequired(REQUIRED)],
    )
    submit = SubmitField("Changer l'étape")


class ReferentForm(VersionedForm):
    user_id = SelectField("Référent (personne)", coerce=int, validators=[Optional()])
    structure_id = SelectField("Structure référente", coerce=int, validators=[Optional()])
    submit = SubmitField("Enregistrer le référent")


class NeedsForm(VersionedForm):
    project = TextAreaField(
        "Projet du jeune",
        validators=[Optional(), Length(max=500)],
        description=FREE_TEXT_WARNING,
    )
    wishes = SelectMultipleField("Souhaits", validators=[Optional()])
    obstacles = SelectMultipleField("Freins périphériques", validators=[Optional()])
    submit = SubmitField("Enregistrer les besoins")


class CloseForm(VersionedForm):
    reason = SelectField("Motif de clôture", validators=[InputRequired(REQUIRED)])
    known_to_partner = RadioField(
        "Ce jeune était-il déjà connu d'un partenaire ?",
        choices=[SelectChoice(k.value, k.label) for k in KnownToPartner],
        validators=[InputRequired(REQUIRED)],
    )
    solution = SelectField("Solution trouvée", validators=[Optional()])
    solution_since = FrenchDateField("En place depuis le (jj/mm/aaaa)", validators=[Optional()])
    submit = SubmitField("Clore le dossier")

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        valid = super().validate(extra_validators)
        if self.reason.data == SOLUTION_FOUND:
            for field in (self.solution, self.solution_since):
                if not field.data and not field.errors:
                    field.errors = [*field.errors, "Obligatoire pour « Solution trouvée »."]
                    valid = False
        return valid

    def preselect_solution(self, code: str | None, since: date | None) -> None:
        """The solution a started orientation offers (when the list still holds it)."""
        if code and code in {choice.value for choice in self.solution.choices or []}:
            self.solution.data = code
            if since is not None:
                solution_since: Field = self.solution_since
                solution_since.data = since

    def preselect(self, motif: str | None) -> None:
        """A link's ``?motif=`` chooses the reason (the contact form's « injoignable »)."""
        code = REASON_ALIASES.get(motif or "", motif or "")
        if code and code in {choice.value for choice in self.reason.choices or []}:
            self.reason.data = code


class ReopenForm(VersionedForm):
    reason = TextAreaField(
        "Motif de la réouverture",
        validators=[DataRequired(REQUIRED), Length(max=2000)],
        description=FREE_TEXT_WARNING,
    )
    submit = SubmitField("Rouvrir le dossier")


# --- the file's edit form -------------------------------------------------------------------

YOUTH_EDITED = (
    "last_name",
    "first_name",
    "sex",
    "birth_date",
    "birth_place",
    "ine",
    "address",
    "postal_code",
    "commune",
    "phone",
    "other_phone",
    "email",
    "school_uai",
    "school_name",
    "school_commune",
    "formation",
    "level",
    "track",
    "school_exit_date",
)
GUARDIAN_EDITED = ("last_name", "first_name", "phone", "email")
EDITED = (*YOUTH_EDITED, *(f"guardian_{name}" for name in GUARDIAN_EDITED))
PHONES = {"phone", "other_phone", "guardian_phone"}


def file_values(youth: Youth) -> dict[str, object]:
    """What the edit form shows of a youth's file (phones as people write them)."""
    guardian = youth.guardians[0] if youth.guardians else None
    values: dict[str, object] = {name: getattr(youth, name) for name in YOUTH_EDITED}
    for name in GUARDIAN_EDITED:
        values[f"guardian_{name}"] = getattr(guardian, name) if guardian else None
    for name in ("sex", "track"):
        values[name] = values[name].value if values[name] else ""  # type: ignore[attr-defined]
    for name in PHONES:
        values[name] = format_phone(values[name]) or None  # type: ignore[arg-type]
    return values


@dataclass(frozen=True)
class OtherChange:
    """A field someone else saved while this user was editing the file."""

    label: str
    before: str  # as this user's form was loaded
    now: str  # as stored now
    yours: str | None  # what this user typed instead, when they changed the field too


class EditYouthForm(YouthFileForm, VersionedForm):
    loaded = HiddenField("Valeurs chargées")
    submit = SubmitField("Enregistrer les modifications")

    @classmethod
    def of(cls, youth: Youth, *, today: date, **kwargs: Any) -> EditYouthForm:
        """The form on the youth's stored file (``formdata=None``: not what was posted)."""
        form = cls(data=file_values(youth), today=today, **kwargs)
        if not form.is_submitted() or kwargs.get("formdata", True) is None:
            form.version.data = str(youth.version)
            form.loaded.data = json.dumps(form.shown(), ensure_ascii=False)
        return form

    def changes(self) -> tuple[dict[str, object], list[str]]:
        """The file's fields, normalised as the signalement does, and the warnings to show."""
        data, warnings = self.youth_data()
        return {name: getattr(data, name) for name in YOUTH_EDITED}, warnings

    def shown(self, typed: bool = False) -> dict[str, str]:
        """Each field as the form shows it (``typed``: as the user sent it)."""
        return {name: _shown(self[name], typed) for name in EDITED}

    def loaded_values(self) -> dict[str, str]:
        try:
            values = json.loads(self.loaded.data or "")
        except ValueError:
            values = None
        if not isinstance(values, dict):
            return self.shown(typed=True)  # unknown: only what differs from the user's values
        return {name: str(values.get(name) or "") for name in EDITED}

    def merge(self, stored: EditYouthForm, version: int) -> list[OtherChange]:
        """After a save refused because the file changed: what the other person changed.
        The form takes their values where this user left the field as loaded, keeps this
        user's where both changed it, and now stands on the stored version."""
        before, typed, now = self.loaded_values(), self.shown(typed=True), stored.shown()
        changes = []
        for name in EDITED:
            if now[name].strip() == before[name].strip():
                continue
            mine = typed[name].strip() != before[name].strip()
            both = mine and typed[name].strip() != now[name].strip()
            changes.append(
                OtherChange(
                    label=_label(self[name]),
                    before=_readable(self[name], before[name]),
                    now=_readable(self[name], now[name]),
                    yours=_readable(self[name], typed[name]) if both else None,
                )
            )
            if not mine:
                self[name].data, self[name].raw_data = now[name], [now[name]]
        self.version.data, self.loaded.data = str(version), stored.loaded.data
        return changes


def _shown(field: Field, typed: bool) -> str:
    if typed and field.raw_data:
        return str(field.raw_data[0])
    if isinstance(field, SelectField):
        return "" if field.data is None else str(field.data)
    return str(field._value())


def _label(field: Field) -> str:
    return str(field.label.text).removesuffix(DATE_HINT)


def _readable(field: Field, value: str) -> str:
    """A value as people read it: a choice's label, a date as jj/mm/aaaa, « (vide) »."""
    if not value.strip():
        return "(vide)"
    if isinstance(field, SelectField):
        labels = {choice.value: choice.label for choice in field.choices or []}
        return str(labels.get(value, value))
    if isinstance(field, FrenchDateField):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return value
