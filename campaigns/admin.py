"""The people who campaign, and who took part in each event.

The event page gains a participants section here by replacing the registered event admin with a
subclass, the way projects extend the user admin: campaigns builds on detentions, never the reverse.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from campaigns.models import PARTICIPATION_KINDS, Kinship, Organisation, Participation, Relative
from detentions.admin import HTTPS_BY_DEFAULT, EventAdmin
from detentions.models import Event


class KinshipInline(admin.TabularInline):
    model = Kinship
    fields = ["case", "detainee", "relationship"]
    autocomplete_fields = ["case", "detainee"]
    extra = 1


@admin.register(Relative)
class RelativeAdmin(admin.ModelAdmin):
    list_display = ["full_name", "name_display", "preferred_language", "case_titles"]
    list_filter = ["name_display", "preferred_language"]
    search_fields = ["given_name", "family_name", "name_original", "phone", "email"]
    fieldsets = [
        (None, {"fields": ["given_name", "family_name", "name_original", "name_display"]}),
        (
            _("Contact: never public"),
            {"fields": ["phone", "email", "messenger", "address", "preferred_language"]},
        ),
        (None, {"fields": ["consent_notes"]}),
    ]
    inlines = [KinshipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("cases")

    @admin.display(description=_("name"), ordering="family_name")
    def full_name(self, relative: Relative) -> str:
        return relative.full_name

    @admin.display(description=_("cases"))
    def case_titles(self, relative: Relative) -> str:
        return ", ".join(sorted({case.title for case in relative.cases.all()}))


@admin.register(Kinship)
class KinshipAdmin(admin.ModelAdmin):
    list_display = ["relative", "relationship", "detainee", "case"]
    list_select_related = ["relative", "detainee", "case"]
    list_filter = ["relationship"]
    search_fields = ["relative__given_name", "relative__family_name", "case__title"]
    autocomplete_fields = ["relative", "case", "detainee"]
    ordering = ["case", "relative"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_BY_DEFAULT
    list_display = ["name", "country", "institution", "website"]
    list_select_related = ["institution"]
    list_filter = ["country"]
    search_fields = ["name"]
    autocomplete_fields = ["institution"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["event", "event_kind", "relative", "organisation", "spokesperson"]
    list_select_related = ["event", "relative", "organisation"]
    list_filter = ["event__kind"]
    search_fields = [
        "event__title",
        "relative__given_name",
        "relative__family_name",
        "organisation__name",
        "spokesperson",
    ]
    autocomplete_fields = ["event", "relative", "organisation"]
    ordering = ["-event__date_start", "-id"]

    @admin.display(description=_("kind"), ordering="event__kind")
    def event_kind(self, participation: Participation) -> str:
        return participation.event.get_kind_display()


class ParticipationInline(admin.TabularInline):
    model = Participation
    fields = ["relative", "organisation", "spokesperson"]
    autocomplete_fields = ["relative", "organisation"]
    extra = 1


admin.site.unregister(Event)


@admin.register(Event)
class EventWithParticipantsAdmin(EventAdmin):
    def get_inlines(self, request: HttpRequest, obj: Event | None) -> list:
        inlines = super().get_inlines(request, obj)
        if self.kind_on_page(request, obj) in PARTICIPATION_KINDS:
            return [*inlines, ParticipationInline]
        return inlines
