"""Cells written to CSV files that people open in a spreadsheet.

Spreadsheets run a cell that starts with one of `FORMULA_STARTS` as a formula, so text typed by
anyone (a relative, an official's answer) could run in the reader's spreadsheet (OWASP "CSV
injection"). Every CSV the site writes passes its text cells through `neutralise()`.
"""

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """The text as a spreadsheet will show it, never run it: a leading quote marks it as text."""
    if cell.startswith(FORMULA_STARTS):
        return f"'{cell}"
    return cell


def neutralised_row(values: Iterable[Any]) -> list[Any]:
    """A row for `csv.writer`: text cells neutralised, numbers and the like left as they are."""
    return [neutralise(value) if isinstance(value, str) else value for value in values]
