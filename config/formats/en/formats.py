"""English dates as the case files write them: "21 February 2009", never "Feb. 21, 2009".

Besides Django's own names, each language defines how a date known only roughly is said
(`detentions.dates.FuzzyDate`). Django date-format letters; a backslash keeps a letter literal.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"

EARLY_MONTH_FORMAT = r"\e\a\r\l\y F Y"
MID_MONTH_FORMAT = r"\m\i\d-F Y"
LATE_MONTH_FORMAT = r"\l\a\t\e F Y"
YEAR_FORMAT = "Y"
# A span of days: the first day, then the last, joined by a dash ("18 April – 16 May 2009").
SPAN_SAME_MONTH_FORMATS = ("j", "j F Y")
SPAN_SAME_YEAR_FORMATS = ("j F", "j F Y")
