"""The public "Report a detention" form, for people without an account."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from campaigns.models import IntakeReport, Relative

# The model's text fields have no limit; a public form needs one.
TEXT_LIMITS = {"who_is_held": 2000, "held_where": 1000, "what_happened": 10000}


class IntakeReportForm(forms.ModelForm):
    # A trap for bots, which fill every field they find. People do not see it: the stylesheet
    # moves it off screen, and screen readers skip it or are told to leave it empty.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = IntakeReport
        fields = IntakeReport.REPORTED_FIELDS
        labels = {
            "who_is_held": _("Who is held"),
            "held_where": _("Where they are held, if you know"),
            "held_since": _("Since when"),
            "what_happened": _("What happened"),
            "reporter_name": _("Your name"),
            "reporter_contact": _("How we can reach you"),
            "reporter_language": _("Language you would like us to use"),
        }
        help_texts = {
            "who_is_held": _("Their names, or how many people and where they are from."),
            "held_where": _("Country, town, prison or police station."),
            "held_since": _("A date, or as near as you know: “late February 2009”."),
            "what_happened": _("In your own words. Anything you know may help."),
            "reporter_name": _("Any name we can call you by."),
            "reporter_contact": _(
                "A phone number, an e-mail address or a messenger name. Only our staff see it."
            ),
        }
        widgets = {
            "who_is_held": forms.Textarea(attrs={"rows": 3}),
            "held_where": forms.Textarea(attrs={"rows": 2}),
            "what_happened": forms.Textarea(attrs={"rows": 6}),
            "reporter_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "reporter_language": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, limit in TEXT_LIMITS.items():
            field = self.fields[name]
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs["maxlength"] = str(limit)
        language = self.fields["reporter_language"]
        language.choices = Relative.Language.choices
        # The language the page is read in is the likeliest answer.
        current = (get_language() or "")[:2]
        if current in Relative.Language.values:
            language.initial = current

    @property
    def caught_a_bot(self) -> bool:
        """True when the hidden field was filled in, which only a program does."""
        return bool(self.data.get(self.add_prefix("website"), "").strip())
