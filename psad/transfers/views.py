"""Pages of this package."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("transfers", __name__)
