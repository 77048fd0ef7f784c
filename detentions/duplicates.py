"""Likely existing records for a name being added, so that staff find the person or body already
on file before making a second record of it under another spelling.

Forms that add people or bodies inherit `DuplicateCheckForm`: while the caller has set the
records to compare with (`duplicate_candidates`), a new record whose names match one of them is
not saved; the form says so and offers a tick box to add it anyway. Campaigns' forms use it too.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from detentions.models.searchable import lines
from detentions.search import Match, find

# The fields that hold a record's name, whichever of them its model has.
NAME_FIELDS = ("name", "name_latin", "name_original", "short_name")
# Each spelling is one search; a long list of other spellings is checked by its first few.
MAX_SPELLINGS = 6
SHOWN = 10


def names_of(record: Model) -> list[str]:
    """Every name the record goes by, once each: a relative's given and family name together,
    the name fields its model has, and its other spellings (a facility's town is not a name)."""
    names = [getattr(record, "full_name", ""), *(getattr(record, f, "") for f in NAME_FIELDS)]
    names += lines(getattr(record, "other_names", ""))
    seen, unique = set(), []
    for name in names:
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            unique.append(name)
    return unique


def likely_duplicates(
    records: QuerySet, spellings: list[str], *, limit: int = SHOWN
) -> list[Match]:
    """The records of `records` that match any of `spellings`, best first, each once with the
    spelling of its own that matched best."""
    best: dict[int, Match] = {}
    for spelling in spellings[:MAX_SPELLINGS]:
        for match in find(records, spelling, limit=limit):
            current = best.get(match.record.pk)
            if current is None or match.score > current.score:
                best[match.record.pk] = match
    return sorted(best.values(), key=lambda match: (-match.score, str(match.record)))[:limit]


class DuplicateCheckForm(forms.ModelForm):
    """Refuses to add a record whose names match records in `duplicate_candidates` until
    `confirm_new` is ticked; `likely` holds the matches to show. Editing is never checked."""

    confirm_new = forms.BooleanField(
        label=_("None of these: add a new record"), required=False, widget=forms.HiddenInput
    )
    # Set by the view or admin to the records this user may see; None checks nothing.
    duplicate_candidates: QuerySet | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.likely: list[Match] = []

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            self.instance.pk is not None
            or self.duplicate_candidates is None
            or cleaned.get("confirm_new")
        ):
            return cleaned
        model = self._meta.model
        columns = {f.name for f in model._meta.concrete_fields if not f.is_relation}
        typed = model(**{name: value for name, value in cleaned.items() if name in columns})
        self.likely = likely_duplicates(self.duplicate_candidates, names_of(typed))
        if self.likely:
            # The tick box was hidden until now: it only means something next to the matches.
            self.fields["confirm_new"].widget = forms.CheckboxInput()
            raise ValidationError(self.duplicates_message(), code="likely_duplicates")
        return cleaned

    def duplicates_message(self) -> str:
        return _(
            "This may already be recorded: check the records listed. If none of them is the "
            "same, tick “%(confirm)s” and save again."
        ) % {"confirm": self.fields["confirm_new"].label}
