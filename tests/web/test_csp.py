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
from sqlalchemy.orm import Session

from psad.auth.models import Psad, User
from psad.web.security import CONTENT_SECURITY_POLICY
from tests.conftest import Client
from tests.factories import make_youth
from tests.web._hostile_forms import Findings, Visitor, crawl, seed_pages

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


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
