"""Names folded for comparison (accents, case, look-alike letters) and identity keys."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import date, datetime
from functools import lru_cache

from psad.youth.identifiers.checked import TEXT_CACHE_SIZE, clean_text

# --- Names --------------------------------------------------------------------------------

_LETTERS_APART = str.maketrans(
    {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"}  # no NFKD decomposition
)
_WORD_SEPARATORS = str.maketrans(dict.fromkeys("-_.'’‘ʼ`‐‑‒–—―−", " "))
_PUNCTUATION = re.compile(r"[^\w\s]+")

# Cyrillic and Greek letters drawn like a Latin one, by case: a Cyrillic « а » pasted into
# "Lefèvre" must not make another youth. Capital and small letters differ (Greek « Η » looks
# like H, « η » like n), so the table applies before lower-casing.
_LOOKALIKE_LETTERS = {
    **dict(zip("АВЕКМНОРСТУХІЈЅҮӀҺԀԚԜ", "ABEKMHOPCTYXIJSYIHDQW", strict=True)),  # Cyrillic
    **dict(zip("аекмнорсухіјѕүӏһԁԛԝвт", "aekmhopcyxijsylhdqwbt", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),  # Greek
    **dict(zip("αικνορυ", "aikvopu", strict=True)),
}
_GREEK_AND_CYRILLIC = (*range(0x0370, 0x0530), *range(0x1F00, 0x2000))


def _latin_lookalikes() -> dict[int, str]:
    """The table above, with the accented forms of its letters (« ё », « ά »): accents go."""
    table: dict[int, str] = {}
    for code in _GREEK_AND_CYRILLIC:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        base, marks = decomposed[0], decomposed[1:]
        if base in _LOOKALIKE_LETTERS and all(unicodedata.combining(m) for m in marks):
            table[code] = _LOOKALIKE_LETTERS[base]
    return table


# Only Greek and Cyrillic code points: the folding of Latin text is not changed by it.
_LATIN_LOOKALIKES = _latin_lookalikes()


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def fold_text(text: str) -> str:
    if not text.isascii():
        text = text.translate(_LATIN_LOOKALIKES)
    text = text.lower().translate(_LETTERS_APART)
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    text = _PUNCTUATION.sub("", text.translate(_WORD_SEPARATORS))
    return " ".join(text.split())


def fold(text: object) -> str:
    """Fold for search and matching: "  Éloïse-Marie  D'ARCY " becomes "eloise marie d arcy".

    Cyrillic and Greek letters drawn like Latin ones become those: "Lefеvre" with a Cyrillic
    « е » folds as "lefevre".
    """
    if isinstance(text, str):
        return fold_text(text)
    cleaned = clean_text(text)
    return "" if cleaned is None else fold_text(cleaned)


_SCRIPTS = {"LATIN": "latine", "CYRILLIC": "cyrillique", "GREEK": "grecque"}
_LETTER_RUN = re.compile(r"[^\W\d_]+")


def _script(letter: str) -> str | None:
    script = unicodedata.name(letter, "").partition(" ")[0]
    return script if script in _SCRIPTS else None


def mixed_scripts(text: str | None) -> str | None:
    """A French message when a word mixes Latin, Cyrillic or Greek letters, else None.

    "Lefеvre" with a Cyrillic « е » reads as "Lefèvre" but is another name: typed by a
    keyboard switched to another layout, or pasted. A name written in one script is fine.
    """
    for word in _LETTER_RUN.findall(unicodedata.normalize("NFC", text or "")):
        scripts = Counter(script for letter in word if (script := _script(letter)))
        if len(scripts) < 2:
            continue
        main = max(scripts, key=lambda script: (scripts[script], script == "LATIN"))
        odd = {c: _SCRIPTS[s] for c in word if (s := _script(c)) is not None and s != main}
        quoted = ", ".join(f"« {letter} »" for letter in odd)
        adjectives = set(odd.values())
        if len(adjectives) > 1:
            what = f"les lettres {quoted} ne sont pas {_SCRIPTS[main]}s"
        elif len(odd) > 1:
            what = f"les lettres {quoted} sont {adjectives.pop()}s"
        else:
            what = f"la lettre {quoted} est {adjectives.pop()}"
        return (
            f"Mélange d'alphabets dans « {word} » : {what}. Retapez ce mot dans un seul alphabet."
        )
    return None


def identity_key(
    last_name: str | None, first_name: str | None, birth_date: date | None
) -> str | None:
    """Folded "last|first|YYYY-MM-DD" to match a youth without INE; None if a part is missing."""
    if birth_date is None:
        return None
    last, first = fold(last_name), fold(first_name)
    if not last or not first:
        return None
    if isinstance(birth_date, datetime):
        birth_date = birth_date.date()
    return f"{last}|{first}|{birth_date.isoformat()}"
