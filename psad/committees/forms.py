"""The forms of meetings and their agenda: plan or change a meeting, the PSAD's rhythm, and
the agenda's buttons (each carries the meeting's version: a change made from an older page
is refused)."""

from __future__ import annotations

from datetime import datetime, time

from wtforms import (
    Field,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from psad.committees.models import TEXT_LENGTH, CommitteeKind
from psad.committees.rhythm import DAYS, LAST, WEEKS_OF_MONTH, at_paris_time, ordinal_fr
from psad.committees.services.meetings import (
    BAD_WEEK,
    BAD_WEEKDAY,
    LINK_LENGTH,
    MAX_DURATION,
    MIN_DURATION,
    PLACE_LENGTH,
)
from psad.followup.case_forms import INCOMPLETE, VersionedForm
from psad.followup.contact_forms import FrenchTimeField
from psad.followup.legal_forms import date_of
from psad.web.forms import FrenchForm
from psad.youth.forms import FREE_TEXT_WARNING, REQUIRED, FrenchDateField

DURATION = f"De {MIN_DURATION} à {MAX_DURATION} minutes."
UP, DOWN = "monter", "descendre"


def fill(field: Field, value: object) -> None:
    """A field's value before the form is sent."""
    field.data = value


def time_of(field: Field) -> time:
    """The time of a validated, required time field (typed for the services)."""
    value = field.data
    assert isinstance(value, time)
    return value


def _duration() -> IntegerField:
    return IntegerField(
        "Durée (minutes)",
        validators=[InputRequired(REQUIRED), NumberRange(MIN_DURATION, MAX_DURATION, DURATION)],
    )


def _place() -> StringField:
    return StringField(
        "Lieu",
        validators=[
            Optional(),
            Length(max=PLACE_LENGTH, message=f"{PLACE_LENGTH} caractères au plus."),
        ],
    )


class MeetingForm(FrenchForm):
    kind = SelectField(
        "Type de réunion",
        choices=[SelectChoice(kind.value, kind.label) for kind in CommitteeKind],
        default=CommitteeKind.TECHNICAL.value,
        invalid_choice_message="Choisissez le type de réunion.",
    )
    day = FrenchDateField("Date (jj/mm/aaaa)", validators=[InputRequired(REQUIRED)])
    at = FrenchTimeField("Heure (hh:mm)", validators=[InputRequired(REQUIRED)])
    duration_minutes = _duration()
    place = _place()
    video_link = StringField(
        "Lien de visioconférence",
        validators=[
            Optional(),
            Length(max=LINK_LENGTH, message=f"{LINK_LENGTH} caractères au plus."),
        ],
        description="Une adresse complète, par exemple https://visio.example.fr/comite.",
    )
    invited = SelectMultipleField("Structures invitées", coerce=int, validators=[Optional()])
    agenda_note = TextAreaField(
        "Note d'ordre du jour",
        validators=[
            Optional(),
            Length(max=TEXT_LENGTH, message=f"{TEXT_LENGTH} caractères au plus."),
        ],
        description=FREE_TEXT_WARNING,
    )
    submit = SubmitField("Planifier le comité")

    def starts_at(self) -> datetime:
        """The meeting's instant (UTC) from the day and time typed, in Paris."""
        return at_paris_time(date_of(self.day), time_of(self.at))


class EditMeetingForm(MeetingForm, VersionedForm):
    submit = SubmitField("Enregistrer les modifications")


class CancelForm(VersionedForm):
    submit = SubmitField("Annuler ce comité")


class RhythmForm(FrenchForm):
    weekday = SelectField(
        "Jour de la semaine",
        coerce=int,
        choices=[SelectChoice(number, name) for number, name in enumerate(DAYS)],
        invalid_choice_message=BAD_WEEKDAY,
    )
    week_of_month = SelectField(
        "Semaine du mois",
        coerce=int,
        choices=[
            SelectChoice(week, "le dernier du mois" if week == LAST else f"le {ordinal_fr(week)}")
            for week in WEEKS_OF_MONTH
        ],
        invalid_choice_message=BAD_WEEK,
    )
    at = FrenchTimeField("Heure (hh:mm)", validators=[InputRequired(REQUIRED)])
    duration_minutes = _duration()
    place = _place()
    no_solution_weeks = IntegerField(
        "Sans solution depuis (semaines)",
        validators=[InputRequired(REQUIRED), NumberRange(1, 52, "De 1 à 52 semaines.")],
        description=(
            "Un jeune dont le dossier est ouvert depuis ce nombre de semaines sans solution est "
            "proposé à l'ordre du jour."
        ),
    )
    overdue_decision_days = IntegerField(
        "Retard d'une décision signalé après (jours)",
        validators=[InputRequired(REQUIRED), NumberRange(1, 90, "De 1 à 90 jours.")],
        description=(
            "La tâche née d'une décision, en retard de ce nombre de jours, est signalée au pilote."
        ),
    )
    max_proposed = IntegerField(
        "Lignes proposées au plus par l'application",
        default=30,
        validators=[InputRequired(REQUIRED), NumberRange(1, 200, "De 1 à 200 lignes.")],
        description=(
            "L'ordre du jour proposé garde les situations les plus urgentes (ajournés, puis "
            "plus de motifs) ; la page dit combien d'autres jeunes remplissent un critère."
        ),
    )
    submit = SubmitField("Enregistrer le rythme")


class AgendaForm(VersionedForm):
    """A button of the agenda (propose, publish, remove): the meeting's version only."""


class MoveForm(VersionedForm):
    direction = HiddenField(
        "Sens", validators=[DataRequired(INCOMPLETE), AnyOf([UP, DOWN], INCOMPLETE)]
    )


class AddForm(VersionedForm):
    youth_id = HiddenField("Jeune", validators=[DataRequired(INCOMPLETE)])

    def youth(self) -> int:
        value = str(self.youth_id.data or "")
        return int(value) if value.isdigit() and len(value) <= 9 else 0
