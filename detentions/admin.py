"""The staff side: NGO staff enter and check whole cases here.

campaigns/admin.py extends the event page with who took part; nothing here knows about campaigns.
"""

import datetime
from collections.abc import Iterable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.contrib.admin.utils import flatten_fieldsets, lookup_spawns_duplicates, unquote
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import smart_split
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from detentions.duplicates import DuplicateCheckForm
from detentions.forms import CitationsFormSet
from detentions.models import (
    AccessAttempt,
    CampaignAction,
    Case,
    Charge,
    Citation,
    ConsularVisit,
    Detainee,
    Event,
    EventKind,
    Facility,
    Institution,
    LegalProceeding,
    Official,
    OfficialContact,
    ReportedFigure,
    Source,
    StatusChange,
)
from detentions.signals import deleting_in_admin


class SuperuserDeletes:
    """For every admin page and inline: only superusers delete for good (staff archive cases,
    people and events on the staff pages instead, where nothing is lost). Each delete is
    announced first (`deleting_in_admin`), so that the access log says who deleted what, when.
    """

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def log_deletions(self, request: HttpRequest, queryset):
        # The delete page and the "delete selected" action both call this before deleting.
        records = list(queryset)
        deleting_in_admin.send(sender=self.model, user=request.user, records=records)
        return super().log_deletions(request, records)

    def save_formset(self, request, form, formset, change) -> None:
        # Rows ticked "Delete" on an inline are deleted by the formset's save.
        doomed = [f.instance for f in formset.deleted_forms if f.instance.pk is not None]
        if doomed:
            deleting_in_admin.send(sender=formset.model, user=request.user, records=doomed)
        super().save_formset(request, form, formset, change)


# Django's search asks the database to match every word against every search field, row by
# row. On the benchmark's million events, a paragraph of 200 words pasted into the event list's
# box kept it busy for 75 s, ten words for 7 s, eight for 2.5 to 3 s. And SQLite refuses a
# pattern over 50,000 bytes outright.
ADMIN_SEARCH_MAX_WORDS = 8
ADMIN_SEARCH_MAX_LENGTH = 200


def admin_search_refused(term: str) -> str | None:
    """Why a search typed into an admin list is not run, or None when it is run."""
    if len(term) > ADMIN_SEARCH_MAX_LENGTH:
        return gettext("Search for at most %(limit)d characters: this search has %(count)d.") % {
            "limit": ADMIN_SEARCH_MAX_LENGTH,
            "count": len(term),
        }
    # Counted as Django splits them: a phrase in quotes is one.
    words = sum(1 for _word in smart_split(term))
    if words > ADMIN_SEARCH_MAX_WORDS:
        return ngettext(
            "Search for at most %(limit)d words, or put a phrase in quotes: this search has "
            "%(count)d words.",
            "Search for at most %(limit)d words, or put a phrase in quotes: this search has "
            "%(count)d words.",
            words,
        ) % {"limit": ADMIN_SEARCH_MAX_WORDS, "count": words}
    return None


class BoundedSearch:
    """For every admin list with a search box: a search too long to run finds nothing, and the
    list says why above it; the box keeps what was typed. Autocomplete boxes search through
    the same method, and find nothing too."""

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        if admin_search_refused(search_term):
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        refused = admin_search_refused(request.GET.get(SEARCH_VAR, ""))
        if refused:
            messages.error(request, refused)
        return super().changelist_view(request, extra_context)


def names_a_record(field: models.Field, value: str) -> bool:
    """Whether `value` could be a value of `field` (a record number that is a number, and one
    the database can hold), before anything is looked up by it."""
    try:
        field.clean(value, None)
    except ValidationError:
        return False
    return True


class ForgivingAutocomplete:
    """An autocomplete box sent back with a value that can name no record (letters, more
    digits than the database holds: a forged form) shows nothing chosen, and its field says
    the choice is not valid. Django's own box looks such a value up as it is, and fails."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        opts = remote.model._meta
        to_field = opts.get_field(getattr(remote, "field_name", None) or opts.pk.name)
        return super().optgroups(name, [v for v in value if names_a_record(to_field, v)], attr)


class ForgivingAutocompleteSelect(ForgivingAutocomplete, AutocompleteSelect):
    pass


class ForgivingAutocompleteSelectMultiple(ForgivingAutocomplete, AutocompleteSelectMultiple):
    pass


class OffersVisibleChoices:
    """For every admin page and inline whose form offers records of a case (a case, a detainee,
    an event, a relative...): it offers those of the cases the user may see only, so a case
    worker limited to their organisation's cases is neither shown another case's records nor
    able to send one back. Autocomplete boxes search through the same limit (Django asks the
    offered model's page, `CaseBoundAdmin.get_queryset`) and forgive forged values."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._offered(db_field, request, kwargs, ForgivingAutocompleteSelect)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._offered(db_field, request, kwargs, ForgivingAutocompleteSelectMultiple)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _offered(self, db_field, request: HttpRequest, kwargs: dict, autocomplete: type) -> dict:
        using = kwargs.get("using")
        offered_admin = self.admin_site._registry.get(db_field.remote_field.model)
        if "queryset" not in kwargs and isinstance(offered_admin, CaseBoundAdmin):
            # In the order the offered model's page lists them, as Django would offer them.
            queryset = self.get_field_queryset(using, db_field, request)
            if queryset is None:
                queryset = db_field.remote_field.model._default_manager.using(using)
            kwargs["queryset"] = offered_admin.visible(request, queryset)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = autocomplete(db_field, self.admin_site, using=using)
        return kwargs


class CaseBoundAdmin(OffersVisibleChoices):
    """For every admin page and inline of a case's records: a case worker limited to their
    organisation's cases sees the records of those cases only, as on the staff pages; another
    case's record is not found (its existence is not revealed). Superusers and staff who are
    not limited see every record. Which cases a user may see, the admin site says
    (config/admin.py): it knows of organisations, this app does not."""

    # The lookup from a record to its case: "case", "event__case", "pk" for a case itself.
    # None for records of no case yet, which only staff who see every case may read.
    case_path: str | None

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.visible(request, super().get_queryset(request))

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        # As on the change page: without the permission, 403 before any record is looked up.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def visible_cases(self, request: HttpRequest) -> QuerySet[Case]:
        cases = self.admin_site.cases_limit(request.user)
        return Case.objects.all() if cases is None else cases

    def visible(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        """The records of `queryset` that the user may see."""
        cases = self.admin_site.cases_limit(request.user)
        if cases is None:
            return queryset
        return queryset.filter(self.of_cases(cases))

    def of_cases(self, cases: QuerySet[Case]) -> Q:
        """The condition that keeps this model's records of `cases`."""
        if self.case_path is None:
            return Q(pk__in=[])
        condition = Q(**{f"{self.case_path}__in": cases})
        if lookup_spawns_duplicates(self.model._meta, self.case_path):
            # Through a many-to-many (a relative's cases): each record once, however many match.
            return Q(pk__in=self.model._default_manager.filter(condition).values("pk"))
        return condition


# Links typed without a scheme are read as https, as Django 6 will; saying so avoids its warning.
HTTPS_BY_DEFAULT = {models.URLField: {"assume_scheme": "https"}}

OTHER_CASE = _("Choose only detainees and charges of this case.")


def belong_to_other_case(items: Iterable[models.Model], case_id: int | None) -> bool:
    return case_id is not None and any(item.case_id != case_id for item in items)


def in_model_order(queryset: QuerySet) -> QuerySet:
    """Counting groups rows, which drops the model's default order; autocomplete pages need it."""
    return queryset.order_by(*queryset.model._meta.ordering)


def offer_case_choices(field: forms.ModelMultipleChoiceField, case_id: int | None) -> None:
    """Offer one case's detainees or charges; while the case is not known, say whose each is."""
    if case_id is not None:
        field.queryset = field.queryset.filter(case_id=case_id)
    else:
        field.queryset = field.queryset.select_related("case")
        field.label_from_instance = lambda item: f"{item.case} · {item}"


class AdminDuplicateCheckForm(DuplicateCheckForm):
    def duplicates_message(self) -> str:
        opts = self._meta.model._meta
        listed = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({})</li>',
            (
                (
                    reverse(admin_urlname(opts, "change"), args=[match.record.pk]),
                    match.record,
                    _("matched as “%(spelling)s”") % {"spelling": match.spelling},
                )
                for match in self.likely
            ),
        )
        return format_html("{}<ul>{}</ul>", super().duplicates_message(), listed)


class LikelyDuplicatesAdmin(
    OffersVisibleChoices, SuperuserDeletes, BoundedSearch, admin.ModelAdmin
):
    """For people and bodies: an add page lists the records already there under a similar
    name and saves nothing until "None of these" is ticked; a change page links to merging a
    duplicate into the record (the staff merge page)."""

    form = AdminDuplicateCheckForm
    change_form_template = "admin/change_form_with_merge.html"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not change:
            candidates = self.model._default_manager.all()
            if isinstance(self, CaseBoundAdmin):
                # People of cases the user may not see are not offered as likely the same.
                candidates = self.visible(request, candidates)
            form.duplicate_candidates = candidates
        return form

    def get_fieldsets(self, request: HttpRequest, obj: models.Model | None = None) -> list:
        # The tick box goes last, and only on the add page.
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != "confirm_new"]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is None and "confirm_new" not in flatten_fieldsets(fieldsets):
            fieldsets.append((None, {"fields": ["confirm_new"]}))
        return fieldsets


# What the lists of the largest tables share: a million events, a hundred thousand people.


class CaseFilter(admin.SimpleListFilter):
    """The records of one case, as the case's page links to them (`?case=<id>`). Only the case
    chosen is named: a list of every case would run to thousands of lines, and a limited case
    worker's must not name another organisation's case. A case they may not see lists nothing,
    as one that does not exist."""

    title = _("case")
    parameter_name = "case"

    def lookups(self, request: HttpRequest, model_admin: CaseBoundAdmin) -> list:
        case = self.chosen_case(request, model_admin)
        return [(str(case.pk), case.title)] if case else []

    def has_output(self) -> bool:
        # Also for a case not found: its filter must still apply, and find nothing.
        return self.value() is not None

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() is None:
            return queryset
        if not names_a_record(Case._meta.pk, self.value()):
            # As for any filter given a value of the wrong kind: Django says the address is wrong.
            raise IncorrectLookupParameters(self.value())
        return queryset.filter(case_id=self.value())

    def chosen_case(self, request: HttpRequest, model_admin: CaseBoundAdmin) -> Case | None:
        if self.value() is None or not names_a_record(Case._meta.pk, self.value()):
            return None
        return model_admin.visible_cases(request).filter(pk=self.value()).first()


class YearFilter(admin.SimpleListFilter):
    """The years of a date, newest first, in place of Django's date hierarchy: the hierarchy
    reads the whole list for the years in it and for its first and last date, and again for
    each search (a million events: seconds). The years offered run from the first date
    recorded, which a subclass finds without reading every row, to this one: nothing is dated
    in the future."""

    date_field: str

    def __init__(self, request, params, model, model_admin) -> None:
        self.title = model._meta.get_field(self.date_field).verbose_name
        # The hierarchy's own parameter: links to a year made before keep working.
        self.parameter_name = f"{self.date_field}__year"
        super().__init__(request, params, model, model_admin)

    def first_date(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> datetime.date | None:
        raise NotImplementedError

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        first = self.first_date(request, model_admin)
        if first is None:
            return []
        years = range(timezone.localdate().year, first.year - 1, -1)
        return [(str(year), str(year)) for year in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() is None:
            return queryset
        try:
            start = datetime.date(int(self.value()), 1, 1)
            end = start.replace(year=start.year + 1)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error
        # A range, not `__year`: an index on the date can serve it.
        return queryset.filter(**{f"{self.date_field}__gte": start, f"{self.date_field}__lt": end})


class EstimatedCountPaginator(Paginator):
    """Counts an unfiltered list from the database's statistics once its table is large: an
    exact count reads every row (the million events: a tenth of a second for each page, and
    growing). A narrowed list (one case, a filter, a search, a limited case worker's cases) is
    counted exactly. The list says when its number is an estimate (`pagination.html`)."""

    estimate_above = 100_000
    is_estimate = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not queryset.query.where:
            estimate = estimated_rows(queryset.model, queryset.db)
            if estimate > self.estimate_above:
                self.is_estimate = True
                return estimate
        return super().count


def estimated_rows(model: type[models.Model], using: str) -> int:
    """The number of rows PostgreSQL's planner believes the model's table has, kept up to date
    by autovacuum; -1 on other databases, or before the table is first analysed."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return -1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
        )
        row = cursor.fetchone()
    return int(row[0]) if row else -1


# Cases and the people in them.


class DetaineeInline(CaseBoundAdmin, SuperuserDeletes, admin.TabularInline):
    model = Detainee
    case_path = "case"
    fields = [
        "reference",
        "name_latin",
        "name_display",
        "status",
        "facility",
        "whereabouts_confirmed_on",
    ]
    show_change_link = True
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Every row offers the same facilities: read them once, not once per detainee.
        facility = formset.form.base_fields["facility"]
        facility.choices = list(facility.choices)
        return formset


class ChargeInline(CaseBoundAdmin, SuperuserDeletes, admin.TabularInline):
    model = Charge
    case_path = "case"
    fields = ["offence", "legal_article"]
    show_change_link = True
    extra = 1


class EventInline(CaseBoundAdmin, SuperuserDeletes, admin.TabularInline):
    model = Event
    case_path = "case"
    fields = [
        "kind",
        "date_precision",
        "date_start",
        "date_end",
        "title",
        "is_public",
        "verification",
    ]
    # New events start as reported: only the event page, with its sources, can verify one.
    readonly_fields = ["verification"]
    show_change_link = True
    extra = 1


@admin.register(Case)
class CaseAdmin(CaseBoundAdmin, SuperuserDeletes, BoundedSearch, admin.ModelAdmin):
    case_path = "pk"  # a case is its own
    list_display = [
        "title",
        "began",
        "detaining_country",
        "status",
        "people_count",
        "held_count",
        "whereabouts_unknown_count",
        "is_published",
    ]
    list_filter = [
        "is_published",
        "detaining_country",
        "detainees_country",
        ("archived_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["title", "summary", "location"]
    date_hierarchy = "began_on"
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "title",
        "slug",
        "summary",
        "location",
        ("began_on", "began_on_precision"),
        ("detaining_country", "detainees_country"),
        "is_published",
        "internal_notes",
    ]
    # A new case's first people and events go in with it. Once saved, its page links to the
    # lists of its people and events instead (get_inlines): a case can have thousands, and a
    # form row for each made the page unusable (24,853 events: 100 MB, minutes). Its charges
    # stay: a case has a few.
    inlines = [DetaineeInline, ChargeInline, EventInline]
    change_inlines = [ChargeInline]
    # The latest events shown in the page's timeline; the event list has every one.
    timeline_length = 50

    def get_inlines(self, request: HttpRequest, obj: Case | None) -> list:
        return self.inlines if obj is None else self.change_inlines

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        cases = super().get_queryset(request).with_status(public_only=False)
        return in_model_order(cases.with_people_counts())

    def save_model(self, request: HttpRequest, obj: Case, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            self.admin_site.case_added(request.user, obj)

    @admin.display(description=_("began"), ordering="began_on")
    def began(self, case: Case) -> str:
        return str(case.began)

    @admin.display(description=_("status"), ordering="derived_status")
    def status(self, case: Case) -> str:
        return case.status_label

    @admin.display(description=_("people"), ordering="people_count")
    def people_count(self, case: Case) -> int:
        return case.people_count

    @admin.display(description=_("held"), ordering="held_count")
    def held_count(self, case: Case) -> int:
        return case.held_count

    @admin.display(description=_("whereabouts unknown"), ordering="whereabouts_unknown_count")
    def whereabouts_unknown_count(self, case: Case) -> int:
        return case.whereabouts_unknown_count

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, unquote(object_id))
        if case is not None:
            # Staff check the record here: internal and unverified events included. The end
            # of the timeline, read backwards from its index, and shown in date order.
            latest = (
                Event.objects.filter(case=case)
                .in_date_order()
                .reverse()
                .with_details()
                .with_sources(public_only=False)
                .with_people()
            )
            extra_context = {
                **(extra_context or {}),
                "timeline": list(latest[: self.timeline_length])[::-1],
                "event_count": case.events.count(),
                "detainee_count": case.detainees.count(),
                "event_kinds": EventKind.choices,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is Event:
            for event_form in formset.extra_forms:
                event_form.instance.recorded_by = request.user
        super().save_formset(request, form, formset, change)


@admin.register(Detainee)
class DetaineeAdmin(CaseBoundAdmin, LikelyDuplicatesAdmin):
    case_path = "case"
    list_display = ["reference", "name_latin", "case", "status", "facility", "name_display"]
    list_select_related = ["case", "facility"]
    list_filter = [
        CaseFilter,
        "status",
        ("facility", admin.EmptyFieldListFilter),
        "name_display",
        ("archived_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["reference", "name_latin", "name_original", "home_region", "case__title"]
    autocomplete_fields = ["case", "facility"]


class ChargeForm(forms.ModelForm):
    def clean(self) -> dict:
        cleaned = super().clean()
        case = cleaned.get("case")
        if case and belong_to_other_case(cleaned.get("detainees", ()), case.pk):
            self.add_error("detainees", OTHER_CASE)
        return cleaned


@admin.register(Charge)
class ChargeAdmin(CaseBoundAdmin, SuperuserDeletes, BoundedSearch, admin.ModelAdmin):
    case_path = "case"
    form = ChargeForm
    list_display = ["offence", "legal_article", "case", "detainee_count"]
    list_select_related = ["case"]
    search_fields = ["offence", "legal_article", "case__title"]
    autocomplete_fields = ["case"]
    filter_horizontal = ["detainees"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return in_model_order(
            super().get_queryset(request).annotate(detainee_count=Count("detainees"))
        )

    @admin.display(description=_("detainees"), ordering="detainee_count")
    def detainee_count(self, charge: Charge) -> str:
        return str(charge.detainee_count or _("the whole case"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        offer_case_choices(form.base_fields["detainees"], obj.case_id if obj else None)
        return form


# Places and bodies.


@admin.register(Facility)
class FacilityAdmin(LikelyDuplicatesAdmin):
    list_display = ["name", "kind", "town", "region", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "town", "region"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Institution)
class InstitutionAdmin(LikelyDuplicatesAdmin):
    formfield_overrides = HTTPS_BY_DEFAULT
    list_display = ["name", "short_name", "kind", "country", "parent"]
    list_select_related = ["parent"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Official)
class OfficialAdmin(LikelyDuplicatesAdmin):
    list_display = ["name", "role", "institution", "in_office_from", "in_office_until"]
    list_select_related = ["institution"]
    list_filter = ["institution__kind"]
    search_fields = ["name", "name_original", "role", "institution__name"]
    autocomplete_fields = ["institution"]


# The timeline.


class SourceYearFilter(YearFilter):
    date_field = "published_on"

    def first_date(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> datetime.date | None:
        # Read once, not again for each search as the date hierarchy did.
        return model_admin.get_queryset(request).aggregate(first=Min("published_on"))["first"]


@admin.register(Source)
class SourceAdmin(CaseBoundAdmin, SuperuserDeletes, BoundedSearch, admin.ModelAdmin):
    case_path = "citations__event__case"
    formfield_overrides = HTTPS_BY_DEFAULT
    list_display = ["title", "kind", "outlet", "published_on", "is_public"]
    list_select_related = ["outlet"]
    list_filter = ["kind", "is_public", SourceYearFilter]
    search_fields = ["title", "url", "outlet__name"]
    autocomplete_fields = ["outlet"]

    def of_cases(self, cases: QuerySet[Case]) -> Q:
        # A source no event cites yet belongs to no case: whoever added it must find it to
        # cite it. One cited only in other cases' events stays out of sight.
        uncited = ~Exists(Citation.objects.filter(source=OuterRef("pk")))
        return super().of_cases(cases) | uncited


class CitationInline(CaseBoundAdmin, SuperuserDeletes, admin.TabularInline):
    model = Citation
    case_path = "event__case"
    formset = CitationsFormSet
    fields = ["source", "confidence", "locator"]
    autocomplete_fields = ["source"]
    extra = 1


class DetailFormSet(BaseInlineFormSet):
    """Details may name only detainees and charges of their own event's case."""

    def clean(self) -> None:
        super().clean()
        # The parent form has been cleaned by now, so this is the case chosen on the page.
        case_id = self.instance.case_id
        # Every many-to-many of a detail names detainees or charges, which belong to a case.
        names = [field.name for field in self.model._meta.many_to_many]
        for form in self.forms:
            for name in names:
                if belong_to_other_case(form.cleaned_data.get(name, ()), case_id):
                    form.add_error(name, OTHER_CASE)


class DetailInline(CaseBoundAdmin, SuperuserDeletes, admin.StackedInline):
    """An event's typed details: exactly one, required, for the kinds that have details."""

    case_path = "event__case"
    formset = DetailFormSet
    min_num = 1
    max_num = 1
    extra = 0
    can_delete = False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        case_id = obj.case_id if obj is not None and obj.pk else None
        for name in self.filter_horizontal:
            offer_case_choices(formset.form.base_fields[name], case_id)
        return formset


class StatusChangeInline(DetailInline):
    model = StatusChange
    filter_horizontal = ["detainees"]


class LegalProceedingInline(DetailInline):
    model = LegalProceeding
    autocomplete_fields = ["court"]
    filter_horizontal = ["charges", "detainees"]


class ConsularVisitInline(DetailInline):
    model = ConsularVisit
    autocomplete_fields = ["consul", "consulate", "facility"]
    filter_horizontal = ["detainees_seen"]


class AccessAttemptInline(DetailInline):
    model = AccessAttempt
    autocomplete_fields = ["facility", "decided_by"]
    filter_horizontal = ["detainees"]


class OfficialContactInline(DetailInline):
    model = OfficialContact
    autocomplete_fields = ["institution", "official", "referred_to"]


class CampaignActionInline(DetailInline):
    model = CampaignAction
    autocomplete_fields = ["target", "outlet"]


class ReportedFigureInline(DetailInline):
    model = ReportedFigure


DETAIL_INLINES = {
    inline.model.kind: inline
    for inline in [
        StatusChangeInline,
        LegalProceedingInline,
        ConsularVisitInline,
        AccessAttemptInline,
        OfficialContactInline,
        CampaignActionInline,
        ReportedFigureInline,
    ]
}


class EventYearFilter(YearFilter):
    date_field = "date_start"

    def first_date(self, request: HttpRequest, model_admin: CaseBoundAdmin) -> datetime.date | None:
        # No index starts with the date, so the smallest of all would read every event; each
        # case's first is the first entry of its timeline index: one read per case.
        firsts = Event.objects.filter(case=OuterRef("pk"), date_start__isnull=False)
        first = firsts.order_by("date_start").values("date_start")[:1]
        return model_admin.visible_cases(request).aggregate(first=Min(Subquery(first)))["first"]


@admin.register(Event)
class EventAdmin(CaseBoundAdmin, SuperuserDeletes, BoundedSearch, admin.ModelAdmin):
    case_path = "case"
    list_display = ["title", "date", "kind", "case", "source_count", "is_public", "verification"]
    list_select_related = ["case"]
    # Every choice is known without reading the events.
    list_filter = [
        CaseFilter,
        EventYearFilter,
        "kind",
        "verification",
        "is_public",
        "shared_with_family",
        ("archived_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["title", "description", "case__title"]
    autocomplete_fields = ["case"]
    paginator = EstimatedCountPaginator
    # Each would read every event again: the total beside a filtered count, and the counts
    # beside each filter's choices.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    fields = [
        "case",
        "kind",
        ("date_precision", "date_start", "date_end"),
        "title",
        "description",
        ("is_public", "shared_with_family"),
        "verification",
        "recorded_by",
    ]
    readonly_fields = ["recorded_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # A subquery, run for the rows shown only; a join grouped by event made every query of
        # the list (its rows, its count) group the million events first.
        citations = Citation.objects.filter(event=OuterRef("pk")).order_by().values("event")
        counted = citations.annotate(count=Count("pk")).values("count")
        return super().get_queryset(request).annotate(source_count=Coalesce(Subquery(counted), 0))

    def get_ordering(self, request: HttpRequest) -> list:
        # One case's events in timeline order, as its timeline index keeps them; the events
        # of every case the newest changes first, as the feeds' index keeps them. Date order
        # across cases has no index: each page sorted the million events (most of a second).
        if request.GET.get(CaseFilter.parameter_name):
            return Event._meta.ordering
        return ["-updated_at", "-id"]

    @admin.display(description=_("date"), ordering="date_start")
    def date(self, event: Event) -> str:
        return str(event.date)

    @admin.display(description=_("sources"), ordering="source_count")
    def source_count(self, event: Event) -> int:
        return event.source_count

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "event_kinds": EventKind.choices}
        return super().changelist_view(request, extra_context)

    def kind_on_page(self, request: HttpRequest, obj: Event | None) -> str | None:
        """The kind whose details this page edits: the saved kind, or the kind asked for on add.

        An add page is opened with ?kind=..., which stays in the address it posts back to. If the
        kind chosen on the page is another, the page showed no form for its details, so none are
        required: the event is saved first and its details entered on its change page.
        """
        if obj is not None and obj.pk:
            return obj.kind
        kind = request.GET.get("kind")
        if request.method == "POST" and request.POST.get("kind") != kind:
            return None
        return kind if kind in EventKind.values else None

    def get_inlines(self, request: HttpRequest, obj: Event | None) -> list:
        detail = DETAIL_INLINES.get(self.kind_on_page(request, obj))
        return [detail, CitationInline] if detail else [CitationInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Event | None = None) -> list[str]:
        # Details are stored per kind; changing the kind would orphan them.
        if obj is not None:
            return [*self.readonly_fields, "kind"]
        return self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not change and request.GET.get("kind") not in EventKind.values:
            form.base_fields["kind"].help_text = _(
                "Choose the kind, then “Save and continue editing” to enter its details."
            )
        return form

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
