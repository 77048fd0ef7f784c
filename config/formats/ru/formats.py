"""Russian: dates known roughly put the month in the genitive ("конец февраля 2009"), as Russian
requires after "начало", "середина", "конец".

Django writes "21 февраля 2009 г."; the closing "г." would double the full stop of every sentence
that ends with a date, so the year stands alone here.
"""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, G:i"
YEAR_MONTH_FORMAT = "F Y"

EARLY_MONTH_FORMAT = "начало E Y"
MID_MONTH_FORMAT = "середина E Y"
LATE_MONTH_FORMAT = "конец E Y"
YEAR_FORMAT = "Y"
SPAN_SAME_MONTH_FORMATS = ("j", "j E Y")
SPAN_SAME_YEAR_FORMATS = ("j E", "j E Y")
