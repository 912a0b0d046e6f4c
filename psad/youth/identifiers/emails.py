"""E-mail addresses: syntax checked with email-validator, special-use domains named."""

from __future__ import annotations

import re
from functools import lru_cache

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from psad.youth.identifiers.checked import TEXT_CACHE_SIZE, Checked, clean_text

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


@lru_cache(maxsize=TEXT_CACHE_SIZE)
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
