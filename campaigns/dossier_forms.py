"""The upload form of the bulk import of detainees: it checks the file as a whole (size, encoding,
columns, number of rows); `import_services` checks each row."""

import csv
import io

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns.import_services import COLUMNS, MAX_ROWS, REQUIRED_COLUMNS, ImportRow

MAX_BYTES = 2 * 1024 * 1024


class DetaineeImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, comma-separated, with a header row naming the columns listed below."),
    )

    def clean_file(self) -> list[ImportRow]:
        """The file's rows, numbered as the spreadsheet numbers them; `cleaned_data["file"]`."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 2 MB. Split it into smaller files and import each.")
            )
        try:
            # utf-8-sig: spreadsheets often write a byte-order mark first.
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _(
                    "The file is not in UTF-8. In your spreadsheet, save it as "
                    "“CSV UTF-8 (comma delimited)” and upload it again."
                )
            ) from None
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = [name.strip().lower() for name in next(reader, [])]
            records = list(reader)
        except csv.Error:
            raise forms.ValidationError(
                _("The file could not be read as CSV; check its quotes.")
            ) from None
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        if missing:
            raise forms.ValidationError(
                _("The header row lacks these columns: %(columns)s.")
                % {"columns": ", ".join(missing)}
            )
        unknown = [name for name in header if name not in COLUMNS]
        if unknown:
            raise forms.ValidationError(
                _("The header row has columns this import does not know: %(columns)s.")
                % {"columns": ", ".join(unknown)}
            )
        # Spreadsheet row numbers: the header is row 1, so the first person is row 2.
        rows = [
            ImportRow(number=number, values=dict(zip(header, record, strict=False)))
            for number, record in enumerate(records, start=2)
            if any(cell.strip() for cell in record)
        ]
        if not rows:
            raise forms.ValidationError(_("The file has a header row but no people."))
        if len(rows) > MAX_ROWS:
            raise forms.ValidationError(
                ngettext(
                    "The file has %(count)d row; at most %(max)d can be imported at once.",
                    "The file has %(count)d rows; at most %(max)d can be imported at once.",
                    len(rows),
                )
                % {"count": len(rows), "max": MAX_ROWS}
            )
        return rows
