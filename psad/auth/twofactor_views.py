"""Two-factor log-in: the code after the password, enrolment, recovery codes."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("twofactor", __name__)
