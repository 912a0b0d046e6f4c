"""Every comité page, as the pilote sees it with a full world (tests/access's matrix): one h1,
headings that never skip a level going down, tables with a caption and scoped headers, a
label for every field, and nothing the Content-Security-Policy blocks (no inline script, no
style attribute)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from tests.access.test_committees_matrix import (
    Matrix,
    comite,
    frozen_clock,
    matrix,
    offer,
    world,
)

__all__ = ["comite", "frozen_clock", "matrix", "offer", "world"]

PAGES = [
    "/comites",
    "/comites/nouveau",
    "/comites/rythme",
    "/comites/calendrier",
    "/comites/decisions-en-retard",
    "/comites/{draft}",
    "/comites/{draft}?ajouter=martin",
    "/comites/{pub}",
    "/comites/{pub}/modifier",
    "/comites/{pub}/ordre-du-jour/imprimer?version=complete",
    "/comites/{pub}/ordre-du-jour/imprimer?version=reduite",
    "/comites/{pub}/presences",
    "/comites/{pub}/seance/1",
    "/comites/{pub}/seance/2",
    "/comites/{pub}/releve",
    "/comites/{pub}/releve/imprimer",
]
FIELDS = ("input", "select", "textarea")
NO_LABEL_NEEDED = ("hidden", "submit", "button")


@dataclass
class Page(HTMLParser):
    """What the checks need of a page, read as it is parsed."""

    headings: list[int] = field(default_factory=list)
    tables: int = 0
    captions: int = 0
    unscoped: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)  # ids of the fields that need a label
    unnamed: int = 0  # fields without an id nor an aria-label
    labelled: set[str] = field(default_factory=set)
    blocked: list[str] = field(default_factory=list)
    _in_thead: bool = False

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "style" in found or any(name.startswith("on") for name in found):
            self.blocked.append(f"<{tag}> {found}")
        if tag == "script" and "src" not in found:
            self.blocked.append("an inline <script>")
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        self.tables += tag == "table"
        self.captions += tag == "caption"
        if tag == "th" and "scope" not in found:
            self.unscoped.append(str(found))
        if tag == "label" and found.get("for"):
            self.labelled.add(str(found["for"]))
        if tag in FIELDS and found.get("type") not in NO_LABEL_NEEDED:
            if found.get("aria-label"):
                return
            if found.get("id"):
                self.fields.append(str(found["id"]))
            else:
                self.unnamed += 1


def read(client, url: str) -> Page:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, url
    page = Page()
    page.feed(response.get_data(as_text=True))
    return page


def test_every_comite_page_is_accessible(client, matrix: Matrix, subtests):
    client.sign_in(matrix.users["pilote"])

    for address in PAGES:
        url = address.format(**matrix.ids)
        with subtests.test(msg=url):
            page = read(client, url)
            assert page.headings.count(1) == 1, page.headings
            skips = [
                (before, after)
                for before, after in zip(page.headings, page.headings[1:], strict=False)
                if after > before + 1
            ]
            assert skips == [], page.headings
            assert page.captions == page.tables
            assert page.unscoped == []
            assert page.unnamed == 0
            assert [f for f in page.fields if f not in page.labelled] == []
            assert page.blocked == []
