"""Staff forms for case work: one page per event with its details and citations, detainees,
sources. Model `clean()` errors land next to their fields through the ModelForms."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.forms import BaseInlineFormSet, inlineformset_factory, modelform_factory
from django.utils.translation import gettext_lazy as _

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


CitationFormSet = inlineformset_factory(
    Event,
    Citation,
    formset=CitationsFormSet,
    fields=["source", "confidence", "locator"],
    extra=2,
    can_delete=True,
)


def citation_formset(*, event: Event, data=None) -> BaseInlineFormSet:
    formset = CitationFormSet(data, instance=event, prefix="citations")
    # Every row offers the same sources: read them once, not once per row.
    choices = list(formset.form.base_fields["source"].choices)
    for form in formset.forms:
        form.fields["source"].choices = choices
    return formset


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
