"""Every page passes axe-core, for each role, on the demo's data; forms in error too; the
keyboard reaches the skip link first and the main actions, with a visible focus (RGAA).

The pages come from the app, not from a list kept by hand: every GET route of the URL map
whose arguments are ids the demo's data gives (a youth, a comité, a dispositif...), more
files and comités in other states, then every page linked from a page already seen (one
page per route and role, a few for the pages whose content depends on a state), so that a
new page is checked as soon as a route or a link leads to it. Forms are also sent empty,
the reply page and the log-in signed out. The last test fails when a GET route was checked
by no test and is not in ``NOT_CHECKED``.

A serious or critical axe violation fails, naming the page, the rule and the elements; so
does an attribute rendered ``="None"``. Every run writes what axe found, at every impact,
to ``/tmp/psad-axe/<role>.json`` (the README's table comes from there).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter, RequestRedirect

from psad import clock
from psad.auth.models import Psad, User
from psad.committees.models import Committee, CommitteeStatus
from psad.demo import DEMO_CODE, DEMO_USERS
from psad.reference.services import ensure_seeded
from tests.browser.conftest import Console, LiveServer
from tests.browser.test_youth_flow import log_in
from tests.factories import PASSWORD, make_youth

pytestmark = [pytest.mark.browser, pytest.mark.committed]

REPORTS = Path("/tmp/psad-axe")
FAILING = ("serious", "critical")
DOWNLOADS = (".xlsx", ".ics", ".pdf", ".json", ".csv")
NOT_PAGES = {"static", "bootstrap.static"}
ROLES = {
    "pilote": DEMO_USERS[0],
    "co-pilote": DEMO_USERS[1],
    "partenaire": DEMO_USERS[2],
    "lecteur": DEMO_USERS[3],
    "administrateur": DEMO_USERS[4],
}
# Pages whose content depends on the state of what they show: checked up to this many times
# per role (the seeds first); any other route once.
VARIANTS = {
    "youth.detail": 6,
    "committees.show": 5,
    "imports.batch": 4,
    "orientations.programme": 3,
}
# GET routes no role's crawl reaches, and why they are not checked here. The journeys of
# test_security_privacy_flow.py run axe on the last three, in their normal and error states.
NOT_CHECKED = {
    "reminders.open_notification": "marks the notification read and redirects to its page",
    "reset.choose_password": "needs the password-reset token sent by e-mail",
    "twofactor.code": "needs a user with two-factor enrolled, in the middle of a log-in",
    "twofactor.recovery": "needs a user with two-factor enrolled, in the middle of a log-in",
}
# Filled by the tests below; the last test reads them.
CHECKED_ENDPOINTS: set[str] = set()
DONE: set[str] = set()  # the roles and tests that went through their pages
AXE = Axe()


@dataclass
class Checked:
    """One page as a role saw it, and what axe found on it."""

    url: str
    endpoint: str
    status: int
    violations: list[dict[str, object]] = field(default_factory=list)
    none_attributes: int = 0
    headings_1: int = 1
    tables_without_headers: int = 0

    def failures(self) -> list[str]:
        found = [
            f"{self.url} ({self.status}) [{v['impact']}] {v['id']} ({v['help']}): "
            + " | ".join(v["targets"])  # type: ignore[arg-type]
            for v in self.violations
            if v["impact"] in FAILING
        ]
        if self.none_attributes:
            found.append(f'{self.url}: {self.none_attributes} attribute(s) rendered ="None"')
        if self.headings_1 != 1:
            found.append(f"{self.url}: {self.headings_1} headings of level 1 instead of one")
        if self.tables_without_headers:
            found.append(f"{self.url}: {self.tables_without_headers} table(s) without headers")
        return found


# What axe leaves to the RGAA: one heading of level 1, and data tables with headers.
STRUCTURE = """() => ({
  headings: document.querySelectorAll('h1').length,
  tables: Array.from(document.querySelectorAll('table'))
    .filter(table => !table.querySelector('th')).length,
})"""


def axe_check(page: Page, endpoint: str, status: int, *, contrast: bool = True) -> Checked:
    """Run axe on the page as it is now, its disclosures (``<details>``) open; without the
    contrast rule (the slowest by far) for another page of a route already checked."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    options: dict[str, object] = {"resultTypes": ["violations"]}
    if not contrast:
        options["rules"] = {"color-contrast": {"enabled": False}}
    results = AXE.run(page, options=options).response
    violations: list[dict[str, object]] = [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [" ".join(map(str, node["target"])) for node in violation["nodes"]],
        }
        for violation in results["violations"]
    ]
    url = urlsplit(page.url)
    where = url.path + (f"?{url.query}" if url.query else "")
    structure = page.evaluate(STRUCTURE)
    CHECKED_ENDPOINTS.add(endpoint)
    return Checked(
        where,
        endpoint,
        status,
        violations,
        none_attributes=page.content().count('="None"'),
        headings_1=structure["headings"],
        tables_without_headers=structure["tables"],
    )


@pytest.fixture
def demo(run) -> None:  # type: ignore[no-untyped-def]
    """The demo PSAD as ``psad demo`` makes it (40 youth), committed."""
    result = run("demo", "--youth", "40")
    assert result.exit_code == 0, result.output


class Crawler:
    """Visit the app's pages as the signed-in user: every route once, following links."""

    def __init__(self, page: Page, app: Flask, live: LiveServer, console: Console) -> None:
        self.page = page
        self.console = console
        self.origin = live.url
        self.adapter: MapAdapter = app.url_map.bind("127.0.0.1")
        self.queued: set[str] = set()
        self.per_endpoint: Counter[str] = Counter()  # queued or checked
        self.queue: list[tuple[str, str]] = []
        self.spare: dict[str, list[str]] = {}  # links left out, should the page queued fail
        self.checked: list[Checked] = []
        self.refused: list[tuple[str, int]] = []

    def endpoint_of(self, url: str) -> tuple[str, str] | None:
        """(endpoint, path with query) of a link to a page of the app; None otherwise."""
        parts = urlsplit(url)
        if parts.netloc and f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None
        if parts.path.endswith(DOWNLOADS):
            return None
        try:
            endpoint, _ = self.adapter.match(parts.path, method="GET")
        except (RequestRedirect, HTTPException):
            return None
        if endpoint in NOT_PAGES:
            return None
        return str(endpoint), parts.path + (f"?{parts.query}" if parts.query else "")

    def add(self, url: str, *, seed: bool = False) -> None:
        found = self.endpoint_of(url)
        if found is None:
            return
        endpoint, path = found
        if path in self.queued:
            return
        limit = VARIANTS.get(endpoint, 1)
        if not seed and self.per_endpoint[endpoint] >= limit:
            if len(self.spare.setdefault(endpoint, [])) < 3:
                self.spare[endpoint].append(url)
            return
        self.queued.add(path)
        self.per_endpoint[endpoint] += 1
        self.queue.append((path, endpoint))

    def instead(self, endpoint: str) -> None:
        """The page queued for ``endpoint`` was not shown: try a link left out."""
        self.per_endpoint[endpoint] -= 1
        if self.spare.get(endpoint):
            self.add(self.spare[endpoint].pop(0))

    def run(self) -> None:
        while self.queue:
            self.visit(*self.queue.pop(0))

    def visit(self, path: str, endpoint: str) -> None:
        try:
            response = self.page.goto(path)
        except PlaywrightError as error:  # a download without a known extension
            if "Download is starting" in str(error):
                return
            raise
        assert response is not None
        status = response.status
        final = self.endpoint_of(self.page.url)
        if status != 200 or final is None:
            self.console.expect(str(status))
            if not self.refused:  # the error page itself, once per role
                self.checked.append(axe_check(self.page, "errors", status))
            self.refused.append((path, status))
            self.instead(endpoint)
            return
        if final[1] != path:  # redirected: check the page it leads to as any other
            self.instead(endpoint)
            self.add(self.page.url)
            return
        # Contrast comes from the theme's classes: once per route is enough.
        again = any(checked.endpoint == endpoint for checked in self.checked)
        self.checked.append(axe_check(self.page, endpoint, status, contrast=not again))
        for link in self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            self.add(link.split("#")[0])


def seeds(app: Flask, session: Session) -> Iterator[str]:
    """Every GET route whose arguments the demo's data gives (ids of the files, comités,
    dispositifs... that show the most), then more youth files, in other states."""
    from psad.youth.models import Youth

    values = demo_ids(session)
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or ()) and set(rule.arguments) <= set(values):
            built = rule.build({name: values[name] for name in rule.arguments})
            if built is not None:
                yield built[1]
    for youth_id in rich_files(session, values["psad_id"]):
        yield f"/jeunes/{youth_id}"
    youngest = session.scalar(
        select(Youth.id)
        .where(Youth.psad_id == values["psad_id"])
        .order_by(Youth.birth_date.desc())
        .limit(1)
    )
    yield f"/jeunes/{youngest}"
    validated = session.scalar(
        select(Committee.id).where(
            Committee.psad_id == values["psad_id"],
            Committee.status == CommitteeStatus.VALIDATED,
        )
    )
    yield f"/comites/{validated}"


def demo_ids(session: Session) -> dict[str, int]:
    """A value for each id a route takes, from the demo PSAD."""
    from psad.auth.models import Structure
    from psad.duplicates.models import ProbableDuplicate
    from psad.followup.models import ObligationStepRecord
    from psad.imports.models import ImportBatch
    from psad.orientations.models import ProgrammeSite
    from psad.transfers.models import Transfer
    from psad.youth.models import Case

    psad_id = session.scalars(select(Psad.id).where(Psad.code == DEMO_CODE)).one()
    site = session.scalars(select(ProgrammeSite).where(ProgrammeSite.psad_id == psad_id)).first()
    pair = session.scalars(
        select(ProbableDuplicate).where(ProbableDuplicate.psad_id == psad_id)
    ).first()
    found = {
        "psad_id": psad_id,
        # a file with the obligation de formation, so its panel and letter show
        "youth_id": session.scalar(
            select(Case.youth_id)
            .join(ObligationStepRecord, ObligationStepRecord.case_id == Case.id)
            .where(Case.psad_id == psad_id)
        ),
        # the comité to come, its agenda in preparation (the forms test publishes it)
        "committee_id": session.scalar(
            select(Committee.id)
            .where(Committee.psad_id == psad_id)
            .order_by(Committee.starts_at.desc())
        ),
        "programme_id": site.programme_id if site else None,
        "site_id": site.id if site else None,
        "batch_id": session.scalar(select(ImportBatch.id).where(ImportBatch.psad_id == psad_id)),
        "structure_id": session.scalar(select(Structure.id).where(Structure.psad_id == psad_id)),
        "user_id": session.scalar(select(User.id).where(User.email == DEMO_USERS[0][0])),
        "transfer_id": session.scalar(select(Transfer.id).where(Transfer.to_psad_id == psad_id)),
        "first_id": pair.low_youth_id if pair else None,
        "second_id": pair.high_youth_id if pair else None,
    }
    return {name: value for name, value in found.items() if value is not None}


def rich_files(session: Session, psad_id: int) -> Iterator[int]:
    """Youth whose files show the most: a DARFI request waiting for its interview, an
    orientation, an answer to a message, a closed case."""
    from psad.followup.models import DarfiRequest
    from psad.messages.models import ReplyAnswer
    from psad.orientations.models import Orientation
    from psad.youth.models import Case, CaseStatus

    youth = select(Case.youth_id).where(Case.psad_id == psad_id).limit(1)
    for pick in [
        youth.join(DarfiRequest).where(DarfiRequest.interview_on.is_(None)),
        youth.join(Orientation, Orientation.case_id == Case.id),
        youth.join(ReplyAnswer, ReplyAnswer.case_id == Case.id),
        youth.where(Case.status == CaseStatus.CLOSED),
    ]:
        found = session.scalar(pick)
        if found is not None:
            yield found


def save(name: str, checked: list[Checked], refused: list[tuple[str, int]]) -> None:
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = {"checked": [asdict(c) for c in checked], "refused": refused}
    (REPORTS / f"{name}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))


def failures_of(checked: list[Checked]) -> list[str]:
    return [failure for page in checked for failure in page.failures()]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_passes_axe(
    role: str,
    demo: None,
    page: Page,
    console: Console,
    app: Flask,
    live_server: LiveServer,
    session: Session,
) -> None:
    email, password, _ = ROLES[role]
    log_in(page, email, password)
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    crawler = Crawler(page, app, live_server, console)
    for url in seeds(app, session):
        crawler.add(url, seed=True)

    crawler.run()

    save(role, crawler.checked, crawler.refused)
    DONE.add(role)
    assert len(crawler.checked) > 10
    failures = failures_of(crawler.checked)
    assert not failures, f"{role}: axe finds, on {len(crawler.checked)} pages:\n" + "\n".join(
        failures
    )


# --- forms in error ----------------------------------------------------------------------


def submit(page: Page, console: Console, button: Locator) -> int:
    """Click a form's button; the status of the form's answer (a refusal is expected)."""
    with page.expect_response(
        lambda answer: answer.request.method == "POST" and answer.request.is_navigation_request()
    ) as answered:
        button.click()
    page.wait_for_load_state()
    status = answered.value.status
    if status >= 400:
        console.expect(str(status))
    return status


def blank_and_submit(page: Page, console: Console, button_name: str) -> int:
    """Empty every field of the main form holding the button, then submit it."""
    named = page.get_by_role("button", name=button_name, exact=True)
    form = page.get_by_role("main").locator("form").filter(has=named)
    button = form.get_by_role("button", name=button_name, exact=True)
    for text_field in form.locator(
        "input[type=text], input[type=date], input[type=time], input[type=number], "
        "input[type=email], input[type=tel], input[type=url], textarea"
    ).all():
        text_field.fill("")
    return submit(page, console, button)


# The error summary comes right under its heading, before the form: between the two, only
# alerts about the same sending (``role=alert``), nothing else to read first.
SUMMARY_PLACE = """() => {
  const summary = document.getElementById('erreurs');
  if (!summary) return 'no error summary';
  const before = Array.from(document.querySelectorAll('main h1, main h2, main h3'))
    .filter(h => h.compareDocumentPosition(summary) & Node.DOCUMENT_POSITION_FOLLOWING);
  const heading = before[before.length - 1];
  if (!heading) return 'no heading before the error summary';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT);
  walker.currentNode = heading;
  for (let node = walker.nextNode(); node && node !== summary; node = walker.nextNode()) {
    if (heading.contains(node) || node.closest('[role=alert]')) continue;
    if (node.matches('p, ul, ol, dl, table, form, input, select, textarea, fieldset')) {
      const text = node.textContent.trim().slice(0, 60);
      return `« ${text} » comes between « ${heading.textContent.trim()} » and the error summary`;
    }
  }
  return '';
}"""
SUMMARY_LINKS_MISSING = """() => Array.from(document.querySelectorAll('#erreurs a[href^="#"]'))
  .map(a => a.getAttribute('href').slice(1)).filter(id => !document.getElementById(id))"""


def check_summary(page: Page, what: str, *, placed: bool = True) -> list[str]:
    """Each link of the error summary leads to a field; the summary comes right under its
    heading and the page's title starts with « Erreur » (``placed``)."""
    problems = []
    if missing := page.evaluate(SUMMARY_LINKS_MISSING):
        problems.append(f"{what}: the error summary links to missing fields {missing}")
    if placed and (misplaced := page.evaluate(SUMMARY_PLACE)):
        problems.append(f"{what}: {misplaced}")
    if placed and not page.title().startswith("Erreur : "):
        problems.append(f"{what}: the title does not say « Erreur » ({page.title()})")
    return problems


def test_forms_in_error_pass_axe(
    demo: None, page: Page, console: Console, session: Session
) -> None:
    from psad.messages.models import MessageTemplate
    from psad.messages.tokens import new_token
    from psad.youth.models import Case, CaseStatus

    demo_id = session.scalars(select(Psad.id).where(Psad.code == DEMO_CODE)).one()
    case = session.scalars(
        select(Case).where(Case.psad_id == demo_id, Case.status == CaseStatus.OPEN).limit(1)
    ).one()
    raw, _ = new_token(
        session, psad_id=demo_id, youth_id=case.youth_id, case_id=case.id,
        now=clock.now(), days=30,
    )  # fmt: skip
    session.commit()
    template = session.scalars(
        select(MessageTemplate.code).where(MessageTemplate.psad_id == demo_id).limit(1)
    ).first()
    draft = session.scalars(
        select(Committee.id).where(
            Committee.psad_id == demo_id, Committee.status == CommitteeStatus.DRAFT
        )
    ).first()
    checked: list[Checked] = []
    problems: list[str] = []

    # signed out: the youth's reply page, blank then answered, and the log-in page
    page.goto(f"/r/{raw}")
    checked.append(axe_check(page, "reply.page", 200))
    status = submit(page, console, page.get_by_role("button", name="Envoyer ma réponse"))
    checked.append(axe_check(page, "reply.page", status))
    problems += check_summary(page, "/r/<token>", placed=False)
    page.get_by_label("Je ne veux pas être accompagné·e").check()
    status = submit(page, console, page.get_by_role("button", name="Envoyer ma réponse"))
    checked.append(axe_check(page, "reply.thanks", status))
    page.goto("/connexion")
    checked.append(axe_check(page, "auth.login", 200))
    status = submit(page, console, page.get_by_role("button", name="Se connecter"))
    checked.append(axe_check(page, "auth.login", status))
    email, password, _ = ROLES["pilote"]
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password + "-faux")
    status = submit(page, console, page.get_by_role("button", name="Se connecter"))
    assert status >= 400
    checked.append(axe_check(page, "auth.login", status))

    # signed in as the pilote: each main form sent empty
    log_in(page, email, password)
    forms = [
        ("/jeunes/signaler", "Signaler ce jeune", "youth.refer"),
        (f"/jeunes/{case.youth_id}/contacts/nouveau", "Enregistrer", "followup.new_contact"),
        (f"/jeunes/{case.youth_id}/taches/nouvelle", "Ajouter la tâche", "followup.new_task"),
        ("/comites/nouveau", "Planifier le comité", "committees.new"),
        ("/listes/", "Lire le fichier", "imports.upload"),
    ]
    if template is not None:
        url = f"/psad/{demo_id}/modeles-messages/{template}"
        forms.append((url, "Enregistrer le modèle", "messages.template"))
    for url, button, endpoint in forms:
        page.goto(url)
        status = blank_and_submit(page, console, button)
        assert status in (400, 422), f"{url}: sent empty, answers {status}"
        checked.append(axe_check(page, endpoint, status))
        # messages/** is another piece of work's: its summary's place is left to it
        problems += check_summary(page, url, placed=not endpoint.startswith("messages."))

    # the comité to come, its agenda published, in meeting mode: a decision sent empty
    page.goto(f"/comites/{draft}")
    submit(page, console, page.get_by_role("button", name="Publier l'ordre du jour"))
    page.goto(f"/comites/{draft}/seance")
    CHECKED_ENDPOINTS.add("committees.meeting")  # it leads to the first youth's decision
    checked.append(axe_check(page, "committees.meeting_item", 200))
    status = submit(page, console, page.get_by_role("button", name="Enregistrer et suivant"))
    assert status == 422, f"{page.url}: a decision sent empty answers {status}"
    checked.append(axe_check(page, "committees.meeting_item", status))
    problems += check_summary(page, page.url)

    save("formulaires", checked, [])
    DONE.add("formulaires")
    failures = failures_of(checked) + problems
    assert not failures, "\n".join(failures)


def test_an_import_and_a_transfer_request_pass_axe(
    demo: None, page: Page, console: Console, session: Session, tmp_path: Path
) -> None:
    """The import's preview (a row rejected, a youth followed by the neighbouring PSAD),
    the list's page, and the transfer request of that youth, sent empty."""
    from psad.demo_transfers import NEIGHBOUR_CODE
    from psad.imports import jobs
    from psad.youth.models import Youth

    theirs = session.scalars(
        select(Youth).join(Psad, Psad.id == Youth.psad_id).where(Psad.code == NEIGHBOUR_CODE)
    ).first()
    assert theirs is not None and theirs.birth_date is not None
    rows = [
        ["Nom", "Prénom", "Date de naissance", "Commune"],
        [theirs.last_name, theirs.first_name, f"{theirs.birth_date:%d/%m/%Y}", "Lille"],
        ["", "Inès", "14/03/2008", "Lille"],
        ["Nouvel-Essai", "Timothée", "02/05/2008", "Roubaix"],
    ]
    path = tmp_path / "liste-accessibilite.csv"
    path.write_text("\n".join(";".join(row) for row in rows) + "\n", encoding="utf-8")
    checked: list[Checked] = []
    email, password, _ = ROLES["pilote"]
    log_in(page, email, password)

    page.goto("/listes/")
    page.get_by_label("Fichier de la liste").set_input_files(path)
    page.get_by_label("Libellé de la liste").fill("Liste de l'essai d'accessibilité")
    page.get_by_role("button", name="Lire le fichier").click()
    confirm = page.get_by_role("button", name=re.compile("Confirmer l'import"))
    expect(confirm).to_be_visible()  # the job page refreshes itself until then
    token = page.url.rsplit("/", 1)[1]
    checked.append(axe_check(page, "imports.job", 200))
    confirm.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Liste de l'essai")
    checked.append(axe_check(page, "imports.batch", 200))
    page.get_by_role("link", name=re.compile("Demander le transfert")).first.click()
    checked.append(axe_check(page, "transfers.request_from_import", 200))
    status = blank_and_submit(page, console, "Demander le transfert")
    assert status == 422, f"{page.url}: a request sent empty answers {status}"
    checked.append(axe_check(page, "transfers.request_from_import", status))
    problems = check_summary(page, page.url)
    jobs.wait(token)  # the import's thread has ended before the app goes

    save("import", checked, [])
    DONE.add("import")
    failures = failures_of(checked) + problems
    assert not failures, "\n".join(failures)


# --- the keyboard -----------------------------------------------------------------------

FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    text: (element.innerText || element.value || '').trim(),
    label: element.labels && element.labels.length ? element.labels[0].innerText.trim() : '',
    tag: element.tagName.toLowerCase(),
    id: element.id,
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def tab(page: Page) -> dict[str, object]:
    page.keyboard.press("Tab")
    return page.evaluate(FOCUSED)  # type: ignore[no-any-return]


def tab_to(
    page: Page, name: str, *, attribute: str = "text", at_most: int = 80
) -> list[dict[str, object]]:
    """Press Tab until the focus is on ``name``; every element passed through."""
    passed = []
    for _ in range(at_most):
        focused = tab(page)
        passed.append(focused)
        if str(focused[attribute]).startswith(name):
            return passed
    raise AssertionError(f"« {name} » not reached in {at_most} Tab presses: {passed}")


@pytest.fixture
def pilot_with_a_youth(session: Session, psad: Psad, pilot: User) -> int:
    ensure_seeded(session)
    youth = make_youth(session, psad, last_name="Lefèvre", first_name="Éloïse")
    session.commit()
    return youth.id


def test_the_keyboard_reaches_the_skip_link_first_and_the_main_actions(
    page: Page, pilot: User, pilot_with_a_youth: int
) -> None:
    page.goto("/connexion")
    skip = tab(page)
    assert skip["text"] == "Aller au contenu" and skip["outline"], skip
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "contenu"
    assert tab(page)["id"] == "email"
    page.keyboard.type(pilot.email)
    assert tab(page)["id"] == "password"
    page.keyboard.type(PASSWORD)
    submitted = tab(page)
    assert submitted["text"] == "Se connecter" and submitted["outline"], submitted
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Bienvenue")).to_be_visible()

    # the youth file: the skip link first, then the bar and the file's actions, each with
    # a visible focus; the closing form, filled and sent with the keyboard alone
    page.goto(f"/jeunes/{pilot_with_a_youth}")
    passed = [tab(page)]
    assert passed[0]["text"] == "Aller au contenu"
    passed += tab_to(page, "Enregistrer un contact")
    passed += tab_to(page, "Clore le dossier")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clore le dossier")
    passed += tab_to(page, "Motif de clôture", attribute="label")
    page.keyboard.type("Refus du jeune")  # a closed list picks the option typed
    passed.append(tab(page))  # the first answer of « déjà connu d'un partenaire ? »
    page.keyboard.press("Space")
    passed += tab_to(page, "Clore le dossier")
    without_outline = [focused for focused in passed if not focused["outline"]]
    assert not without_outline, f"focus not visible on {without_outline}"
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Dossier clos.")


# --- every page ---------------------------------------------------------------------------


def test_every_page_of_the_app_was_checked(app: Flask) -> None:
    """Runs last: the GET routes that no test above checked, besides those said why."""
    if not {*ROLES, "formulaires", "import"} <= DONE:
        pytest.skip("only after every test above, in the same run")
    routes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ())
        and rule.endpoint not in NOT_PAGES
        and not rule.rule.endswith(DOWNLOADS)
    }
    assert set(NOT_CHECKED) <= routes, "NOT_CHECKED names routes that are gone"
    missing = routes - CHECKED_ENDPOINTS - set(NOT_CHECKED)
    assert not missing, f"pages checked by no test (add a seed or a reason): {sorted(missing)}"
