import datetime

import pytest

from detentions.dates import DatePrecision, FuzzyDate

D = datetime.date


@pytest.mark.parametrize(
    ("fuzzy", "shown"),
    [
        (FuzzyDate(D(2009, 4, 10), DatePrecision.DAY), "10 April 2009"),
        (FuzzyDate(D(2009, 2, 21), DatePrecision.LATE_MONTH), "late February 2009"),
        (FuzzyDate(D(2009, 4, 1), DatePrecision.EARLY_MONTH), "early April 2009"),
        (FuzzyDate(D(2009, 5, 11), DatePrecision.MID_MONTH), "mid-May 2009"),
        (FuzzyDate(D(2009, 4, 1), DatePrecision.MONTH), "April 2009"),
        (FuzzyDate(D(2009, 1, 1), DatePrecision.YEAR), "2009"),
        (FuzzyDate(D(2009, 4, 10), DatePrecision.APPROXIMATE), "about 10 April 2009"),
        (FuzzyDate(D(2009, 5, 4), DatePrecision.SPAN, D(2009, 5, 11)), "4–11 May 2009"),
        (FuzzyDate(D(2009, 4, 18), DatePrecision.SPAN, D(2009, 5, 16)), "18 April – 16 May 2009"),
        (
            FuzzyDate(D(2008, 12, 30), DatePrecision.SPAN, D(2009, 1, 2)),
            "30 December 2008 – 2 January 2009",
        ),
        (FuzzyDate(None, DatePrecision.UNKNOWN), "date unknown"),
    ],
)
def test_a_date_reads_as_precisely_as_it_is_known(fuzzy, shown):
    assert str(fuzzy) == shown


@pytest.mark.parametrize(
    ("precision", "given", "first_day", "last_day"),
    [
        (DatePrecision.EARLY_MONTH, D(2009, 4, 7), D(2009, 4, 1), D(2009, 4, 10)),
        (DatePrecision.MID_MONTH, D(2009, 4, 2), D(2009, 4, 11), D(2009, 4, 20)),
        (DatePrecision.LATE_MONTH, D(2009, 2, 25), D(2009, 2, 21), D(2009, 2, 28)),
        (DatePrecision.MONTH, D(2008, 2, 13), D(2008, 2, 1), D(2008, 2, 29)),
        (DatePrecision.YEAR, D(2009, 6, 6), D(2009, 1, 1), D(2009, 12, 31)),
        (DatePrecision.DAY, D(2009, 4, 10), D(2009, 4, 10), D(2009, 4, 10)),
    ],
)
def test_a_date_is_stored_as_the_first_day_of_its_period(precision, given, first_day, last_day):
    start = FuzzyDate.normalised_start(given, precision)
    assert start == first_day
    assert FuzzyDate(start, precision).last_day == last_day


def test_a_span_ends_on_its_last_day():
    assert FuzzyDate(D(2009, 5, 4), DatePrecision.SPAN, D(2009, 5, 11)).last_day == D(2009, 5, 11)
