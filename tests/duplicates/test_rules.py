"""The rules that make two youth a probable pair, and the keys that bring them together."""

from __future__ import annotations

from datetime import date

import pytest

from psad.duplicates.rules import (
    Identity,
    Reason,
    blocking_keys,
    decode,
    encode,
    holds_words,
    one_letter_apart,
    reasons,
)
from psad.youth.identifiers import identity_key

BORN = date(2009, 3, 14)


def person(
    last: str, first: str, born: date | None = BORN, ine: str | None = None, *phones: str
) -> Identity:
    return Identity.of(identity_key(last, first, born), ine, phones)


@pytest.mark.parametrize(
    ("one", "other", "expected"),
    [
        (person("Lefèvre", "Éloïse"), person("LEFEVRE", "eloise"), Reason.SAME_IDENTITY),
        (
            person("Lefèvre", "Éloïse", BORN, "0494004062M"),
            person("Lefevre", "Eloise", BORN, "1234567890A"),
            Reason.INE_DIFFERS,
        ),
        (
            person("Lefèvre", "Éloïse", BORN, "0494004062M"),
            person("Lefevre", "Eloise"),
            Reason.SAME_IDENTITY,
        ),
        (person("Martin", "Hugo"), person("Hugo", "Martin"), Reason.SWAPPED),
        (person("Le Goff", "Jean-Pierre"), person("Legoff", "Jeanpierre"), Reason.JOINED),
        (person("Lefèvre", "Éloïse"), person("Lefèvre", "Eloïsse"), Reason.FIRST_NAME_TYPO),
        (person("Lefèvre", "Marie"), person("Lefèvre", "Maire"), Reason.FIRST_NAME_TYPO),
        (person("Lefebvre", "Éloïse"), person("Lefèvre", "Éloïse"), Reason.LAST_NAME_TYPO),
        (person("Dupont", "Anne-Marie"), person("Dupont", "Marie"), Reason.COMPOUND_FIRST_NAME),
        (person("Da Silva", "Inès"), person("Silva", "Inès"), Reason.COMPOUND_LAST_NAME),
        (
            person("Martin", "Hugo", BORN, None, "+33353010001"),
            person("Durand", "Léa", date(2007, 1, 2), None, "+33353010001"),
            Reason.SAME_PHONE,
        ),
    ],
)
def test_each_rule_makes_a_pair_and_says_why(one, other, expected):
    assert reasons(one, other) == {expected}
    assert reasons(other, one) == {expected}


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (person("Lefèvre", "Éloïse"), person("Lefèvre", "Éloïse", date(2009, 3, 15))),
        (person("Lefèvre", "Léa"), person("Lefèvre", "Léo")),  # twins: too short for a typo
        (person("Lefèvre", "Éloïse"), person("Lefèvre", "Hugo")),  # brother and sister
        (person("Lefèvre", "Éloïse"), person("Martin", "Éloïse")),
        (person("Lefèvre", "Anne de"), person("Lefèvre", "de")),  # a particle is not a name
        (person("Lefèvre", "Mariette"), person("Lefèvre", "Marie")),  # not a whole word
        (person("Lefèvre", "Éloïse", None), person("Lefèvre", "Éloïse", None)),  # no birth date
        (person("Lefèvre", "Amandine"), person("Lefèvre", "Amélie")),  # more than one letter
    ],
)
def test_other_youth_are_not_a_pair(one, other):
    assert reasons(one, other) == set()


@pytest.mark.parametrize(
    ("s", "t", "apart"),
    [
        ("eloise", "eloise", False),
        ("eloise", "eloize", True),  # replaced
        ("eloise", "eloisse", True),  # added
        ("eloise", "eloie", True),  # removed
        ("eloise", "elosie", True),  # neighbours swapped
        ("eloise", "eliose", True),
        ("eloise", "eliosa", False),
        ("eloise", "loise", True),  # the first letter
        ("eloise", "eloises", True),  # the last letter
        ("eloise", "elo", False),
    ],
)
def test_one_letter_apart(s, t, apart):
    assert one_letter_apart(s, t) is apart
    assert one_letter_apart(t, s) is apart


def test_a_compound_name_holds_whole_words_only():
    assert holds_words("jean pierre marie", "jean pierre")
    assert holds_words("anne marie", "marie")
    assert not holds_words("annemarie", "marie")
    assert not holds_words("marie", "marie")


def test_a_youth_has_several_reasons_at_once():
    one = person("Martin", "Hugo", BORN, None, "+33353010001")
    other = person("Hugo", "Martin", BORN, None, "+33353010001")

    found = reasons(one, other)

    assert found == {Reason.SWAPPED, Reason.SAME_PHONE}
    assert decode(encode(found)) == (Reason.SWAPPED, Reason.SAME_PHONE)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (person("Martin", "Hugo"), person("Hugo", "Martin")),
        (person("Le Goff", "Jean Pierre"), person("Legoff", "Jeanpierre")),
        (person("Dupont", "Anne-Marie"), person("Dupont", "Marie")),
        (person("Lefebvre", "Éloïse"), person("Lefèvre", "Éloïse")),
        (person("Da Silva", "Inès"), person("Silva", "Ines")),
        (
            person("A", "B", None, None, "+33353010001"),
            person("C", "D", None, None, "+33353010001"),
        ),
    ],
)
def test_two_youth_meeting_a_rule_share_a_key(one, other):
    assert reasons(one, other)
    assert blocking_keys(one) & blocking_keys(other)


def test_youth_born_another_day_share_no_name_key():
    assert not blocking_keys(person("Martin", "Hugo")) & blocking_keys(
        person("Martin", "Hugo", date(2009, 3, 15))
    )
