import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from detentions.models import Case, CaseStatus, Detainee, Event, Facility


class CaseFilterForm(forms.Form):
    """The home page's filters; their choices are what the published cases actually have."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    country = forms.ChoiceField(label=_("Detained in"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cases = Case.objects.published().order_by()
        any_choice = [("", _("any"))]
        self.fields["status"].choices = any_choice + CaseStatus.choices
        codes = cases.values_list("detaining_country", flat=True).distinct()
        self.fields["country"].choices = any_choice + sorted(
            ((code, countries.name(code)) for code in codes), key=lambda choice: choice[1]
        )
        years = cases.exclude(began_on=None).dates("began_on", "year", order="DESC")
        self.fields["year"].choices = any_choice + [(day.year, day.year) for day in years]

    def filter(self, cases):
        """The cases that match; all of them while the filters are invalid (errors are shown)."""
        if not self.is_valid():
            return cases
        data = self.cleaned_data
        if data["status"]:
            cases = cases.filter(derived_status=data["status"])
        if data["country"]:
            cases = cases.filter(detaining_country=data["country"])
        if data["year"]:
            cases = cases.filter(began_on__year=data["year"])
        return cases


class DateInput(forms.DateInput):
    """The browser's date picker. A date it cannot hold (2009-02-30, typed into the address) is
    left out of the field rather than written into invalid HTML; the error beside it says why."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value) -> str | None:
        if isinstance(value, str):
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                return None
        return super().format_value(value)


class QueryInput(forms.SearchInput):
    """The search box. A query longer than the box takes (typed into the address) is refused
    with the error beside the box, which shows only as much of it as the box would take: a
    100 KB query is not sent back whole."""

    def format_value(self, value) -> str | None:
        value = super().format_value(value)
        if value is not None and "maxlength" in self.attrs:
            return value[: int(self.attrs["maxlength"])]
        return value


class SearchForm(forms.Form):
    """A name to search for and the filters beside it, on the public and the staff search.

    The caller passes what the reader may see: their cases (annotated `with_status()`), the
    facilities and the events a facility may be named in. Choices come from those only, so a
    choice cannot reveal a record the reader may not see. Filters narrow cases and people."""

    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=200,
        widget=QueryInput(attrs={"autocomplete": "off"}),
    )
    status = forms.ChoiceField(label=_("Case status"), required=False)
    country = forms.ChoiceField(label=_("Detained in"), required=False)
    facility = forms.ChoiceField(label=_("Held at"), required=False)
    detained_from = forms.DateField(label=_("Detained from"), required=False, widget=DateInput)
    detained_to = forms.DateField(label=_("Detained until"), required=False, widget=DateInput)

    FILTERS = ["status", "country", "facility", "detained_from", "detained_to"]

    def __init__(
        self,
        *args,
        cases: QuerySet[Case],
        facilities: QuerySet[Facility],
        events: QuerySet[Event],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.events = events
        any_choice = [("", _("any"))]
        self.fields["status"].choices = any_choice + CaseStatus.choices
        codes = cases.order_by().values_list("detaining_country", flat=True).distinct()
        self.fields["country"].choices = any_choice + sorted(
            ((code, countries.name(code)) for code in codes), key=lambda choice: choice[1]
        )
        self.fields["facility"].choices = any_choice + [
            (facility.slug, str(facility)) for facility in facilities.order_by("name", "town")
        ]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("detained_from"), data.get("detained_to")
        if start and end and end < start:
            self.add_error("detained_to", _("This date is before the “detained from” date."))
        return data

    @property
    def query(self) -> str:
        """The name searched for; empty until the form is sent."""
        if not self.is_bound:
            return ""
        self.is_valid()
        return self.cleaned_data.get("q", "")

    def filters(self) -> dict:
        """The filters given and valid; a filter with an error is left out (its error is shown
        next to it) and the others still apply."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: self.cleaned_data[name] for name in self.FILTERS if self.cleaned_data.get(name)
        }

    @property
    def facility_name(self) -> str:
        return dict(self.fields["facility"].choices).get(self.filters().get("facility"), "")

    def filter_cases(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        data = self.filters()
        if data.get("status"):
            cases = cases.filter(derived_status=data["status"])
        if data.get("country"):
            cases = cases.filter(detaining_country=data["country"])
        if data.get("detained_from"):
            cases = cases.filter(began_on__gte=data["detained_from"])
        if data.get("detained_to"):
            cases = cases.filter(began_on__lte=data["detained_to"])
        if slug := data.get("facility"):
            # Someone is held there, or an event (a consular visit, a refused parcel) took place
            # there: both say the case's people were held there.
            held = Detainee.objects.current().filter(facility__slug=slug).values("case")
            named = self.events.filter(
                Q(consular_visit__facility__slug=slug) | Q(access_attempt__facility__slug=slug)
            ).values("case")
            cases = cases.filter(Q(pk__in=held) | Q(pk__in=named))
        return cases

    def filter_people(
        self, people: QuerySet[Detainee], cases: QuerySet[Case]
    ) -> QuerySet[Detainee]:
        """`people` of `cases` that the filters keep: the case's filters, and for a facility
        the people held there."""
        data = self.filters()
        if not data:
            return people
        people = people.filter(case__in=self.filter_cases(cases).values("pk"))
        if slug := data.get("facility"):
            people = people.filter(facility__slug=slug)
        return people


class CitationsFormSet(BaseInlineFormSet):
    """An event's citations, on every page that edits them (admin and staff workspace): a
    verified event keeps at least one source. Not a database constraint: it spans two tables."""

    def clean(self) -> None:
        super().clean()
        # The event form is validated first, so this is the verification chosen on the page.
        if self.instance.verification != Event.Verification.VERIFIED:
            return
        cited = [
            form
            for form in self.forms
            if form.cleaned_data.get("source") and not form.cleaned_data.get("DELETE")
        ]
        if not cited:
            raise ValidationError(
                _(
                    "A verified event needs at least one source. Add a source below, "
                    "or set verification to “reported”."
                )
            )
