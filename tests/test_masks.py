"""A youth's number or address as the public page and the administrators see it: masked."""

from __future__ import annotations

import pytest

from psad.masks import mask_email, mask_phone


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("+33612345678", "06 •• •• •• 78"),
        ("+33320123456", "03 •• •• •• 56"),  # a landline the same way
        ("+32470123456", "+32 ••• 56"),  # abroad: the country code and the last two digits
        ("+590690001234", "+590 ••• 34"),  # Guadeloupe has a code of its own
        ("n'importe quoi 1234", "••• 34"),  # not a stored number: nothing of it but its end
        (None, ""),
        ("", ""),
    ],
)
def test_a_number_shows_its_first_pair_or_country_and_its_last_two_digits(number, shown):
    assert mask_phone(number) == shown


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ("lea.dupont@example.fr", "l•••@e•••.fr"),
        ("a@localhost", "a•••@l•••"),
        ("pas une adresse", "•••"),
    ],
)
def test_an_address_shows_the_first_letters_and_the_ending(address, shown):
    assert mask_email(address) == shown
