"""Staff forms for case work: one page per event with its details and citations, detainees,
sources. Model `clean()` errors land next to their fields through the ModelForms."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.forms import inlineformset_factory, modelform_factory
from django.forms.formsets import TOTAL_FORM_COUNT
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns.staff_selectors import SOURCES_OFFERED, SourceShortlist, source_shortlist
from detentions.duplicates import DuplicateCheckForm
from detentions.forms import CitationsFormSet
from detentions.models import Case, Citation, Detainee, Event, EventKind, Source
from detentions.models.timeline import DETAIL_ACCESSORS


def staff_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """Native date pickers and tick boxes: quick on a phone, no JavaScript needed."""
    if isinstance(db_field, models.DateField):
        kwargs["widget"] = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    elif isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    elif isinstance(db_field, models.ManyToManyField):
        kwargs["widget"] = forms.CheckboxSelectMultiple
    return db_field.formfield(**kwargs)


class VersionedForm(forms.ModelForm):
    """Carries the version the record was read at, so a save can tell if someone saved since."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True


class EventForm(VersionedForm):
    class Meta:
        model = Event
        fields = [
            "date_precision",
            "date_start",
            "date_end",
            "title",
            "description",
            "is_public",
            "shared_with_family",
            "verification",
        ]
        formfield_callback = staff_formfield


def detail_model(kind: str) -> type[models.Model] | None:
    """The model holding a kind's details, as the event's reverse one-to-one names it."""
    accessor = DETAIL_ACCESSORS.get(kind)
    return Event._meta.get_field(accessor).related_model if accessor else None


def detail_form(kind: str, *, event: Event, data=None) -> forms.ModelForm | None:
    """The kind's details form; detainees and charges offered are the event's case's only."""
    model = detail_model(kind)
    if model is None:
        return None
    form_class = modelform_factory(model, exclude=["event"], formfield_callback=staff_formfield)
    instance = getattr(event, DETAIL_ACCESSORS[kind], None) or model(event=event)
    form = form_class(data, instance=instance, prefix="detail")
    for field in model._meta.many_to_many:
        choices = form.fields[field.name]
        choices.queryset = choices.queryset.filter(case_id=event.case_id)
        if field.related_model is Detainee:
            # Archived people are not offered; one already named stays, or saving would drop it.
            offered = Q(archived_at__isnull=True)
            if instance.pk is not None:
                offered |= Q(pk__in=getattr(instance, field.name).values("pk"))
            choices.queryset = choices.queryset.filter(offered)
    return form


class SourceFinderForm(forms.Form):
    """One box for every citation row: the rows' selects list a shortlist of the sources, not
    all of them (there can be tens of thousands); this lists in them those whose title contains
    what is typed. Never validated: finding saves nothing, and the text is only looked for."""

    find_source = forms.CharField(
        label=_("Find a known source by its title"), max_length=300, required=False
    )


class StaffCitationsFormSet(CitationsFormSet):
    """An event's citations on the staff event page.

    Each row's source select lists the same shortlist (`source_shortlist`, read once for all
    rows), and the source the row cites or has picked, so a form shown again drops nothing.
    Validation still accepts any of `sources` (those the staff member may cite), and only those.
    With `typed` (the page as posted when finding a source) the rows are unbound and show what
    was typed in them: nothing is checked until the page is saved.
    """

    def __init__(
        self,
        data=None,
        *,
        instance: Event,
        sources: QuerySet[Source],
        typed: QueryDict | None = None,
        **kwargs,
    ) -> None:
        super().__init__(
            data,
            instance=instance,
            prefix="citations",
            queryset=Citation.objects.select_related("source"),
            **kwargs,
        )
        # The finder is never bound: what it holds is only looked for, on every showing.
        posted = typed if typed is not None else data
        # No NUL: PostgreSQL refuses it in a query (a form field's validators would say so).
        find = (posted or {}).get(self.add_prefix("find_source"), "")[:300].replace("\x00", "")
        self.finder = SourceFinderForm(initial={"find_source": find}, prefix=self.prefix)
        if typed is not None:
            self._show_typed(typed)
        self._offer_sources(sources, case=instance.case, title_contains=find.strip())

    def _show_typed(self, typed: QueryDict) -> None:
        """Each row as typed. Rows are matched by the citation they edit, not by their place:
        a citation added or removed in the meantime moves the rows; one removed is dropped."""
        posted_rows = min(_number(typed.get(self.add_prefix(TOTAL_FORM_COUNT))) or 0, self.max_num)
        rows = [
            (typed.get(f"{self.add_prefix(i)}-id", ""), self.add_prefix(i))
            for i in range(posted_rows)
        ]
        by_citation = {pk: prefix for pk, prefix in rows if pk}
        new_rows = iter(prefix for pk, prefix in rows if not pk)
        for form in self.forms:
            if form.instance.pk is None:
                prefix = next(new_rows, None)
            else:
                prefix = by_citation.get(str(form.instance.pk))
            if prefix is not None:
                show_as_typed(form, typed, prefix=prefix)

    def _offer_sources(self, allowed: QuerySet[Source], *, case: Case, title_contains: str) -> None:
        offer = offer_sources(allowed, case=case, title_contains=title_contains)
        shortlist = offer.shortlist
        help_text = " ".join(filter(None, [offer.not_found, offer.what_is_listed]))
        self.finder.fields["find_source"].help_text = help_text
        in_shortlist = {source.pk for source in shortlist.sources}
        shortlisted = [(source.pk, str(source)) for source in shortlist.sources]
        # Besides the shortlist, a row lists the source it picked and the one it cites.
        own = {
            form: [pk for pk in (_picked_source(form), form.instance.source_id) if pk is not None]
            for form in self.forms
        }
        known = {
            form.instance.source_id: form.instance.source
            for form in self.initial_forms
            if form.instance.source_id is not None
        }
        # Picked, but neither cited nor listed: found by an earlier search. One query for every
        # row, and only sources this person may cite.
        missing = {pk for pks in own.values() for pk in pks} - in_shortlist - known.keys()
        if missing:
            known |= {source.pk: source for source in allowed.filter(pk__in=missing)}
        for form, pks in own.items():
            field = form.fields["source"]
            field.queryset = allowed
            # After the queryset: setting it resets the choices to every source it holds.
            field.widget.choices = [
                ("", field.empty_label),
                *(
                    (pk, str(known[pk]))
                    for pk in dict.fromkeys(pks)
                    if pk in known and pk not in in_shortlist
                ),
                *shortlisted,
            ]


CitationFormSet = inlineformset_factory(
    Event,
    Citation,
    formset=StaffCitationsFormSet,
    fields=["source", "confidence", "locator"],
    extra=2,
    can_delete=True,
)


def citation_formset(
    *, event: Event, sources: QuerySet[Source], data=None, typed: QueryDict | None = None
) -> StaffCitationsFormSet:
    """The event's citations, bound to `data`; or unbound, showing `typed` (see the class)."""
    return CitationFormSet(data, instance=event, sources=sources, typed=typed)


@dataclass(frozen=True)
class SourceOffer:
    """What a source select lists, and what to say of it."""

    shortlist: SourceShortlist
    what_is_listed: str  # for the select, when it does not list every source one may cite
    not_found: str  # for the find box, when its text matched nothing


def offer_sources(allowed: QuerySet[Source], *, case: Case, title_contains: str) -> SourceOffer:
    """The sources whose title contains `title_contains`, or, when it is empty or matched
    nothing, the case's shortlist: the entry review and the event page offer sources alike."""
    shortlist = source_shortlist(allowed, case=case, title_contains=title_contains)
    not_found = ""
    if title_contains and not shortlist.sources:
        not_found = _("No source you may cite has a title containing “%(text)s”.") % {
            "text": title_contains
        }
        title_contains = ""
        shortlist = source_shortlist(allowed, case=case)
    return SourceOffer(shortlist, what_is_listed(shortlist, title_contains), not_found)


def what_is_listed(shortlist: SourceShortlist, title_contains: str) -> str:
    """What the source selects list, when that is not every source one may cite. The same
    words as the entry review's select, so they are translated once."""
    if title_contains and shortlist.is_cut:
        return ngettext(
            "The first source whose title contains “%(text)s”. To see others, give more of the "
            "title.",
            "The first %(count)d sources whose title contains “%(text)s”. To see others, give "
            "more of the title.",
            SOURCES_OFFERED,
        ) % {"count": SOURCES_OFFERED, "text": title_contains}
    if title_contains:
        return _("The sources whose title contains “%(text)s”.") % {"text": title_contains}
    if shortlist.is_cut:
        return ngettext(
            "The source cited most recently in this case or not cited yet. To cite another, find "
            "it by its title.",
            "The %(count)d sources cited most recently in this case or not cited yet. To cite "
            "another, find it by its title.",
            SOURCES_OFFERED,
        ) % {"count": SOURCES_OFFERED}
    return ""


def show_as_typed(form: forms.BaseForm, typed: QueryDict, *, prefix: str | None = None) -> None:
    """Show in the unbound `form` what was posted for it (under `prefix`, by default its own)
    without validating it: a page shown again to find a source must not call fields not filled
    in yet wrong. The version typed is kept too, so a save still detects others' changes."""
    for name, field in form.fields.items():
        key = f"{prefix}-{name}" if prefix else form.add_prefix(name)
        value = field.widget.value_from_datadict(typed, {}, key)
        if value is not None:
            form.initial[name] = value


def _number(value) -> int | None:
    """A record's number or a count as posted; None for anything else, a number too long for a
    database's integer included (the page is shown again, not a server error)."""
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def _picked_source(form: forms.BaseForm) -> int | None:
    """The pk of the source picked in a citation row, as posted or shown; None for none."""
    if form.is_bound:
        return _number(form.data.get(form.add_prefix("source")))
    return _number(form.initial.get("source"))


class DetaineeForm(DuplicateCheckForm, VersionedForm):
    """A new detainee is checked against the people already recorded in the cases the staff
    member may see: the view sets `duplicate_candidates`."""

    class Meta:
        model = Detainee
        fields = [
            "reference",
            "name_latin",
            "name_original",
            "other_names",
            "name_display",
            "status",
            "facility",
            "whereabouts_confirmed_on",
            "internal_notes",
        ]
        formfield_callback = staff_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm_new"].label = _("None of these: add a new person")

    def clean_reference(self) -> str:
        # The case is not on the form, so the model's unique check would skip it.
        reference = self.cleaned_data["reference"]
        case: Case = self.instance.case
        taken = Detainee.objects.filter(case=case, reference=reference).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("Another detainee of this case has this reference."))
        return reference


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = ["title", "kind", "outlet", "url", "published_on", "is_public"]
        formfield_callback = staff_formfield


def kind_or_none(value: str | None) -> str | None:
    return value if value in EventKind.values else None
