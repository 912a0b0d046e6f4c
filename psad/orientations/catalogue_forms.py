"""The forms of the catalogue: a dispositif's entry, one of its rules, one of its sites.

Each form hands the service its values as the service's own dataclass; the service checks
what needs the database (a duplicate code, a rule's codes, a UAI's key) and raises an error
naming the field, which the view puts under it.
"""

from __future__ import annotations

from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from psad.db import max_length
from psad.orientations.catalogue import ProgrammeData, RuleData
from psad.orientations.models import (
    EntryMode,
    Programme,
    ProgrammeFamily,
    ProgrammeRule,
    ProgrammeSite,
    RuleKind,
)
from psad.orientations.sites import SiteData
from psad.web.forms import FrenchForm

REQUIRED = "Ce champ est obligatoire."
DESCRIPTION_LENGTH = 5000
NONE = 0  # the « (aucune) » choice of an optional select


def _text(label: str, column: object, *, required: bool = False, **kwargs: object) -> StringField:
    first = DataRequired(REQUIRED) if required else Optional()
    return StringField(label, validators=[first, Length(max=max_length(column))], **kwargs)


def _area(label: str, length: int) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=length)])


def _number(label: str, top: int, **kwargs: object) -> IntegerField:
    return IntegerField(
        label, validators=[Optional(), NumberRange(0, top, f"Entre 0 et {top}.")], **kwargs
    )


class ProgrammeForm(FrenchForm):
    code = _text(
        "Code", Programme.code, required=True, description="Majuscules, chiffres et « _ »."
    )
    name = _text("Nom", Programme.name, required=True)
    family = SelectField(
        "Famille", choices=[SelectChoice(f.value, f.label) for f in ProgrammeFamily]
    )
    public = _area("Public", max_length(Programme.public))
    conditions = _area("Conditions", max_length(Programme.conditions))
    description = _area("Description", DESCRIPTION_LENGTH)
    duration = _text("Durée", Programme.duration)
    prescriber = _text("Prescripteur", Programme.prescriber)
    piloted_by = _text("Piloté par", Programme.piloted_by)
    entry_mode = SelectField(
        "Mode d'entrée", choices=[SelectChoice(m.value, m.label) for m in EntryMode]
    )
    entry_dates = _text("Dates d'entrée (si dates fixes)", Programme.entry_dates)
    contact = _text("Contact", Programme.contact)
    solution_id = SelectField("Solution enregistrée à la clôture", coerce=int, default=NONE)
    submit = SubmitField("Enregistrer le dispositif")

    def to_data(self) -> ProgrammeData:
        return ProgrammeData(
            code=self.code.data or "",
            name=self.name.data or "",
            family=ProgrammeFamily(self.family.data),
            entry_mode=EntryMode(self.entry_mode.data),
            public=self.public.data,
            conditions=self.conditions.data,
            description=self.description.data,
            duration=self.duration.data,
            prescriber=self.prescriber.data,
            piloted_by=self.piloted_by.data,
            entry_dates=self.entry_dates.data,
            contact=self.contact.data,
            solution_id=self.solution_id.data or None,
        )


class RuleForm(FrenchForm):
    kind = SelectField("Type de règle", choices=[SelectChoice(k.value, k.label) for k in RuleKind])
    min_value = _number(
        "Minimum", 99, description="Âge, mois hors de l'école, ou trimestres dans la classe."
    )
    max_value = _number("Maximum", 99, description="Âge maximum.")
    waiver_value = _number("Âge avec dérogation", 99)
    waiver_label = _text(
        "Dérogation",
        ProgrammeRule.waiver_label,
        description="Par exemple : l'accord de l'IA-DASEN.",
    )
    values = _text(
        "Codes",
        ProgrammeRule.values,
        description="Séparés par des virgules, parmi les codes permis pour ce type (ci-dessous).",
    )
    label = _text(
        "Libellé", ProgrammeRule.label, description="La condition à vérifier, ou une précision."
    )
    exceptional = BooleanField("À titre exceptionnel")
    submit = SubmitField("Ajouter la règle")

    def to_data(self) -> RuleData:
        return RuleData(
            kind=RuleKind(self.kind.data),
            min_value=self.min_value.data,
            max_value=self.max_value.data,
            waiver_value=self.waiver_value.data,
            waiver_label=self.waiver_label.data,
            values=self.values.data,
            label=self.label.data,
            exceptional=bool(self.exceptional.data),
        )


class SiteForm(FrenchForm):
    psad_id = SelectField(
        "PSAD", coerce=int, default=NONE, validators=[DataRequired("Choisissez la PSAD.")]
    )
    uai = StringField(
        "UAI de l'établissement",
        validators=[Optional(), Length(max=20)],
        description="7 chiffres et la lettre de contrôle, par exemple 0593456L.",
    )
    establishment = _text("Établissement", ProgrammeSite.establishment)
    commune = _text("Commune", ProgrammeSite.commune, required=True)
    postal_code = StringField(
        "Code postal",
        validators=[Optional(), Length(max=5)],
        description="Facultatif : distingue les communes de même nom.",
    )
    address = _text("Adresse", ProgrammeSite.address)
    contact = _text("Contact", ProgrammeSite.contact)
    structure_id = SelectField(
        "Structure d'accueil",
        coerce=int,
        default=NONE,
        description="Ses partenaires voient les jeunes qu'elle a accueillis.",
    )
    active = BooleanField("Implantation active", default=True)
    places_current = _number("Places", 9999, description="Vide : non déclarées.")
    places_next = _number("Places", 9999, description="Vide : non déclarées.")
    submit = SubmitField("Enregistrer l'implantation")

    def to_data(self, school_year: int) -> SiteData:
        return SiteData(
            commune=self.commune.data or "",
            uai=self.uai.data,
            establishment=self.establishment.data,
            postal_code=self.postal_code.data,
            address=self.address.data,
            contact=self.contact.data,
            structure_id=self.structure_id.data or None,
            active=bool(self.active.data),
            places={school_year: self.places_current.data, school_year + 1: self.places_next.data},
        )
