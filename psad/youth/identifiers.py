"""Normalise and check what a person or a spreadsheet gives for a youth.

Pure functions, no Flask and no database. The spreadsheet import calls them for every cell, so
they stay cheap: patterns are compiled once, text results are cached, and the common French
10-digit phone forms skip the phonenumbers parser (validity still follows phonenumbers' rules
and metadata).

Nothing here rejects an identifier sent by the SI, which is authoritative: a doubtful INE or
UAI is kept and comes with a warning in French that names it. Only values that cannot be read
at all come back as ``None``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Generic, NamedTuple, TypeVar

import phonenumbers
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

T = TypeVar("T")

FEMALE = "female"
MALE = "male"

# Two-digit years up to this value are in the 2000s, above it in the 1900s: "05" is 2005,
# "98" is 1998. Youth followed by a PSAD are 16 to 25, so this holds until about 2030.
TWO_DIGIT_YEAR_PIVOT = 30

_KEY_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # mod-23 check letters of the INE and the UAI
_TEXT_CACHE_SIZE = 65_536


class Checked(NamedTuple, Generic[T]):
    """A normalised value (``None`` when empty or unreadable) and a French warning if needed.

    A named pair rather than a frozen dataclass: an import builds one per cell, and a tuple
    is several times cheaper to build; the import reads it as ``(value, warning)``.
    """

    value: T | None
    warning: str | None = None


def clean_text(raw: object) -> str | None:
    """Strip and collapse whitespace; ``None`` for an empty cell; 59000.0 becomes "59000"."""
    if raw is None:
        return None
    if isinstance(raw, str):
        return " ".join(raw.split()) or None
    if isinstance(raw, bool):  # before int: bool is an int
        return "VRAI" if raw else "FAUX"  # as a French spreadsheet shows it
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        if math.isnan(raw):  # an empty cell read by some libraries
            return None
        return str(int(raw)) if raw.is_integer() else str(raw)
    if isinstance(raw, datetime):
        return raw.strftime("%d/%m/%Y" if raw.time() == datetime.min.time() else "%d/%m/%Y %H:%M")
    if isinstance(raw, date):
        return raw.strftime("%d/%m/%Y")
    return " ".join(str(raw).split()) or None


def _mod23_key(digits: str) -> str:
    return _KEY_LETTERS[int(digits) % 23]


# --- INE and UAI --------------------------------------------------------------------------

_INE_WITH_KEY = re.compile(r"[0-9]{10}[A-Z]")
# Provisional (D) and apprenticeship (A) INE; RNIE, whose key algorithm is not public.
_INE_WITHOUT_KNOWN_KEY = re.compile(r"[0-9]{4}[AD][0-9]{5}[A-Z]|[0-9]{9}[A-Z]{2}")
_UAI = re.compile(r"[0-9]{7}[A-Z]")
_ASCII_DIGITS = re.compile(r"[0-9]+")


def normalize_ine(raw: object) -> Checked[str]:
    """Upper-case the INE without spaces; warn on a wrong key (kept: the SI is authoritative)
    or an unknown format (dropped: it identifies nobody)."""
    text = clean_text(raw)
    if text is None:
        return Checked(None)
    ine = "".join(text.split()).upper()
    if _INE_WITH_KEY.fullmatch(ine):
        expected = _mod23_key(ine[:10])
        if ine[10] != expected:
            return Checked(ine, f"INE {ine} : clé de contrôle incorrecte (attendue {expected})")
        return Checked(ine)
    if _INE_WITHOUT_KNOWN_KEY.fullmatch(ine):
        return Checked(ine)
    # Not an INE at all ("INCONNU", "NC", a pasted name...): never stored nor used to match.
    return Checked(None, f"INE « {ine[:40]} » : format non reconnu, non enregistré")


def normalize_uai(raw: object) -> Checked[str]:
    """Upper-case the UAI as text; warn on a wrong key, a missing letter or an unknown format.

    A spreadsheet that read the UAI as a number lost its letter and maybe its leading zero:
    the digits are padded back to seven and the warning suggests the full UAI.
    """
    text = clean_text(raw)
    if text is None:
        return Checked(None)
    uai = "".join(text.split()).upper()
    if _UAI.fullmatch(uai):
        expected = _mod23_key(uai[:7])
        if uai[7] != expected:
            return Checked(uai, f"UAI {uai} : clé de contrôle incorrecte (attendue {expected})")
        return Checked(uai)
    if len(uai) <= 7 and _ASCII_DIGITS.fullmatch(uai):
        digits = uai.zfill(7)
        suggestion = digits + _mod23_key(digits)
        if len(uai) < 7:
            problem = "zéro initial et lettre de contrôle manquants"
        else:
            problem = "lettre de contrôle manquante"
        return Checked(digits, f"UAI {uai} : {problem} ({suggestion} ?)")
    return Checked(
        None,
        f"UAI « {uai[:40]} » : format non reconnu (7 chiffres et une lettre attendus), "
        "non enregistré",
    )


# --- Phones -------------------------------------------------------------------------------

_FRANCE = 33
# Overseas departments dial inside the French plan (0690..., 0639...) under their own codes:
# Guadeloupe and Saint-Martin, Guyane, Martinique, La Réunion and Mayotte.
_OVERSEAS = (590, 594, 596, 262)
_PHONE_SEPARATORS = str.maketrans("", "", " .-/()\t\u00a0\u202f")
# 0612345678, 612345678 (leading zero lost), +33612345678, 0033612345678 once separators go.
_COMMON_FRENCH_PHONE = re.compile(r"(0|\+33|0033)?([1-9][0-9]{8})")
_E164_FRANCE = re.compile(r"\+33([0-9]{9})")


# The number types phonenumbers tries after the general description. A valid number needs one
# of them, whatever the order: the most common in a list of youth come first.
_NUMBER_TYPES = (
    "fixed_line",
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)
_NumberDesc = tuple[tuple[int, ...], Callable[[str], "re.Match[str] | None"]]


def _is_valid_number(country_code: int, national_number: str) -> bool:
    number = phonenumbers.PhoneNumber(
        country_code=country_code, national_number=int(national_number)
    )
    return phonenumbers.is_valid_number(number)


def _compiled_desc(desc: phonenumbers.PhoneNumberDesc | None) -> _NumberDesc | None:
    """Possible lengths and whole-number match of a description; None if it matches nothing."""
    if desc is None or not desc.national_number_pattern:
        return None
    return tuple(desc.possible_length), re.compile(desc.national_number_pattern).fullmatch


def _validity_check(region: str) -> Callable[[str], bool] | None:
    """``phonenumbers.is_valid_number`` for a region's numbers, rebuilt from its own metadata.

    The library looks the region's patterns up again and tries them one number type at a time
    on every call: about 7 µs a number, seconds for a list of 100,000 youth whose numbers are
    all different, so no cache helps. When the region has its country code to itself (+33 is
    France alone), validity comes down to that region's metadata: see ``_metadata_check``.
    Tests compare the result with ``phonenumbers.is_valid_number`` on thousands of numbers.

    None when the country code is shared by several regions (or unknown): phonenumbers must
    then decide, as it first works out which region the number belongs to.
    """
    country_code = phonenumbers.country_code_for_region(region)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None or phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(country_code) != (region,):
        return None
    return _metadata_check(metadata)


def _metadata_check(metadata: phonenumbers.PhoneMetadata) -> Callable[[str], bool]:
    """Whether a national significant number (without leading zero) is valid in the metadata.

    The metadata is applied once compiled and as phonenumbers applies it in
    ``is_valid_number_for_region`` (``_number_type_helper``, ``_is_number_matching_desc``,
    ``_match_national_number``, ``_match``): the number matches the general description and at
    least one number type. A description matches when the number has one of its possible
    lengths (an empty list allows any) and its pattern matches the whole number (``_match``
    ends with ``re.fullmatch``, which is not "``re.match`` up to the end" when the pattern has
    alternatives); a missing description or an empty pattern matches nothing.
    """
    general = _compiled_desc(metadata.general_desc)
    names: tuple[str, ...] = _NUMBER_TYPES
    if not metadata.same_mobile_and_fixed_line_pattern:  # else mobile is never tried alone
        names = ("mobile", *names)
    types = tuple(desc for name in names if (desc := _compiled_desc(getattr(metadata, name))))
    if general is None or not types:
        return lambda national_number: False
    general_lengths, general_fullmatch = general

    def is_valid(national_number: str) -> bool:
        length = len(national_number)
        if general_lengths and length not in general_lengths:
            return False
        if general_fullmatch(national_number) is None:
            return False
        for lengths, fullmatch in types:
            if (not lengths or length in lengths) and fullmatch(national_number) is not None:
                return True
        return False

    return is_valid


_is_valid_in_france = _validity_check("FR") or (
    lambda national_number: _is_valid_number(_FRANCE, national_number)
)


def _french_e164(national_number: str, national_form: bool) -> str | None:
    """E.164 of a number dialled in France, or None when phonenumbers' rules find it invalid.

    Written the national way (0690...), it may belong to an overseas department.
    """
    if _is_valid_in_france(national_number):
        return f"+{_FRANCE}{national_number}"
    return _overseas_e164(national_number) if national_form else None


@lru_cache(maxsize=_TEXT_CACHE_SIZE)
def _overseas_e164(national_number: str) -> str | None:
    # phonenumbers decides: +590 and +262 are each shared by several regions.
    for country_code in _OVERSEAS:
        if _is_valid_number(country_code, national_number):
            return f"+{country_code}{national_number}"
    return None


def _parsed_e164(text: str) -> str | None:
    try:
        number = phonenumbers.parse(text, "FR", keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national_form = (
        number.country_code_source == phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY
    )
    if national_form and number.national_number is not None:
        return _french_e164(str(number.national_number), True)
    return None


def _phone_text(raw: object) -> str | None:
    text = clean_text(raw)
    if text is None or isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return text
    # A number cell lost the leading 0 of a French number, or the + of an international one.
    if len(text) == 9:
        return "0" + text
    if len(text) > 10 and text.isdigit():
        return "+" + text
    return text


def normalize_phone(raw: object) -> Checked[str]:
    """E.164 ("+33612345678") of a number written the French way or internationally."""
    text = _phone_text(raw)
    if text is None:
        return Checked(None)
    common = _COMMON_FRENCH_PHONE.fullmatch(text.translate(_PHONE_SEPARATORS))
    # The common forms skip the slow parser; phonenumbers still decides validity.
    e164 = _french_e164(common[2], common[1] in (None, "0")) if common else _parsed_e164(text)
    if e164 is None:
        return Checked(None, f"Numéro de téléphone « {text} » invalide")
    return Checked(e164)


def format_phone(e164: str | None) -> str:
    """Display a stored phone: "06 12 34 56 78" in France, the international format abroad."""
    if not e164:
        return ""
    french = _E164_FRANCE.fullmatch(e164)
    if french:
        digits = "0" + french[1]
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# --- E-mail -------------------------------------------------------------------------------


# Plain ASCII addresses (nearly all of a list) are checked by this pattern, which accepts a
# subset of what email-validator accepts; anything else goes to email-validator. A list of
# 100,000 rows spends a third of its checking time in email-validator otherwise.
_SIMPLE_EMAIL = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
    r"@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
)
_SPECIAL_USE_DOMAINS = tuple(SPECIAL_USE_DOMAIN_NAMES)


def _simple_email(text: str) -> str | None:
    """The normalised address when it is plain ASCII and certainly valid, else None."""
    match = _SIMPLE_EMAIL.fullmatch(text)
    if match is None or len(text) > 254 or text.index("@") > 64:
        return None
    domain = match.group(1).lower()
    if _special_use(domain):
        return None
    return text[: match.start(1)] + domain


@lru_cache(maxsize=_TEXT_CACHE_SIZE)
def _special_use(domain: str) -> bool:
    """A domain email-validator refuses (``localhost``, ``*.test``...): a list has few domains."""
    return any(domain == name or domain.endswith("." + name) for name in _SPECIAL_USE_DOMAINS)


def _email_problem(text: str) -> str:
    local, at, domain = text.partition("@")
    if not at:
        return "il manque l’arobase (@)"
    if "@" in domain:
        return "plusieurs arobases (@)"
    if not local:
        return "rien avant l’arobase"
    if not domain:
        return "rien après l’arobase"
    if " " in text:
        return "contient un espace"
    if "." not in domain:
        return "nom de domaine incomplet"
    return "syntaxe non valide"


def normalize_email(raw: object) -> Checked[str]:
    """Check the syntax only (no network) and lower-case the domain."""
    text = clean_text(raw)
    if text is None:
        return Checked(None)
    simple = _simple_email(text)
    if simple is not None:
        return Checked(simple)
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return Checked(None, f"Adresse électronique « {text} » invalide : {_email_problem(text)}")
    return Checked(result.normalized)


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


@lru_cache(maxsize=_TEXT_CACHE_SIZE)
def _fold_text(text: str) -> str:
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
        return _fold_text(text)
    cleaned = clean_text(text)
    return "" if cleaned is None else _fold_text(cleaned)


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


# --- Dates --------------------------------------------------------------------------------

_TIME = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_DAY_FIRST = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})" + _TIME)
_YEAR_FIRST = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})" + _TIME)
# Excel's 1900 system counts a 29 February 1900 that never was (serial 60): serials from 61
# on are days since 30/12/1899, those before it days since 31/12/1899.
_EXCEL_LATE_EPOCH = date(1899, 12, 30)
_EXCEL_EARLY_EPOCH = date(1899, 12, 31)
_EXCEL_MISSING_DAY = 60
_EXCEL_LAST_SERIAL = 80_000  # 2119; larger numbers are not dates


def _from_excel_serial(serial: float) -> date | None:
    if not 1 <= serial < _EXCEL_LAST_SERIAL + 1:  # also False for NaN and infinities
        return None
    day = int(serial)  # the fraction is the time of day
    if day == _EXCEL_MISSING_DAY:
        return None
    epoch = _EXCEL_EARLY_EPOCH if day < _EXCEL_MISSING_DAY else _EXCEL_LATE_EPOCH
    return epoch + timedelta(days=day)


@lru_cache(maxsize=_TEXT_CACHE_SIZE)
def _date_from_text(text: str) -> date | None:
    match = _DAY_FIRST.fullmatch(text)
    if match:
        day, _, month, year = match.groups()
        full_year = int(year)
        if len(year) == 2:
            full_year += 2000 if full_year <= TWO_DIGIT_YEAR_PIVOT else 1900
        parts = (full_year, int(month), int(day))
    else:
        match = _YEAR_FIRST.fullmatch(text)
        if match is None:
            return None
        parts = (int(match[1]), int(match[2]), int(match[3]))
    try:
        return date(*parts)
    except ValueError:  # 31/02/2007, month 13, year 0
        return None


def parse_date(raw: object) -> Checked[date]:
    """Read a date from a date cell, an Excel serial number or French or ISO text.

    Two-digit years: 00 to 30 are 2000-2030, 31 to 99 are 1931-1999 (TWO_DIGIT_YEAR_PIVOT).
    """
    if isinstance(raw, datetime):  # before date: a datetime is a date
        return Checked(raw.date())
    if isinstance(raw, date):
        return Checked(raw)
    text = clean_text(raw)
    if text is None:
        return Checked(None)
    if isinstance(raw, bool):
        parsed = None
    elif isinstance(raw, (int, float)):
        parsed = _from_excel_serial(raw)
    else:
        parsed = _date_from_text(text)
    if parsed is None:
        return Checked(None, f"Date « {text} » illisible ou impossible")
    return Checked(parsed)


def age_on(birth_date: date, on: date) -> int:
    """Completed years on ``on``.

    Born on 29 February, one turns a year older on 1 March in common years. The result is
    negative when ``on`` precedes the birth: a data-entry error to show, not to hide.
    """
    had_birthday = (on.month, on.day) >= (birth_date.month, birth_date.day)
    return on.year - birth_date.year - (0 if had_birthday else 1)


# --- Sex and postal code ------------------------------------------------------------------

_SEXES = {
    **dict.fromkeys(
        ("m", "h", "g", "masculin", "masc", "homme", "garcon", "male", "monsieur", "mr"), MALE
    ),
    **dict.fromkeys(
        ("f", "feminin", "fem", "femme", "fille", "female", "madame", "mme", "mlle"), FEMALE
    ),
}
_SEX_CODES = {1: MALE, 2: FEMALE}  # the INSEE convention
_SEX_CODE_TEXT = re.compile(r"([12])(?:[.,]0*)?")
_POSTAL_CODE = re.compile(r"(?!00)[0-9]{5}")  # no French postal code starts with 00
_POSTAL_CODE_LOST_ZERO = re.compile(r"[0-9]{4}")


def parse_sex(raw: object) -> Checked[str]:
    """ "female" or "male" from M/F, H/F, G/F, the words in full, or the INSEE code 1/2."""
    text = clean_text(raw)
    if text is None:
        return Checked(None)
    sex: str | None = None
    if isinstance(raw, bool):
        pass
    elif isinstance(raw, (int, float)):
        sex = _SEX_CODES.get(int(raw)) if float(raw).is_integer() else None
    elif code := _SEX_CODE_TEXT.fullmatch(text):
        sex = _SEX_CODES[int(code[1])]
    else:
        sex = _SEXES.get(_fold_text(text))
    if sex is None:
        return Checked(None, f"Sexe « {text} » non reconnu")
    return Checked(sex)


def normalize_postal_code(raw: object) -> Checked[str]:
    """Five digits as text; the leading zero a spreadsheet dropped (2100) is put back."""
    text = clean_text(raw)
    if text is None:
        return Checked(None)
    code = "".join(text.split())
    if _POSTAL_CODE_LOST_ZERO.fullmatch(code):
        code = "0" + code
    if _POSTAL_CODE.fullmatch(code):
        return Checked(code)
    if len(code) == 5 and _ASCII_DIGITS.fullmatch(code):
        return Checked(None, f"Code postal « {text} » inexistant")
    return Checked(None, f"Code postal « {text} » invalide (5 chiffres attendus)")
