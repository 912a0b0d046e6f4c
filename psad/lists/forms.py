"""The forms of the list's tools: the selection sent from the list, each bulk action's
parameters (which carry the selection from page to page), and a saved view's name.

The bulk actions reuse the single file's forms (the task form, the closing form): the same
fields, labels and rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from psad.auth.models import Structure, User
from psad.db import MAX_RECORD_ID
from psad.followup.case_forms import CHOOSE, INCOMPLETE, CloseForm, reference_choices
from psad.followup.task_forms import TaskForm
from psad.lists.models import NAME_MAX_LENGTH, QUERY_MAX_LENGTH
from psad.lists.services import BulkAction
from psad.reference.models import ReferenceItem
from psad.web.forms import FrenchForm
from psad.youth.forms import DATE_HINT, REQUIRED

KEEP = "inchange"  # « (ne pas changer) » in the referent's lists
NONE = "0"  # « (aucun) »: the referent is removed
CARRIED_ONLY = ("HiddenField", "SubmitField", "CSRFTokenField")


class SelectionForm(FrenchForm):
    """What the list's toolbar sends: the rows checked (or the whole filtered list), the
    list's filter, and the action chosen."""

    ids = SelectMultipleField("Jeunes cochés", coerce=int, validate_choice=False)
    tous = BooleanField("Tous les résultats du filtre")
    liste = HiddenField("Liste", validators=[Length(max=QUERY_MAX_LENGTH)])
    action = SelectField(
        "Action groupée",
        choices=[CHOOSE, *(SelectChoice(action.value, action.label) for action in BulkAction)],
        validators=[InputRequired("Choisissez l'action groupée à appliquer.")],
    )

    def checked_ids(self) -> list[int]:
        """The ids checked, once each; one outside the database's range names no youth."""
        return [i for i in dict.fromkeys(self.ids.data or []) if 1 <= i <= MAX_RECORD_ID]


class BulkForm(FrenchForm):
    """What every bulk action's pages carry: the youth selected (ids), the list they come
    from, and, once the user saw the confirmation, the versions of the files confirmed."""

    selection = HiddenField(
        "Sélection", validators=[DataRequired(INCOMPLETE), Regexp(r"^\d{1,18}( \d{1,18})*$")]
    )
    liste = HiddenField("Liste", validators=[Length(max=QUERY_MAX_LENGTH)])
    versions = HiddenField(
        "Versions", validators=[Optional(), Regexp(r"^\d{1,18}:\d{1,9}( \d{1,18}:\d{1,9})*$")]
    )

    def selected_ids(self) -> list[int]:
        numbers = (int(number) for number in (self.selection.data or "").split())
        return [number for number in numbers if 1 <= number <= MAX_RECORD_ID]

    def confirmed_versions(self) -> dict[int, int]:
        pairs = (pair.partition(":") for pair in (self.versions.data or "").split())
        return {int(case_id): int(version) for case_id, _, version in pairs}

    def carried(self) -> list[tuple[str, str]]:
        """Every value of the form (but the versions, which the confirmation sets) as hidden
        inputs carry it to the next page."""
        return [
            (
                field.name,
                field.data.isoformat() if isinstance(field.data, date) else str(field.data),
            )
            for field in self
            if field.type not in ("SubmitField", "CSRFTokenField")
            and field.name != "versions"
            and field.data not in (None, "")
        ]

    def described(self) -> list[tuple[str, str]]:
        """The parameters as the confirmation page repeats them: each field's label and the
        value chosen, as people read it."""
        return [
            (str(field.label.text).removesuffix(DATE_HINT), _shown(field))
            for field in self
            if field.type not in CARRIED_ONLY and field.data not in (None, "")
        ]


def _shown(field: Field) -> str:
    if isinstance(field.data, date):
        return field.data.strftime("%d/%m/%Y")
    choices = getattr(field, "choices", None)
    if choices is not None:
        labels = {str(value): label for value, label, *_ in field.iter_choices()}
        return str(labels.get(str(field.data), field.data))
    return str(field.data)


class ReferentBulkForm(BulkForm):
    user_id = SelectField("Référent (personne)", validators=[Optional()])
    structure_id = SelectField("Structure référente", validators=[Optional()])

    def __init__(
        self, *args: Any, users: list[User], structures: list[Structure], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.users = {str(user.id): user for user in users}
        self.structures = {str(structure.id): structure for structure in structures}
        self.user_id.choices = [
            SelectChoice(KEEP, "(ne pas changer)"),
            SelectChoice(NONE, "(aucun : retirer le référent)"),
            *(SelectChoice(str(user.id), user.full_name) for user in users),
        ]
        self.structure_id.choices = [
            SelectChoice(KEEP, "(ne pas changer)"),
            SelectChoice(NONE, "(aucune : retirer la structure)"),
            *(SelectChoice(str(structure.id), structure.name) for structure in structures),
        ]

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.keeps_user() and self.keeps_structure():
            self.user_id.errors = [
                "Choisissez un référent ou une structure : sinon aucun dossier ne change."
            ]
            return False
        return valid

    def keeps_user(self) -> bool:
        return (self.user_id.data or KEEP) == KEEP

    def keeps_structure(self) -> bool:
        return (self.structure_id.data or KEEP) == KEEP

    def chosen_user(self) -> User | None:
        return self.users.get(self.user_id.data or "")

    def chosen_structure(self) -> Structure | None:
        return self.structures.get(self.structure_id.data or "")


class TaskBulkForm(BulkForm, TaskForm):
    """The single file's task form, for every file of the selection."""


class CloseBulkForm(BulkForm, CloseForm):
    """The single file's closing form, for every file of the selection (the versions of the
    files replace the version of one case)."""

    version = None

    def offer(self, reasons: Sequence[ReferenceItem], solutions: Sequence[ReferenceItem]) -> None:
        """The closing reasons and solutions of the reference lists (active ones)."""
        self.reason.choices = [CHOOSE, *reference_choices(reasons)]
        self.solution.choices = [
            SelectChoice("", "(à choisir pour « Solution trouvée »)"),
            *reference_choices(solutions),
        ]


class SaveViewForm(FrenchForm):
    name = StringField(
        "Nom de la vue",
        validators=[DataRequired(REQUIRED), Length(max=NAME_MAX_LENGTH)],
        description="Par exemple : « Mineurs sans contact depuis 30 jours ».",
    )
    liste = HiddenField("Liste", validators=[Length(max=QUERY_MAX_LENGTH)])
    submit = SubmitField("Enregistrer la vue")


class ListForm(FrenchForm):
    """A button on the list that only needs the list to come back to (deleting a view)."""

    liste = HiddenField("Liste", validators=[Length(max=QUERY_MAX_LENGTH)])
