"""The fields a list can fill, by canonical name, with their French labels.

Profiles map a list's headers to these names; the row checks, the preview and the bulk
tables all speak of the same ones.
"""

from __future__ import annotations

FIELDS: dict[str, str] = {
    "ine": "INE",
    "last_name": "Nom",
    "first_name": "Prénom",
    "sex": "Sexe",
    "birth_date": "Date de naissance",
    "birth_place": "Lieu de naissance",
    "address": "Adresse",
    "postal_code": "Code postal",
    "commune": "Commune",
    "phone": "Téléphone",
    "other_phone": "Autre téléphone",
    "email": "Courriel",
    "guardian_last_name": "Nom du représentant légal",
    "guardian_first_name": "Prénom du représentant légal",
    "guardian_phone": "Téléphone du représentant légal",
    "guardian_email": "Courriel du représentant légal",
    "guardian_address": "Adresse du représentant légal",
    "school_uai": "UAI de l'établissement",
    "school_name": "Établissement",
    "school_commune": "Commune de l'établissement",
    "school_academy": "Académie",
    "formation": "Formation",
    "level": "Niveau",
    "track": "Voie de formation",
    "school_entry_date": "Date d'entrée en formation",
    "school_exit_date": "Date de sortie de formation",
    "exit_reason": "Motif de sortie",
}
REQUIRED_FIELDS: tuple[str, ...] = ("last_name", "first_name")
# What identifies a youth: enough to reject a row or to merge two rows of one list.
IDENTITY_FIELDS = ("ine", "last_name", "first_name", "birth_date")
# The guardian's fields, and the guardian column each one fills.
GUARDIAN_FIELDS = {
    "guardian_last_name": "last_name",
    "guardian_first_name": "first_name",
    "guardian_phone": "phone",
    "guardian_email": "email",
    "guardian_address": "address",
}
PHONE_FIELDS = frozenset({"phone", "other_phone", "guardian_phone"})
# The youth's own fields, in the order of FIELDS: the columns of ``youths`` a list fills.
YOUTH_COLUMNS = tuple(name for name in FIELDS if name not in GUARDIAN_FIELDS)
