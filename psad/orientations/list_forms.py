"""The filters of the list of orientations, named as in its URL (``statut``, ``dispositif``,
``site``, ``structure``, ``annee``, ``q``). A value the list cannot read is refused under its
field, in French; a valid form gives the list's ``OrientationFilter``."""

from __future__ import annotations

from collections.abc import Sequence

from wtforms import Field, SelectField, StringField
from wtforms.validators import Optional, ValidationError

from psad.auth.models import Structure
from psad.orientations.models import OrientationStatus, Programme, ProgrammeSite
from psad.orientations.queries import OrientationFilter
from psad.schoolyear import school_year_label
from psad.web.forms import FrenchForm
from psad.youth.identifiers import fold
from psad.youth.queries import SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS

EVERY = ""  # « Tous » / « Toutes »
OPEN = "ouvertes"  # ``statut=ouvertes``: proposed, accepted or started
ALL_YEARS = "toutes"  # ``annee=toutes``


def _bounded_search(form: FrenchForm, field: Field) -> None:
    """Refuse what the search would cut (words counted once folded, as the search counts)."""
    if len(field.data) > SEARCH_MAX_LENGTH:
        raise ValidationError(
            f"La recherche est trop longue : {SEARCH_MAX_LENGTH} caractères au plus."
        )
    if len(fold(field.data).split()) > SEARCH_MAX_WORDS:
        raise ValidationError(f"La recherche compte trop de mots : {SEARCH_MAX_WORDS} au plus.")


def _choice(label: str) -> SelectField:
    """A filter's select: one of the choices the view fills in (« Tous » is one)."""
    return SelectField(label, choices=[], validators=[Optional()], validate_choice=True)


def _id(value: str | None) -> int | None:
    return int(value) if value else None


class OrientationListForm(FrenchForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    statut = _choice("Statut")
    dispositif = _choice("Dispositif")
    site = _choice("Site")
    structure = _choice("Structure d'accueil")
    annee = _choice("Année scolaire")
    q = StringField("Rechercher un jeune (nom, prénom)", validators=[Optional(), _bounded_search])

    def fill(
        self,
        *,
        programmes: Sequence[Programme],
        sites: Sequence[ProgrammeSite],
        structures: Sequence[Structure],
        years: Sequence[int],
    ) -> None:
        """The selects' choices: the catalogue, the PSAD's sites and structures, the years."""
        self.statut.choices = [
            (EVERY, "Tous"),
            (OPEN, "En cours (proposées, acceptées, commencées)"),
            *((status.value, status.label) for status in OrientationStatus),
        ]
        self.dispositif.choices = [(EVERY, "Tous")] + [
            (str(p.id), f"{p.code} · {p.name}" + ("" if p.is_active else " (retiré)"))
            for p in programmes
        ]
        self.site.choices = [(EVERY, "Tous")] + [
            (str(site.id), f"{site.programme.code} · {site.label}") for site in sites
        ]
        self.structure.choices = [(EVERY, "Toutes")] + [(str(s.id), s.name) for s in structures]
        self.annee.choices = [(ALL_YEARS, "Toutes")] + [
            (str(year), school_year_label(year)) for year in years
        ]

    def chosen(self) -> OrientationFilter:
        """The filter of a valid form."""
        status = self.statut.data or EVERY
        year = self.annee.data
        return OrientationFilter(
            statuses=(OrientationStatus(status),) if status not in (EVERY, OPEN) else (),
            open_only=status == OPEN,
            programme_id=_id(self.dispositif.data),
            site_id=_id(self.site.data),
            structure_id=_id(self.structure.data),
            school_year=int(year) if year and year != ALL_YEARS else None,
            q=(self.q.data or "").strip(),
        )

    def url_args(self, **changed: str) -> dict[str, str]:
        """The list's URL arguments (those set), with ``changed`` applied: the status badges'
        and the export's links keep the other filters."""
        args = {name: self[name].data or "" for name in URL_FIELDS}
        args.update(changed)
        return {name: value for name, value in args.items() if value}


URL_FIELDS = ("statut", "dispositif", "site", "structure", "annee", "q")
