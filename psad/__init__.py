"""PSAD case tracker.

``create_app`` builds the web application (``psad.app``); importing the package itself
loads no Flask, so that models, services and queries run in scripts and jobs without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from psad.config import Settings


def create_app(settings: Settings | None = None) -> Flask:
    from psad.app import build_app

    return build_app(settings)


def settings_of(app: Flask) -> Settings:
    settings: Settings = app.extensions["psad_settings"]
    return settings
