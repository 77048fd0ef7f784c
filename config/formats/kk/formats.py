"""Kazakh, which Django has no formats for: the year comes first ("2009 жылғы 18 сәуір") and a
month inside a date is written in lower case (the "alt. month" names of the project's catalog).
A month part is said through "айы", which takes no vowel-harmony suffix of the month's own:
"2009 жылғы ақпан айының соңы" (late February 2009)."""

DATE_FORMAT = "Y жылғы j E"
DATETIME_FORMAT = "Y жылғы j E, G:i"
YEAR_MONTH_FORMAT = "Y жылғы E"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"]
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M:%S"]

EARLY_MONTH_FORMAT = "Y жылғы E айының басы"
MID_MONTH_FORMAT = "Y жылғы E айының ортасы"
LATE_MONTH_FORMAT = "Y жылғы E айының соңы"
YEAR_FORMAT = "Y жыл"
SPAN_SAME_MONTH_FORMATS = ("Y жылғы j", "j E")
SPAN_SAME_YEAR_FORMATS = ("Y жылғы j E", "j E")
