"""Which dispositifs fit a youth on a given date, and why the others do not.

One evaluator reads every dispositif's rules (``ProgrammeRule`` rows): no code per dispositif,
so an entry an administrator adds gets its explanation too. Each rule answers met, met under a
condition (a waiver such as « 15 ans avec l'accord de l'IA-DASEN », or a condition the app
cannot know and the prescriber checks), not met (with the fact that fails it), or unknown
(with the fact that is missing to decide). The rules of a dispositif must all hold, except
its « dernière classe » rules, of which one is enough.

Pure functions: the facts are read from the file by ``facts_of`` and passed in with the date.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from psad.orientations import schooling
from psad.orientations.models import Programme, ProgrammeRule, RuleKind
from psad.youth.identifiers import age_on
from psad.youth.models import Case, CaseSource, Youth

# Diploma answers, as the DIPLOMA rule's values name them
WITHOUT_QUALIFICATION = "without_qualification"
WITHOUT_BAC = "without_bac"
ENROLLED = "enrolled"
LEFT = "left"
UNKNOWN_SITUATION = "unknown"


@dataclass(frozen=True)
class Facts:
    """What the rules look at, as the file knows it (None: not known)."""

    birth_date: date | None = None
    left_on: date | None = None  # the day the youth left their last training
    listed: bool = False  # came from an SI list: left school without the qualification level
    school_kind: str | None = None  # college, lycee, lp, cfa
    last_class: str | None = None  # a code of ``schooling.CLASS_LABELS``
    level_text: str | None = None  # the class as the file writes it
    terms_in_last_class: int | None = None
    without_qualification: bool | None = None
    without_bac: bool | None = None
    situation_code: str | None = None
    situation_label: str | None = None

    def enrolled_on(self, day: date) -> bool | None:
        if self.left_on is not None:
            return self.left_on > day
        return False if self.listed else None


def facts_of(youth: Youth, case: Case | None, *, diploma: str | None = None) -> Facts:
    """The facts of the youth's file. ``diploma`` is the highest diploma recorded with a DARFI
    request (``Diploma`` value), when there is one."""
    last_class = schooling.last_class_of(youth.level, youth.track)
    listed = case is not None and case.source is CaseSource.LISTING
    terms = None
    if youth.school_entry_date and youth.school_exit_date:
        terms = schooling.terms_between(youth.school_entry_date, youth.school_exit_date)
    without_qualification, without_bac = _diploma_answers(diploma, listed)
    situation = case.situation if case is not None else None
    return Facts(
        birth_date=youth.birth_date,
        left_on=youth.school_exit_date,
        listed=listed,
        school_kind=schooling.school_kind_of(youth.track, last_class),
        last_class=last_class,
        level_text=youth.level,
        terms_in_last_class=terms,
        without_qualification=without_qualification,
        without_bac=without_bac,
        situation_code=situation.code if situation else None,
        situation_label=situation.label if situation else None,
    )


def _diploma_answers(diploma: str | None, listed: bool) -> tuple[bool | None, bool | None]:
    """(without a qualifying diploma, without the bac). The SI lists only youth who left
    without the qualification level; a DARFI request records the diploma itself."""
    if diploma in ("none", "dnb", "cfg"):
        return True, True
    if diploma == "no_professional_certification":  # may hold a bac général
        return True, None
    if diploma == "qualifying":  # a bac, or a CAP registered in the RNCP
        return False, None
    return (True, True) if listed else (None, None)


class Outcome(enum.StrEnum):
    MET = "met"
    CONDITION = "condition"  # met under a waiver, or a condition the prescriber checks
    UNKNOWN = "unknown"
    NOT_MET = "not_met"


@dataclass(frozen=True)
class RuleResult:
    kind: RuleKind
    outcome: Outcome
    text: str


class State(enum.StrEnum):
    ELIGIBLE = "eligible"
    ELIGIBLE_IF = "eligible_if"
    UNKNOWN = "unknown"
    NOT_ELIGIBLE = "not_eligible"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.ELIGIBLE: "Éligible",
    State.ELIGIBLE_IF: "Éligible sous conditions",
    State.UNKNOWN: "À compléter pour décider",
    State.NOT_ELIGIBLE: "Non éligible",
}


@dataclass(frozen=True)
class Verdict:
    programme: Programme
    state: State
    results: tuple[RuleResult, ...] = field(default_factory=tuple)

    def _texts(self, outcome: Outcome) -> list[str]:
        return [result.text for result in self.results if result.outcome is outcome]

    @property
    def reasons(self) -> list[str]:
        """Why not: the facts that fail a rule."""
        return self._texts(Outcome.NOT_MET)

    @property
    def missing(self) -> list[str]:
        """What is missing to decide."""
        return self._texts(Outcome.UNKNOWN)

    @property
    def conditions(self) -> list[str]:
        """What must still be obtained or checked (waivers, the prescriber's checks)."""
        return self._texts(Outcome.CONDITION)

    @property
    def met(self) -> list[str]:
        return self._texts(Outcome.MET)


def evaluate(programme: Programme, facts: Facts, on: date) -> Verdict:
    """The verdict of one dispositif for these facts on this date."""
    rules = list(programme.rules)
    results = [_rule(rule, facts, on) for rule in rules if rule.kind is not RuleKind.LAST_CLASS]
    classes = [rule for rule in rules if rule.kind is RuleKind.LAST_CLASS]
    if classes:
        results.append(_last_class(classes, facts))
    outcomes = {result.outcome for result in results}
    if Outcome.NOT_MET in outcomes:
        state = State.NOT_ELIGIBLE
    elif Outcome.UNKNOWN in outcomes:
        state = State.UNKNOWN
    elif Outcome.CONDITION in outcomes:
        state = State.ELIGIBLE_IF
    else:
        state = State.ELIGIBLE
    return Verdict(programme=programme, state=state, results=tuple(results))


def evaluate_all(programmes: Iterable[Programme], facts: Facts, on: date) -> list[Verdict]:
    """Every dispositif's verdict, the eligible first, then under conditions, to complete,
    and not eligible; in the catalogue's order within each."""
    order = list(State)
    verdicts = [evaluate(programme, facts, on) for programme in programmes]
    return sorted(verdicts, key=lambda verdict: order.index(verdict.state))


def _years(count: int) -> str:
    return f"{count} an" + ("s" if count > 1 else "")


def _age_range(rule: ProgrammeRule) -> str:
    if rule.min_value is not None and rule.max_value is not None:
        return f"de {rule.min_value} à {rule.max_value} ans"
    if rule.min_value is not None:
        return f"à partir de {rule.min_value} ans"
    return f"jusqu'à {rule.max_value} ans"


def _rule(rule: ProgrammeRule, facts: Facts, on: date) -> RuleResult:
    check = RULE_CHECKS[rule.kind]
    outcome, text = check(rule, facts, on)
    return RuleResult(kind=rule.kind, outcome=outcome, text=text)


def _age(rule: ProgrammeRule, facts: Facts, on: date) -> tuple[Outcome, str]:
    wanted = _age_range(rule)
    if facts.birth_date is None:
        return Outcome.UNKNOWN, f"l'âge (date de naissance manquante ; il faut avoir {wanted})"
    age = age_on(facts.birth_date, on)
    told = f"{_years(age)} au {on:%d/%m/%Y}"
    too_young = rule.min_value is not None and age < rule.min_value
    too_old = rule.max_value is not None and age > rule.max_value
    if not too_young and not too_old:
        return Outcome.MET, f"{told} ({wanted})"
    if too_young and rule.waiver_value is not None and age >= rule.waiver_value:
        waiver = rule.waiver_label or "une dérogation"
        return Outcome.CONDITION, f"{told} : possible avec {waiver} ({wanted} sinon)"
    return Outcome.NOT_MET, f"{told} : il faut avoir {wanted}"


def _schooling(rule: ProgrammeRule, facts: Facts, on: date) -> tuple[Outcome, str]:
    wanted = rule.value_list
    enrolled = facts.enrolled_on(on)
    if enrolled is None:
        return (
            Outcome.UNKNOWN,
            "si le jeune est encore scolarisé (date de sortie de formation manquante)",
        )
    if enrolled and ENROLLED not in wanted:
        return Outcome.NOT_MET, "réservé aux jeunes sortis de formation : le jeune est scolarisé"
    if not enrolled and LEFT not in wanted:
        left = f" le {facts.left_on:%d/%m/%Y}" if facts.left_on else ""
        return (
            Outcome.NOT_MET,
            f"réservé aux élèves encore scolarisés : le jeune a quitté sa formation{left}",
        )
    return Outcome.MET, "encore scolarisé" if enrolled else "sorti de formation"


def _school_kind(rule: ProgrammeRule, facts: Facts, on: date) -> tuple[Outcome, str]:
    wanted = rule.value_list
    names = ", ".join(schooling.SCHOOL_KIND_LABELS.get(kind, kind) for kind in wanted)
    if facts.school_kind is None:
        return (
            Outcome.UNKNOWN,
            f"l'établissement fréquenté (voie de formation manquante ; il faut : {names})",
        )
    told = schooling.SCHOOL_KIND_LABELS.get(facts.school_kind, facts.school_kind)
    if facts.school_kind not in wanted:
        return Outcome.NOT_MET, f"réservé aux jeunes de : {names} ; le jeune vient de : {told}"
    return Outcome.MET, f"vient de : {told}"


def _out_of_school(rule: ProgrammeRule, facts: Facts, on: date) -> tuple[Outcome, str]:
    needed = rule.min_value or 0
    if facts.left_on is None:
        return (
            Outcome.UNKNOWN,
            f"la date de sortie de formation (il faut {needed} mois hors de l'école)",
        )
    months = schooling.months_between(facts.left_on, on)
    told = f"hors de l'école depuis {months} mois au {on:%d/%m/%Y}"
    if facts.left_on > on:
        told = f"encore en formation au {on:%d/%m/%Y}"
    if facts.left_on <= on and months >= needed:
        return Outcome.MET, f"{told} (au moins {needed} exigés)"
    if rule.waiver_label:
        return Outcome.CONDITION, f"{told} ({needed} exigés) : possible par {rule.waiver_label}"
    return Outcome.NOT_MET, f"{told} : il en faut au moins {needed}"


def _diploma(rule: ProgrammeRule, facts: Facts, on: date) -> tuple[Outcome, str]:
    wanted = rule.value_list
    answers = []
    if WITHOUT_QUALIFICATION in wanted:
        answers.append((facts.without_qualification, "sans diplôme qualifiant"))
    if WITHOUT_BAC in wanted:
        answers.append((facts.without_bac, "sans le baccalauréat"))
    for known, words in answers:
        if known is False:
            return Outcome.NOT_MET, f"réservé aux jeunes {words} : le jeune a ce diplôme"
    for known, words in answers:
        if known is None:
            return (
                Outcome.UNKNOWN,
                f"le diplôme le plus élevé (il faut être {words} ; "
                "à renseigner avec la demande DARFI)",
            )
    return Outcome.MET, " et ".join(words for _, words in answers) or "diplôme"


def _situation(rule: ProgrammeRule, facts: Facts, on: date) -> tuple[Outcome, str]:
    wanted = rule.value_list
    if facts.situation_code in (None, UNKNOWN_SITUATION):
        return Outcome.UNKNOWN, "la situation actuelle du jeune (à renseigner dans le dossier)"
    told = f"situation : « {facts.situation_label} »"
    if facts.situation_code not in wanted:
        return (
            Outcome.NOT_MET,
            f"{told} ; le dispositif est pour les jeunes {rule.label or 'sans solution'}",
        )
    return Outcome.MET, told


def _check(rule: ProgrammeRule, facts: Facts, on: date) -> tuple[Outcome, str]:
    return Outcome.CONDITION, f"à vérifier : {rule.label or 'condition du dispositif'}"


RULE_CHECKS = {
    RuleKind.AGE: _age,
    RuleKind.SCHOOLING: _schooling,
    RuleKind.SCHOOL_KIND: _school_kind,
    RuleKind.OUT_OF_SCHOOL: _out_of_school,
    RuleKind.DIPLOMA: _diploma,
    RuleKind.SITUATION: _situation,
    RuleKind.CHECK: _check,
}


def class_rule_text(rule: ProgrammeRule) -> str:
    """One alternative of the « dernière classe » rules, in words."""
    names = " ou ".join(schooling.CLASS_LABELS.get(code, code) for code in rule.value_list)
    if rule.min_value:
        term = "trimestre" if rule.min_value == 1 else "trimestres"
        names += f" après au moins {rule.min_value} {term}"
    if rule.exceptional:
        names += " (à titre exceptionnel)"
    return names


def _last_class(rules: Sequence[ProgrammeRule], facts: Facts) -> RuleResult:
    """One of the alternatives is enough."""
    wanted = ", ".join(class_rule_text(rule) for rule in rules)
    if facts.last_class is None:
        read = f" : « {facts.level_text} » n'a pas pu être lu" if facts.level_text else " manquante"
        return RuleResult(
            RuleKind.LAST_CLASS,
            Outcome.UNKNOWN,
            f"la dernière classe suivie{read} (il faut : {wanted})",
        )
    told = schooling.CLASS_LABELS.get(facts.last_class, facts.last_class)
    matching = [rule for rule in rules if facts.last_class in rule.value_list]
    for rule in matching:
        if not rule.min_value or (facts.terms_in_last_class or 0) >= rule.min_value:
            if facts.terms_in_last_class is None and rule.min_value:
                continue
            outcome = Outcome.CONDITION if rule.exceptional else Outcome.MET
            suffix = " (à titre exceptionnel)" if rule.exceptional else ""
            return RuleResult(RuleKind.LAST_CLASS, outcome, f"dernière classe : {told}{suffix}")
    if any(rule.min_value and facts.terms_in_last_class is None for rule in matching):
        return RuleResult(
            RuleKind.LAST_CLASS,
            Outcome.UNKNOWN,
            f"le nombre de trimestres suivis en {told} (dates d'entrée et de sortie de formation)",
        )
    if matching:
        terms = facts.terms_in_last_class or 0
        return RuleResult(
            RuleKind.LAST_CLASS,
            Outcome.NOT_MET,
            f"dernière classe : {told}, {terms} trimestre(s) suivi(s) ; il faut : {wanted}",
        )
    return RuleResult(
        RuleKind.LAST_CLASS, Outcome.NOT_MET, f"dernière classe : {told} ; il faut : {wanted}"
    )
