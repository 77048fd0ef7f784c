from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from detentions.models import Case, CaseStatus


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
