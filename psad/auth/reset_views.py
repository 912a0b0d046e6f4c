"""« Mot de passe oublié » : asking for a reset link by e-mail, and choosing a new password."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reset", __name__)
