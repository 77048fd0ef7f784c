from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from detentions.models import Case, CaseStatus, Event


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
