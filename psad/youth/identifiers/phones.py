"""French and overseas phone numbers, normalised to E.164 with phonenumbers' rules."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import phonenumbers

from psad.youth.identifiers.checked import TEXT_CACHE_SIZE, Checked, clean_text

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


@lru_cache(maxsize=TEXT_CACHE_SIZE)
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
