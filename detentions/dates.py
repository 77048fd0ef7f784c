"""Dates known only as precisely as the sources give them: "late February 2009", "a week in May".

A date is stored as its first possible day, a precision and, for spans, a last day. Sorting uses the
first day, so "late February" sorts after 20 February and before any exact day after it.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("exact day")
    EARLY_MONTH = "early_month", _("early in the month")
    MID_MONTH = "mid_month", _("mid-month")
    LATE_MONTH = "late_month", _("late in the month")
    MONTH = "month", _("month")
    YEAR = "year", _("year")
    SPAN = "span", _("span of days")
    APPROXIMATE = "approximate", _("approximate day")
    UNKNOWN = "unknown", _("unknown")


# The first day of each part of a month: a stored date is moved onto it so equal facts match.
_PART_FIRST_DAY = {
    DatePrecision.EARLY_MONTH: 1,
    DatePrecision.MID_MONTH: 11,
    DatePrecision.LATE_MONTH: 21,
    DatePrecision.MONTH: 1,
}


@dataclass(frozen=True)
class FuzzyDate:
    start: datetime.date | None
    precision: str
    end: datetime.date | None = None

    @classmethod
    def normalised_start(cls, start: datetime.date | None, precision: str) -> datetime.date | None:
        """The canonical first day for a precision: 1, 11 or 21 of the month, 1 January."""
        if start is None:
            return None
        if precision in _PART_FIRST_DAY:
            return start.replace(day=_PART_FIRST_DAY[precision])
        if precision == DatePrecision.YEAR:
            return start.replace(month=1, day=1)
        return start

    @property
    def last_day(self) -> datetime.date | None:
        """The latest day the fact can have happened on; used for "days since" and for spans."""
        start = self.start
        if start is None:
            return None
        if self.precision == DatePrecision.SPAN:
            return self.end
        if self.precision == DatePrecision.EARLY_MONTH:
            return start.replace(day=10)
        if self.precision == DatePrecision.MID_MONTH:
            return start.replace(day=20)
        if self.precision in (DatePrecision.LATE_MONTH, DatePrecision.MONTH):
            return start.replace(day=calendar.monthrange(start.year, start.month)[1])
        if self.precision == DatePrecision.YEAR:
            return start.replace(month=12, day=31)
        return start

    def __str__(self) -> str:
        """The date in the active language's words: each language's format module says how a
        part of a month, a year or a span is written (config/formats/<language>/formats.py)."""
        start = self.start
        if start is None or self.precision == DatePrecision.UNKNOWN:
            return str(_("date unknown"))
        if self.precision == DatePrecision.APPROXIMATE:
            return str(_("about %(date)s") % {"date": _written(start, "DATE_FORMAT")})
        if self.precision in _PART_FORMATS:
            return _written(start, _PART_FORMATS[self.precision])
        if self.precision == DatePrecision.SPAN:
            return _span(start, self.end or start)
        return _written(start, "DATE_FORMAT")


# The format names, defined for every language in its format module.
_PART_FORMATS = {
    DatePrecision.EARLY_MONTH: "EARLY_MONTH_FORMAT",
    DatePrecision.MID_MONTH: "MID_MONTH_FORMAT",
    DatePrecision.LATE_MONTH: "LATE_MONTH_FORMAT",
    DatePrecision.MONTH: "YEAR_MONTH_FORMAT",
    DatePrecision.YEAR: "YEAR_FORMAT",
}


def _format(name: str) -> str | tuple[str, str]:
    # With translation switched off (the admin does so to write its change messages) Django
    # knows only its own format names; ours come from the default language's module then.
    return formats.get_format(name, lang=get_language() or settings.LANGUAGE_CODE)


def _written(day: datetime.date, format_name: str) -> str:
    return formats.date_format(day, _format(format_name))


def _span(start: datetime.date, end: datetime.date) -> str:
    """A span: "10–17 May 2009", across months "28 April – 5 May 2009", across years two dates."""
    if start.year != end.year:
        return f"{_written(start, 'DATE_FORMAT')} – {_written(end, 'DATE_FORMAT')}"
    same_month = start.month == end.month
    first, last = _format("SPAN_SAME_MONTH_FORMATS" if same_month else "SPAN_SAME_YEAR_FORMATS")
    dash = "–" if same_month else " – "
    return f"{formats.date_format(start, first)}{dash}{formats.date_format(end, last)}"
