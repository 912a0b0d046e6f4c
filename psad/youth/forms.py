"""The « Signaler un jeune » form: every value checked and normalised here."""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from psad.db import max_length
from psad.web.forms import FrenchForm
from psad.youth import identifiers
from psad.youth.models import Guardian, Sex, Track, Youth
from psad.youth.queries import SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS
from psad.youth.services import GuardianData, YouthData

REQUIRED = "Ce champ est obligatoire."
DATE_HINT = " (jj/mm/aaaa)"
DATE_ERROR = "Date invalide : utilisez le format jj/mm/aaaa."
# Every date typed in the app, filters included: year 1 or 9999 reads as a date, but breaks
# the arithmetic on it (« depuis le 01/01/0001 » as an instant in UTC) and means nothing here.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
FREE_TEXT_WARNING = (
    "Ne saisissez aucune donnée de santé, de justice, de nationalité ni de "
    "situation familiale ou sociale."
)


class FrenchDateField(DateField):
    """A date typed as jj/mm/aaaa (or picked as aaaa-mm-jj by the browser's date control),
    from EARLIEST_DATE to LATEST_DATE."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label, format=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)

    def _value(self) -> str:
        """A date read back into the form as the browser's date control expects it
        (aaaa-mm-jj): a valid jj/mm/aaaa typed before another field's error stays shown."""
        if isinstance(self.data, date):
            return self.data.isoformat()
        return super()._value()

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(DATE_ERROR) from None
        if self.data is not None and not EARLIEST_DATE <= self.data <= LATEST_DATE:
            self.data = None
            name = self.label.text.removesuffix(DATE_HINT)
            raise ValueError(
                f"« {name} » : la date doit être comprise entre le "
                f"{EARLIEST_DATE:%d/%m/%Y} et le {LATEST_DATE:%d/%m/%Y}."
            )


def _phone(form: FrenchForm, field: Field) -> None:
    if field.data:
        checked = identifiers.normalize_phone(field.data)
        if checked.value is None:
            raise ValidationError(checked.warning or "Numéro de téléphone invalide.")
        field.data = checked.value


def _email(form: FrenchForm, field: Field) -> None:
    if field.data:
        checked = identifiers.normalize_email(field.data)
        if checked.value is None:
            raise ValidationError(checked.warning or "Adresse électronique invalide.")
        field.data = checked.value


def _postal_code(form: FrenchForm, field: Field) -> None:
    if field.data:
        checked = identifiers.normalize_postal_code(field.data)
        if checked.value is None:
            raise ValidationError("Code postal invalide : 5 chiffres.")
        field.data = checked.value


def _storable(normalize: Any, what: str, size: int) -> Any:
    """Refuse an identifier that, once normalised, is longer than its column; warn otherwise."""

    def check(form: FrenchForm, field: Field) -> None:
        if not field.data:
            return
        value = normalize(field.data).value
        if value is None:
            raise ValidationError(f"{what} « {field.data} » : format non reconnu.")
        if len(value) > size:
            raise ValidationError(f"{what} « {field.data} » trop long : {size} caractères au plus.")

    return check


def _one_script_per_word(form: FrenchForm, field: Field) -> None:
    if field.data:
        problem = identifiers.mixed_scripts(field.data)
        if problem:
            raise ValidationError(problem)


def _bounded_search(form: FrenchForm, field: Field) -> None:
    """Refuse what the search would cut (words counted once folded, as the search counts)."""
    if len(field.data) > SEARCH_MAX_LENGTH:
        raise ValidationError(
            f"La recherche est trop longue : {SEARCH_MAX_LENGTH} caractères au plus."
        )
    if len(identifiers.fold(field.data).split()) > SEARCH_MAX_WORDS:
        raise ValidationError(f"La recherche compte trop de mots : {SEARCH_MAX_WORDS} au plus.")


def _not_in_future(form: FrenchForm, field: Field) -> None:
    if field.data and field.data > form.today:
        raise ValidationError("Cette date est dans le futur.")


class YouthFileForm(FrenchForm):
    """Identity, contact details, legal guardian and last schooling, checked and normalised:
    the signalement's fields, shared with the file's edit form so both validate alike."""

    # Identity
    last_name = StringField(
        "Nom",
        validators=[
            DataRequired(REQUIRED),
            Length(max=max_length(Youth.last_name)),
            _one_script_per_word,
        ],
        render_kw={"autocomplete": "off"},
    )
    first_name = StringField(
        "Prénom",
        validators=[
            DataRequired(REQUIRED),
            Length(max=max_length(Youth.first_name)),
            _one_script_per_word,
        ],
        render_kw={"autocomplete": "off"},
    )
    sex = SelectField(
        "Sexe",
        choices=[SelectChoice("", "Non renseigné")] + [SelectChoice(s.value, s.label) for s in Sex],
        validators=[Optional()],
    )
    birth_date = FrenchDateField(
        "Date de naissance (jj/mm/aaaa)", validators=[Optional(), _not_in_future]
    )
    birth_place = StringField(
        "Lieu de naissance (commune)",
        validators=[Optional(), Length(max=max_length(Youth.birth_place))],
    )
    ine = StringField(
        "INE (identifiant national élève)",
        validators=[Optional(), Length(max=20), _storable(identifiers.normalize_ine, "INE", 11)],
    )
    # Contact details
    address = StringField("Adresse", validators=[Optional(), Length(max=max_length(Youth.address))])
    postal_code = StringField("Code postal", validators=[Optional(), _postal_code])
    commune = StringField("Commune", validators=[Optional(), Length(max=max_length(Youth.commune))])
    phone = TelField("Téléphone", validators=[Optional(), _phone])
    other_phone = TelField("Autre téléphone", validators=[Optional(), _phone])
    email = EmailField("Adresse électronique", validators=[Optional(), _email])
    # Legal guardian
    guardian_last_name = StringField(
        "Nom du représentant légal",
        validators=[Optional(), Length(max=max_length(Guardian.last_name)), _one_script_per_word],
    )
    guardian_first_name = StringField(
        "Prénom du représentant légal",
        validators=[Optional(), Length(max=max_length(Guardian.first_name)), _one_script_per_word],
    )
    guardian_phone = TelField("Téléphone du représentant légal", validators=[Optional(), _phone])
    guardian_email = EmailField("Courriel du représentant légal", validators=[Optional(), _email])
    # Last schooling
    school_uai = StringField(
        "UAI du dernier établissement",
        validators=[Optional(), Length(max=12), _storable(identifiers.normalize_uai, "UAI", 8)],
    )
    school_name = StringField(
        "Dernier établissement", validators=[Optional(), Length(max=max_length(Youth.school_name))]
    )
    school_commune = StringField(
        "Commune de l'établissement",
        validators=[Optional(), Length(max=max_length(Youth.school_commune))],
    )
    formation = StringField(
        "Dernière formation suivie",
        validators=[Optional(), Length(max=max_length(Youth.formation))],
    )
    level = StringField(
        "Niveau (classe)", validators=[Optional(), Length(max=max_length(Youth.level))]
    )
    track = SelectField(
        "Voie",
        choices=[SelectChoice("", "Non renseignée")]
        + [SelectChoice(t.value, t.label) for t in Track],
        validators=[Optional()],
    )
    school_exit_date = FrenchDateField(
        "Date de sortie de formation (jj/mm/aaaa)", validators=[Optional(), _not_in_future]
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_birth_date(self, field: Field) -> None:
        if field.data and (self.today.year - field.data.year) > 40:
            raise ValidationError("Date de naissance invraisemblable.")

    def youth_data(self) -> tuple[YouthData, list[str]]:
        """The normalised values, and the warnings to show (wrong INE or UAI key)."""
        warnings: list[str] = []
        ine = identifiers.normalize_ine(self.ine.data)
        uai = identifiers.normalize_uai(self.school_uai.data)
        warnings += [w for w in (ine.warning, uai.warning) if w]
        text = identifiers.clean_text
        data = YouthData(
            last_name=text(self.last_name.data) or "",
            first_name=text(self.first_name.data) or "",
            ine=ine.value,
            sex=Sex(self.sex.data) if self.sex.data else None,
            birth_date=self.birth_date.data,
            birth_place=text(self.birth_place.data),
            address=text(self.address.data),
            postal_code=self.postal_code.data or None,
            commune=text(self.commune.data),
            phone=self.phone.data or None,
            other_phone=self.other_phone.data or None,
            email=self.email.data or None,
            school_uai=uai.value,
            school_name=text(self.school_name.data),
            school_commune=text(self.school_commune.data),
            formation=text(self.formation.data),
            level=text(self.level.data),
            track=Track(self.track.data) if self.track.data else None,
            school_exit_date=self.school_exit_date.data,
        )
        return data, warnings

    def guardian_data(self) -> GuardianData:
        text = identifiers.clean_text
        return GuardianData(
            last_name=text(self.guardian_last_name.data),
            first_name=text(self.guardian_first_name.data),
            phone=self.guardian_phone.data or None,
            email=self.guardian_email.data or None,
        )


class ReferralForm(YouthFileForm):
    # Signalement
    source_structure_id = SelectField("Structure qui signale", coerce=int, validators=[Optional()])
    reason = TextAreaField(
        "Motif du signalement",
        validators=[Optional(), Length(max=2000)],
        description=FREE_TEXT_WARNING,
    )
    allow_homonym = BooleanField("Il s'agit d'un homonyme (une autre personne)")
    submit = SubmitField("Signaler ce jeune")


class SearchForm(FrenchForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(
        "Rechercher un jeune (nom, prénom ou INE)", validators=[Optional(), _bounded_search]
    )


UAI_FORMAT = "Un UAI s'écrit avec 7 chiffres et une lettre (ex. 0590001A)."
DAYS_RANGE = "Indiquez un nombre de jours entre 1 et 3650."
AGE_RANGE = "Indiquez un âge entre 1 et 99 ans."


def _stripped(value: str | None) -> str | None:
    return value.strip() if value else value


def _optional_choice(label: str) -> SelectField:
    """A filter's select: empty (« Tous ») or one of the choices the view fills in."""
    return SelectField(label, choices=[], validators=[Optional()], validate_choice=True)


class ListFilterForm(SearchForm):
    """The youth list's filters, named as in the URL (psad.followup.worklist.ListArgs); the
    view fills in the choices of its PSAD. A value the list cannot read is refused under its
    field, in French."""

    etape = _optional_choice("Étape")
    situation = _optional_choice("Situation")
    referent = _optional_choice("Référent")
    structure = _optional_choice("Structure référente")
    age = _optional_choice("Âge")
    liste = _optional_choice("Liste (import)")
    source = _optional_choice("Origine")
    etablissement = StringField(
        "Établissement d'origine (UAI)",
        filters=[_stripped],
        validators=[Optional(), Regexp(r"^\d{7}[A-Za-z]$", message=UAI_FORMAT)],
    )
    commune = StringField("Commune", validators=[Optional(), Length(max=120)])
    sans_contact = IntegerField(
        "Sans contact depuis plus de (jours)",
        validators=[Optional(), NumberRange(min=1, max=3650, message=DAYS_RANGE)],
    )
    liste_depuis = IntegerField(
        "Sur une liste importée il y a au moins (jours)",
        validators=[Optional(), NumberRange(min=1, max=3650, message=DAYS_RANGE)],
        description="Dossier ouvert depuis au moins autant de jours.",
    )
    majorite = IntegerField(
        "Majeurs dans les (jours)",
        validators=[Optional(), NumberRange(min=1, max=3650, message=DAYS_RANGE)],
        description="Mineurs au dossier ouvert qui auront 18 ans d'ici là.",
    )
    age_min = IntegerField(
        "Âgés d'au moins (ans)",
        validators=[Optional(), NumberRange(min=1, max=99, message=AGE_RANGE)],
        description="Dossier ouvert.",
    )
    destinataire = _optional_choice("Rappels adressés à")
    # ticked, a box sends « 1 », as the list's own links write it
    of = BooleanField("Obligation de formation : étape à faire", render_kw={"value": "1"})
    darfi = BooleanField("DARFI en attente d'entretien", render_kw={"value": "1"})
    taches_en_retard = BooleanField("Tâches en retard", render_kw={"value": "1"})
    absent = BooleanField("Absents de la dernière liste", render_kw={"value": "1"})
