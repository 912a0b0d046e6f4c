"""Mapping profiles: which column of a list holds which field, described as data.

A profile is a TOML file in ``imports/profiles/`` listing, for each canonical field, the
column headers that mean it. Headers are compared once normalised (case, accents,
punctuation and spacing ignored), so that a new layout is a new file, not new code.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from psad.config import shipped
from psad.errors import DomainError
from psad.imports.fields import FIELDS, REQUIRED_FIELDS
from psad.imports.reader import CellValue, Row

# A header row must recognise the required fields and at least this many fields in all.
MIN_HEADER_FIELDS = 3
HEADER_SEARCH_ROWS = 30
# Where several profiles recognise as many columns, the highest priority wins: the SIEI one
# (10), then a profile a user saved from the preview (5), then the generic one (0): a saved
# one never outranks the national layout on a tie. A saved profile names the PSAD it was
# saved in (``psad``) and serves that PSAD only; the others serve every PSAD.
SAVED_PROFILE_PRIORITY = 5

PROFILE_KEYS = {"name", "label", "description", "priority", "psad", "fields"}
PROFILE_NAME = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
PROFILE_NAME_MAX = 50
_BRACKETS = str.maketrans("", "", "()[]")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")
_TOML_LINE = re.compile(r"at line (\d+), column (\d+)")


class InvalidProfileError(DomainError):
    """A profile file or a profile to save is malformed."""


class ProfileExistsError(DomainError):
    """A profile of that name already exists; profiles are never overwritten."""


class NoHeaderError(DomainError):
    """No row near the top of the list is recognised as its header."""


class MappingError(DomainError):
    """A mapping of columns to fields, chosen in the preview, that cannot be applied."""

    status_code = 422


@dataclass(frozen=True)
class Profile:
    """One known layout: canonical field -> the headers that mean it."""

    name: str
    label: str
    fields: dict[str, tuple[str, ...]]
    description: str | None = None
    priority: int = 0
    # The code of the only PSAD whose lists it reads; None: every PSAD's.
    psad: str | None = None
    lookup: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def field_for(self, header: str) -> str | None:
        """The canonical field a header means in this profile, if any."""
        return self.lookup.get(normalize_header(header))


@dataclass(frozen=True)
class HeaderMatch:
    """The header row found in a list and how its columns map to fields."""

    line: int
    profile: str
    profile_label: str
    headers: list[str]
    mapping: dict[str, int]
    unmapped: list[tuple[int, str]]

    @property
    def unmapped_headers(self) -> list[str]:
        return [header for _, header in self.unmapped]


def default_profiles_dir() -> Path:
    """The shipped ``imports/profiles`` folder (the checkout's, or the wheel's copy)."""
    return shipped("imports/profiles")


def normalize_header(text: str) -> str:
    """Fold a header for comparison: « Né(e) le » and « NEE LE » give « nee le »."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    bare = "".join(char for char in folded if not unicodedata.combining(char))
    return _NOT_ALPHANUMERIC.sub(" ", bare.translate(_BRACKETS)).strip()


def load_profiles(directory: Path) -> list[Profile]:
    """Every ``*.toml`` profile of ``directory``, highest priority first, then by name."""
    if not directory.is_dir():
        raise InvalidProfileError(
            f"Le dossier des profils d'import « {directory} » n'existe pas : "
            "vérifiez la configuration."
        )
    profiles = [_load_profile(path) for path in sorted(directory.glob("*.toml"))]
    return sorted(profiles, key=lambda profile: (-profile.priority, profile.name))


def profiles_for(profiles: Iterable[Profile], psad_code: str | None) -> list[Profile]:
    """The profiles that read a PSAD's lists: its own and the shared ones (shared only when
    no PSAD is given)."""
    code = psad_code.casefold() if psad_code else None
    return [p for p in profiles if p.psad is None or p.psad.casefold() == code]


def find_header(
    rows: Sequence[Row],
    profiles: Iterable[Profile],
    *,
    file_name: str,
    search_rows: int = HEADER_SEARCH_ROWS,
    line_only: int | None = None,
) -> HeaderMatch:
    """Find the header among the first rows: the row and profile recognising most fields.

    Ties go to the earlier row, then to the earlier profile (``load_profiles`` puts the
    highest priority first). ``line_only`` keeps the header row a preview already found.
    """
    best: HeaderMatch | None = None
    candidates = list(profiles)
    for line, cells in rows[:search_rows]:
        if line_only is not None and line != line_only:
            continue
        headers = [_header_text(cell) for cell in cells]
        for profile in candidates:
            match = _match(line, headers, profile)
            if not _acceptable(match.mapping):
                continue
            if best is None or len(match.mapping) > len(best.mapping):
                best = match
    if best is None:
        raise NoHeaderError(
            f"Aucune ligne d'en-tête reconnue dans les {search_rows} premières lignes de "
            f"« {file_name} » : il faut au moins les colonnes "
            f"{' et '.join(FIELDS[name] for name in REQUIRED_FIELDS)}."
        )
    return best


def check_mapping(mapping: Mapping[str, int], header: HeaderMatch) -> None:
    """Refuse a mapping chosen by hand that names an unknown field or column, uses a column
    twice or leaves a required field out."""
    width = len(header.headers)
    for name, index in mapping.items():
        if name not in FIELDS:
            raise MappingError(f"Champ « {name} » inconnu dans la correspondance des colonnes.")
        if not 0 <= index < width:
            raise MappingError(f"La colonne choisie pour « {FIELDS[name]} » n'existe pas.")
    used = list(mapping.values())
    if len(used) != len(set(used)):
        raise MappingError(
            "Une même colonne est associée à deux champs : corrigez la correspondance."
        )
    missing = [FIELDS[name] for name in REQUIRED_FIELDS if name not in mapping]
    if missing:
        raise MappingError(f"Associez une colonne à : {', '.join(missing)}.")


def apply_mapping(cells: Sequence[CellValue], mapping: Mapping[str, int]) -> dict[str, CellValue]:
    """The values of one row by canonical field; a column past the row's end is None."""
    width = len(cells)
    return {name: cells[index] if index < width else None for name, index in mapping.items()}


def save_profile(
    directory: Path,
    name: str,
    label: str,
    mapping_from_headers: Mapping[str, Sequence[str]],
    *,
    description: str | None = None,
    psad: str | None = None,
) -> Path:
    """Write a new profile (a mapping corrected in the preview), for ``psad`` only when
    given; never overwrite one (names are unique across PSADs)."""
    if len(name) > PROFILE_NAME_MAX or not PROFILE_NAME.fullmatch(name):
        raise InvalidProfileError(
            f"Le nom de profil « {name} » n'est pas valide : utilisez des minuscules sans "
            "accents, des chiffres et des tirets, par exemple « lycee-jean-moulin »."
        )
    if not label.strip():
        raise InvalidProfileError("Donnez un libellé au profil, par exemple « Lycée Jean Moulin ».")
    path = directory / f"{name}.toml"
    text = _profile_toml(label.strip(), mapping_from_headers, description=description, psad=psad)
    _parse_profile(tomllib.loads(text), name=name, source=path.name)
    if path.exists():
        raise _profile_exists(name)
    directory.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as stream:
            stream.write(text)
    except FileExistsError as exc:
        raise _profile_exists(name) from exc
    except OSError as exc:
        raise InvalidProfileError(
            f"Le profil « {name} » n'a pas pu être enregistré (dossier des profils en lecture "
            "seule ?) : demandez à l'administrateur."
        ) from exc
    return path


# --- matching ----------------------------------------------------------------------------


def _header_text(cell: CellValue) -> str:
    if cell is None:
        return ""
    return " ".join(str(cell).split())


def _match(line: int, headers: list[str], profile: Profile) -> HeaderMatch:
    mapping: dict[str, int] = {}
    unmapped: list[tuple[int, str]] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        name = profile.field_for(header)
        if name is None or name in mapping:
            unmapped.append((index, header))
        else:
            mapping[name] = index
    return HeaderMatch(
        line=line,
        profile=profile.name,
        profile_label=profile.label,
        headers=headers,
        mapping=mapping,
        unmapped=unmapped,
    )


def _acceptable(mapping: Mapping[str, int]) -> bool:
    return len(mapping) >= MIN_HEADER_FIELDS and all(name in mapping for name in REQUIRED_FIELDS)


# --- reading and writing profile files -----------------------------------------------------


def _load_profile(path: Path) -> Profile:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidProfileError(
            f"Le profil d'import « {path.name} » n'est pas encodé en UTF-8 : "
            "enregistrez-le en UTF-8."
        ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = _TOML_LINE.search(str(exc))
        if where:
            at = f" (ligne {where.group(1)}, colonne {where.group(2)})"
        else:
            at = " (en fin de fichier)" if "end of document" in str(exc) else ""
        raise InvalidProfileError(
            f"Le profil d'import « {path.name} » est mal formé{at} : corrigez ce fichier "
            "(syntaxe TOML)."
        ) from exc
    return _parse_profile(data, name=path.stem, source=path.name)


def _parse_profile(data: Mapping[str, object], *, name: str, source: str) -> Profile:
    def invalid(problem: str) -> InvalidProfileError:
        return InvalidProfileError(f"Le profil d'import « {source} » {problem}.")

    unknown = sorted(set(data) - PROFILE_KEYS)
    if unknown:
        raise invalid(f"contient une clé inconnue « {unknown[0]} »")
    if data.get("name", name) != name:
        raise invalid(f"doit avoir pour nom « {name} », le nom de son fichier")
    label = data.get("label")
    if not isinstance(label, str) or not label.strip():
        raise invalid("n'a pas de libellé (label)")
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        raise invalid("a une description qui n'est pas un texte")
    priority = data.get("priority", 0)
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise invalid("a une priorité qui n'est pas un nombre entier")
    psad = data.get("psad")
    if psad is not None and (not isinstance(psad, str) or not psad.strip()):
        raise invalid("a un code de PSAD (psad) vide ou qui n'est pas un texte")
    table = data.get("fields")
    if not isinstance(table, dict) or not table:
        raise invalid("n'a pas de section [fields]")

    fields: dict[str, tuple[str, ...]] = {}
    lookup: dict[str, str] = {}
    for field_name, synonyms in table.items():
        if field_name not in FIELDS:
            raise invalid(f"contient un champ inconnu « {field_name} »")
        if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
            raise invalid(f"doit donner une liste de textes pour le champ « {field_name} »")
        for synonym in synonyms:
            key = normalize_header(synonym)
            if not key:
                raise invalid(f"contient un en-tête vide pour le champ « {field_name} »")
            other = lookup.setdefault(key, field_name)
            if other != field_name:
                raise invalid(
                    f"associe l'en-tête « {synonym} » à deux champs : « {other} » et "
                    f"« {field_name} »"
                )
        fields[field_name] = tuple(synonyms)
    return Profile(
        name=name,
        label=label.strip(),
        fields=fields,
        description=description,
        priority=priority,
        psad=psad.strip() if psad else None,
        lookup=lookup,
    )


def _profile_toml(
    label: str,
    mapping_from_headers: Mapping[str, Sequence[str]],
    *,
    description: str | None,
    psad: str | None,
) -> str:
    unknown = sorted(set(mapping_from_headers) - set(FIELDS))
    if unknown:
        raise InvalidProfileError(f"Champ inconnu « {unknown[0]} » dans le profil à enregistrer.")
    missing = [name for name in REQUIRED_FIELDS if not mapping_from_headers.get(name)]
    if missing:
        raise InvalidProfileError(
            "Le profil doit reconnaître au moins les colonnes "
            f"{' et '.join(FIELDS[name] for name in REQUIRED_FIELDS)} : associez-leur une "
            "colonne avant de l'enregistrer."
        )
    lines = [
        "# Profil enregistré depuis l'aperçu d'un import.",
        f"label = {_toml_string(label)}",
    ]
    if description:
        lines.append(f"description = {_toml_string(description)}")
    lines.append(f"priority = {SAVED_PROFILE_PRIORITY}")
    if psad:
        lines.append(f"psad = {_toml_string(psad)}")
    lines += ["", "[fields]"]
    for name in FIELDS:  # canonical order, whatever the order received
        headers = [header for header in mapping_from_headers.get(name, ()) if header.strip()]
        if headers:
            values = ", ".join(_toml_string(header) for header in headers)
            lines.append(f"{name} = [{values}]")
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    escaped: list[str] = []
    for char in text:
        if char in {'"', "\\"}:
            escaped.append("\\" + char)
        elif char == "\n":
            escaped.append("\\n")
        elif char == "\t":
            escaped.append("\\t")
        elif char < " " or char == "\x7f":
            escaped.append(f"\\u{ord(char):04X}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def _profile_exists(name: str) -> ProfileExistsError:
    return ProfileExistsError(f"Un profil nommé « {name} » existe déjà : choisissez un autre nom.")
