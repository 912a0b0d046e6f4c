"""The README's accessibility table, from what the last run of the axe tests wrote.

    .venv/bin/pytest tests/browser/test_accessibility.py && .venv/bin/python scripts/axe_table.py

One row per route: the roles (and states) that opened it, the pages axe checked, and the
violations found at each impact. Prints Markdown on standard output.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPORTS = Path("/tmp/psad-axe")
IMPACTS = ("critical", "serious", "moderate", "minor")
# the reports' names, in the table's order, and how a column is headed
COLUMNS = {
    "pilote": "pilote",
    "co-pilote": "co-pilote",
    "partenaire": "partenaire",
    "lecteur": "lecteur",
    "administrateur": "admin.",
    "formulaires": "en erreur / public",
    "import": "import",
}


def main() -> int:
    reports = {name: REPORTS / f"{name}.json" for name in COLUMNS}
    missing = [str(path) for path in reports.values() if not path.exists()]
    if missing:
        print(f"Rapports absents : {', '.join(missing)} ; lancez d'abord les tests axe.")
        return 1
    pages: dict[str, Counter[str]] = defaultdict(Counter)
    found: dict[str, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    for name, path in reports.items():
        for checked in json.loads(path.read_text())["checked"]:
            pages[checked["endpoint"]][name] += 1
            totals[name] += 1
            for violation in checked["violations"]:
                found[checked["endpoint"]][violation["impact"]] += 1
    header = ["route", *COLUMNS.values(), *IMPACTS]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for endpoint in sorted(pages):
        seen = [str(pages[endpoint][name] or "") for name in COLUMNS]
        impacts = [str(found[endpoint][impact]) for impact in IMPACTS]
        print(f"| `{endpoint}` | " + " | ".join(seen + impacts) + " |")
    all_found = [str(sum(found[e][impact] for e in found)) for impact in IMPACTS]
    print(
        f"| **{len(pages)} routes** | "
        + " | ".join(f"**{totals[name]}**" for name in COLUMNS)
        + " | "
        + " | ".join(all_found)
        + " |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
