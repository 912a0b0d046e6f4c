"""The page « Éligibilité détaillée » of a youth: every active dispositif's verdict on a date,
the facts of the file the rules used (so that a counsellor can correct the file), why not or
what is missing, and the sites of the eligible ones in the PSAD with their places left for the
school year of that date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from psad.followup.models import DIPLOMA_LABELS, Diploma
from psad.orientations import places, schooling
from psad.orientations.eligibility import Verdict
from psad.orientations.facts import Facts
from psad.orientations.file import FITTING, psad_sites, verdicts
from psad.orientations.models import ProgrammeSite
from psad.orientations.places import Places
from psad.schoolyear import school_year_label, school_year_of
from psad.youth.identifiers import age_on
from psad.youth.models import Youth


@dataclass(frozen=True)
class SiteLine:
    site: ProgrammeSite
    places: Places


@dataclass(frozen=True)
class VerdictLine:
    verdict: Verdict
    sites: list[SiteLine]  # the PSAD's active sites of an eligible dispositif

    @property
    def fits(self) -> bool:
        """Eligible, or eligible under conditions: the page offers to orient."""
        return self.verdict.state in FITTING


@dataclass(frozen=True)
class EligibilityPage:
    on: date
    school_year: str
    facts: list[tuple[str, str]]  # what the rules looked at, as the file says it
    lines: list[VerdictLine]


def eligibility_page(session: Session, *, youth: Youth, on: date) -> EligibilityPage:
    facts, found = verdicts(session, youth, on)
    fitting = [v.programme.id for v in found if v.state in FITTING]
    sites = psad_sites(session, youth.psad_id, fitting)
    year = school_year_of(on)
    counted = places.site_places(session, [s for group in sites.values() for s in group], year)
    lines = [
        VerdictLine(
            verdict=verdict,
            sites=[
                SiteLine(site, counted[site.id]) for site in sites.get(verdict.programme.id, [])
            ],
        )
        for verdict in found
    ]
    return EligibilityPage(
        on=on, school_year=school_year_label(year), facts=facts_shown(facts, on), lines=lines
    )


def facts_shown(facts: Facts, on: date) -> list[tuple[str, str]]:
    """The facts the rules used, in words, so that a counsellor can correct the file."""
    unknown = "non renseigné"
    if facts.last_class is not None:
        last_class = schooling.CLASS_LABELS.get(facts.last_class, facts.last_class)
        if facts.terms_in_last_class is not None:
            last_class += f" ({facts.terms_in_last_class} trimestre(s) suivi(s))"
    elif facts.level_text:
        last_class = f"« {facts.level_text} » n'a pas pu être lu"
    else:
        last_class = "non renseignée"
    kind = schooling.SCHOOL_KIND_LABELS.get(facts.school_kind or "", unknown)
    left = f"{facts.left_on:%d/%m/%Y}" if facts.left_on else "non renseignée"
    months = unknown
    if facts.left_on is not None:
        months = (
            f"{schooling.months_between(facts.left_on, on)} mois"
            if facts.left_on <= on
            else "encore en formation à cette date"
        )
    return [
        (f"Âge au {on:%d/%m/%Y}", _age_words(facts.birth_date, on)),
        ("Dernière classe suivie", last_class),
        ("Établissement fréquenté", kind),
        ("Sortie de formation", left),
        ("Temps hors de l'école", months),
        ("Diplôme", _diploma_words(facts)),
        ("Situation actuelle", facts.situation_label or "non renseignée"),
    ]


def _age_words(birth_date: date | None, on: date) -> str:
    if birth_date is None:
        return "date de naissance manquante"
    age = age_on(birth_date, on)
    if age < 0:
        return f"pas encore né(e) à cette date (naissance le {birth_date:%d/%m/%Y})"
    return f"{age} an" + ("s" if age > 1 else "")


def _diploma_words(facts: Facts) -> str:
    if facts.diploma_recorded and facts.diploma is not None:
        return DIPLOMA_LABELS.get(Diploma(facts.diploma), facts.diploma)
    if facts.listed:
        return "sans la qualification (repéré par une liste SI)"
    return "non renseigné (à indiquer avec une demande DARFI)"
