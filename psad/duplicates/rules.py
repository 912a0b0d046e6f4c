"""When two youth are probably the same person, and why: pure functions, no database.

Names are compared folded (accents, case, punctuation and look-alike Cyrillic or Greek
letters: ``psad.youth.identifiers.fold``), as the stored identity key holds them. Two youth
make a probable pair when

- their names and birth dates are the same (the reason says whether both INEs are known and
  different: two files for one pupil, or one pupil's INE typed wrong);
- born the same day, their last and first names are swapped, or the same once spaces and
  hyphens are removed (« Le Goff » and « Legoff », « Jean-Pierre » and « Jeanpierre »);
- born the same day with the same last name (or first name), the other names are one letter
  apart: a letter added, removed or replaced, or two neighbours swapped, both names being at
  least TYPO_MIN_LENGTH letters long (« Léa » and « Léo » are twins more often than a typo);
- born the same day with the same last name (or first name), one of the other names is a
  compound name holding the other as whole words (« Marie » in « Anne-Marie », « Silva » in
  « Da Silva »), the shorter having at least COMPOUND_MIN_LENGTH letters (not « de »);
- one's phone number (either of the two, E.164 as stored) is one of the other's.

Finding the pairs among 200,000 youth must not compare every two of them: ``blocking_keys``
gives each youth a few keys (a word of their names with their birth date, a number) such
that two youth meeting a rule above always share one; only youth sharing a key are compared.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

TYPO_MIN_LENGTH = 4
COMPOUND_MIN_LENGTH = 3


class Reason(enum.StrEnum):
    """Why a pair is proposed; the strongest first."""

    INE_DIFFERS = "ine_differs"
    SAME_IDENTITY = "same_identity"
    SWAPPED = "swapped"
    JOINED = "joined"
    FIRST_NAME_TYPO = "first_name_typo"
    LAST_NAME_TYPO = "last_name_typo"
    COMPOUND_FIRST_NAME = "compound_first_name"
    COMPOUND_LAST_NAME = "compound_last_name"
    SAME_PHONE = "same_phone"

    @property
    def label(self) -> str:
        return REASON_LABELS[self]

    @property
    def rank(self) -> int:
        """0 for the strongest reason."""
        return list(Reason).index(self)


REASON_LABELS = {
    Reason.INE_DIFFERS: "Mêmes nom, prénom et date de naissance, mais deux INE différents",
    Reason.SAME_IDENTITY: "Mêmes nom, prénom et date de naissance",
    Reason.SWAPPED: "Nom et prénom inversés, même date de naissance",
    Reason.JOINED: "Mêmes nom et prénom aux espaces et tirets près, même date de naissance",
    Reason.FIRST_NAME_TYPO: "Même nom, prénoms à une lettre près, même date de naissance",
    Reason.LAST_NAME_TYPO: "Même prénom, noms à une lettre près, même date de naissance",
    Reason.COMPOUND_FIRST_NAME: (
        "Même nom, l'un des prénoms est composé et contient l'autre, même date de naissance"
    ),
    Reason.COMPOUND_LAST_NAME: (
        "Même prénom, l'un des noms est composé et contient l'autre, même date de naissance"
    ),
    Reason.SAME_PHONE: "Même numéro de téléphone",
}


@dataclass(frozen=True)
class Identity:
    """What the rules compare of a youth: folded names, birth date, INE and numbers."""

    last: str = ""
    first: str = ""
    birth_date: date | None = None
    ine: str | None = None
    phones: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, identity_key: str | None, ine: str | None, phones: Iterable[str | None]
    ) -> Identity:
        """From a youth's stored identity key ("last|first|YYYY-MM-DD", folded) and fields."""
        numbers = frozenset(n for n in phones if n)
        if not identity_key:
            return cls(ine=ine, phones=numbers)
        last, first, born = identity_key.split("|")
        return cls(last, first, date.fromisoformat(born), ine, numbers)

    @property
    def named(self) -> bool:
        return bool(self.last and self.first and self.birth_date)

    @property
    def compact(self) -> str:
        return (self.last + self.first).replace(" ", "")


def one_letter_apart(s: str, t: str) -> bool:
    """One letter added, removed or replaced, or two neighbours swapped (not equal)."""
    if s == t or min(len(s), len(t)) < TYPO_MIN_LENGTH or abs(len(s) - len(t)) > 1:
        return False
    prefix = 0
    while prefix < min(len(s), len(t)) and s[prefix] == t[prefix]:
        prefix += 1
    if len(s) == len(t):
        replaced = s[prefix + 1 :] == t[prefix + 1 :]
        swapped = s[prefix : prefix + 2] == t[prefix : prefix + 2][::-1]
        return replaced or (swapped and s[prefix + 2 :] == t[prefix + 2 :])
    longer, shorter = (s, t) if len(s) > len(t) else (t, s)
    return longer[prefix + 1 :] == shorter[prefix:]


def holds_words(longer: str, shorter: str) -> bool:
    """``shorter`` is one or more whole words of the compound ``longer``."""
    return (
        longer != shorter
        and len(shorter) >= COMPOUND_MIN_LENGTH
        and f" {shorter} " in f" {longer} "
    )


def _compound(s: str, t: str) -> bool:
    return holds_words(s, t) or holds_words(t, s)


def reasons(a: Identity, b: Identity) -> frozenset[Reason]:
    """Why ``a`` and ``b`` are probably the same person (empty: they are not)."""
    found: set[Reason] = set()
    if a.phones & b.phones:
        found.add(Reason.SAME_PHONE)
    if a.named and b.named and a.birth_date == b.birth_date:
        found |= _name_reasons(a, b)
    return frozenset(found)


def _name_reasons(a: Identity, b: Identity) -> set[Reason]:
    if (a.last, a.first) == (b.last, b.first):
        both_ines = a.ine and b.ine and a.ine != b.ine
        return {Reason.INE_DIFFERS if both_ines else Reason.SAME_IDENTITY}
    if (a.last, a.first) == (b.first, b.last):
        return {Reason.SWAPPED}
    if a.compact == b.compact:
        return {Reason.JOINED}
    found = set()
    if a.last == b.last:
        if one_letter_apart(a.first, b.first):
            found.add(Reason.FIRST_NAME_TYPO)
        if _compound(a.first, b.first):
            found.add(Reason.COMPOUND_FIRST_NAME)
    if a.first == b.first:
        if one_letter_apart(a.last, b.last):
            found.add(Reason.LAST_NAME_TYPO)
        if _compound(a.last, b.last):
            found.add(Reason.COMPOUND_LAST_NAME)
    return found


def blocking_keys(identity: Identity) -> set[int]:
    """Keys such that two youth meeting a rule share at least one.

    Born the same day, a pair meeting a name rule shares a whole name part (the same last or
    first name, or swapped ones), a word of a compound name, or the names without spaces;
    the phone rule, a number. Keys are 63-bit hashes of those texts: small to store and
    index; a rare collision only adds a pair to compare.
    """
    texts = {f"tel|{number}" for number in identity.phones}
    if identity.named:
        words = {identity.last, identity.first, identity.compact}
        words |= {
            word
            for word in f"{identity.last} {identity.first}".split()
            if len(word) >= COMPOUND_MIN_LENGTH
        }
        born = identity.birth_date.isoformat() if identity.birth_date else ""
        texts |= {f"{born}|{word}" for word in words}
    return {_hash(text) for text in texts}


def _hash(text: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True
    )


def strength(found: Iterable[Reason]) -> int:
    """The rank of the strongest reason (pairs are listed by it)."""
    return min(reason.rank for reason in found)


def encode(found: Iterable[Reason]) -> str:
    """Reasons as stored: their codes, strongest first, comma-separated."""
    return ",".join(reason.value for reason in sorted(found, key=lambda r: r.rank))


def decode(stored: str) -> tuple[Reason, ...]:
    return tuple(Reason(code) for code in stored.split(",") if code)
