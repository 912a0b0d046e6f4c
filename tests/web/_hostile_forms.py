"""The machinery of tests/web/test_hostile_forms.py: read a page's POST forms, crawl the app
as one user, post each form with hostile values, and note what went wrong.

A failure is a 5xx answer (or an exception: TESTING lets it through), or a page that shows a
script-bearing value unescaped: a script element, an event handler, a ``javascript:`` URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter

from psad import clock
from psad.auth.models import Psad, User
from tests.conftest import Client

# --- the hostile values -------------------------------------------------------------------

MARK = "psadk"
SCRIPTS = [  # longest first: a field gets the longest its maxlength lets through
    f'javascript:alert("{MARK}")//"><img src=x onerror=alert("{MARK}")>'
    f'<script>alert("{MARK}")</script>',
    f'<script>alert("{MARK}")</script>',
    f'"><img src=x onerror=alert("{MARK}")>',
    f"<script>{MARK}</script>",
    "<script>",
]
OVERSIZED = "A" * 100_000
# Cyrillic lookalikes, zero-width space and joiner, a right-to-left override, stacked
# combining marks, a byte-order mark, and a lone surrogate (sent as its bytes, %ED%A0%80).
CONFUSABLE = f"Аdmіn\u200bр\u200dа\u202eypal e\u0301\u0302\u0303\u0304 \ufeff\ud800 {MARK}"
# Control characters: a word processor's line break (vertical tab), a bell, an escape, a
# delete, none of which XML (so an .xlsx export) can hold.
CONTROLS = f"Ligne\x0bsaut\x0cpage\x07bip\x1béchap\x7f {MARK}"
MALFORMED_DATES = ["2026-13-45", "0000-00-00T25:61"]
EXTREME_DATES = ["9999-12-31", "0001-01-01"]  # valid, at the edges of date arithmetic
MALFORMED_NUMBERS = ["1e309", "NaN"]
EXTREME_NUMBERS = ["-0", "9" * 40, "-1"]
MALFORMED_TEXT = "31/02/2026 ; 2026-13-45 ; 1e309 ; NaN ; -0 ; 99999999999999999999999 ; 0x1F"
CHOICES = ["9" * 40, SCRIPTS[3], "x" * 10_000]  # for selects, radios, check boxes, hidden ids

UNESCAPED = re.compile(
    r"<script>(?:alert\(\"|)" + MARK + r"|<img src=x onerror="
    r"|(?:href|src|action|formaction)\s*=\s*[\"']?\s*javascript:",
    re.IGNORECASE,
)

TEXT_TYPES = {"text", "search", "email", "tel", "url", "password", ""}
DATE_TYPES = {"date", "datetime-local", "month", "time", "week"}
NUMBER_TYPES = {"number", "range"}
DEFAULTS = {  # for required fields the page leaves empty
    "email": "jeune.test@psad.example",
    "tel": "0353010999",
    "url": "https://psad.example/",
    "number": "1",
    "password": "Un-mot-de-passe-2026",
    "datetime-local": "2026-12-10T10:00",
    "time": "10:00",
    "month": "2026-12",
}


# --- reading forms ------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    kind: str  # the input's type, or "select", "textarea"
    name: str
    value: str = ""
    checked: bool = False
    maxlength: int | None = None
    required: bool = False
    options: tuple[str, ...] = ()
    selected: tuple[str, ...] = ()


@dataclass
class Form:
    action: str  # the path it posts to
    source: str  # the page it was found on ("" when it came in the answer to a POST)
    fields: list[Field]
    submit: tuple[str, str] | None = None  # its submit button's name and value, if named
    multipart: bool = False
    endpoint: str = ""
    method: str = "POST"  # or GET: a search or a filter

    def texts(self) -> list[Field]:
        return [f for f in self.fields if f.kind in TEXT_TYPES or f.kind == "textarea"]

    def of_kind(self, kinds: set[str]) -> list[Field]:
        return [f for f in self.fields if f.kind in kinds]

    def choices(self) -> list[Field]:
        kinds = {"select", "radio", "checkbox", "hidden"}
        return [f for f in self.fields if f.kind in kinds and f.name != "csrf_token"]


class _Parser(HTMLParser):
    """The links and the POST forms of a page, with the fields tied by a ``form`` attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict[str, Any]] = []
        self._by_id: dict[str, dict[str, Any]] = {}
        self._elsewhere: list[tuple[str, dict[str, Any]]] = []
        self._form: dict[str, Any] | None = None
        self._open: dict[str, Any] | None = None  # the select or textarea being read
        self._option: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"attrs": a, "controls": []}
            self.forms.append(self._form)
            if a.get("id"):
                self._by_id[a["id"]] = self._form
        elif tag in ("input", "select", "textarea", "button"):
            control: dict[str, Any] = {"tag": tag, "attrs": a, "options": [], "text": ""}
            if "form" in a:
                self._elsewhere.append((a["form"], control))
            elif self._form is not None:
                self._form["controls"].append(control)
            if tag in ("select", "textarea"):
                self._open = control
        elif tag == "option" and self._open is not None:
            self._option = {"attrs": a, "text": ""}
            self._open["options"].append(self._option)

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option["text"] += data
        elif self._open is not None and self._open["tag"] == "textarea":
            self._open["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag in ("select", "textarea"):
            self._open = None
        elif tag == "option":
            self._option = None

    def close(self) -> None:
        super().close()
        for form_id, control in self._elsewhere:
            if form_id in self._by_id:
                self._by_id[form_id]["controls"].append(control)


def _field(control: dict[str, Any]) -> Field | None:
    a = control["attrs"]
    if not a.get("name") or "disabled" in a:
        return None
    maxlength = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
    required = "required" in a
    if control["tag"] == "select":

        def value(option: dict[str, Any]) -> str:
            return str(option["attrs"].get("value", option["text"].strip()))

        options = control["options"]
        return Field(
            "select",
            a["name"],
            required=required,
            options=tuple(value(o) for o in options),
            selected=tuple(value(o) for o in options if "selected" in o["attrs"]),
        )
    if control["tag"] == "textarea":
        text = control["text"]  # HTML drops one newline right after <textarea>
        text = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
        return Field("textarea", a["name"], text, maxlength=maxlength, required=required)
    kind = a.get("type", "text").lower()
    return Field(kind, a["name"], a.get("value", ""), "checked" in a, maxlength, required)


def read_page(page: str, *, url: str, posted_to: str = "") -> tuple[list[str], list[Form]]:
    """The links of a page and its forms (one more per ``formaction`` button).
    ``url``: where the page was read, "" for the answer to a POST to ``posted_to`` (there is
    nowhere to read it again)."""
    parser = _Parser()
    parser.feed(page)
    parser.close()
    forms: list[Form] = []
    for raw in parser.forms:
        attrs = raw["attrs"]
        method = attrs.get("method", "get").upper()
        fields, buttons = [], []
        for control in raw["controls"]:
            kind = control["attrs"].get("type", "submit" if control["tag"] == "button" else "")
            if kind in ("submit", "image"):
                buttons.append(control["attrs"])
            elif kind not in ("file", "reset", "button") and (made := _field(control)):
                fields.append(made)
        multipart = "multipart" in attrs.get("enctype", "") or any(
            c["attrs"].get("type") == "file" for c in raw["controls"]
        )
        named = [(b["name"], b.get("value", "")) for b in buttons if b.get("name")]
        plain = [b for b in buttons if not b.get("formaction")]
        submit = next(((b["name"], b.get("value", "")) for b in plain if b.get("name")), None)
        action = urlsplit(attrs.get("action") or url or posted_to).path
        first = submit or (named[0] if named else None)
        forms.append(Form(action, url, fields, first, multipart, method=method))
        for button in buttons:
            if button.get("formaction"):
                pressed = (button["name"], button.get("value", "")) if button.get("name") else None
                path = urlsplit(button["formaction"]).path
                forms.append(Form(path, url, fields, pressed, multipart, method=method))
    return parser.links, forms


# --- the values posted --------------------------------------------------------------------


def baseline(form: Form) -> list[tuple[str, str]]:
    """What a person submitting the page unchanged sends (required empty fields filled, the
    rows of a list of check boxes ticked)."""
    pairs: list[tuple[str, str]] = []
    groups: dict[tuple[str, str], list[Field]] = {}
    for f in form.fields:
        if f.kind in ("radio", "checkbox"):
            groups.setdefault((f.kind, f.name), []).append(f)
        elif f.kind == "select":
            chosen = f.selected or tuple(o for o in f.options if o)[:1]
            pairs.extend((f.name, value) for value in chosen)
        elif f.kind == "hidden" or f.value or not (f.required or f.kind in DATE_TYPES):
            pairs.append((f.name, f.value))
        else:
            pairs.append((f.name, _default(f)))
    for (kind, name), group in groups.items():
        ticked = [f for f in group if f.checked]
        if not ticked and kind == "radio":
            ticked = group[:1]
        elif not ticked and len(group) > 1:  # a list of rows to select: all of them
            ticked = group
        pairs.extend((name, f.value or "y") for f in ticked)
    if form.submit:
        pairs.append(form.submit)
    return pairs


def _default(f: Field) -> str:
    if f.kind == "date":
        return clock.today().isoformat()
    if f.kind in DEFAULTS:
        return DEFAULTS[f.kind]
    return DEFAULTS["password"] if "password" in f.name else "Valeur de test"


def with_values(form: Form, values: dict[str, str]) -> list[tuple[str, str]]:
    """The baseline, the fields named in ``values`` (all of a group) set to them."""
    return [(n, v) for n, v in baseline(form) if n not in values] + list(values.items())


def encode(pairs: Iterable[tuple[str, str]]) -> bytes:
    """Form encoding that sends a lone surrogate as its bytes, as a hostile client may."""
    return urlencode(list(pairs), encoding="utf-8", errors="surrogatepass").encode("ascii")


def _fitted(f: Field) -> str:
    """The longest script a field's maxlength lets through (a longer one is only refused)."""
    return next((p for p in SCRIPTS if len(p) <= (f.maxlength or len(p))), SCRIPTS[-1])


@dataclass
class Round:
    """One submission; ``split``: when refused, once more field by field (one bad field hides
    what the others would have done); ``shown``: look for the value on the page afterwards."""

    label: str
    values: dict[str, str]
    split: bool = False
    shown: bool = False


def rounds(form: Form) -> Iterator[Round]:
    texts, choices = form.texts(), form.choices()
    dates, numbers = form.of_kind(DATE_TYPES), form.of_kind(NUMBER_TYPES)
    if texts:
        yield Round("script", {f.name: _fitted(f) for f in texts}, split=True, shown=True)
        yield Round("confusable", {f.name: CONFUSABLE for f in texts}, split=True, shown=True)
        yield Round("oversized", {f.name: OVERSIZED for f in texts})
        for f in texts:
            if f.maxlength is None:  # nothing says the form bounds it: alone
                yield Round(f"oversized {f.name}", {f.name: OVERSIZED})
        yield Round("nul", {texts[0].name: "a\x00b"})
        yield Round("controls", {f.name: CONTROLS for f in texts}, split=True, shown=True)
        # Text fields that parse (dates of entry, durations, lists of values) get junk too.
        yield Round("malformed", {f.name: MALFORMED_TEXT for f in texts}, split=True)
    for value in MALFORMED_DATES if dates else []:
        yield Round(f"date {value}", {f.name: value for f in dates})
    for value in EXTREME_DATES if dates else []:
        yield Round(f"date {value}", {f.name: value for f in dates}, split=True)
    for value in MALFORMED_NUMBERS if numbers else []:
        yield Round(f"number {value}", {f.name: value for f in numbers})
    for value in EXTREME_NUMBERS if numbers else []:
        yield Round(f"number {value}", {f.name: value for f in numbers}, split=True)
    for value in CHOICES if choices else []:
        yield Round(f"choice {value[:12]}", {f.name: value for f in choices}, split=True)


# --- visitors, crawling and trying --------------------------------------------------------


@dataclass
class Visitor:
    """One user (or nobody) with a client of their own, and the pages to start from."""

    label: str
    client: Client
    user: User | None = None
    psad: Psad | None = None
    seeds: list[str] = field(default_factory=list)
    follow: bool = True  # follow the links of the pages seen, or visit the seeds only

    def sign_in(self) -> None:
        if self.user is not None:
            self.client.sign_in(self.user, self.psad)


def endpoint_of(adapter: MapAdapter, path: str, method: str) -> str | None:
    try:
        endpoint, _ = adapter.match(path, method=method)
    except HTTPException:
        return None
    return str(endpoint)


def refused(response: Any) -> bool:
    """The app said no: a bad request, a conflict, a form shown again with its errors."""
    if response.status_code in (400, 404, 409, 413, 422):
        return True
    html = response.content_type.startswith("text/html")
    return html and "is-invalid" in response.get_data(as_text=True)


@dataclass
class Findings:
    """The forms found (endpoint → who saw it, the form) and the failures seen."""

    app: Flask
    forms: dict[str, tuple[Visitor, Form]] = field(default_factory=dict)  # POST forms
    searches: dict[str, tuple[Visitor, Form]] = field(default_factory=dict)  # GET forms
    visited: dict[str, list[str]] = field(default_factory=dict)  # visitor → pages crawled
    failures: list[str] = field(default_factory=list)
    requests: int = 0

    @property
    def adapter(self) -> MapAdapter:
        return self.app.url_map.bind("localhost")

    def get(self, visitor: Visitor, url: str) -> tuple[Any, str | None]:
        return self._call(visitor, "GET", url, f"{visitor.label} GET {url}")

    def send(self, visitor: Visitor, form: Form, pairs: list[tuple[str, str]], label: str) -> Any:
        """Submit ``form`` with these values, as its method says."""
        where = f"{visitor.label} {form.method} {form.action} [{form.endpoint}] {label}"
        if form.method == "GET":
            url = f"{form.action}?{encode(pairs).decode('ascii')}"
            response, _ = self._call(visitor, "GET", url, where)
        else:
            response, _ = self._call(visitor, "POST", form.action, where, data=encode(pairs))
        return response

    def _call(
        self, visitor: Visitor, method: str, url: str, where: str, **kwargs: Any
    ) -> tuple[Any, str | None]:
        """The answer (redirects followed) and its HTML; None and a failure noted for a 5xx,
        an exception, or a script shown unescaped."""
        self.requests += 1
        if method == "POST":
            kwargs["content_type"] = "application/x-www-form-urlencoded"
        try:
            response = visitor.client.open(url, method=method, follow_redirects=True, **kwargs)
        except Exception as error:  # TESTING lets the view's exception through
            self.failures.append(f"{where}: {type(error).__name__}: {str(error)[:300]}")
            return None, None
        if response.status_code >= 500:
            self.failures.append(f"{where}: {response.status_code}")
            return None, None
        if not response.content_type.startswith("text/html"):
            return response, None
        page = response.get_data(as_text=True)
        if found := UNESCAPED.search(page):
            shown = page[max(found.start() - 80, 0) : found.end() + 40]
            self.failures.append(f"{where}: shown unescaped « {shown} »")
        return response, page

    def keep(self, visitor: Visitor, forms: list[Form]) -> list[str]:
        """Remember these forms; returns the endpoints they go to."""
        endpoints = []
        for form in forms:
            endpoint = endpoint_of(self.adapter, form.action, form.method)
            if endpoint is None or endpoint == "static":
                continue
            kept = self.forms if form.method == "POST" else self.searches
            endpoints.append(endpoint)
            known = kept.get(endpoint)
            # The richest copy: the youth list with rows to tick rather than an empty tab.
            if known is None or (known[0] is visitor and len(form.fields) > len(known[1].fields)):
                kept[endpoint] = (visitor, replace(form, endpoint=endpoint))
        return endpoints


PAGES_PER_ENDPOINT = 2


def seed_pages(app: Flask, psad: Psad | None) -> list[str]:
    """Every GET page the url_map builds without an id, or with the visitor's PSAD only."""
    seeds = ["/"]
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        if not rule.arguments:
            seeds.append(rule.rule)
        elif rule.arguments == {"psad_id"} and psad is not None:
            before, after = rule.rule.split("<", 1)
            seeds.append(before + str(psad.id) + after.split(">", 1)[1])
    return seeds


def crawl(findings: Findings, visitor: Visitor) -> None:
    """Visit the seeds, then follow the links (a few pages per endpoint), keeping the forms."""
    visitor.sign_in()
    pages: dict[str, int] = {}
    queue, seen = list(visitor.seeds), set()
    while queue:
        url = queue.pop(0)
        endpoint = endpoint_of(findings.adapter, urlsplit(url).path, "GET")
        if url in seen or endpoint in (None, "static"):
            continue
        seen.add(url)
        if pages.get(endpoint or "", 0) >= PAGES_PER_ENDPOINT and url not in visitor.seeds:
            continue
        pages[endpoint or ""] = pages.get(endpoint or "", 0) + 1
        findings.visited.setdefault(visitor.label, []).append(url)
        _, page = findings.get(visitor, url)
        if page is None:
            continue
        links, forms = read_page(page, url=url)
        findings.keep(visitor, forms)
        if visitor.follow:
            queue.extend(link for link in links if link.startswith("/") and link[1:2] != "/")


def _fresh(findings: Findings, visitor: Visitor, form: Form) -> Form:
    """The form as its page shows it now (the world changed; its CSRF token), signed in."""
    if not form.source:
        return form
    visitor.sign_in()
    _, page = findings.get(visitor, form.source)
    if page is None:
        return form
    _, forms = read_page(page, url=form.source)
    for other in forms:
        mine = other.method == form.method
        if mine and endpoint_of(findings.adapter, other.action, form.method) == form.endpoint:
            return replace(other, endpoint=form.endpoint)
    token = next((f for other in forms for f in other.fields if f.name == "csrf_token"), None)
    if token is None:
        return form
    fields = [token if f.name == "csrf_token" else f for f in form.fields]
    return replace(form, fields=fields)


def try_form(findings: Findings, visitor: Visitor, form: Form) -> list[Form]:
    """Every hostile round on one form, then a plain submission: returns the forms its answer
    holds (the next step of a form in several pages)."""
    form = _fresh(findings, visitor, form)
    for hostile in rounds(form):
        response = findings.send(visitor, form, with_values(form, hostile.values), hostile.label)
        if response is None or not refused(response):
            if hostile.shown and form.source:
                findings.get(visitor, form.source)
            continue
        if hostile.split and len(hostile.values) > 1:
            for name, value in hostile.values.items():
                label = f"{hostile.label} ({name})"
                alone = findings.send(visitor, form, with_values(form, {name: value}), label)
                if hostile.shown and form.source and alone is not None and not refused(alone):
                    findings.get(visitor, form.source)
    response = findings.send(visitor, form, baseline(form), "plain")
    if response is None or not response.content_type.startswith("text/html"):
        return []
    url = "" if response.request.method == "POST" else response.request.path
    return read_page(response.get_data(as_text=True), url=url, posted_to=form.action)[1]
