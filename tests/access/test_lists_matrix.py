"""The access matrix of the pages that work the lists at scale (issue 11): filters, export,
bulk actions, saved views, probable duplicates and transfers, for each role.

Same world as tests/access/test_youth_scope.py: LILLE with four youth (two of the Lycée
Baggio, whose partner sees them), AMIENS with one.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.access.test_youth_scope import (
    ADMIN,
    AMIENS,
    ASSIGNED,
    CLOSED,
    COPILOT,
    LILLE_YOUTH,
    PARTNER,
    PILOT,
    READER,
    ROLES,
)

SEES_NAMES = {PILOT: 200, COPILOT: 200, PARTNER: 200, READER: 403, ADMIN: 403}
MANAGES = {PILOT: 200, COPILOT: 200, PARTNER: 403, READER: 403, ADMIN: 403}
PAGES = {
    "/jeunes?onglet=tous&age=majeur&tri=-naissance": SEES_NAMES,
    "/jeunes/export.xlsx?onglet=tous": SEES_NAMES,
    "/doublons": MANAGES,
    "/transferts": MANAGES,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", list(PAGES))
def test_each_page_by_role(client, access_world, role, url):
    client.sign_in(access_world.users[role])

    assert client.get(url).status_code == PAGES[url][role]


@pytest.mark.parametrize("role", ROLES)
def test_bulk_actions_by_role(client, access_world, role):
    client.sign_in(access_world.users[role])
    chosen = [access_world.youth[ASSIGNED]]

    response = client.submit(
        "/jeunes/actions-groupees",
        {"ids": chosen, "liste": "onglet=tous", "action": "referent"},
    )

    assert response.status_code == MANAGES[role]


@pytest.mark.parametrize("role", ROLES)
def test_proposing_a_transfer_by_role(client, access_world, role):
    client.sign_in(access_world.users[role])

    response = client.get(f"/jeunes/{access_world.youth[ASSIGNED]}/transfert")

    assert response.status_code == MANAGES[role]


EXPORTED = {
    PILOT: sorted(LILLE_YOUTH),
    COPILOT: sorted(LILLE_YOUTH),
    PARTNER: sorted([ASSIGNED, CLOSED]),
}


@pytest.mark.parametrize("role", [PILOT, COPILOT, PARTNER])
def test_the_export_holds_exactly_the_youth_in_scope(client, access_world, role):
    client.sign_in(access_world.users[role])

    response = client.get("/jeunes/export.xlsx?onglet=tous")

    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    names = sorted(str(row[0]).title() for row in rows[1:])
    assert names == [name.title() for name in EXPORTED[role]]
    assert AMIENS.title() not in names
