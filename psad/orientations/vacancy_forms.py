"""The forms of the vacant places: declare one by hand, import a spreadsheet of them.

The rules of a place (UAI key, places, date) are the service's (``vacancies.check_vacancy``):
the form only reads the values, and the view puts the service's message under its field.
"""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from psad.db import max_length
from psad.orientations.models import VacantPlace
from psad.web.forms import FrenchForm
from psad.youth.forms import DATE_HINT, FrenchDateField

REQUIRED = "Ce champ est obligatoire."
NO_STRUCTURE = 0


def _text(label: str, column: object, *, required: bool = False, **kwargs: object) -> StringField:
    length = max_length(column)
    presence = DataRequired(REQUIRED) if required else Optional()
    return StringField(
        label,
        validators=[presence, Length(max=length, message=f"{length} caractères au plus.")],
        **kwargs,
    )


class VacancyForm(FrenchForm):
    uai = _text(
        "UAI de l'établissement",
        VacantPlace.uai,
        required=True,
        description="7 chiffres et une lettre, par exemple 0590001F.",
    )
    establishment = _text("Établissement", VacantPlace.establishment)
    commune = _text(
        "Commune",
        VacantPlace.commune,
        description="Elle sert à proposer aux jeunes les places les plus proches.",
    )
    formation = _text(
        "Formation",
        VacantPlace.formation,
        required=True,
        description="Par exemple « CAP Cuisine ».",
    )
    field = _text("Domaine ou filière", VacantPlace.field)
    places = IntegerField("Nombre de places", validators=[InputRequired(REQUIRED)], default=1)
    available_until = FrenchDateField(
        "Disponibles jusqu'au" + DATE_HINT, validators=[InputRequired(REQUIRED)]
    )
    structure_id = SelectField(
        "Structure qui accueille",
        coerce=int,
        default=NO_STRUCTURE,
        description="Ses membres suivront les jeunes orientés vers cette place.",
    )
    submit = SubmitField("Déclarer la place vacante")

    def declared(self) -> dict[str, Any]:
        """The place as typed, for ``vacancies.declare_vacancy`` (which checks it)."""
        assert self.available_until.data is not None  # InputRequired
        return {
            "uai": self.uai.data or "",
            "establishment": self.establishment.data,
            "commune": self.commune.data,
            "formation": self.formation.data or "",
            "field": self.field.data,
            "places": self.places.data or 0,
            "available_until": self.available_until.data,
        }


class VacancyImportForm(FrenchForm):
    file = FileField(
        "Fichier des places vacantes (.xlsx, .xls, .ods ou .csv)",
        validators=[FileRequired("Choisissez un fichier.")],
        description="Colonnes attendues : UAI, établissement, commune, formation, "
        "domaine ou filière, nombre de places, jusqu'au (jj/mm/aaaa).",
    )
    submit = SubmitField("Importer les places")
