"""Jinja filters that show values the French way."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from psad.audit.actions import label_of
from psad.clock import local
from psad.web.session import current_membership, viewer_or_none
from psad.youth.identifiers import format_phone


def date_fr(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def datetime_fr(value: datetime | None) -> str:
    return local(value).strftime("%d/%m/%Y %H:%M") if value else ""


def init(app: Flask) -> None:
    app.add_template_filter(date_fr, "date_fr")
    app.add_template_filter(datetime_fr, "datetime_fr")
    app.add_template_filter(format_phone, "phone")
    app.jinja_env.globals["current_membership"] = current_membership
    # Templates ask the viewer's capabilities (viewer.can_import...), never a role's name.
    app.jinja_env.globals["current_viewer"] = viewer_or_none
    app.jinja_env.globals["action_label"] = label_of
    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions
