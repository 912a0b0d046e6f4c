"""The bilan's period, chosen in the URL: a school year (this one and the four before) or
any two dates (``du``, ``au``), which then win."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from wtforms import SelectField
from wtforms.validators import Optional

from psad.reports.figures import Period
from psad.schoolyear import school_year_label, school_year_of
from psad.web.forms import FrenchForm
from psad.youth.forms import FrenchDateField

YEARS_OFFERED = 5
BOTH_DATES = "Indiquez les deux dates, du et au, ou aucune."
END_BEFORE_START = "La date de fin doit être postérieure ou égale à la date de début."


class PeriodForm(FrenchForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    annee = SelectField("Année scolaire", validators=[Optional()])
    du = FrenchDateField("Du", validators=[Optional()])
    au = FrenchDateField("Au", validators=[Optional()])

    def offer_years(self, today: date) -> None:
        """The current school year and the four before, newest first."""
        current = school_year_of(today)
        self.annee.choices = [
            (str(year), school_year_label(year))
            for year in range(current, current - YEARS_OFFERED, -1)
        ]

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        valid = super().validate(extra_validators)
        if self.du.errors or self.au.errors:
            return valid
        if (self.du.data is None) != (self.au.data is None):
            missing = self.au if self.au.data is None else self.du
            missing.errors = [BOTH_DATES]
            return False
        if self.du.data and self.au.data and self.au.data < self.du.data:
            self.au.errors = [END_BEFORE_START]
            return False
        return valid

    def period(self, today: date) -> Period:
        """The period asked for, once the form is valid; the current school year when
        nothing (or something unreadable) was asked."""
        if self.du.data and self.au.data and not self.errors:
            return Period(self.du.data, self.au.data)
        if self.annee.data and not self.annee.errors:
            return Period.school_year(int(self.annee.data))
        return Period.school_year_of(today)

    def query(self, period: Period) -> dict[str, str]:
        """The URL arguments that give ``period`` back."""
        if period.is_school_year:
            return {"annee": str(school_year_of(period.start))}
        return {"du": period.start.isoformat(), "au": period.end.isoformat()}
