import datetime

import pytest
from django.utils import translation

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


# Russian puts the month in the genitive after a day or a part of a month; Kazakh puts the year
# first and says a part of a month through "айы", which takes the same ending for every month.
@pytest.mark.parametrize(
    ("fuzzy", "in_russian", "in_kazakh"),
    [
        (FuzzyDate(D(2009, 4, 10), DatePrecision.DAY), "10 апреля 2009", "2009 жылғы 10 сәуір"),
        (
            FuzzyDate(D(2009, 2, 21), DatePrecision.LATE_MONTH),
            "конец февраля 2009",
            "2009 жылғы ақпан айының соңы",
        ),
        (
            FuzzyDate(D(2009, 4, 1), DatePrecision.EARLY_MONTH),
            "начало апреля 2009",
            "2009 жылғы сәуір айының басы",
        ),
        (
            FuzzyDate(D(2009, 5, 11), DatePrecision.MID_MONTH),
            "середина мая 2009",
            "2009 жылғы мамыр айының ортасы",
        ),
        (FuzzyDate(D(2009, 4, 1), DatePrecision.MONTH), "Апрель 2009", "2009 жылғы сәуір"),
        (FuzzyDate(D(2009, 1, 1), DatePrecision.YEAR), "2009", "2009 жыл"),
        (
            FuzzyDate(D(2009, 4, 10), DatePrecision.APPROXIMATE),
            "примерно 10 апреля 2009",
            "шамамен 2009 жылғы 10 сәуір",
        ),
        (
            FuzzyDate(D(2009, 5, 4), DatePrecision.SPAN, D(2009, 5, 11)),
            "4–11 мая 2009",
            "2009 жылғы 4–11 мамыр",
        ),
        (
            FuzzyDate(D(2009, 4, 18), DatePrecision.SPAN, D(2009, 5, 16)),
            "18 апреля – 16 мая 2009",
            "2009 жылғы 18 сәуір – 16 мамыр",
        ),
        (
            FuzzyDate(D(2008, 12, 30), DatePrecision.SPAN, D(2009, 1, 2)),
            "30 декабря 2008 – 2 января 2009",
            "2008 жылғы 30 желтоқсан – 2009 жылғы 2 қаңтар",
        ),
        (FuzzyDate(None, DatePrecision.UNKNOWN), "дата неизвестна", "күні белгісіз"),
    ],
)
def test_a_date_reads_in_each_language_with_its_grammar(fuzzy, in_russian, in_kazakh):
    with translation.override("ru"):
        assert str(fuzzy) == in_russian
    with translation.override("kk"):
        assert str(fuzzy) == in_kazakh


def test_a_date_is_written_in_english_when_translation_is_switched_off():
    """The admin switches translation off to write its change messages."""
    with translation.override(None):
        assert str(FuzzyDate(D(2009, 2, 21), DatePrecision.LATE_MONTH)) == "late February 2009"
