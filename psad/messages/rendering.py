"""A template's text made into one message: the register (« tu » / « vous »), the variables,
the e-mail's reply footer and the SMS's STOP notice.

Templates are written by pilotes: they are never rendered with Jinja. Only the four
variables below are replaced, in one pass (a first name holding « {lien} » stays as it is).
The SMS's STOP notice (``[sms] stop_notice``) may hold {lien} too: the same link.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from psad.config import SmsSettings
from psad.messages.models import MessageChannel, MessageTemplate, Register
from psad.youth.models import Youth

MAJORITY = 18
VARIABLES = {
    "prenom": "le prénom du jeune",
    "psad": "le nom de la PSAD",
    "conseiller": "le nom de la personne qui écrit",
    "lien": "le lien personnel de réponse",
}
PLACEHOLDER = re.compile(r"\{([^{}\n]{0,40})\}")
EMAIL_FOOTER = "Répondre ou ne plus être contacté·e : {lien}"
DEFAULT_STOP_NOTICE = SmsSettings.stop_notice

# GSM 03.38: the basic alphabet (one septet each) and its extension (two septets each).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = frozenset("^{}\\[~]|€\f")
# Typography the GSM alphabet lacks, and its plain equivalent.
GSM_PLAIN = {
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "’": "'",
    "‘": "'",
    "·": ".",
    "–": "-",
    "—": "-",
    "…": "...",
    "\u00a0": " ",
    "\u202f": " ",
    "œ": "oe",
    "Œ": "OE",
}


@dataclass(frozen=True)
class Rendered:
    """One message as it goes out (``subject`` is "" for an SMS). ``parts``: how many SMS
    segments the text takes, counted with a link of real length (0 for an e-mail)."""

    subject: str
    body: str
    parts: int = 0


LINK_IN_SUBJECT = (
    "Le lien personnel {lien} ne peut pas aller dans l'objet : il n'y serait pas cliquable. "
    "Mettez-le dans le texte du courriel (sans lui, le courriel se termine par le lien)."
)
STOP_UNANSWERABLE = (
    "Les SMS demandent de répondre STOP (réglage [sms] stop_notice du serveur), mais les jeunes "
    "ne peuvent pas répondre : l'expéditeur ([sms] sender) n'est pas un numéro ou la passerelle "
    "ne transmet pas les SMS reçus ([sms] inbound_secret). Demandez à l'administrateur du "
    "serveur de mettre dans [sms] stop_notice « Pour ne plus recevoir de message, ouvrez le "
    "lien. » (la page du lien permet de ne plus être contacté·e), ou de configurer un "
    "expéditeur numérique et inbound_secret."
)


def validate_template(text: str | None, *, subject: bool = False) -> list[str]:
    """French errors for the placeholders this text uses that are not variables, and for
    {lien} in a ``subject`` (a link there cannot be followed)."""
    unknown: list[str] = []
    for match in PLACEHOLDER.finditer(text or ""):
        name = match.group(1)
        if name not in VARIABLES and name not in unknown:
            unknown.append(name)
    known = ", ".join("{" + name + "}" for name in VARIABLES)
    errors = [f"Variable inconnue « {{{name}}} » : les variables sont {known}." for name in unknown]
    if subject and "{lien}" in (text or ""):
        errors.append(LINK_IN_SUBJECT)
    return errors


def stop_warning(sms: SmsSettings) -> str | None:
    """Why youth cannot stop the SMS as the STOP notice says (it asks to answer « STOP »
    while no answer can reach us), for the PSAD's settings pages; None when they can."""
    notice = sms.stop_notice
    asks_stop = "stop" in notice.lower() and "{lien}" not in notice
    if sms.enabled and asks_stop and not sms.takes_replies:
        return STOP_UNANSWERABLE
    return None


def register_for(youth: Youth, today: date) -> Register:
    """« tu » to a minor on ``today``; « vous » to an adult, and when the birth date is unknown."""
    age = youth.age_on(today)
    return Register.TU if age is not None and age < MAJORITY else Register.VOUS


def has_sms(template: MessageTemplate) -> bool:
    """Whether the template has SMS texts (both registers)."""
    return bool(template.sms_tu and template.sms_vous)


def render(
    template: MessageTemplate,
    *,
    youth: Youth,
    psad_name: str,
    counsellor: str,
    channel: MessageChannel,
    register: Register,
    link: str,
    stop_notice: str = DEFAULT_STOP_NOTICE,
    link_length: int | None = None,
    masked_link: str | None = None,
) -> Rendered:
    """The message for this youth on this channel. An e-mail ends with the reply footer when
    its text has no {lien}; an SMS always ends with ``stop_notice``, its {lien} the same link.
    ``link_length``: the real link's length when ``link`` is masked (for the SMS segment
    count). ``masked_link``: what a subject shows for {lien} (a template saved before it was
    refused there); the subject never holds the token (the outbox fills in the body only)."""
    values = {
        "prenom": youth.first_name.strip(),
        "psad": psad_name,
        "conseiller": counsellor,
        "lien": link,
    }
    if channel is MessageChannel.EMAIL:
        text = template.email_tu if register is Register.TU else template.email_vous
        text = text.rstrip()
        if "{lien}" not in text:
            text = f"{text}\n\n{EMAIL_FOOTER}"
        subject = substitute(template.subject, {**values, "lien": masked_link or link})
        return Rendered(subject=subject, body=substitute(text, values))
    text = (template.sms_tu if register is Register.TU else template.sms_vous) or ""
    text = " ".join(text.split())
    if "{lien}" not in text:
        text = f"{text} {{lien}}"
    text = f"{text} {stop_notice}".strip() if stop_notice else text
    body = gsm_plain(substitute(text, values))
    counted = body
    if link_length is not None:
        counted = gsm_plain(substitute(text, {**values, "lien": "x" * link_length}))
    return Rendered(subject="", body=body, parts=sms_parts(counted))


def substitute(text: str, values: dict[str, str]) -> str:
    """Replace the known variables, in one pass; any other « {…} » is left as written."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return values[name] if name in values else match.group(0)

    return PLACEHOLDER.sub(value, text)


def gsm_plain(text: str) -> str:
    """The text in the GSM alphabet where a plain equivalent exists (« ê » -> « e », « ’ »
    -> « ' »): one SMS then holds 160 characters instead of 70. Other characters stay."""
    return "".join(_plain(ch) for ch in text)


def _plain(ch: str) -> str:
    if ch in GSM_BASIC or ch in GSM_EXTENDED:
        return ch
    if ch in GSM_PLAIN:
        return GSM_PLAIN[ch]
    base = unicodedata.normalize("NFD", ch)[0]
    return base if base in GSM_BASIC else ch


def sms_parts(text: str) -> int:
    """How many SMS the text takes: GSM-7 (160 characters, 153 a part when split),
    otherwise UCS-2 (70, 67 a part; a character beyond the BMP counts twice)."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text):
        length = sum(2 if ch in GSM_EXTENDED else 1 for ch in text)
        single, part = 160, 153
    else:
        length = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
        single, part = 70, 67
    if length == 0:
        return 0
    return 1 if length <= single else math.ceil(length / part)
