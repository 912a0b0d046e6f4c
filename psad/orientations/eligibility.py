"""Which dispositifs fit a youth on a given date, and why the others do not.

One evaluator reads every dispositif's rules (``ProgrammeRule`` rows): no code per dispositif,
so an entry an administrator adds gets its explanation too. Each rule answers met, met under a
condition (a waiver such as « 15 ans avec l'accord de l'IA-DASEN », or a condition the app
cannot know and the prescriber checks), not met (with the fact that fails it), or unknown
(with the fact that is missing to decide). The rules of a dispositif must all hold, except
its « dernière classe » rules, of which one is enough.

Pure functions: the facts are read from the file by ``psad.orientations.facts.facts_of`` and
passed in with the date.
The texts are shown to counsellors as they are: French, lower case, no final full stop.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from psad.followup.models import DIPLOMA_LABELS
from psad.orientations import schooling
from psad.orientations.facts import Facts
from psad.orientations.models import Programme, ProgrammeRule, RuleKind
from psad.youth.identifiers import age_on

# The codes the rules' values name
WITHOUT_QUALIFICATION = "without_qualification"  # DIPLOMA
WITHOUT_BAC = "without_bac"  # DIPLOMA
ENROLLED = "enrolled"  # SCHOOLING
LEFT = "left"  # SCHOOLING
UNKNOWN_SITUATION = "unknown"  # the situation « Situation inconnue »


class Outcome(enum.StrEnum):
    """A rule's answer, the best first."""

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
# The verdict is the worst of its rules' outcomes
STATE_OF_OUTCOME = {
    Outcome.MET: State.ELIGIBLE,
    Outcome.CONDITION: State.ELIGIBLE_IF,
    Outcome.UNKNOWN: State.UNKNOWN,
    Outcome.NOT_MET: State.NOT_ELIGIBLE,
}
OUTCOME_ORDER = list(Outcome)


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
    outcomes = (result.outcome for result in results)
    worst = max(outcomes, key=OUTCOME_ORDER.index, default=Outcome.MET)
    return Verdict(programme=programme, state=STATE_OF_OUTCOME[worst], results=tuple(results))


def evaluate_all(programmes: Iterable[Programme], facts: Facts, on: date) -> list[Verdict]:
    """Every dispositif's verdict, the eligible first, then under conditions, to complete,
    and not eligible; in the catalogue's order within each."""
    order = list(State)
    verdicts = [evaluate(programme, facts, on) for programme in programmes]
    return sorted(verdicts, key=lambda verdict: order.index(verdict.state))


def _rule(rule: ProgrammeRule, facts: Facts, on: date) -> RuleResult:
    check = RULE_CHECKS[rule.kind]
    outcome, text = check(rule, facts, on)
    return RuleResult(kind=rule.kind, outcome=outcome, text=text)


def _years(count: int) -> str:
    return f"{count} an" + ("s" if count > 1 else "")


def _joined(words: Sequence[str]) -> str:
    """« a », « a ou b », « a, b ou c »."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} ou {words[-1]}"


def _age_range(rule: ProgrammeRule) -> str:
    low, high = rule.min_value, rule.max_value
    if low is not None and high is not None:
        return _years(low) if low == high else f"de {low} à {_years(high)}"
    if low is not None:
        return f"au moins {_years(low)}"
    return f"au plus {_years(high or 0)}"


def _age(rule: ProgrammeRule, facts: Facts, on: date) -> tuple[Outcome, str]:
    if rule.min_value is None and rule.max_value is None:
        return Outcome.MET, "sans condition d'âge"
    wanted = _age_range(rule)
    if facts.birth_date is None:
        return Outcome.UNKNOWN, f"l'âge (date de naissance manquante ; il faut avoir {wanted})"
    age = age_on(facts.birth_date, on)
    if age < 0:
        return (
            Outcome.UNKNOWN,
            f"l'âge (la date de naissance, {facts.birth_date:%d/%m/%Y}, est postérieure au "
            f"{on:%d/%m/%Y} : à corriger)",
        )
    told = f"{_years(age)} au {on:%d/%m/%Y}"
    too_young = rule.min_value is not None and age < rule.min_value
    too_old = rule.max_value is not None and age > rule.max_value
    if not too_young and not too_old:
        return Outcome.MET, f"{told} ({wanted})"
    if too_young and rule.waiver_value is not None and age >= rule.waiver_value:
        waiver = rule.waiver_label or "une dérogation"
        return Outcome.CONDITION, f"{told} : possible avec {waiver} (sinon il faut avoir {wanted})"
    return Outcome.NOT_MET, f"{told} : il faut avoir {wanted}"


def _schooling(rule: ProgrammeRule, facts: Facts, on: date) -> tuple[Outcome, str]:
    enrolled = facts.enrolled_on(on)
    if enrolled is None:
        return (
            Outcome.UNKNOWN,
            "si le jeune est encore scolarisé (date de sortie de formation non renseignée)",
        )
    left = f" le {facts.left_on:%d/%m/%Y}" if facts.left_on else ""
    told = f"encore scolarisé au {on:%d/%m/%Y}" if enrolled else f"sorti de formation{left}"
    wanted = rule.value_list
    if not wanted or (ENROLLED if enrolled else LEFT) in wanted:
        return Outcome.MET, told
    public = "élèves encore scolarisés" if ENROLLED in wanted else "jeunes sortis de formation"
    return Outcome.NOT_MET, f"réservé aux {public} : le jeune est {told}"


def _pupils_of(kinds: Sequence[str]) -> str:
    """« élèves du collège ou du lycée professionnel »."""
    return "élèves " + _joined([schooling.SCHOOL_KIND_OF.get(k, f"de « {k} »") for k in kinds])


def _school_kind(rule: ProgrammeRule, facts: Facts, on: date) -> tuple[Outcome, str]:
    wanted = rule.value_list
    if facts.school_kind is None:
        return (
            Outcome.UNKNOWN,
            "l'établissement fréquenté (voie de formation et dernière classe non renseignées ; "
            f"réservé aux {_pupils_of(wanted)})",
        )
    told = "établissement fréquenté : " + schooling.SCHOOL_KIND_LABELS.get(
        facts.school_kind, facts.school_kind
    )
    if wanted and facts.school_kind not in wanted:
        return Outcome.NOT_MET, f"{told} ; réservé aux {_pupils_of(wanted)}"
    return Outcome.MET, told


def _out_of_school(rule: ProgrammeRule, facts: Facts, on: date) -> tuple[Outcome, str]:
    needed = rule.min_value or 0
    wanted = f"il faut être hors de l'école depuis au moins {needed} mois"
    if facts.left_on is None:
        return Outcome.UNKNOWN, f"la date de sortie de formation (non renseignée ; {wanted})"
    if facts.left_on > on:  # the waiver shortens the time out of school, not the schooling
        return Outcome.NOT_MET, f"encore en formation au {on:%d/%m/%Y} : {wanted}"
    months = schooling.months_between(facts.left_on, on)
    told = f"hors de l'école depuis {months} mois au {on:%d/%m/%Y}"
    if months >= needed:
        return Outcome.MET, f"{told} (il en faut au moins {needed})"
    if rule.waiver_label:
        return Outcome.CONDITION, f"{told} : possible par {rule.waiver_label} (sinon {wanted})"
    return Outcome.NOT_MET, f"{told} : {wanted}"


DIPLOMA_PUBLICS = {
    WITHOUT_QUALIFICATION: "sans diplôme qualifiant",
    WITHOUT_BAC: "sans le baccalauréat",
}


def _diploma(rule: ProgrammeRule, facts: Facts, on: date) -> tuple[Outcome, str]:
    codes = [code for code in rule.value_list if code in DIPLOMA_PUBLICS]
    answers = {WITHOUT_QUALIFICATION: facts.without_qualification, WITHOUT_BAC: facts.without_bac}
    refused = [DIPLOMA_PUBLICS[code] for code in codes if answers[code] is False]
    undecided = [DIPLOMA_PUBLICS[code] for code in codes if answers[code] is None]
    recorded = _diploma_label(facts)
    if refused:
        held = f"diplôme renseigné « {recorded} »" if recorded else "le jeune a ce diplôme"
        return Outcome.NOT_MET, f"réservé aux jeunes {refused[0]} : {held}"
    if undecided and recorded:
        return (
            Outcome.CONDITION,
            f"à vérifier : le jeune est {undecided[0]} (le diplôme renseigné, « {recorded} », "
            "ne le dit pas)",
        )
    if undecided:
        return (
            Outcome.UNKNOWN,
            "le diplôme le plus élevé, à renseigner avec une demande DARFI (réservé aux jeunes "
            f"{undecided[0]})",
        )
    return Outcome.MET, " et ".join(DIPLOMA_PUBLICS[code] for code in codes) or "diplôme"


def _diploma_label(facts: Facts) -> str | None:
    """The recorded diploma in words; None when none is recorded."""
    if facts.diploma is None or not facts.diploma_recorded:
        return None
    labels = {diploma.value: label for diploma, label in DIPLOMA_LABELS.items()}
    return labels.get(facts.diploma, facts.diploma)


def _situation(rule: ProgrammeRule, facts: Facts, on: date) -> tuple[Outcome, str]:
    wanted = f"réservé aux jeunes {rule.label}" if rule.label else "réservé à d'autres situations"
    if facts.situation_code in (None, UNKNOWN_SITUATION):
        return Outcome.UNKNOWN, f"la situation actuelle du jeune, à renseigner ({wanted})"
    told = f"situation : « {facts.situation_label or facts.situation_code} »"
    if facts.situation_code not in rule.value_list:
        return Outcome.NOT_MET, f"{told} ; {wanted}"
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


def _class_name(code: str) -> str:
    """A class as a sentence names it: « terminale CAP », « 1re professionnelle »."""
    label = schooling.CLASS_LABELS.get(code, code)
    return label[:1].lower() + label[1:]


def _terms(count: int) -> str:
    return f"{count} trimestre" + ("s" if count > 1 else "")


def class_rule_text(rule: ProgrammeRule) -> str:
    """One alternative of the « dernière classe » rules, in words."""
    names = " ou ".join(_class_name(code) for code in rule.value_list)
    if rule.min_value:
        names += f" après au moins {_terms(rule.min_value)}"
    if rule.exceptional:
        names += " (à titre exceptionnel)"
    return names


def _last_class(rules: Sequence[ProgrammeRule], facts: Facts) -> RuleResult:
    """One of the alternatives is enough: the best answer of those naming the youth's class."""
    wanted = " ; ".join(class_rule_text(rule) for rule in rules)
    if facts.last_class is None:
        unread = f"le niveau « {facts.level_text} » n'a pas pu être lu" if facts.level_text else ""
        return RuleResult(
            RuleKind.LAST_CLASS,
            Outcome.UNKNOWN,
            f"la dernière classe suivie ({unread or 'non renseignée'} ; il faut : {wanted})",
        )
    matching = [rule for rule in rules if facts.last_class in rule.value_list]
    if not matching:
        told = _class_name(facts.last_class)
        return RuleResult(
            RuleKind.LAST_CLASS, Outcome.NOT_MET, f"dernière classe : {told} (il faut : {wanted})"
        )
    answers = [_class_alternative(rule, facts) for rule in matching]
    return min(answers, key=lambda answer: OUTCOME_ORDER.index(answer.outcome))


def _class_alternative(rule: ProgrammeRule, facts: Facts) -> RuleResult:
    told = _class_name(facts.last_class or "")
    needed, done = rule.min_value or 0, facts.terms_in_last_class
    if needed and done is None:
        outcome = Outcome.UNKNOWN
        text = (
            f"le nombre de trimestres suivis en {told} (dates d'entrée et de sortie de "
            f"formation à renseigner ; il en faut au moins {needed})"
        )
    elif needed and done is not None and done < needed:
        outcome = Outcome.NOT_MET
        text = (
            f"dernière classe : {told}, quittée après {_terms(done)} (il en faut au moins {needed})"
        )
    elif rule.exceptional:
        outcome, text = Outcome.CONDITION, f"dernière classe : {told} (à titre exceptionnel)"
    else:
        outcome = Outcome.MET
        text = f"dernière classe : {told}" + (f", après {_terms(done)}" if needed and done else "")
    return RuleResult(RuleKind.LAST_CLASS, outcome, text)
