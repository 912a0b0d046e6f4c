"""INE and UAI: national identifiers with a mod-23 check letter."""

from __future__ import annotations

import re

from psad.youth.identifiers.checked import ASCII_DIGITS, Checked, clean_text, mod23_key

# --- INE and UAI --------------------------------------------------------------------------

_INE_WITH_KEY = re.compile(r"[0-9]{10}[A-Z]")
# Provisional (D) and apprenticeship (A) INE; RNIE, whose key algorithm is not public.
_INE_WITHOUT_KNOWN_KEY = re.compile(r"[0-9]{4}[AD][0-9]{5}[A-Z]|[0-9]{9}[A-Z]{2}")
_UAI = re.compile(r"[0-9]{7}[A-Z]")


def normalize_ine(raw: object) -> Checked[str]:
    """Upper-case the INE without spaces; warn on a wrong key (kept: the SI is authoritative)
    or an unknown format (dropped: it identifies nobody)."""
    text = clean_text(raw)
    if text is None:
        return Checked(None)
    ine = "".join(text.split()).upper()
    if _INE_WITH_KEY.fullmatch(ine):
        expected = mod23_key(ine[:10])
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
        expected = mod23_key(uai[:7])
        if uai[7] != expected:
            return Checked(uai, f"UAI {uai} : clé de contrôle incorrecte (attendue {expected})")
        return Checked(uai)
    if len(uai) <= 7 and ASCII_DIGITS.fullmatch(uai):
        digits = uai.zfill(7)
        suggestion = digits + mod23_key(digits)
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
