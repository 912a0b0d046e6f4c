"""The public side of messages, without log-in: the youth's reply page (``/r/<token>``) and
the SMS gateway's inbound webhook (``/sms/entrant``, « STOP »).

Whatever is wrong with a link (unknown, malformed, expired, case closed), the answer is the
same neutral page with status 404, byte for byte: it names no PSAD and says nothing of why.
Every request counts toward the client address's rate limit, and a valid link's requests
toward the link's (``psad.messages.throttle``); the webhook's wrong secrets have their own.
The token is never logged nor audited (the request log keeps integer view arguments only).
"""

from __future__ import annotations

import hmac
from datetime import datetime

from flask import (
    Blueprint,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import abort
from werkzeug.wrappers import Response

from psad import clock
from psad.audit.actions import AuditAction
from psad.audit.services import Actor, record
from psad.auth.models import Psad
from psad.config import Settings
from psad.errors import DomainError
from psad.extensions import csrf, db
from psad.masks import mask_phone
from psad.messages import reply, throttle
from psad.messages.blocks import is_blocked
from psad.messages.inbound import receive_sms
from psad.messages.models import AnswerKind, ReplyToken
from psad.messages.public_forms import ReplyForm, StopForm
from psad.messages.tokens import valid_token
from psad.youth.models import Youth

bp = Blueprint("reply", __name__)

STOPPED = "stop"
FORM_EXPIRED = (
    "Le formulaire a expiré (son jeton de sécurité manque ou n'est plus valable). "
    "Rouvrez le lien reçu dans votre message et recommencez."
)


def _settings() -> Settings:
    settings: Settings = current_app.extensions["psad_settings"]
    return settings


def _visitor() -> Actor:
    return Actor(user_id=None, psad_id=None, ip_address=request.remote_addr)


@bp.after_request
def _private(response: Response) -> Response:
    """The page's address holds the token: no referrer to other sites, no search engine."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.errorhandler(CSRFError)
def _form_expired(error: CSRFError) -> ResponseReturnValue:
    return render_template("messages/public/error.html", message=FORM_EXPIRED), 400


def _too_many(until: datetime, now: datetime) -> Response:
    response = make_response(render_template("messages/public/throttled.html"), 429)
    response.headers["Retry-After"] = str(max(1, int((until - now).total_seconds())))
    return response


def _open_link(raw: str, now: datetime) -> ReplyToken:
    """The link's row, after counting the request; otherwise the answer is sent at once: the
    page « trop de demandes » (429) or the neutral page (404)."""
    session, actor = db.session(), _visitor()
    policy = throttle.policy_of(_settings())
    waiting = throttle.check_reply_rate(session, ip=actor.ip_address, now=now, policy=policy)
    _wait_if(waiting, now, detail="motif=trop_de_demandes")
    token = valid_token(session, raw, now)
    if token is None:
        record(session, actor, AuditAction.REPLY_REFUSED)
        if throttle.count_wrong_token(session, ip=actor.ip_address, now=now, policy=policy):
            record(session, actor, AuditAction.REPLY_THROTTLED, detail="motif=liens_invalides")
        db.session.commit()
        abort(make_response(render_template("messages/public/neutral.html"), 404))
    waiting = throttle.check_link_rate(session, token_id=token.id, now=now, policy=policy)
    _wait_if(waiting, now, detail=f"motif=lien_trop_demande; lien={token.id}", token=token)
    return token


def _wait_if(
    waiting: throttle.Throttled | None,
    now: datetime,
    *,
    detail: str,
    token: ReplyToken | None = None,
) -> None:
    """Answer « trop de demandes » (429) when the address or the link must wait; the first
    refusal of a window is audited (with the youth's id when the link is known)."""
    if waiting is None:
        return
    if waiting.first:
        record(
            db.session(),
            _visitor(),
            AuditAction.REPLY_THROTTLED,
            object_type=None if token is None else "youth",
            object_id=None if token is None else token.youth_id,
            detail=detail,
            psad_id=None if token is None else token.psad_id,
        )
    db.session.commit()
    abort(_too_many(waiting.until, now))


def _page(
    raw: str, token: ReplyToken, form: ReplyForm, stop_form: StopForm, error: str | None = None
) -> str:
    session = db.session()
    youth = session.get_one(Youth, token.youth_id)
    return render_template(
        "messages/public/reply.html",
        token=raw,
        psad_name=session.get_one(Psad, token.psad_id).name,
        masked_phone=mask_phone(youth.phone),
        blocked=is_blocked(session, youth.id),
        form=form,
        stop_form=stop_form,
        error=error,
    )


@bp.get("/r/<token>")
def page(token: str) -> ResponseReturnValue:
    now = clock.now()
    link = _open_link(token, now)
    reply.record_visit(db.session(), token=link, actor=_visitor(), now=now)
    db.session.commit()
    return _page(token, link, ReplyForm(formdata=None), StopForm(formdata=None))


@bp.post("/r/<token>")
def answer(token: str) -> ResponseReturnValue:
    now = clock.now()
    link = _open_link(token, now)
    form = ReplyForm()
    if not form.validate_on_submit() or form.answer_kind is None:
        db.session.commit()  # the request counted
        return _page(token, link, form, StopForm(formdata=None)), 422
    try:
        with db.session.begin_nested():
            reply.record_answer(
                db.session(),
                token=link,
                kind=form.answer_kind,
                time_slot=form.slot,
                solution_kind=form.solution,
                phone=form.e164,
                now=now,
                actor=_visitor(),
                settings=_settings(),
            )
    except DomainError as refused:
        db.session.commit()
        page = _page(token, link, form, StopForm(formdata=None), error=refused.message)
        return page, refused.status_code
    db.session.commit()
    return redirect(url_for(".thanks", token=token, reponse=form.answer_kind.value), code=303)


@bp.get("/r/<token>/merci")
def thanks(token: str) -> ResponseReturnValue:
    link = _open_link(token, clock.now())
    db.session.commit()
    said = request.args.get("reponse", "")
    return render_template(
        "messages/public/thanks.html",
        psad_name=db.session.get_one(Psad, link.psad_id).name,
        kind=next((kind for kind in AnswerKind if kind.value == said), None),
        stopped=said == STOPPED,
        token=token,
    )


@bp.post("/r/<token>/stop")
def stop(token: str) -> ResponseReturnValue:
    now = clock.now()
    link = _open_link(token, now)
    stop_form = StopForm()
    if not stop_form.validate_on_submit():
        db.session.commit()
        return _page(token, link, ReplyForm(formdata=None), stop_form), 422
    reply.stop_from_page(db.session(), token=link, now=now, actor=_visitor())
    db.session.commit()
    return redirect(url_for(".thanks", token=token, reponse=STOPPED), code=303)


# --- the SMS gateway --------------------------------------------------------------------------


@bp.post("/sms/entrant")
@csrf.exempt
def inbound_sms() -> ResponseReturnValue:
    """An SMS the gateway received: header X-PSAD-Secret, fields ``from`` and ``text`` (form
    or JSON). Answers {"bloques": n}, the number of youth « STOP » blocked."""
    secret = _settings().sms.inbound_secret
    if not secret:
        abort(404)
    session, now, actor = db.session(), clock.now(), _visitor()
    policy, kind = throttle.policy_of(_settings()), throttle.WRONG_SECRETS
    if throttle.wrong_lock(session, ip=actor.ip_address, now=now, policy=policy, kind=kind):
        return jsonify(
            erreur="Trop de tentatives avec un mauvais secret : réessayez plus tard."
        ), 429
    given = request.headers.get("X-PSAD-Secret", "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        throttle.count_wrong_token(session, ip=actor.ip_address, now=now, policy=policy, kind=kind)
        db.session.commit()
        return jsonify(erreur="En-tête X-PSAD-Secret absent ou incorrect."), 403
    data = request.get_json(silent=True) if request.is_json else request.form.to_dict()
    if not isinstance(data, dict):
        data = {}
    sender, text = data.get("from"), data.get("text")
    if not sender or not isinstance(sender, str):
        return jsonify(erreur="Champ « from » manquant : le numéro de l'expéditeur du SMS."), 400
    blocked = receive_sms(
        session, sender=sender, text=text if isinstance(text, str) else "", now=now, actor=actor
    )
    db.session.commit()
    return jsonify(bloques=blocked)
