"""Forms behind "Log what you did": one small form per question, and the wizard that chains them.

The wizard keeps no state on the server. Each step posts every earlier answer back as hidden
inputs, so an expired session or a dropped connection loses nothing the relative typed, and the
same forms, shown together on one page, make the edit form.
"""

import datetime
from collections.abc import Iterable, Mapping

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from campaigns.entry_services import (
    ADDRESSED,
    CONTACT_OUTCOMES,
    CONTACTS,
    Action,
    Answers,
)
from detentions.dates import DatePrecision, FuzzyDate
from detentions.models import AccessOutcome, Institution, Official, OfficialContact
from detentions.search import find
from detentions.uploads import CleanedUpload, clean_upload

SEARCH_RESULTS = 10
MAX_FILES = 10
ACCEPTED_FILES = "image/jpeg,image/png,application/pdf"
EARLIEST_YEAR = 1990


class StepForm(forms.Form):
    """One question. `known` holds the checked answers of the steps before it."""

    step: str = ""

    def __init__(self, *args, known: Mapping | None = None, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.known = known or {}

    @property
    def what(self) -> str | None:
        return self.known.get("what")

    @property
    def question(self) -> str:
        return ""

    def raw(self, name: str) -> str:
        """A field's value as posted, or as carried into an unbound form's initial data."""
        source = self.data if self.is_bound else self.initial
        value = source.get(name, "")
        return value if isinstance(value, str) else ""


class WhatForm(StepForm):
    step = "what"
    what = forms.ChoiceField(
        label=_("What did you do?"), choices=Action.choices, widget=forms.RadioSelect
    )

    @property
    def question(self) -> str:
        return _("What did you do?")


def _addressee_value(obj: Institution | Official) -> str:
    return f"{'o' if isinstance(obj, Official) else 'i'}{obj.pk}"


def _addressee_label(obj: Institution | Official) -> str:
    if isinstance(obj, Official):
        return f"{obj.name} — {obj.role}, {obj.institution.short_name or obj.institution.name}"
    if obj.short_name:
        return f"{obj.name} ({obj.short_name})"
    return obj.name


def search_addressees(query: str, *, officials: bool) -> list[Institution | Official]:
    """The bodies (and, for contacts, officials) whose names match the query however it is
    spelled: a relative typing «КНБ» finds "KNB Aktobe department"."""
    found: list[Institution | Official] = [
        match.record for match in find(Institution.objects.all(), query, limit=SEARCH_RESULTS)
    ]
    if officials:
        people = Official.objects.select_related("institution")
        found += [match.record for match in find(people, query, limit=SEARCH_RESULTS)]
    return found


def find_addressee(value: str) -> Institution | Official | None:
    # Only a plausible id: "²" is a digit to isdigit() but not to int(), nor are 5,000 digits.
    pk = value[1:]
    if value[:1] not in ("i", "o") or not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
        return None
    if value[0] == "i":
        return Institution.objects.filter(pk=pk).first()
    return Official.objects.select_related("institution").filter(pk=pk).first()


class WhomForm(StepForm):
    """Choose a known body or official through a plain search, or type a name staff will match."""

    step = "whom"
    q = forms.CharField(
        label=_("Search the list"),
        required=False,
        max_length=100,
        help_text=_("Part of a name, such as “prosecutor” or “KNB”, then press Search."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    addressee = forms.ChoiceField(
        label=_("Choose from the list"), required=False, widget=forms.RadioSelect
    )
    addressee_new = forms.CharField(
        label=_("Not in the list? Type the name"),
        required=False,
        max_length=200,
        help_text=_("As you know it. Our staff will match it."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        contacts = self.what in CONTACTS
        self.query = self.raw("q")
        self.chosen = find_addressee(self.raw("addressee"))
        self.results = search_addressees(self.query, officials=contacts)
        shown = ([self.chosen] if self.chosen else []) + [
            obj for obj in self.results if obj != self.chosen
        ]
        if not contacts:
            # An access attempt is decided by a body; its model has no place for a person.
            shown = [obj for obj in shown if isinstance(obj, Institution)]
        self.fields["addressee"].choices = [
            (_addressee_value(obj), _addressee_label(obj)) for obj in shown
        ]
        self.searched = bool(self.query)

    @property
    def question(self) -> str:
        return {
            Action.CONTACTED: _("Whom did you contact?"),
            Action.VISIT: _("Whom did you ask for the visit?"),
            Action.PARCEL: _("Whom did you ask to pass on the parcel?"),
            Action.LAWYER: _("Who refused the lawyer?"),
        }.get(self.what, _("Whom did you contact?"))

    def clean(self) -> dict:
        data = super().clean()
        chosen = self.chosen if data.get("addressee") else None
        data["institution"] = chosen if isinstance(chosen, Institution) else None
        data["official"] = chosen if isinstance(chosen, Official) else None
        if chosen is None and not data.get("addressee_new", "").strip():
            self.add_error(
                "addressee_new", _("Choose a name from the list, or type the name here.")
            )
        data["addressee_as_given"] = data.get("addressee_new", "").strip()
        return data


WHEN_CHOICES = [
    ("today", _("Today")),
    ("day", _("On a day I know")),
    ("approximate", _("On about this day")),
    (DatePrecision.EARLY_MONTH, _("Early in a month (1st–10th)")),
    (DatePrecision.MID_MONTH, _("In the middle of a month (11th–20th)")),
    (DatePrecision.LATE_MONTH, _("Late in a month (21st to the end)")),
    (DatePrecision.MONTH, _("Some time in a month")),
]
DAY_PRECISIONS = {"day": DatePrecision.DAY, "approximate": DatePrecision.APPROXIMATE}
MONTH_PRECISIONS = {
    DatePrecision.EARLY_MONTH,
    DatePrecision.MID_MONTH,
    DatePrecision.LATE_MONTH,
    DatePrecision.MONTH,
}


class WhenForm(StepForm):
    step = "when"
    when = forms.ChoiceField(
        label=_("When was it?"),
        choices=WHEN_CHOICES,
        initial="today",
        widget=forms.RadioSelect,
    )
    day = forms.DateField(
        label=_("The day"),
        required=False,
        help_text=_("For “on a day I know” or “on about this day”."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    month = forms.TypedChoiceField(
        label=_("The month"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *MONTHS.items()],
        help_text=_("For a part of a month, or a whole month."),
    )
    year = forms.IntegerField(
        label=_("The year"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["day"].widget.attrs["max"] = today.isoformat()
        self.fields["year"].widget.attrs.update(min=EARLIEST_YEAR, max=today.year)

    @property
    def question(self) -> str:
        return _("When was it?")

    def clean(self) -> dict:
        data = super().clean()
        when = data.get("when")
        today = timezone.localdate()
        start: datetime.date | None = None
        if when == "today":
            precision, start = DatePrecision.DAY, today
        elif when in DAY_PRECISIONS:
            precision, start = DAY_PRECISIONS[when], data.get("day")
            if start is None and "day" not in self.errors:
                self.add_error("day", _("Give the day."))
            elif start and start > today:
                self.add_error("day", _("This date is in the future."))
        elif when in MONTH_PRECISIONS:
            precision = when
            month, year = data.get("month"), data.get("year")
            if month is None:
                self.add_error("month", _("Choose the month."))
            if year is None:
                if "year" not in self.errors:
                    self.add_error("year", _("Give the year."))
            elif not EARLIEST_YEAR <= year <= today.year:
                self.add_error(
                    "year",
                    _("Give a year between %(first)s and %(last)s.")
                    % {"first": EARLIEST_YEAR, "last": today.year},
                )
            elif month is not None:
                start = FuzzyDate.normalised_start(datetime.date(year, month, 1), precision)
                if start > today:
                    self.add_error("month", _("This date is in the future."))
        else:
            return data
        if not self.errors:
            data["date_precision"] = precision
            data["date_start"] = FuzzyDate.normalised_start(start, precision)
        return data


class OutcomeForm(StepForm):
    """What happened. The choices are the contact's or the access attempt's own outcomes."""

    step = "outcome"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        what = self.what
        fields = self.fields
        if what in CONTACTS:
            fields["channel"] = forms.ChoiceField(
                label=_("How did you contact them?"),
                choices=[
                    (value, capfirst(label)) for value, label in OfficialContact.Channel.choices
                ],
                initial=OfficialContact.Channel.LETTER,
                widget=forms.RadioSelect,
            )
        if what in ADDRESSED:
            choices = CONTACT_OUTCOMES if what in CONTACTS else AccessOutcome.choices
            fields["outcome"] = forms.ChoiceField(
                label=_("What came of it?"),
                choices=[(value, capfirst(label)) for value, label in choices],
                widget=forms.RadioSelect,
            )
            fields["reason"] = forms.CharField(
                label=_("What did they say?")
                if what in CONTACTS
                else _("What reason did they give?"),
                required=False,
                max_length=2000,
                help_text=_("In their words, as far as you remember. Leave empty if nothing."),
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if what == Action.PROTEST:
            fields["place"] = forms.CharField(
                label=_("Where was it?"),
                required=False,
                max_length=200,
                help_text=_("Outside which building, in which town."),
            )
        details_label = {
            Action.HEARING: _("What happened at the hearing?"),
            Action.PROTEST: _("What happened?"),
            Action.MEDIA: _("Which newspaper, channel or website, and what did you say?"),
        }.get(what, _("Anything else we should know?"))
        fields["details"] = forms.CharField(
            label=details_label,
            required=False,
            max_length=5000,
            help_text=_("Staff read this; it is not published."),
            widget=forms.Textarea(attrs={"rows": 4}),
        )

    @property
    def question(self) -> str:
        if self.what in CONTACTS:
            return _("How did you contact them, and what happened?")
        return _("What happened?")


class ReplyForm(StepForm):
    step = "reply"
    reply_due_on = forms.DateField(
        label=_("Reply expected by"),
        required=False,
        help_text=_(
            "If they told you when they would answer, or the law sets a deadline. "
            "Leave empty if you do not know."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    @property
    def question(self) -> str:
        return _("Do you expect a reply by a certain date?")

    def clean_reply_due_on(self) -> datetime.date | None:
        due = self.cleaned_data.get("reply_due_on")
        started = self.known.get("date_start")
        if due and started and due < started:
            raise forms.ValidationError(_("The reply cannot be due before you contacted them."))
        return due


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files at once, each checked from its content (see detentions.uploads)."""

    widget = MultipleFileInput(attrs={"accept": ACCEPTED_FILES})

    def clean(self, data, initial=None) -> list[CleanedUpload]:
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not uploads and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(
                _("Send at most %(count)s files at a time.") % {"count": MAX_FILES}
            )
        cleaned, errors = [], []
        for upload in uploads:
            try:
                super().clean(upload)
                cleaned.append(clean_upload(upload))
            except forms.ValidationError as error:
                errors.append(error)
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class AttachmentsForm(StepForm):
    step = "review"
    files = AttachmentsField(
        label=_("Photos or scans (optional)"),
        required=False,
        help_text=_("A photo of the letter or the reply, say. JPEG, PNG or PDF, up to 10 MB each."),
    )

    @property
    def question(self) -> str:
        return _("Check and send")


STEP_FORMS: dict[str, type[StepForm]] = {
    form.step: form
    for form in (WhatForm, WhomForm, WhenForm, OutcomeForm, ReplyForm, AttachmentsForm)
}

# Every answer the wizard carries from step to step; anything else posted is dropped.
ANSWER_FIELDS = [
    "what",
    "q",
    "addressee",
    "addressee_new",
    "when",
    "day",
    "month",
    "year",
    "channel",
    "outcome",
    "reason",
    "place",
    "details",
    "reply_due_on",
]


def steps_for(what: str | None) -> list[str]:
    """The questions for what was done; until that is known, only the first."""
    if what not in Action.values:
        return ["what"]
    steps = ["what"]
    if what in ADDRESSED:
        steps.append("whom")
    steps += ["when", "outcome"]
    if what in CONTACTS:
        steps.append("reply")
    return [*steps, "review"]


def carried(data: Mapping) -> dict[str, str]:
    """The answers in posted data, one string each, cut to a sane length."""
    answers = {}
    for name in ANSWER_FIELDS:
        value = data.get(name)
        if isinstance(value, str) and value:
            answers[name] = value[:5000]
    return answers


class Wizard:
    """The answers so far, and the forms of each step built on them.

    `data` is what was posted (or kept while the relative signed in again); `files` only
    reaches the last step, where the attachments are chosen.
    """

    def __init__(self, data: Mapping, files: Mapping | None = None) -> None:
        self.data = carried(data)
        self.files = files
        self.steps = steps_for(self.data.get("what"))

    def form(self, step: str, *, bound: bool, known: Mapping) -> StepForm:
        form_class = STEP_FORMS[step]
        if bound:
            return form_class(self.data, self.files if step == "review" else None, known=known)
        return form_class(initial=self.data, known=known)

    def check(self, steps: Iterable[str]) -> tuple[StepForm | None, dict]:
        """Check the given steps in order: the first invalid form, or None and all answers."""
        known: dict = {}
        for step in steps:
            form = self.form(step, bound=True, known=known)
            if not form.is_valid():
                return form, known
            known.update(form.cleaned_data)
        return None, known

    def all_forms(self, steps: Iterable[str], *, bound: bool) -> tuple[list[StepForm], dict, bool]:
        """Every form of the given steps (the edit page shows them together): the forms, the
        answers of the valid ones, and whether all are valid."""
        known: dict = {"what": self.data.get("what")}
        forms, valid = [], True
        for step in steps:
            form = self.form(step, bound=bound, known=dict(known))
            if bound:
                if form.is_valid():
                    known.update(form.cleaned_data)
                else:
                    valid = False
            forms.append(form)
        return forms, known, valid

    def before(self, step: str) -> list[str]:
        return self.steps[: self.steps.index(step)] if step in self.steps else []

    def previous(self, step: str) -> str:
        earlier = self.before(step)
        return earlier[-1] if earlier else self.steps[0]

    def following(self, step: str) -> str:
        at = self.steps.index(step) if step in self.steps else -1
        return self.steps[min(at + 1, len(self.steps) - 1)]

    def hidden(self, form: StepForm) -> list[tuple[str, str]]:
        """The carried answers that the shown form does not display itself."""
        return [(name, value) for name, value in self.data.items() if name not in form.fields]


def answers_from(known: Mapping) -> Answers:
    """The checked answers of every step, as the services take them."""
    return Answers(
        what=known["what"],
        date_precision=known["date_precision"],
        date_start=known["date_start"],
        institution=known.get("institution"),
        official=known.get("official"),
        addressee_as_given=known.get("addressee_as_given", ""),
        channel=known.get("channel", ""),
        outcome=known.get("outcome", ""),
        reason=known.get("reason", "").strip(),
        details=known.get("details", "").strip(),
        place=known.get("place", "").strip(),
        reply_due_on=known.get("reply_due_on"),
    )


def data_from(answers: Answers) -> dict[str, str]:
    """The answers as the forms post them: what the edit form starts from."""
    data = {
        "what": answers.what,
        "addressee_new": answers.addressee_as_given,
        "channel": answers.channel,
        "outcome": answers.outcome,
        "reason": answers.reason,
        "details": answers.details,
        "place": answers.place,
        "reply_due_on": answers.reply_due_on.isoformat() if answers.reply_due_on else "",
    }
    chosen = answers.official or answers.institution
    if chosen is not None:
        data["addressee"] = _addressee_value(chosen)
    start, precision = answers.date_start, answers.date_precision
    if start is not None:
        if precision in MONTH_PRECISIONS:
            data.update(when=precision, month=str(start.month), year=str(start.year))
        elif precision == DatePrecision.DAY:
            data.update(when="day", day=start.isoformat())
        else:
            # Staff may have set a precision the form does not offer; "about" keeps the day.
            data.update(when="approximate", day=start.isoformat())
    return {name: value for name, value in data.items() if value}


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("What should be corrected?"),
        max_length=5000,
        help_text=_("Say what is wrong and what is right. Staff will read it and reply."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
