"""Writing to youth: from a youth's file (« Envoyer un message ») or from a selection of the
list (« Écrire aux jeunes sélectionnés »). Choose a template and the channels, see the
message as one real recipient will get it (and who is left out, and why), then send.

The preview page carries a fresh nonce and the proof of what it showed (``envoi``, an HMAC
of the template as it was, the channels and the youth): « Envoyer » sends only what was
previewed; anything changed since answers 409 with the new preview, and nothing is sent. The
same « Envoyer » posted twice sends once (``send_messages`` finds the nonce taken). Pilotes
and co-pilotes only.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from psad import clock
from psad.access.youth import get_visible_youth_or_404, youth_scope
from psad.auth.models import Psad
from psad.config import Settings
from psad.errors import DomainError
from psad.extensions import db
from psad.lists.queries import selected_youth
from psad.lists.views import back_to_list, list_args, selected_ids
from psad.messages.defaults import FIRST_CONTACT, ensure_default_templates
from psad.messages.forms import ComposeForm, MessageSelectionForm
from psad.messages.models import MessageChannel, MessageTemplate, Register
from psad.messages.rendering import Rendered, has_sms, register_for
from psad.messages.services import (
    NO_BASE_URL,
    NO_MAIL,
    Recipient,
    SendReport,
    left_summary,
    preview,
    recipients,
    send_messages,
    sms_number_of,
    sms_offered,
    templates_of,
)
from psad.messages.views import bp
from psad.web.access import requires
from psad.web.session import current_actor, current_membership, current_viewer
from psad.web.urls import RECORD_ID
from psad.youth.models import Youth

MESSAGING_ONLY = "Seuls le pilote et le co-pilote de la PSAD écrivent aux jeunes."
TOO_MANY = (
    "Un envoi groupé va à {most} jeunes au plus ; cette sélection en compte {total} : "
    "cochez-en moins ou affinez le filtre."
)
NOBODY = "Aucun des jeunes choisis n'est encore visible : revenez à la liste."
CHANGED = (
    "Le message a changé depuis l'aperçu (modèle, moyens d'envoi ou jeunes) : rien n'a été "
    "envoyé. Vérifiez ce nouvel aperçu puis envoyez."
)
REGISTERS = {Register.TU: "en tutoyant (mineur)", Register.VOUS: "en vouvoyant"}
writes = requires(lambda viewer: viewer.can_message_youth, MESSAGING_ONLY)
Page = Response | tuple[str, int]


@dataclass
class Sending:
    """A sending being prepared: its youth, the PSAD's active templates, the form."""

    youths: list[Youth]
    psad: Psad
    templates: dict[str, MessageTemplate]
    sms: bool  # SMS offered (gateway, PSAD's switch; from a file, the youth's mobile)
    single: bool  # from one youth's file
    form: ComposeForm

    @property
    def template(self) -> MessageTemplate | None:
        return self.templates.get(self.form.template.data or "")


@dataclass(frozen=True)
class Preview:
    """What the preview page shows: one real recipient's messages, the counts by channel,
    who is left out and why, who gets only one of the channels, what stops the sending."""

    shown: Recipient
    register: str
    rendered: dict[MessageChannel, Rendered]
    counts: dict[MessageChannel, int]
    reached: list[Recipient]  # written to
    left: list[Recipient]  # left out, with their reason
    partial: list[tuple[Recipient, str]]  # written to on one channel only, and what lacks
    blockers: list[str]


def _settings() -> Settings:
    settings: Settings = current_app.extensions["psad_settings"]
    return settings


def _secret() -> str:
    return _settings().web.secret_key


def _sending(
    youths: list[Youth], *, single: bool, data: dict[str, object] | None = None
) -> Sending:
    """The templates (the shipped ones added when missing) and the form, its choices set;
    ``data``: a first page made from another form (formdata ignored)."""
    session, membership = db.session(), current_membership()
    assert membership is not None  # can_message_youth needs one
    psad = membership.psad
    ensure_default_templates(session, psad.id)
    templates = {t.code: t for t in templates_of(session, psad.id, active_only=True)}
    sms = sms_offered(session, settings=_settings(), psad_id=psad.id)
    if single:
        sms = sms and sms_number_of(youths[0]) is not None
    form = ComposeForm(formdata=None, data=data) if data is not None else ComposeForm()
    form.offer(list(templates.values()), sms)
    if not form.is_submitted() or data is not None:
        form.template.data = form.template.data or (
            FIRST_CONTACT if FIRST_CONTACT in templates else next(iter(templates), None)
        )
        form.channels.data = [value for value, *_ in form.channels.iter_choices()]
    return Sending(youths, psad, templates, sms, single, form)


# --- from a youth's file ----------------------------------------------------------------


@bp.route(f"/jeunes/<{RECORD_ID}:youth_id>/message", methods=["GET", "POST"])
@writes
def compose(youth_id: int) -> Page:
    youth = get_visible_youth_or_404(db.session(), youth_id, current_viewer())
    sending = _sending([youth], single=True)
    if not sending.form.is_submitted():
        db.session.commit()  # the shipped templates, if they were missing
        return _page(sending, None, 200)
    return _answer(sending, send="envoyer" in request.form)


# --- from the list ----------------------------------------------------------------------


@bp.post("/jeunes/messages")
@writes
def bulk_start() -> Page:
    """From the list's toolbar: the rows checked (or the whole filter), at most
    ``[messages] max_recipients``; answers the choice of template and channels."""
    form = MessageSelectionForm()
    args = list_args(form.liste.data)
    most = _settings().messages.max_recipients
    try:
        if not form.validate():
            raise DomainError(" ".join(e for errors in form.errors.values() for e in errors))
        ids = selected_ids(form, args, most=most, too_many=TOO_MANY)
    except DomainError as error:
        flash(error.message, "warning")
        return back_to_list(args)
    youths = _visible(ids)
    data: dict[str, object] = {
        "selection": " ".join(str(y.id) for y in youths),
        "liste": args.query_string(),
    }
    sending = _sending(youths, single=False, data=data)
    db.session.commit()  # the shipped templates, if they were missing
    return _page(sending, None, 200)


@bp.post("/jeunes/messages/apercu")
@writes
def bulk_preview() -> Page:
    return _bulk(send=False)


@bp.post("/jeunes/messages/envoi")
@writes
def bulk_send() -> Page:
    return _bulk(send=True)


def _bulk(*, send: bool) -> Page:
    """The selection comes back in a hidden field: capped again, as ``bulk_start`` did."""
    form = ComposeForm()
    ids, most = form.selected_ids(), _settings().messages.max_recipients
    if len(ids) > most:
        flash(TOO_MANY.format(most=_number(most), total=_number(len(ids))), "warning")
        return back_to_list(list_args(form.liste.data))
    youths = _visible(ids)
    if not youths:
        flash(NOBODY, "warning")
        return back_to_list(list_args(form.liste.data))
    return _answer(_sending(youths, single=False), send=send)


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _visible(ids: list[int]) -> list[Youth]:
    return selected_youth(db.session(), youth_scope(current_viewer()), ids)


# --- preview and send -------------------------------------------------------------------


def _answer(sending: Sending, *, send: bool) -> Page:
    """The form sent: its errors, or the preview, or (« Envoyer ») the sending."""
    form, template = sending.form, sending.template
    if not form.validate() or template is None:
        return _page(sending, None, 422)
    channels = form.chosen_channels()
    if MessageChannel.SMS in channels and not has_sms(template):
        form.channels.errors = [
            f"Le modèle « {template.name} » n'a pas de texte SMS : choisissez le courriel "
            "ou complétez le modèle."
        ]
        return _page(sending, None, 422)
    youth_ids = [youth.id for youth in sending.youths]
    if send:
        key = form.previewed_key(_secret(), template, channels, youth_ids)
        if key is not None:
            return _send(sending, template, channels, key)
    shown = _preview(sending, template, channels)
    form.seal(_secret(), template, channels, youth_ids)
    db.session.commit()  # the preview's audit event
    if send:  # not what was previewed: this preview instead, nothing sent
        return _page(sending, shown, 409, problem=CHANGED)
    return _page(sending, shown, 200)


def _preview(
    sending: Sending, template: MessageTemplate, channels: list[MessageChannel]
) -> Preview:
    session, settings = db.session(), _settings()
    found = recipients(session, youths=sending.youths, channels=channels, sms_on=sending.sms)
    reached = [r for r in found if not r.left_because]
    chosen = sending.form.apercu.data
    shown = next((r for r in reached if r.youth.id == chosen), reached[0] if reached else found[0])
    sending.form.apercu.choices = [(r.youth.id, r.youth.display_name) for r in reached]
    sending.form.apercu.data = shown.youth.id
    today = clock.today()
    rendered = (
        preview(
            session,
            template=template,
            recipient=shown,
            by=current_user._get_current_object(),
            today=today,
            settings=settings,
            actor=current_actor(),
        )
        if not shown.left_because
        else {}
    )
    return Preview(
        shown=shown,
        register=REGISTERS[register_for(shown.youth, today)],
        rendered=rendered,
        counts={c: sum(c in r.channels for r in reached) for c in channels},
        reached=reached,
        left=[r for r in found if r.left_because],
        partial=_partial(reached, channels),
        blockers=_blockers(settings, channels),
    )


def _partial(
    reached: list[Recipient], channels: list[MessageChannel]
) -> list[tuple[Recipient, str]]:
    if len(channels) < 2:
        return []
    lacks = {MessageChannel.EMAIL: "sans adresse électronique", MessageChannel.SMS: "sans portable"}
    return [
        (r, lacks[channel]) for r in reached for channel in channels if channel not in r.channels
    ]


def _blockers(settings: Settings, channels: list[MessageChannel]) -> list[str]:
    """What would refuse the sending whoever the recipients (the installation's settings)."""
    found = [] if settings.web.base_url else [NO_BASE_URL]
    if MessageChannel.EMAIL in channels and not settings.mail.enabled:
        found.append(NO_MAIL)
    return found


def _send(
    sending: Sending, template: MessageTemplate, channels: list[MessageChannel], key: str
) -> Page:
    session = db.session()
    try:
        report = send_messages(
            session,
            template=template,
            youths=sending.youths,
            channels=channels,
            sending_key=key,
            by=current_user._get_current_object(),
            actor=current_actor(),
            now=clock.now(),
            today=clock.today(),
            settings=_settings(),
            sms_on=sending.sms,
        )
        session.commit()
    except DomainError as error:
        session.rollback()
        return _page(sending, None, error.status_code, problem=error.message)
    flash(_done(report), "success" if report.total else "warning")
    if sending.single:
        return redirect(url_for("youth.detail", youth_id=sending.youths[0].id, _anchor="messages"))
    return back_to_list(list_args(sending.form.liste.data))


def _done(report: SendReport) -> str:
    """« 3 messages mis en file d'envoi ; 1 jeune écarté (1 : dossier clos). »"""
    total, left = report.total, report.left_total
    if not total and report.already_sent:
        return "Ces messages étaient déjà en file d'envoi : rien n'a été envoyé une seconde fois."
    done = f"{total} message{'s' if total > 1 else ''} mis en file d'envoi"
    if left:
        s = "s" if left > 1 else ""
        done += f" ; {left} jeune{s} écarté{s} ({left_summary(report.left)})"
    return done + "."


def _page(
    sending: Sending, shown: Preview | None, status: int, problem: str | None = None
) -> tuple[str, int]:
    return render_template(
        "messages/compose.html",
        sending=sending,
        form=sending.form,
        preview=shown,
        problem=problem,
        args=list_args(sending.form.liste.data),
    ), status
