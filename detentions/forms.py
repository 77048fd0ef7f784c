import datetime
import html
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.utils.safestring import mark_safe
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


@dataclass(frozen=True)
class SearchChoices:
    """What the search filters offer: the countries of the reader's cases (as codes) and the
    facilities they may see, as (slug, name). Nothing in them depends on the reader's language,
    so the public search keeps them until public content changes (`public_search`)."""

    countries: tuple[str, ...]
    facilities: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, cases: QuerySet[Case], facilities: QuerySet[Facility]) -> "SearchChoices":
        codes = cases.order_by().values_list("detaining_country", flat=True).distinct()
        places = facilities.order_by("name", "town")
        return cls(tuple(codes), tuple((facility.slug, str(facility)) for facility in places))


class ListSelect(forms.Select):
    """A select of a long list (every facility), written out here rather than through a template
    for each option, which took longer than the search itself. The same markup as Django's
    select.html; choices in groups are left to it."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _options, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = "".join(
            f'\n  <option value="{_escape(option["value"])}"{_attrs(option["attrs"])}>'
            f"{_escape(option['label'])}</option>\n"
            for _group_name, group, _index in widget["optgroups"]
            for option in group
        )
        opening = f'<select name="{_escape(widget["name"])}"{_attrs(widget["attrs"])}>'
        # Every name, value and label in it is escaped.
        return mark_safe(f"{opening}{options}\n</select>")  # noqa: S308


def _attrs(attrs: dict) -> str:
    """Attributes as django/forms/widgets/attrs.html writes them: in order, True as a bare name,
    False left out."""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _escape(value) -> str:
    """As a template prints a value: safe text as it is, anything else escaped. Django's
    `conditional_escape` does the same, several times slower for hundreds of options."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


class SearchForm(forms.Form):
    """A name to search for and the filters beside it, on the public and the staff search.

    The caller passes what the reader may see: their cases (annotated `with_status()`) and
    facilities, or the `SearchChoices` already made of them, and the events a facility may be
    named in. Choices come from those only, so a choice cannot reveal a record the reader may not
    see. Filters narrow cases and people."""

    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=200,
        widget=QueryInput(attrs={"autocomplete": "off"}),
    )
    status = forms.ChoiceField(label=_("Case status"), required=False, widget=ListSelect)
    country = forms.ChoiceField(label=_("Detained in"), required=False, widget=ListSelect)
    facility = forms.ChoiceField(label=_("Held at"), required=False, widget=ListSelect)
    detained_from = forms.DateField(label=_("Detained from"), required=False, widget=DateInput)
    detained_to = forms.DateField(label=_("Detained until"), required=False, widget=DateInput)

    FILTERS = ["status", "country", "facility", "detained_from", "detained_to"]

    def __init__(
        self,
        *args,
        events: QuerySet[Event],
        cases: QuerySet[Case] | None = None,
        facilities: QuerySet[Facility] | None = None,
        choices: SearchChoices | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.events = events
        choices = choices or SearchChoices.of(cases, facilities)
        any_choice = [("", _("any"))]
        self.fields["status"].choices = any_choice + CaseStatus.choices
        # Country names are translated, so they are looked up for each reader's language.
        self.fields["country"].choices = any_choice + sorted(
            ((code, countries.name(code)) for code in choices.countries),
            key=lambda choice: choice[1],
        )
        self.fields["facility"].choices = any_choice + list(choices.facilities)

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
