"""Phone numbers as the messages use them: which number can take an SMS (a number shown masked
is ``psad.masks.mask_phone``)."""

from __future__ import annotations

import phonenumbers

SMS_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)


def takes_sms(e164: str | None) -> bool:
    """Whether the number is a mobile (SMS to a landline is not offered)."""
    if not e164:
        return False
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in SMS_TYPES
