"""Sex (as the SI codes it, or in words) and postal codes."""

from __future__ import annotations

import re

from psad.youth.identifiers.checked import ASCII_DIGITS, FEMALE, MALE, Checked, clean_text
from psad.youth.identifiers.names import fold_text

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
        sex = _SEXES.get(fold_text(text))
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
    if len(code) == 5 and ASCII_DIGITS.fullmatch(code):
        return Checked(None, f"Code postal « {text} » inexistant")
    return Checked(None, f"Code postal « {text} » invalide (5 chiffres attendus)")
