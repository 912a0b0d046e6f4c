"""The forms of a pair: « pas un doublon », and the merge (which file is kept and, for each
field whose values differ, which value to keep).

The merge form carries the versions both files were shown at: a merge prepared on an older
version of either is refused, and nothing is merged.
"""

from __future__ import annotations

from typing import Any

from wtforms import Field, HiddenField, RadioField, SelectChoice, SubmitField
from wtforms.validators import DataRequired, InputRequired, Regexp

from psad.duplicates import queries
from psad.followup.case_forms import INCOMPLETE
from psad.web.forms import FrenchForm
from psad.youth.forms import REQUIRED
from psad.youth.models import Youth
from psad.youth.services import FIELD_LABELS

VALUE_PREFIX = "valeur_"  # the radio buttons of a field: ``valeur_last_name``...
CHOOSE_KEPT = "Choisissez le dossier à conserver."


class DismissForm(FrenchForm):
    submit = SubmitField("Pas un doublon")


def _version() -> HiddenField:
    return HiddenField(
        validators=[DataRequired(INCOMPLETE), Regexp(r"^\d{1,9}$", message=INCOMPLETE)]
    )


class MergeForm(FrenchForm):
    """The kept file, the versions seen, and one radio field per differing field (added by
    ``of``, named VALUE_PREFIX + the field's name, each choice a youth's id)."""

    kept = RadioField("Dossier conservé", validators=[InputRequired(CHOOSE_KEPT)])
    first_version = _version()
    second_version = _version()
    check = SubmitField("Vérifier la fusion")
    confirm = SubmitField("Confirmer la fusion")
    change = SubmitField("Modifier mes choix")

    first: Youth
    second: Youth
    differing: list[str]

    @classmethod
    def of(cls, first: Youth, second: Youth, differing: list[str]) -> MergeForm:
        """The form for this pair (``first``: the smaller id); a form just opened proposes to
        keep ``first`` and, for each field, its value, or the other's where it has none."""
        fields: dict[str, Any] = {
            VALUE_PREFIX + name: RadioField(
                FIELD_LABELS[name][:1].upper() + FIELD_LABELS[name][1:],
                choices=[
                    SelectChoice(str(first.id), queries.shown(first, name)),
                    SelectChoice(str(second.id), queries.shown(second, name)),
                ],
                validators=[InputRequired(REQUIRED)],
            )
            for name in differing
        }
        form: MergeForm = type("PairMergeForm", (cls,), fields)()
        form.first, form.second, form.differing = first, second, differing
        form.kept.choices = [
            SelectChoice(str(youth.id), f"Dossier n° {youth.id} : {youth.display_name}")
            for youth in (first, second)
        ]
        if not form.is_submitted():
            form.kept.data = str(first.id)
            for name in differing:
                empty = getattr(first, name) in (None, "")
                form.value(name).data = str((second if empty else first).id)
            form.seen(first, second)
        return form

    def value(self, name: str) -> Field:
        return self[VALUE_PREFIX + name]

    def values(self) -> list[tuple[str, Field]]:
        return [(name, self.value(name)) for name in self.differing]

    def seen(self, first: Youth, second: Youth) -> None:
        """Carry the files' current versions (a new try is made on what is there now)."""
        self.first_version.data = str(first.version)
        self.second_version.data = str(second.version)

    def is_stale(self) -> bool:
        """The form was made on another version of either file."""
        sent = (self.first_version.data or "", self.second_version.data or "")
        return sent != (str(self.first.version), str(self.second.version))

    def kept_and_merged(self) -> tuple[Youth, Youth]:
        if self.kept.data == str(self.second.id):
            return self.second, self.first
        return self.first, self.second

    def from_merged(self) -> frozenset[str]:
        """The fields whose chosen value is the merged-away youth's."""
        _, merged = self.kept_and_merged()
        return frozenset(name for name, field in self.values() if field.data == str(merged.id))

    def versions(self) -> tuple[int, int]:
        """The versions of the kept and of the merged-away file, as the form saw them."""
        first, second = int(self.first_version.data), int(self.second_version.data)
        kept, _ = self.kept_and_merged()
        return (first, second) if kept is self.first else (second, first)
