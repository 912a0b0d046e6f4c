"""A seeded SIEI-like list of youth, as the national export gives it, for the import benchmark.

Accented names, INE mostly valid (some missing, some with a wrong key), birth dates as real
Excel dates, text in two formats and serial numbers, phones in every usual format, e-mails,
postal codes that lost their leading zero, UAI with valid keys, about 1 % of youth listed
twice, 0.5 % rows without a name and a few youth under 16.
"""

from __future__ import annotations

import random
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

TODAY = date(2026, 11, 30)

# One header per field, each one a synonym of imports/profiles/siei.toml (checked at start).
HEADERS = {
    "ine": "INE",
    "last_name": "Nom",
    "first_name": "Prénom",
    "sex": "Sexe",
    "birth_date": "Date de naissance",
    "birth_place": "Commune de naissance",
    "address": "Adresse",
    "postal_code": "Code postal",
    "commune": "Commune",
    "phone": "Téléphone portable",
    "other_phone": "Téléphone fixe",
    "email": "Courriel",
    "guardian_last_name": "Nom du représentant légal",
    "guardian_first_name": "Prénom du représentant légal",
    "guardian_phone": "Téléphone du représentant légal",
    "school_uai": "UAI établissement d'origine",
    "school_name": "Établissement d'origine",
    "school_commune": "Commune établissement",
    "school_academy": "Académie",
    "formation": "Dernière formation suivie",
    "level": "Niveau",
    "track": "Voie de formation",
    "school_entry_date": "Date d'entrée en formation",
    "school_exit_date": "Date de sortie",
    "exit_reason": "Motif de sortie",
}

KEY_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def words(text: str, separator: str | None = None) -> list[str]:
    """The items of a word list written as text; "_" stands for a space inside an item."""
    return [word.replace("_", " ") for word in text.split(separator)]


LAST_NAMES = words(
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel "
    "Lefèvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine "
    "Rousseau Vincent Müller Lefebvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier "
    "François Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu "
    "Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer Dufour Meunier Brun "
    "Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martínez Gérard Roche "
    "Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud "
    "Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Leclercq "
    "Guillaume Lecomte López Jean Dupuy Guillot Hubert Berger Carpentier Sánchez Dupuis Moulin "
    "Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier "
    "Marty Aubry Guyot Carré Charles Renault Charpentier Ménard Maillard Baron Bertin Bailly "
    "Hervé Schneider Fernández Le_Gall Collet Léger Bouvier Julien Prévost Millet Perrot Daniel "
    "Le_Roux Cousin Germain Breton Besson Langlois Rémy Le_Goff Pelletier Lévêque Perrier "
    "Leblanc Barré Lebrun Marchal Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodríguez "
    "Guichard Gillet Étienne Grondin Poulain Tessier Chevallier Collin Chauvin Da_Silva Bouchet "
    "Gay Lemaître Bénard Maréchal Humbert Reynaud Antoine Hoarau Perret Barthélemy Cordier "
    "Pichon Lejeune Gilbert Lamy Delaunay Pasquier Carlier Laporte Benali Haddad Nguyen Diallo "
    "Traoré Ben_Ahmed Yılmaz Kowalski Da_Costa De_La_Fontaine D'Arcy N'Diaye Saint-Martin "
    "Le_Béchec Œuvrard Cœurdevey"
)
FIRST_NAMES = words(
    "Léa Chloé Emma Inès Manon Jade Louise Zoé Lina Camille Sarah Anaïs Océane Maëlys Clémence "
    "Éloïse Noémie Mélissa Juliette Célia Lou Ambre Romane Maëlle Héloïse Agathe Émilie Lucie "
    "Yasmine Aïcha Nour Salomé Gaëlle Élodie Hélène Bérénice Maïa Loïs Ilyès Théo Lucas Hugo "
    "Nathan Enzo Louis Mathéo Noah Raphaël Gabriel Tom Léo Mattéo Maël Noé Clément Jérôme Loïc "
    "Théo Adrien Baptiste Jean-Baptiste Anthony Kévin Yanis Rayan Mehdi Karim Ibrahim Moussa "
    "Mohamed Sofiane Ethan Timéo Axel Valentin Jules Evan Quentin Benoît François Jérémy "
    "Grégoire Aurélien Sébastien Cédric Rémi Gaël Joël Anaëlle Marie-Ève Jean-Noël Zoë Ophélie"
)
ADULT_FIRST_NAMES = words(
    "Nathalie Isabelle Sylvie Catherine Valérie Sandrine Véronique Christine Stéphanie Céline "
    "Karine Sophie Aurélie Patricia Fatima Malika Philippe Thierry Stéphane Frédéric Pascal "
    "Éric Laurent David Christophe Olivier Jérôme Hervé Didier Rachid Mohamed Abdelkader Joël"
)
# (commune, postal code, academy)
COMMUNES = [
    ("Lille", "59000", "Lille"),
    ("Roubaix", "59100", "Lille"),
    ("Tourcoing", "59200", "Lille"),
    ("Villeneuve-d'Ascq", "59650", "Lille"),
    ("Lens", "62300", "Lille"),
    ("Béthune", "62400", "Lille"),
    ("Hénin-Beaumont", "62110", "Lille"),
    ("Laon", "02000", "Amiens"),
    ("Saint-Quentin", "02100", "Amiens"),
    ("Amiens", "80000", "Amiens"),
    ("Beauvais", "60000", "Amiens"),
    ("Bourg-en-Bresse", "01000", "Lyon"),
    ("Oyonnax", "01100", "Lyon"),
    ("Vénissieux", "69200", "Lyon"),
    ("Saint-Étienne", "42000", "Lyon"),
    ("Moulins", "03000", "Clermont-Ferrand"),
    ("Montluçon", "03100", "Clermont-Ferrand"),
    ("Digne-les-Bains", "04000", "Aix-Marseille"),
    ("Gap", "05000", "Aix-Marseille"),
    ("Marseille", "13013", "Aix-Marseille"),
    ("Nice", "06000", "Nice"),
    ("Privas", "07000", "Grenoble"),
    ("Créteil", "94000", "Créteil"),
    ("Évry-Courcouronnes", "91000", "Versailles"),
    ("Cergy", "95000", "Versailles"),
    ("Saint-Denis", "93200", "Créteil"),
    ("Besançon", "25000", "Besançon"),
    ("Orléans", "45000", "Orléans-Tours"),
    ("Nîmes", "30000", "Montpellier"),
    ("Saint-Denis", "97400", "La Réunion"),
]
STREETS = words(
    "rue Victor-Hugo|rue Jean-Jaurès|avenue de la République|rue Pasteur|allée des Érables|"
    "boulevard Gambetta|rue du Général-de-Gaulle|impasse des Tilleuls|place de l'Église|"
    "rue Émile-Zola|chemin des Prés|résidence Les Peupliers, bât. C|rue de la Gare|"
    "avenue Léon-Blum|rue d'Estienne-d'Orves|cité des Cheminots|rue Saint-Éloi",
    "|",
)
SCHOOL_KINDS = [
    ("Lycée professionnel", "Professionnelle"),
    ("LP", "PRO"),
    ("Lycée polyvalent", "Générale et technologique"),
    ("Lycée", "GT"),
    ("CFA", "Apprentissage"),
    ("Lycée agricole", "Agricole"),
    ("Collège", "Collège"),
]
SCHOOL_PATRONS = words(
    "Jean-Moulin|Gustave-Eiffel|Louise-Michel|Marie-Curie|Jules-Ferry|Émile-Zola|"
    "Simone-Veil|Paul-Langevin|Aristide-Briand|Voltaire|Condorcet|Pierre-Mendès-France|"
    "des Métiers du Bâtiment|de l'Hôtellerie et de la Restauration|Frédéric-Joliot-Curie|"
    "Anatole-France|Léonard-de-Vinci|André-Malraux",
    "|",
)
FORMATIONS = [
    ("CAP Cuisine", "1re année CAP"),
    ("CAP Maçon", "2e année CAP"),
    ("CAP Équipier polyvalent du commerce", "1re année CAP"),
    ("CAP Coiffure", "2e année CAP"),
    ("Bac pro Commerce", "Seconde professionnelle"),
    ("Bac pro Métiers de l'électricité et de ses environnements connectés", "Première pro"),
    ("Bac pro Accompagnement, soins et services à la personne", "Terminale pro"),
    ("Bac pro Maintenance des véhicules", "Seconde professionnelle"),
    ("Seconde générale et technologique", "Seconde"),
    ("Bac général", "Première"),
    ("Bac STMG", "Terminale"),
    ("BTS Management commercial opérationnel", "BTS 1re année"),
    ("3e", "Troisième"),
    ("Bac pro Agroéquipement", "Première pro"),
]
EXIT_REASONS = [
    "Abandon en cours d'année",
    "Démission",
    "Rupture du contrat d'apprentissage",
    "Exclusion définitive",
    "Non réinscrit à la rentrée",
    "Sans solution à la rentrée",
    "Déménagement",
    "Absentéisme",
]
EMAIL_DOMAINS = ["gmail.com", "hotmail.fr", "orange.fr", "laposte.net", "free.fr", "yahoo.fr"]
AGES = {15: 0.6, 16: 8, 17: 14, 18: 16, 19: 15, 20: 13, 21: 10, 22: 8, 23: 6, 24: 5, 25: 4, 26: 0.7}
ASCII = str.maketrans("àâäçéèêëîïôöùûüÿœæñíóúıłÀÂÉÈÊÎÔÛÇŒ", "aaaceeeeiioouuuyoaniouilAAEEEIOUCO")

Cell = Any


class ListGenerator:
    """Draws youth and renders them as the cells of a SIEI export, formats varying row to row."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ines: set[str] = set()
        self.schools = [self._school() for _ in range(400)]
        self.ages = list(AGES)
        self.age_weights = list(AGES.values())

    def _school(self) -> dict[str, str]:
        rng = self.rng
        commune, postal_code, academy = rng.choice(COMMUNES)
        kind, track = rng.choice(SCHOOL_KINDS)
        digits = postal_code[:2].zfill(3) + f"{rng.randrange(10_000):04d}"
        return {
            "uai": digits + KEY_LETTERS[int(digits) % 23],
            "name": f"{kind} {rng.choice(SCHOOL_PATRONS)}",
            "commune": commune,
            "academy": academy,
            "track": track,
        }

    def identity(self) -> dict[str, Cell]:
        """The cells that identify a youth; a duplicate row repeats them as they are."""
        rng = self.rng
        last = rng.choice(LAST_NAMES)
        first = rng.choice(FIRST_NAMES)
        if rng.random() < 0.55:  # the national export writes family names in capitals
            last = last.upper() if rng.random() < 0.7 else last.translate(ASCII).upper()
        elif rng.random() < 0.05:
            last = f"  {last}  "
        if rng.random() < 0.08:
            first = first.upper()
        age = rng.choices(self.ages, self.age_weights)[0]
        born = TODAY - timedelta(days=int(age * 365.25) + rng.randrange(1, 364))
        return {
            "ine": self._ine(),
            "last_name": last,
            "first_name": first,
            "birth_date": self._date_cell(born, unreadable=0.01),
        }

    def _ine(self) -> Cell:
        rng = self.rng
        draw = rng.random()
        if draw < 0.06:
            return None
        while True:
            digits = f"{rng.randrange(10**10):010d}"
            if digits not in self.ines:
                self.ines.add(digits)
                break
        key = KEY_LETTERS[int(digits) % 23]
        if draw < 0.09:  # a wrong key: kept, with a warning
            key = KEY_LETTERS[(KEY_LETTERS.index(key) + 1 + rng.randrange(21)) % 23]
        if draw < 0.10:
            return f"{digits[:5]} {digits[5:]} {key}".lower()
        return digits + key

    def _date_cell(self, day: date, *, unreadable: float = 0.0) -> Cell:
        rng = self.rng
        draw = rng.random()
        if draw < unreadable:
            return rng.choice([f"31/02/{day.year}", f"{day.day:02d}/13/{day.year}", "inconnue"])
        if draw < 0.45:
            return day  # a real Excel date (written with a dd/mm/yyyy number format)
        if draw < 0.70:
            return f"{day.day:02d}/{day.month:02d}/{day.year}"
        if draw < 0.82:
            return day.isoformat()
        if draw < 0.97:
            return (day - date(1899, 12, 30)).days  # a serial number in a General cell
        return f"{day.day}.{day.month}.{day.year}"

    def _phone(self, *, mobile: bool, missing: float) -> Cell:
        rng = self.rng
        if rng.random() < missing:
            return None
        if mobile:
            head = rng.choice(["6", "7"])
            second = rng.choice("0124578") if head == "6" else rng.choice("3456789")
        else:
            head, second = rng.choice("12345"), str(rng.randrange(10))
        national = head + second + f"{rng.randrange(10**7):07d}"
        pairs = [national[i : i + 2] for i in range(1, 9, 2)]  # "06 12 34 56 78" after 06
        draw = rng.random()
        if draw < 0.02:  # not a phone number
            return rng.choice(["06 12 34", "0012", "n/c", "06 12 34 56 78 90", "99999999999"])
        if draw < 0.35:
            return " ".join(["0" + national[0], *pairs])
        if draw < 0.60:
            return "0" + national
        if draw < 0.72:
            return " ".join(["+33", national[0], *pairs])
        if draw < 0.82:
            return ".".join(["0" + national[0], *pairs])
        if draw < 0.90:
            return int(national)  # a number cell: the leading zero is gone
        if draw < 0.96:
            return "+33" + national
        return "0033 " + national

    def _email(self, first: str, last: str) -> Cell:
        rng = self.rng
        draw = rng.random()
        if draw < 0.25:
            return None
        local = f"{first}.{last}".translate(ASCII).lower().replace(" ", "").replace("'", "")
        local += str(rng.randrange(100)) if rng.random() < 0.4 else ""
        domain = rng.choice(EMAIL_DOMAINS)
        if draw < 0.27:  # invalid
            return rng.choice([f"{local}@{domain.split('.')[0]}", f"{local}.{domain}", f"{local}@"])
        if draw < 0.30:
            return f"{local}@{domain}".upper()
        return f"{local}@{domain}"

    def row(self, identity: dict[str, Cell]) -> list[Cell]:
        rng = self.rng
        school = rng.choice(self.schools)
        commune, postal_code, _ = rng.choice(COMMUNES)
        formation, level = rng.choice(FORMATIONS)
        plain_last = str(identity["last_name"] or "Martin").strip().title()
        first = str(identity["first_name"] or "Léa").title()
        entry_year = TODAY.year - rng.randrange(0, 4) - (1 if TODAY.month < 9 else 0)
        entry = date(entry_year, 9, rng.randrange(1, 15))
        exit_day = entry + timedelta(days=rng.randrange(20, 700))
        if exit_day > TODAY and rng.random() > 0.01:  # a few impossible exit dates stay
            exit_day = TODAY - timedelta(days=rng.randrange(1, 60))
        has_guardian = rng.random() < 0.8
        postal: Cell = postal_code
        draw = rng.random()
        if draw < 0.25:
            postal = int(postal_code)  # a number cell: 02000 became 2000
        elif draw < 0.26:
            postal = postal_code[:4]
        track = school["track"]
        if rng.random() < 0.02:
            track = rng.choice(["Scolaire", "ULIS", "MLDS"])  # not recognised: a warning
        values = {
            **identity,
            "sex": rng.choice(["M", "F", "F", "M", "H", "Masculin", "Féminin", 1, 2, "G"]),
            "birth_place": rng.choice(COMMUNES)[0] if rng.random() < 0.7 else None,
            "address": f"{rng.randrange(1, 180)} {rng.choice(STREETS)}",
            "postal_code": postal,
            "commune": commune.upper() if rng.random() < 0.3 else commune,
            "phone": self._phone(mobile=True, missing=0.12),
            "other_phone": self._phone(mobile=False, missing=0.75),
            "email": self._email(first, plain_last),
            "guardian_last_name": plain_last.upper() if has_guardian else None,
            "guardian_first_name": rng.choice(ADULT_FIRST_NAMES) if has_guardian else None,
            "guardian_phone": self._phone(mobile=True, missing=0.1) if has_guardian else None,
            "school_uai": school["uai"] if rng.random() < 0.97 else school["uai"].lower(),
            "school_name": school["name"],
            "school_commune": school["commune"],
            "school_academy": school["academy"],
            "formation": formation,
            "level": level,
            "track": track,
            "school_entry_date": self._date_cell(entry),
            "school_exit_date": self._date_cell(exit_day) if rng.random() < 0.9 else None,
            "exit_reason": rng.choice(EXIT_REASONS) if rng.random() < 0.7 else None,
        }
        return [values[name] for name in HEADERS]


def generate_list(path: Path, *, rows: int, seed: int, dimension: bool) -> dict[str, int]:
    """Write the list with openpyxl's write-only mode; returns what was put in it."""
    rng = random.Random(seed)
    generator = ListGenerator(rng)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Jeunes repérés")
    sheet.append(["Liste des jeunes repérés (SIEI) – campagne de novembre 2026 – extraction RIO"])
    sheet.append([])
    sheet.append(list(HEADERS.values()))
    identities: list[dict[str, Cell]] = []
    counts = {"rows": rows, "duplicates": 0, "missing_name": 0}

    def cell(value: Cell) -> Cell:
        if isinstance(value, date):
            written = WriteOnlyCell(sheet, value=value)
            written.number_format = "DD/MM/YYYY"
            return written
        return value

    for _ in range(rows):
        draw = rng.random()
        if draw < 0.01 and identities:  # the same youth a second time
            identity = rng.choice(identities[-5000:])
            counts["duplicates"] += 1
        else:
            identity = generator.identity()
            identities.append(identity)
            if draw < 0.015:  # a bad row: no last name (or no first name)
                identity = {**identity, rng.choice(["last_name", "first_name"]): None}
                counts["missing_name"] += 1
        sheet.append([cell(value) for value in generator.row(identity)])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.properties.creator = "bench/import_bench.py"
    workbook.save(path)
    if dimension:
        add_dimension(path, f"A1:{get_column_letter(len(HEADERS))}{rows + 3}")
    return counts


def add_dimension(path: Path, ref: str) -> None:
    """Declare the sheet's extent (``<dimension>``), as Excel and LibreOffice always do.

    openpyxl's write-only mode leaves it out; the reader would then scan the whole sheet for
    its extent before reading it (``_check_xlsx_parts`` in psad/imports/reader/zipped.py), which is
    what ``--no-dimension`` measures.
    """
    rewritten = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename.startswith("xl/worksheets/"):
                marker = b"</sheetPr>"
                if marker not in data:
                    raise RuntimeError(f"no <sheetPr> in {member.filename}")
                data = data.replace(marker, marker + f'<dimension ref="{ref}"/>'.encode(), 1)
            target.writestr(member, data)
    rewritten.replace(path)
