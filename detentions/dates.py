"""Dates known only as precisely as the sources give them: "late February 2009", "a week in May".

A date is stored as its first possible day, a precision and, for spans, a last day. Sorting uses the
first day, so "late February" sorts after 20 February and before any exact day after it.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db import models
from django.utils import formats
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
        start = self.start
        if start is None or self.precision == DatePrecision.UNKNOWN:
            return str(_("date unknown"))
        month_year = formats.date_format(start, "F Y")
        if self.precision == DatePrecision.DAY:
            return formats.date_format(start, "j F Y")
        if self.precision == DatePrecision.APPROXIMATE:
            return str(_("about %(date)s") % {"date": formats.date_format(start, "j F Y")})
        if self.precision == DatePrecision.EARLY_MONTH:
            return str(_("early %(month_year)s") % {"month_year": month_year})
        if self.precision == DatePrecision.MID_MONTH:
            return str(_("mid-%(month_year)s") % {"month_year": month_year})
        if self.precision == DatePrecision.LATE_MONTH:
            return str(_("late %(month_year)s") % {"month_year": month_year})
        if self.precision == DatePrecision.MONTH:
            return month_year
        if self.precision == DatePrecision.YEAR:
            return str(start.year)
        # A span: "10–17 May 2009", or across months "28 April – 5 May 2009".
        end = self.end or start
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{formats.date_format(end, 'j F Y')}"
        if start.year == end.year:
            return f"{formats.date_format(start, 'j F')} – {formats.date_format(end, 'j F Y')}"
        return f"{formats.date_format(start, 'j F Y')} – {formats.date_format(end, 'j F Y')}"
