"""The catalogue of dispositifs and their rules: reading them, in words, and editing them.

Administrators add, edit, retire and restore dispositifs and edit their rules, which the one
evaluator reads (``psad.orientations.eligibility``): a new entry needs no code of its own. A
dispositif is never deleted: a retired one stays on the orientations that name it. Each change
is audited. The sites of each dispositif are in ``psad.orientations.sites``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from psad.audit.actions import AuditAction
from psad.audit.services import Actor, record
from psad.errors import DomainError
from psad.orientations import eligibility, schooling
from psad.orientations.models import (
    EntryMode,
    Programme,
    ProgrammeFamily,
    ProgrammeRule,
    RuleKind,
)
from psad.reference.models import ReferenceItem, ReferenceKind

CODE_PATTERN = re.compile(r"[A-Z0-9_]{1,40}")
BAD_CODE = "Le code ne contient que des lettres sans accent, des chiffres et « _ » (40 au plus)."
SCHOOLING_LABELS = {
    eligibility.ENROLLED: "encore scolarisé",
    eligibility.LEFT: "sorti de formation",
}
DIPLOMA_LABELS = {
    eligibility.WITHOUT_QUALIFICATION: "sans diplôme qualifiant",
    eligibility.WITHOUT_BAC: "sans le baccalauréat",
}
# The kinds whose rule names codes, and the fixed codes of each (situations come from the list)
FIXED_VALUES: dict[RuleKind, Mapping[str, str]] = {
    RuleKind.SCHOOLING: SCHOOLING_LABELS,
    RuleKind.SCHOOL_KIND: schooling.SCHOOL_KIND_LABELS,
    RuleKind.LAST_CLASS: schooling.CLASS_LABELS,
    RuleKind.DIPLOMA: DIPLOMA_LABELS,
}


class CatalogueError(DomainError):
    """Bad input for the catalogue; ``field`` names the form field the message goes under."""

    status_code = 422

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- reading ------------------------------------------------------------------------------


def all_programmes(session: Session) -> list[Programme]:
    """Every dispositif, retired ones included, in the catalogue's order, rules loaded."""
    query = (
        select(Programme)
        .options(selectinload(Programme.rules), selectinload(Programme.solution))
        .order_by(Programme.position, Programme.name)
    )
    return list(session.scalars(query))


def situation_labels(session: Session) -> dict[str, str]:
    items = session.scalars(
        select(ReferenceItem)
        .where(ReferenceItem.kind == ReferenceKind.SITUATION)
        .order_by(ReferenceItem.position, ReferenceItem.id)
    )
    return {item.code: item.label for item in items}


def allowed_values(session: Session, kind: RuleKind) -> Mapping[str, str] | None:
    """The codes a rule of this kind may name (code → label); None when it names none."""
    if kind is RuleKind.SITUATION:
        return situation_labels(session)
    return FIXED_VALUES.get(kind)


def _years(count: int) -> str:
    return f"{count} an" + ("s" if count > 1 else "")


def _age_text(rule: ProgrammeRule) -> str:
    low, high = rule.min_value, rule.max_value
    if low is not None and high is not None:
        text = f"De {low} à {_years(high)}"
    elif low is not None:
        text = f"À partir de {_years(low)}"
    else:
        text = f"Jusqu'à {_years(high or 0)}"
    if rule.waiver_value is not None:
        text += f" ({_years(rule.waiver_value)} avec {rule.waiver_label or 'une dérogation'})"
    return text


def _named(codes: Sequence[str], labels: Mapping[str, str], joint: str = ", ") -> str:
    return joint.join(labels.get(code, code) for code in codes)


def rule_text(rule: ProgrammeRule, situations: Mapping[str, str] | None = None) -> str:
    """One rule in words, as the catalogue and the offer print it."""
    kind, codes = rule.kind, rule.value_list
    if kind is RuleKind.AGE:
        text = _age_text(rule)
    elif kind is RuleKind.SCHOOLING:
        text = _named(codes, SCHOOLING_LABELS, " ou ").capitalize()
    elif kind is RuleKind.SCHOOL_KIND:
        text = "Venant de : " + _named(codes, schooling.SCHOOL_KIND_LABELS)
    elif kind is RuleKind.OUT_OF_SCHOOL:
        text = f"Hors de l'école depuis au moins {rule.min_value or 0} mois"
        text += f" ({rule.waiver_label})" if rule.waiver_label else ""
    elif kind is RuleKind.LAST_CLASS:
        return "Dernière classe suivie : " + eligibility.class_rule_text(rule)
    elif kind is RuleKind.DIPLOMA:
        text = _named(codes, DIPLOMA_LABELS, " et ").capitalize()
    elif kind is RuleKind.SITUATION:
        text = "Situation : " + (rule.label or _named(codes, situations or {}, " ou "))
    else:
        text = f"À vérifier par le prescripteur : {rule.label or 'condition du dispositif'}"
    return text + (" (à titre exceptionnel)" if rule.exceptional else "")


def rules_in_words(programme: Programme, situations: Mapping[str, str]) -> list[str]:
    """Every rule in words; the « dernière classe » alternatives as one line."""
    lines = [rule_text(r, situations) for r in programme.rules if r.kind is not RuleKind.LAST_CLASS]
    classes = [r for r in programme.rules if r.kind is RuleKind.LAST_CLASS]
    if len(classes) == 1:
        lines.append(rule_text(classes[0]))
    elif classes:
        choices = " ; ".join(eligibility.class_rule_text(rule) for rule in classes)
        lines.append(f"Dernière classe suivie, au choix : {choices}")
    return lines


@dataclass(frozen=True)
class Entry:
    programme: Programme
    rules: list[str]


@dataclass(frozen=True)
class CataloguePage:
    families: list[tuple[ProgrammeFamily, list[Entry]]]
    retired: list[Entry]


def catalogue_page(session: Session) -> CataloguePage:
    situations = situation_labels(session)
    entries = [Entry(p, rules_in_words(p, situations)) for p in all_programmes(session)]
    active = [entry for entry in entries if entry.programme.is_active]
    families = [(f, [e for e in active if e.programme.family is f]) for f in ProgrammeFamily]
    return CataloguePage(
        families=[(family, found) for family, found in families if found],
        retired=[entry for entry in entries if not entry.programme.is_active],
    )


# --- editing the catalogue ---------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeData:
    code: str
    name: str
    family: ProgrammeFamily
    entry_mode: EntryMode
    public: str | None = None
    conditions: str | None = None
    description: str | None = None
    duration: str | None = None
    prescriber: str | None = None
    piloted_by: str | None = None
    entry_dates: str | None = None
    contact: str | None = None
    solution_id: int | None = None


TEXT_FIELDS = (
    "public",
    "conditions",
    "description",
    "duration",
    "prescriber",
    "piloted_by",
    "entry_dates",
    "contact",
)


def clean(text: str | None) -> str | None:
    return (text or "").strip() or None


def _apply(session: Session, programme: Programme, data: ProgrammeData) -> None:
    name = " ".join(data.name.split())
    if not name:
        raise CatalogueError("Donnez le nom du dispositif.", "name")
    programme.name, programme.family, programme.entry_mode = name, data.family, data.entry_mode
    for attribute in TEXT_FIELDS:
        setattr(programme, attribute, clean(getattr(data, attribute)))
    solution = session.get(ReferenceItem, data.solution_id) if data.solution_id else None
    if solution is not None and solution.kind is not ReferenceKind.SOLUTION:
        solution = None
    programme.solution = solution


def create_programme(session: Session, *, data: ProgrammeData, actor: Actor) -> Programme:
    code = "".join(data.code.split()).upper()
    if not CODE_PATTERN.fullmatch(code):
        raise CatalogueError(BAD_CODE, "code")
    if session.scalar(select(Programme.id).where(Programme.code == code)) is not None:
        raise CatalogueError(f"Le code {code} est déjà celui d'un dispositif du catalogue.", "code")
    last = session.scalar(select(func.max(Programme.position))) or 0
    programme = Programme(code=code, position=last + 1, rules=[])
    _apply(session, programme, data)
    session.add(programme)
    session.flush()
    _audit(session, actor, AuditAction.PROGRAMME_CREATED, programme, "")
    return programme


def update_programme(
    session: Session, *, programme: Programme, data: ProgrammeData, actor: Actor
) -> None:
    """Edit the entry (its code stays: the seeds and the orientations' exports name it)."""
    _apply(session, programme, data)
    session.flush()
    _audit(session, actor, AuditAction.PROGRAMME_UPDATED, programme, "fiche")


def retire_programme(session: Session, *, programme: Programme, on: date, actor: Actor) -> None:
    if programme.retired_on is None:
        programme.retired_on = on
        _audit(session, actor, AuditAction.PROGRAMME_RETIRED, programme, "")


def restore_programme(session: Session, *, programme: Programme, actor: Actor) -> None:
    if programme.retired_on is not None:
        programme.retired_on = None
        _audit(session, actor, AuditAction.PROGRAMME_UPDATED, programme, "rétabli")


def _audit(
    session: Session, actor: Actor, action: AuditAction, programme: Programme, what: str
) -> None:
    detail = f"code={programme.code}" + (f"; {what}" if what else "")
    record(session, actor, action, object_type="programme", object_id=programme.id, detail=detail)


@dataclass(frozen=True)
class RuleData:
    kind: RuleKind
    min_value: int | None = None
    max_value: int | None = None
    waiver_value: int | None = None
    waiver_label: str | None = None
    values: str | None = None  # codes separated by commas or spaces
    label: str | None = None
    exceptional: bool = False


def _checked_values(session: Session, data: RuleData) -> str | None:
    codes = [code for code in re.split(r"[\s,;]+", data.values or "") if code]
    allowed = allowed_values(session, data.kind)
    if allowed is None:
        if codes:
            raise CatalogueError(
                f"Une règle « {data.kind.label} » ne prend pas de codes.", "values"
            )
        return None
    permitted = ", ".join(allowed)
    if not codes:
        raise CatalogueError(f"Indiquez au moins un code parmi : {permitted}.", "values")
    for code in codes:
        if code not in allowed:
            raise CatalogueError(
                f"Code « {code[:40]} » inconnu pour « {data.kind.label} » ; "
                f"codes permis : {permitted}.",
                "values",
            )
    return ",".join(dict.fromkeys(codes))


def _check_numbers(data: RuleData) -> None:
    low, high = data.min_value, data.max_value
    if low is not None and high is not None and low > high:
        raise CatalogueError(f"Le minimum ({low}) dépasse le maximum ({high}).", "max_value")
    if data.kind is RuleKind.AGE and low is None and high is None:
        raise CatalogueError("Donnez un âge minimum, un âge maximum ou les deux.", "min_value")
    waiver = data.waiver_value
    if data.kind is RuleKind.AGE and waiver is not None and (low is None or waiver >= low):
        raise CatalogueError(
            "L'âge avec dérogation doit être inférieur à l'âge minimum.", "waiver_value"
        )
    if data.kind is RuleKind.OUT_OF_SCHOOL and low is None:
        raise CatalogueError("Donnez le nombre de mois hors de l'école (minimum).", "min_value")
    if data.kind is RuleKind.CHECK and not clean(data.label):
        raise CatalogueError("Décrivez la condition que le prescripteur vérifie.", "label")


def add_rule(
    session: Session, *, programme: Programme, data: RuleData, actor: Actor
) -> ProgrammeRule:
    values = _checked_values(session, data)
    _check_numbers(data)
    rule = ProgrammeRule(
        kind=data.kind,
        min_value=data.min_value,
        max_value=data.max_value,
        waiver_value=data.waiver_value,
        waiver_label=clean(data.waiver_label),
        values=values,
        label=clean(data.label),
        exceptional=data.exceptional,
        position=max((r.position for r in programme.rules), default=-1) + 1,
    )
    programme.rules.append(rule)
    session.flush()
    _audit(session, actor, AuditAction.PROGRAMME_UPDATED, programme, f"règle ajoutée : {rule.kind}")
    return rule


def delete_rule(session: Session, *, rule: ProgrammeRule, actor: Actor) -> None:
    programme = rule.programme
    programme.rules.remove(rule)
    session.flush()
    _audit(session, actor, AuditAction.PROGRAMME_UPDATED, programme, f"règle retirée : {rule.kind}")
