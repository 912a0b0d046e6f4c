"""The Content-Security-Policy (issue 17, « Hostile input »): on every HTML answer, scripts from
the app's own files only, and a script that slipped into a page would still not run.

Three layers, each tested: the header on every page (error pages included), the templates
(no inline script, no ``on*=`` handler, no ``javascript:`` link), and Chromium itself, which
neither runs a stored note's script nor an inline script the policy forbids.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, Response, request_finished
from playwright.sync_api import Dialog, Page, expect
from sqlalchemy.orm import Session

from psad.auth.models import Psad, User
from psad.web.security import CONTENT_SECURITY_POLICY
from psad.youth.models import Youth
from tests.browser.conftest import (  # noqa: F401  (the browser tests' fixtures)
    Console,
    browser,
    console,
    live_server,
    page,
    playwright,
)
from tests.conftest import Client
from tests.factories import PASSWORD, make_youth
from tests.web._hostile_forms import SCRIPTS, Findings, Visitor, crawl, seed_pages

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
STORED = '<script>alert("note")</script><img src=x onerror="alert(\'note\')">'


def directives(policy: str) -> dict[str, list[str]]:
    """« script-src 'self'; object-src 'none' » → {"script-src": ["'self'"], ...}."""
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name.lower(): values for name, *values in parts}


def policy_problems(policy: str | None) -> list[str]:
    """What a page's policy lacks to keep scripts out; empty when it holds."""
    if policy is None:
        return ["no Content-Security-Policy header"]
    found = directives(policy)
    scripts = found.get("script-src", found.get("default-src"))
    problems = []
    if scripts is None:
        problems.append("neither script-src nor default-src")
    elif {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & {v.lower() for v in scripts}:
        problems.append(f"script-src allows too much: {' '.join(scripts)}")
    for name in ("script-src-attr", "script-src-elem"):
        if "'unsafe-inline'" in found.get(name, []):
            problems.append(f"{name} allows 'unsafe-inline'")
    if found.get("object-src") != ["'none'"]:
        problems.append("object-src is not 'none'")
    if "base-uri" not in found:
        problems.append("no base-uri")
    if found.get("frame-ancestors") != ["'none'"]:
        problems.append("frame-ancestors is not 'none'")
    return problems


def test_the_policy_keeps_inline_scripts_out() -> None:
    assert policy_problems(CONTENT_SECURITY_POLICY) == []
    assert directives(CONTENT_SECURITY_POLICY)["script-src"] == ["'self'"]


@pytest.mark.parametrize(
    ("policy", "problem"),
    [
        ("script-src 'self' 'unsafe-inline'", "script-src allows too much"),
        ("default-src 'self' 'unsafe-eval'", "script-src allows too much"),
        ("script-src 'self'; frame-ancestors 'none'; base-uri 'self'", "object-src"),
        ("script-src 'self'; object-src 'none'; frame-ancestors 'none'", "no base-uri"),
        ("script-src 'self'; object-src 'none'; base-uri 'self'", "frame-ancestors"),
    ],
)
def test_a_weaker_policy_is_caught(policy: str, problem: str) -> None:
    assert any(problem in found for found in policy_problems(policy))


# --- every HTML answer --------------------------------------------------------------------


@pytest.fixture
def answers(app: Flask) -> Iterator[list[tuple[str, int, str, str | None]]]:
    """Every answer the app gives during the test: path, status, type, policy."""
    seen: list[tuple[str, int, str, str | None]] = []

    def record(sender: Flask, response: Response, **extra: Any) -> None:
        from flask import request

        policy = response.headers.get("Content-Security-Policy")
        seen.append((request.full_path, response.status_code, response.mimetype, policy))

    request_finished.connect(record, app)
    yield seen
    request_finished.disconnect(record, app)


@pytest.fixture
def broken_page(app: Flask) -> str:
    """A page whose view fails (an unexpected exception: the app's 500 page)."""

    def fail() -> str:
        raise RuntimeError("panne simulée")

    app.add_url_rule("/essai-panne", "k_broken", fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return "/essai-panne"


def test_every_html_answer_carries_the_policy(
    app: Flask,
    session: Session,
    psad: Psad,
    pilot: User,
    admin: User,
    answers: list[tuple[str, int, str, str | None]],
    broken_page: str,
) -> None:
    youth = make_youth(session, psad, last_name="Lefèvre", first_name="Éloïse")
    session.commit()
    findings = Findings(app)

    def visitor(label: str, user: User | None, on: Psad | None, seeds: list[str]) -> Visitor:
        app.test_client_class = Client
        client: Client = app.test_client()  # type: ignore[assignment]
        return Visitor(label, client, user, on, seeds)

    errors = ["/nulle-part", "/jeunes/999999", "/jeunes/signaler%00", broken_page]
    for someone in (
        visitor("anonyme", None, None, [*seed_pages(app, None), *errors]),
        visitor("pilote", pilot, psad, [*seed_pages(app, psad), f"/jeunes/{youth.id}", *errors]),
        visitor("administrateur", admin, None, [*seed_pages(app, psad), "/jeunes", *errors]),
    ):
        crawl(findings, someone)
    someone.client.post("/deconnexion")  # no CSRF token: refused, with a page

    pages = [a for a in answers if a[2] == "text/html"]
    statuses = {status for _, status, _, _ in pages}
    assert {200, 302, 400, 403, 404, 500} <= statuses  # error pages were seen too
    weak = [f"{path} ({status}): {problems}" for path, status, _, policy in pages
            if (problems := policy_problems(policy))]  # fmt: skip
    assert not weak, "\n".join(weak)
    assert all(policy for *_, policy in answers), "an answer without the policy"


# --- the templates ------------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[a-zA-Z][^>]*?\son[a-zA-Z]+\s*=", re.DOTALL)
SCRIPT_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)


JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


def template_problems(text: str) -> list[str]:
    text = JINJA.sub("jinja", text)  # « url_for(..., onglet=...) » is no attribute
    found = [f"inline script « {m.group(0)} »" for m in INLINE_SCRIPT.finditer(text)]
    found += [f"event handler « {m.group(0)[-60:]} »" for m in HANDLER.finditer(text)]
    found += [f"script URL « {m.group(0)} »" for m in SCRIPT_URL.finditer(text)]
    return found


def test_templates_hold_no_inline_script_nor_handler() -> None:
    files = sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt"))
    assert len(files) > 50

    problems = [
        f"{path.relative_to(TEMPLATES)}: {problem}"
        for path in files
        for problem in template_problems(path.read_text(encoding="utf-8"))
    ]

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<SCRIPT type="module">x()</SCRIPT>',
        '<button type="button" onclick="x()">',
        '<img\n  src="a.png"\n  onerror="x()">',
        '<a href="javascript:void(0)">',
    ],
)
def test_the_template_check_catches_what_it_looks_for(text: str) -> None:
    assert template_problems(text)


def test_the_template_check_lets_the_usual_through() -> None:
    text = """<script src="/static/psad.js"></script>
      <input name="on" value="{{ form.on.data }}"><p>Le comité se tient on line</p>
      <a href="{{ url_for('youth.index', onglet='tous') }}" class="one">"""

    assert template_problems(text) == []


# --- in the browser -----------------------------------------------------------------------


def log_in(tab: Page, email: str) -> None:
    tab.goto("/connexion")
    tab.get_by_label("Adresse électronique").fill(email)
    tab.get_by_label("Mot de passe").fill(PASSWORD)
    tab.get_by_role("button", name="Se connecter").click()
    expect(tab.get_by_role("status").filter(has_text="Bienvenue")).to_be_visible()


def watch_dialogs(tab: Page) -> list[str]:
    opened: list[str] = []

    def close(dialog: Dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", close)
    return opened


@pytest.fixture
def youth(session: Session, psad: Psad, pilot: User) -> Youth:
    """A youth of the pilote's PSAD; committed."""
    youth = make_youth(session, psad, last_name="Lefèvre", first_name="Éloïse")
    session.commit()
    return youth


@pytest.mark.browser
@pytest.mark.committed
def test_a_script_stored_in_a_note_does_not_run(
    page: Page,  # noqa: F811
    pilot: User,
    youth: Youth,
) -> None:
    dialogs = watch_dialogs(page)
    log_in(page, pilot.email)

    page.goto(f"/jeunes/{youth.id}/notes/nouvelle")
    page.get_by_label("Texte").fill(STORED + " " + SCRIPTS[0])
    page.get_by_role("button", name="Enregistrer la note").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("LEFÈVRE Éloïse")
    expect(page.get_by_text(STORED, exact=False).first).to_be_visible()  # shown as text
    page.reload()
    assert dialogs == []
    assert page.locator("main script, main img[src=x]").count() == 0


@pytest.fixture
def inline_page(app: Flask) -> str:
    """A page that breaks the rules on purpose: an inline script and an inline handler that
    would each set a mark and open a dialog (registered before the server starts)."""
    html = (
        '<!doctype html><html lang=fr><head><title>Essai</title><link rel="icon" href="data:,">'
        "</head><body><p>Essai</p>"
        "<script>window.psadMark = 'script'; alert('script')</script>"
        '<img alt="" src="data:," onerror="window.psadMark = \'handler\'; alert(\'handler\')">'
        "</body></html>"
    )
    app.add_url_rule("/essai-csp", "k_inline", lambda: html)
    return "/essai-csp"


@pytest.mark.browser
@pytest.mark.committed
def test_the_policy_stops_inline_scripts_in_the_browser(
    inline_page: str,
    page: Page,  # noqa: F811
    console: Console,  # noqa: F811
) -> None:
    console.expect("Executing inline script violates the following Content Security Policy")
    console.expect("Executing inline event handler violates the following Content Security")
    dialogs = watch_dialogs(page)

    page.goto(inline_page)

    expect(page.get_by_text("Essai", exact=True)).to_be_visible()
    page.wait_for_timeout(300)  # the image's error event has fired
    assert dialogs == []
    assert page.evaluate("window.psadMark") is None
    blocked = [e for e in console.errors if "Content Security Policy" in e]
    assert len(blocked) == 2, console.errors
