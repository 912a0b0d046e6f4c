"""The base of every form: WTForms' own messages (invalid choice, too long...) in French."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms.meta import DefaultMeta


class FrenchForm(FlaskForm):
    class Meta:
        locales = ("fr",)

        def get_translations(self, form: Any) -> Any:
            # Flask-WTF looks for Flask-Babel, which the app does not use: take WTForms' catalog.
            return DefaultMeta.get_translations(self, form)
