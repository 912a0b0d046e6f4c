"""The bilan's period, chosen in the URL: a school year (this one and the four before) or
any two dates (``du``, ``au``), which then win, at most five years apart. Readers choose a
school year only (``SchoolYearForm``): with any two dates, the difference between two
overlapping periods would give back the count of a single day, however small."""

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
MAX_PERIOD_YEARS = 5
MAX_PERIOD_DAYS = MAX_PERIOD_YEARS * 366
TOO_LONG = f"La période ne peut dépasser {MAX_PERIOD_YEARS} ans."
SCHOOL_YEARS_ONLY = (
    "La vue régionale se consulte par année scolaire : deux dates au choix permettraient de "
    "retrouver par différence des effectifs inférieurs à 5."
)


def too_long(start: date, end: date) -> bool:
    """Whether the period from ``start`` to ``end`` (both included) passes five years."""
    return (end - start).days + 1 > MAX_PERIOD_DAYS


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
        if self.du.data and self.au.data and too_long(self.du.data, self.au.data):
            self.au.errors = [TOO_LONG]
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


class SchoolYearForm(PeriodForm):
    """A school year only: dates in the URL are refused, under the school year's field."""

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        valid = super().validate(extra_validators)
        if any(value for field in (self.du, self.au) for value in field.raw_data or []):
            for field in (self.du, self.au):
                field.data, field.errors = None, []
            self.annee.errors = [*self.annee.errors, SCHOOL_YEARS_ONLY]
            return False
        return valid
