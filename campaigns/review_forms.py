"""Forms of the staff review pages: verifying, declining and matching an entry; taking up an
intake report."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from campaigns.casework_forms import offer_sources
from campaigns.models import IntakeReport
from detentions.dates import DatePrecision
from detentions.models import Case, Event, Institution, Official, Source


class VerifyForm(forms.ModelForm):
    """Staff's corrections to the event, and the source that backs it.

    Works on a copy of the event, so that a form with errors leaves the page's event as it was.
    The select of known sources lists a shortlist, not every source the staff member may cite
    (there can be tens of thousands); `find_source` lists others by title. Validation still
    accepts any source they may cite.
    """

    version = forms.IntegerField(widget=forms.HiddenInput)
    source = forms.ModelChoiceField(
        label=_("Cite a known source"), queryset=Source.objects.none(), required=False
    )
    find_source = forms.CharField(
        label=_("Find a known source by its title"), max_length=300, required=False
    )
    new_source_title = forms.CharField(
        label=_("Or add a new source: its title"), max_length=300, required=False
    )
    new_source_url = forms.URLField(
        label=_("Its link"), max_length=500, required=False, assume_scheme="https"
    )
    new_source_kind = forms.ChoiceField(
        label=_("Its kind"), choices=Source.Kind.choices, initial=Source.Kind.TESTIMONY
    )
    new_source_is_public = forms.BooleanField(
        label=_("The new source may be cited publicly"),
        required=False,
        help_text=_("Leave off for testimony and anything that could identify who gave it."),
    )

    class Meta:
        model = Event
        fields = ["title", "description", "date_precision", "date_start", "date_end"]
        widgets = {
            "date_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "date_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, event: Event, sources: QuerySet[Source], **kwargs) -> None:
        """`sources`: those the staff member may cite (`staff_selectors.sources_for_staff`)."""
        self.has_sources = bool(event.citations.all())
        super().__init__(*args, instance=copy.copy(event), **kwargs)
        self.fields["version"].initial = event.version
        self.fields["source"].queryset = sources
        self._offer_sources(sources, case=event.case)

    @classmethod
    def as_typed(cls, data: QueryDict, *, prefix: str, **kwargs) -> "VerifyForm":
        """The form unbound, showing what the user typed: finding a source saves nothing, and
        fields not filled in yet are not wrong yet."""
        typed = {
            name: field.widget.value_from_datadict(data, {}, f"{prefix}-{name}")
            for name, field in cls.base_fields.items()
        }
        # Left out when not posted at all, so that the field's own initial (the version) holds.
        initial = {name: value for name, value in typed.items() if value is not None}
        return cls(initial=initial, prefix=prefix, **kwargs)

    def _offer_sources(self, allowed: QuerySet[Source], *, case: Case) -> None:
        field = self.fields["source"]
        title_contains = (self._typed("find_source") or "").strip()
        offer = offer_sources(allowed, case=case, title_contains=title_contains)
        self.fields["find_source"].help_text = offer.not_found
        field.help_text = offer.what_is_listed
        offered = offer.shortlist.sources
        # A source picked but left out of the shortlist stays listed: the form shown again
        # (after finding another, or with an error) must not drop it.
        picked = self._picked_source()
        if picked is not None and picked not in offered:
            offered = [picked, *offered]
        # After the queryset: setting it resets the choices to every source it holds.
        field.widget.choices = [
            ("", field.empty_label),
            *((source.pk, field.label_from_instance(source)) for source in offered),
        ]

    def _typed(self, name: str):
        """A field's value as posted, or its initial one. Not through `self[name]`: a bound field
        copies the help text when first made, and the help text is not set yet."""
        field = self.fields[name]
        if self.is_bound:
            return field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        return self.get_initial_for_field(field, name)

    def _picked_source(self) -> Source | None:
        """The source picked in the select, if the staff member may cite it."""
        try:
            return self.fields["source"].to_python(self._typed("source"))
        except ValidationError:
            return None

    def clean(self) -> dict:
        data = super().clean()
        if data.get("source") and data.get("new_source_title"):
            self.add_error("new_source_title", _("Cite a known source or add a new one, not both."))
        elif not (data.get("source") or data.get("new_source_title") or self.has_sources):
            self.add_error("source", _("A verified event needs a source: choose or add one."))
        if data.get("new_source_url") and not data.get("new_source_title"):
            self.add_error("new_source_title", _("Give the new source a title."))
        return data

    def chosen_source(self) -> Source | None:
        """The known source, or the new one (unsaved), or None when the event cites one."""
        data = self.cleaned_data
        if data.get("new_source_title"):
            return Source(
                title=data["new_source_title"],
                url=data.get("new_source_url", ""),
                kind=data["new_source_kind"],
                is_public=data.get("new_source_is_public", False),
            )
        return data.get("source")

    def changes(self) -> dict:
        # Read from the instance: `Event.clean` normalises the date to its precision.
        return {name: getattr(self.instance, name) for name in self._meta.fields}


class DeclineForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why it is not accepted"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The relative reads this."),
    )


class MatchForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.all(), required=False
    )
    official = forms.ModelChoiceField(
        label=_("Official"),
        queryset=Official.objects.select_related("institution"),
        required=False,
    )

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("institution") or data.get("official")):
            self.add_error("institution", _("Choose the institution, the official, or both."))
        return data


class NewCaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["title", "slug", "summary", "location", "detaining_country", "detainees_country"]

    def __init__(self, *args, **kwargs) -> None:
        # When it began is not known yet from a report: staff add it on the case later.
        kwargs.setdefault("instance", Case(began_on=None, began_on_precision=DatePrecision.UNKNOWN))
        super().__init__(*args, **kwargs)

    @classmethod
    def prefilled(cls, report: IntakeReport, **kwargs) -> "NewCaseForm":
        title = report.who_is_held[:200]
        return cls(
            **kwargs,
            initial={
                "title": title,
                "slug": slugify(title)[:100],
                "summary": report.what_happened or report.who_is_held,
                "location": report.held_where[:200],
            },
        )


class AttachForm(forms.Form):
    case = forms.ModelChoiceField(label=_("Case"), queryset=Case.objects.none())

    def __init__(self, *args, cases, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases.order_by("title")


class RejectForm(forms.Form):
    staff_notes = forms.CharField(
        label=_("Why it is not taken up"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For staff only; the reporter is not told."),
    )
