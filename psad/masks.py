"""A youth's phone number or e-mail address shown masked: on the public reply page
(« 06 •• •• •• 78 ») and to administrators on the outbox page (« j•••@e•••.fr »).

Below every domain (the outbox, the lowest, uses it): it imports none of them, and reads a
number as stored, in E.164.
"""

from __future__ import annotations

import re

import phonenumbers

MASK = "•••"
PAIR_MASK = "••"
_E164_FRANCE = re.compile(r"\+33([0-9]{9})")


def mask_phone(e164: str | None) -> str:
    """The number with only its first pair and last two digits shown: « 06 •• •• •• 78 »;
    abroad, the country code and the last two digits (« +32 ••• 78 »). "" without one."""
    if not e164:
        return ""
    digits = "".join(ch for ch in e164 if ch.isdigit())
    french = _E164_FRANCE.fullmatch(e164)
    if french:
        return " ".join(["0" + french[1][0], PAIR_MASK, PAIR_MASK, PAIR_MASK, digits[-2:]])
    try:
        country = f"+{phonenumbers.parse(e164, None).country_code} "
    except phonenumbers.NumberParseException:
        country = ""  # not a number as stored: nothing of it but its end
    return f"{country}{MASK} {digits[-2:]}".strip()


def mask_email(address: str) -> str:
    """« j•••@e•••.fr »: the first letter of the name and of the domain, and its ending."""
    name, at, domain = address.rpartition("@")
    if not at:
        return MASK
    host, dot, ending = domain.rpartition(".")
    if not dot:
        host, ending = domain, ""
    return f"{name[:1]}{MASK}@{host[:1]}{MASK}{dot}{ending}"
