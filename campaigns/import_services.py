"""The bulk import of a case's detainees from a spreadsheet: every row is checked first, and only
a file without a single error is imported, in one transaction."""

import datetime
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from detentions.models import Case, Detainee, Facility
from detentions.page_cache import note_public_change

COLUMNS = [
    "reference",
    "name_latin",
    "name_original",
    "name_display",
    "status",
    "facility",
    "whereabouts_confirmed_on",
    "home_region",
    "age",
    "occupation",
]
REQUIRED_COLUMNS = ["reference"]
MAX_ROWS = 10_000
BATCH_SIZE = 500

T = TypeVar("T")


@dataclass(frozen=True)
class ImportRow:
    number: int  # as the spreadsheet numbers it: the header is row 1
    values: dict[str, str]

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the file as a whole
    field: str
    message: str


@dataclass
class ImportResult:
    checked: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Progress:
    checked: int
    total: int


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("Give the date as YYYY-MM-DD, such as 2009-02-21.")) from None


def _age(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValidationError(_("Give the age as a whole number.")) from None


def _detainee(case: Case, row: ImportRow, facilities: dict[str, Facility]) -> Detainee:
    """The row as an unsaved detainee; raises ValidationError keyed by the file's column names."""
    errors: dict[str, list[str]] = {}
    detainee = Detainee(
        case=case,
        reference=row.get("reference"),
        name_latin=row.get("name_latin"),
        name_original=row.get("name_original"),
        home_region=row.get("home_region"),
        occupation=row.get("occupation"),
    )
    # Blank choices take the model's defaults: withheld name, detained.
    if row.get("name_display"):
        detainee.name_display = row.get("name_display")
    if row.get("status"):
        detainee.status = row.get("status")
    if slug := row.get("facility"):
        detainee.facility = facilities.get(slug)
        if detainee.facility is None:
            errors["facility"] = [_("No facility has the slug “%(slug)s”.") % {"slug": slug}]
    for column, parse in (("whereabouts_confirmed_on", _date), ("age", _age)):
        if value := row.get(column):
            try:
                setattr(detainee, column, parse(value))
            except ValidationError as error:
                errors[column] = error.messages
    try:
        # The case and facility were looked up above; uniqueness is checked against the whole
        # file and the case at once in `check_rows`, not with one query per row.
        detainee.full_clean(
            exclude=["case", "facility", *errors], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return detainee


def _checking(
    case: Case, rows: list[ImportRow], progress_every: int
) -> Generator[Progress, None, tuple[list[Detainee], list[RowError]]]:
    """`check_rows`, with a progress report after each `progress_every` rows (none if 0)."""
    slugs = {row.get("facility") for row in rows} - {""}
    facilities = {facility.slug: facility for facility in Facility.objects.filter(slug__in=slugs)}
    taken = set(case.detainees.values_list("reference", flat=True))
    first_row: dict[str, int] = {}
    detainees, errors = [], []
    for checked, row in enumerate(rows, start=1):
        reference = row.get("reference")
        if reference in taken:
            errors.append(
                RowError(row.number, "reference", _("This case already has this reference."))
            )
        elif reference and reference in first_row:
            message = _("Row %(row)d has the same reference.") % {"row": first_row[reference]}
            errors.append(RowError(row.number, "reference", message))
        first_row.setdefault(reference, row.number)
        try:
            detainees.append(_detainee(case, row, facilities))
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.extend(RowError(row.number, name, message) for message in messages)
        if progress_every and checked % progress_every == 0:
            yield Progress(checked=checked, total=len(rows))
    return detainees, errors


def run_to_end(steps: Generator[Progress, None, T]) -> T:
    """What a stepwise service returns, its progress left unread."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


def check_rows(*, case: Case, rows: list[ImportRow]) -> tuple[list[Detainee], list[RowError]]:
    """Every row as a detainee, or every error found, each with its row and column."""
    return run_to_end(_checking(case, rows, progress_every=0))


def importing_detainees(
    *, case: Case, rows: list[ImportRow], user: AbstractBaseUser | None, progress_every: int
) -> Generator[Progress, None, ImportResult]:
    """As `import_detainees`, saying each time another `progress_every` rows have been checked.

    Nothing is written until every row has been checked, and the writing is not interrupted: a
    caller that stops reading (a browser that goes away) leaves the case as it was.
    """
    detainees, errors = yield from _checking(case, rows, progress_every)
    result = ImportResult(checked=len(rows), errors=errors)
    if errors:
        return result
    try:
        with transaction.atomic():
            bulk_create_with_history(
                detainees,
                Detainee,
                batch_size=BATCH_SIZE,
                default_user=user,
                default_change_reason=_("bulk import"),
            )
            note_public_change()  # bulk_create sends no signal to the page cache
    except IntegrityError:
        # Someone added one of these references between the check and the import.
        result.errors.append(
            RowError(None, "reference", _("Another person added a reference meanwhile; try again."))
        )
        return result
    result.imported = len(detainees)
    return result


def import_detainees(
    *, case: Case, rows: list[ImportRow], user: AbstractBaseUser | None
) -> ImportResult:
    """All the rows as the case's detainees, or none of them if any row has an error."""
    return run_to_end(importing_detainees(case=case, rows=rows, user=user, progress_every=0))
