"""Phone numbers as the messages use them: which number can take an SMS, and a number shown
masked on the public reply page (« 06 •• •• •• 78 »)."""

from __future__ import annotations

import phonenumbers

from psad.youth.identifiers.phones import format_phone

MASK = "••"
SMS_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)


def mask_phone(e164: str | None) -> str:
    """The number with only its first pair and last two digits shown: « 06 •• •• •• 78 »;
    abroad, the country code and the last two digits (« +32 ••• 78 »). "" without one."""
    shown = format_phone(e164)
    if not shown:
        return ""
    pairs = shown.split(" ")
    if len(pairs) == 5 and all(len(pair) == 2 for pair in pairs):
        return " ".join([pairs[0], MASK, MASK, MASK, pairs[4]])
    digits = "".join(ch for ch in shown if ch.isdigit())
    return f"{pairs[0]} {MASK}• {digits[-2:]}"


def takes_sms(e164: str | None) -> bool:
    """Whether the number is a mobile (SMS to a landline is not offered)."""
    if not e164:
        return False
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in SMS_TYPES
