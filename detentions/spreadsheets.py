"""Cells written to CSV files that people open in a spreadsheet.

Spreadsheets run a cell that starts with one of `FORMULA_STARTS` as a formula, so text typed by
anyone (a relative, an official's answer) could run in the reader's spreadsheet (OWASP "CSV
injection"). Every CSV the site writes passes its text cells through `neutralise()`.
"""

import csv
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """The text as a spreadsheet will show it, never run it: a leading quote marks it as text."""
    if cell.startswith(FORMULA_STARTS):
        return f"'{cell}"
    return cell


def neutralised_row(values: Iterable[Any]) -> list[Any]:
    """A row for `csv.writer`: text cells neutralised, numbers and the like left as they are."""
    return [neutralise(value) if isinstance(value, str) else value for value in values]


class CsvDownload:
    """A CSV file to download: UTF-8 with a byte-order mark (without it Excel reads UTF-8 as the
    local code page and garbles Cyrillic), every row neutralised on its way in."""

    def __init__(self, filename: str) -> None:
        self.response = HttpResponse(
            content_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": content_disposition_header(
                    as_attachment=True, filename=filename
                )
            },
        )
        self.response.write("\ufeff")
        self._writer = csv.writer(self.response)

    def writerow(self, values: Iterable[Any]) -> None:
        self._writer.writerow(neutralised_row(values))
