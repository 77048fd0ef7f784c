"""The people who campaign, and who took part in each event.

The event page gains a participants section here by replacing the registered event admin with a
subclass, the way projects extend the user admin: campaigns builds on detentions, never the reverse.
"""

from smtplib import SMTPException

from django import forms
from django.contrib import admin, messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat, truncatechars
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns.access_log import log_access
from campaigns.models import (
    PARTICIPATION_KINDS,
    AccessLogEntry,
    CorrectionRequest,
    Entry,
    IntakeReport,
    Invitation,
    Kinship,
    Organisation,
    Participation,
    Relative,
    StaffMember,
)
from campaigns.services import invite_relative
from detentions.admin import (
    HTTPS_BY_DEFAULT,
    BoundedSearch,
    CaseBoundAdmin,
    EventAdmin,
    LikelyDuplicatesAdmin,
    OffersVisibleChoices,
    SuperuserDeletes,
)
from detentions.models import Attachment, Case, Event


class KinshipInline(CaseBoundAdmin, SuperuserDeletes, admin.TabularInline):
    """On a relative's page: their kinships in the cases the user may see."""

    model = Kinship
    case_path = "case"
    fields = ["case", "detainee", "relationship"]
    autocomplete_fields = ["case", "detainee"]
    extra = 1


@admin.register(Relative)
class RelativeAdmin(CaseBoundAdmin, LikelyDuplicatesAdmin):
    case_path = "cases"
    list_display = ["full_name", "name_display", "preferred_language", "case_titles"]
    list_filter = ["name_display", "preferred_language"]
    search_fields = ["given_name", "family_name", "name_original", "phone", "email"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "given_name",
                    "family_name",
                    "name_original",
                    "other_names",
                    "name_display",
                ]
            },
        ),
        (
            _("Contact: never public"),
            {"fields": ["phone", "email", "messenger", "address", "preferred_language"]},
        ),
        (None, {"fields": ["consent_notes"]}),
    ]
    inlines = [KinshipInline]
    actions = ["invite", "erase"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # A relative of a case the user may see may have kin in another case too: that case is
        # neither listed beside them nor invited to.
        limit = self.admin_site.cases_limit(request.user)
        cases = Case.objects.all() if limit is None else Case.objects.filter(pk__in=limit)
        return super().get_queryset(request).prefetch_related(Prefetch("cases", queryset=cases))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # This page shows the contact details: every showing is logged, after a failed save too.
        if obj is not None and obj.pk is not None:
            log_access(user=request.user, action=AccessLogEntry.Action.VIEWED_CONTACT, record=obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description=_("Erase personal data (on their request)…"))
    def erase(self, request: HttpRequest, queryset: QuerySet) -> HttpResponseRedirect | None:
        """One relative at a time, on the staff page that shows what will go and asks to confirm."""
        relatives = list(queryset[:2])
        if len(relatives) != 1:
            self.message_user(
                request,
                _("Choose one relative: each erasure is confirmed on its own."),
                messages.WARNING,
            )
            return None
        return HttpResponseRedirect(reverse("staff:erase-relative", kwargs={"pk": relatives[0].pk}))

    @admin.action(description=_("Invite to their case(s)"))
    def invite(self, request: HttpRequest, queryset: QuerySet) -> None:
        """One invitation per case of each relative; the links are shown once, to copy."""
        for relative in queryset:
            if relative.user_id is not None:
                self.message_user(
                    request,
                    _("%(relative)s already has an account; no invitation was made.")
                    % {"relative": relative},
                    messages.WARNING,
                )
                continue
            # The cases this user may see only (get_queryset).
            cases = sorted(set(relative.cases.all()), key=lambda case: case.title)
            if not cases:
                self.message_user(
                    request,
                    _("%(relative)s is linked to no case yet; add a kinship first.")
                    % {"relative": relative},
                    messages.WARNING,
                )
            for case in cases:
                names = {"relative": relative, "case": case}
                try:
                    url = invite_relative(
                        relative=relative, case=case, invited_by=request.user, request=request
                    )
                except (SMTPException, OSError):
                    self.message_user(
                        request,
                        _(
                            "The e-mail to %(relative)s could not be sent, so no invitation to "
                            "“%(case)s” was made. Try again later."
                        )
                        % names,
                        messages.ERROR,
                    )
                    continue
                self.message_user(
                    request,
                    _(
                        "Invitation for %(relative)s to “%(case)s”, to copy (it works once, "
                        "for %(days)d days): %(url)s"
                    )
                    % (names | {"url": url, "days": Invitation.VALID_FOR.days}),
                    messages.SUCCESS,
                )

    @admin.display(description=_("name"), ordering="family_name")
    def full_name(self, relative: Relative) -> str:
        return relative.full_name

    @admin.display(description=_("cases"))
    def case_titles(self, relative: Relative) -> str:
        return ", ".join(sorted({case.title for case in relative.cases.all()}))


@admin.register(Kinship)
class KinshipAdmin(CaseBoundAdmin, SuperuserDeletes, BoundedSearch, admin.ModelAdmin):
    case_path = "case"
    list_display = ["relative", "relationship", "detainee", "case"]
    list_select_related = ["relative", "detainee", "case"]
    list_filter = ["relationship"]
    search_fields = ["relative__given_name", "relative__family_name", "case__title"]
    autocomplete_fields = ["relative", "case", "detainee"]
    ordering = ["case", "relative"]


class SaysWhoSeesWhat:
    """For organisations and staff members, which decide the cases each case worker sees: one
    limited to their organisation's cases reads them here, never changes them (nor lifts their
    own limit)."""

    def is_limited(self, request: HttpRequest) -> bool:
        return self.admin_site.cases_limit(request.user) is not None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not self.is_limited(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self.is_limited(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self.is_limited(request) and super().has_delete_permission(request, obj)


@admin.register(Organisation)
class OrganisationAdmin(
    SaysWhoSeesWhat, OffersVisibleChoices, SuperuserDeletes, BoundedSearch, admin.ModelAdmin
):
    formfield_overrides = HTTPS_BY_DEFAULT
    list_display = ["name", "country", "institution", "website"]
    list_select_related = ["institution"]
    list_filter = ["country"]
    search_fields = ["name"]
    autocomplete_fields = ["institution"]
    filter_horizontal = ["cases"]
    prepopulated_fields = {"slug": ["name"]}

    def get_exclude(self, request: HttpRequest, obj: Organisation | None = None) -> list:
        # Another organisation's cases are not for a limited case worker's eyes.
        if self.is_limited(request):
            return [*(super().get_exclude(request, obj) or []), "cases"]
        return super().get_exclude(request, obj)


@admin.register(StaffMember)
class StaffMemberAdmin(
    SaysWhoSeesWhat, OffersVisibleChoices, SuperuserDeletes, BoundedSearch, admin.ModelAdmin
):
    list_display = ["user", "organisation", "only_own_cases"]
    list_select_related = ["user", "organisation"]
    list_filter = ["only_own_cases", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Participation)
class ParticipationAdmin(CaseBoundAdmin, SuperuserDeletes, BoundedSearch, admin.ModelAdmin):
    case_path = "event__case"
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
    # The newest recorded first, in the order of the table's own key: ordering by the event's
    # date sorted every participation joined to its event for each page (most of a second).
    ordering = ["-id"]

    @admin.display(description=_("kind"), ordering="event__kind")
    def event_kind(self, participation: Participation) -> str:
        return participation.event.get_kind_display()


class ParticipationInline(CaseBoundAdmin, SuperuserDeletes, admin.TabularInline):
    model = Participation
    case_path = "event__case"
    fields = ["relative", "organisation", "spokesperson"]
    autocomplete_fields = ["relative", "organisation"]
    extra = 1


class AttachmentInline(CaseBoundAdmin, SuperuserDeletes, admin.TabularInline):
    """The files a relative sent with an event, each opened through the view that checks access.

    Read-only: files arrive through the relatives' workspace, not through the admin.
    """

    model = Attachment
    case_path = "event__case"
    fields = ["file_link", "content_type", "file_size", "uploaded_by", "created_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("uploaded_by")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("file"))
    def file_link(self, attachment: Attachment) -> str:
        url = reverse("campaigns:attachment", args=[attachment.pk])
        return format_html('<a href="{}">{}</a>', url, attachment.original_name or _("(no name)"))

    @admin.display(description=_("size"))
    def file_size(self, attachment: Attachment) -> str:
        return filesizeformat(attachment.size)


admin.site.unregister(Event)


@admin.register(Event)
class EventWithParticipantsAdmin(EventAdmin):
    def get_inlines(self, request: HttpRequest, obj: Event | None) -> list:
        inlines = super().get_inlines(request, obj)
        if self.kind_on_page(request, obj) in PARTICIPATION_KINDS:
            inlines = [*inlines, ParticipationInline]
        if obj is not None and obj.pk:
            inlines = [*inlines, AttachmentInline]
        return inlines


# What relatives and the public send: the queues staff work through.


@admin.register(IntakeReport)
class IntakeReportAdmin(CaseBoundAdmin, SuperuserDeletes, BoundedSearch, admin.ModelAdmin):
    # A report belongs to no case yet: only staff who see every case read it, as on the staff
    # pages (a limited case worker sees none).
    case_path = None
    list_display = ["created_at", "state", "who_is_held_short", "held_since", "reporter_language"]
    list_filter = ["state", "created_at", "reporter_language"]
    # Every field the reporter typed (the language is a choice, not text) and the staff notes.
    search_fields = [*IntakeReport.REPORTED_FIELDS[:-1], "staff_notes"]
    date_hierarchy = "created_at"
    # The oldest first: whoever has waited longest is read first.
    ordering = ["created_at", "id"]
    # The address hash is not editable, so it never appears: it is for the rate limit only.
    fieldsets = [
        (
            _("What was reported"),
            {"fields": ["created_at", "who_is_held", "held_where", "held_since", "what_happened"]},
        ),
        (
            _("Who reported it: never public"),
            {"fields": ["reporter_name", "reporter_contact", "reporter_language"]},
        ),
        (_("Review"), {"fields": ["state", "staff_notes"]}),
    ]
    actions = ["mark_taken_up", "mark_not_taken_up"]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The page shows how to reach whoever reported it: logged as for a relative's page.
        if obj is not None and obj.pk is not None:
            log_access(
                user=request.user,
                action=AccessLogEntry.Action.VIEWED_CONTACT,
                record=obj,
                label=obj.reporter_name,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: IntakeReport | None = None) -> list:
        # A report is kept as it was sent; staff add a report taken by phone on the add page.
        return ["created_at", *IntakeReport.REPORTED_FIELDS] if obj is not None else ["created_at"]

    @admin.display(description=_("who is held"), ordering="who_is_held")
    def who_is_held_short(self, report: IntakeReport) -> str:
        return truncatechars(report.who_is_held, 80)

    def _set_state(self, request: HttpRequest, queryset: QuerySet, state: str) -> None:
        count = queryset.update(state=state)
        label = IntakeReport.State(state).label
        self.message_user(
            request,
            ngettext(
                "%(count)d report marked “%(state)s”.",
                "%(count)d reports marked “%(state)s”.",
                count,
            )
            % {"count": count, "state": label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark as taken up"))
    def mark_taken_up(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_state(request, queryset, IntakeReport.State.ACCEPTED)

    @admin.action(description=_("Mark as not taken up"))
    def mark_not_taken_up(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_state(request, queryset, IntakeReport.State.REJECTED)


class EntryForm(forms.ModelForm):
    """Staff decline an entry here; the relative is told why, so a reason is required."""

    class Meta:
        model = Entry
        fields = ["state", "decline_reason"]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("state") == Entry.State.DECLINED and not cleaned.get("decline_reason"):
            self.add_error(
                "decline_reason", _("Say why it is not accepted: the relative will read this.")
            )
        return cleaned


def event_link(event: Event) -> str:
    url = reverse("admin:detentions_event_change", args=[event.pk])
    return format_html('<a href="{}">{}</a>', url, event.title)


@admin.register(Entry)
class EntryAdmin(CaseBoundAdmin, SuperuserDeletes, BoundedSearch, admin.ModelAdmin):
    case_path = "event__case"
    form = EntryForm
    list_display = ["relative", "event_title", "case", "review_status", "state", "submitted_at"]
    list_select_related = ["relative", "event__case"]
    list_filter = ["state", "event__verification", "event__kind", "submitted_at"]
    search_fields = [
        "event__title",
        "event__description",
        "event__case__title",
        "relative__given_name",
        "relative__family_name",
    ]
    date_hierarchy = "submitted_at"
    ordering = ["-submitted_at", "-id"]
    fields = [
        "relative",
        "event_title",
        "case",
        "review_status",
        "submitted_at",
        "state",
        "decline_reason",
    ]
    readonly_fields = ["relative", "event_title", "case", "review_status", "submitted_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Entries are what relatives logged; staff record facts as events instead.
        return False

    @admin.display(description=_("event"), ordering="event__title")
    def event_title(self, entry: Entry) -> str:
        return event_link(entry.event)

    @admin.display(description=_("case"), ordering="event__case__title")
    def case(self, entry: Entry) -> str:
        return entry.event.case.title

    @admin.display(description=_("review status"))
    def review_status(self, entry: Entry) -> str:
        return entry.review_status


class CorrectionRequestForm(forms.ModelForm):
    resolved = forms.BooleanField(label=_("resolved"), required=False)

    class Meta:
        model = CorrectionRequest
        fields = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resolved"].initial = self.instance.resolved_at is not None

    def save(self, commit: bool = True) -> CorrectionRequest:
        resolved = self.cleaned_data["resolved"]
        if resolved and self.instance.resolved_at is None:
            self.instance.resolved_at = timezone.now()
        elif not resolved:
            self.instance.resolved_at = None
        return super().save(commit)


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(CaseBoundAdmin, SuperuserDeletes, BoundedSearch, admin.ModelAdmin):
    case_path = "entry__event__case"
    form = CorrectionRequestForm
    list_display = ["text_short", "entry_event", "relative", "created_at", "resolved"]
    list_select_related = ["entry__event", "entry__relative"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = [
        "text",
        "entry__event__title",
        "entry__relative__given_name",
        "entry__relative__family_name",
    ]
    ordering = ["-created_at", "-id"]
    fields = ["entry_event", "relative", "created_at", "text", "resolved", "resolved_at"]
    readonly_fields = ["entry_event", "relative", "created_at", "text", "resolved_at"]
    actions = ["mark_resolved"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Relatives send these from their entries; staff answer them.
        return False

    @admin.display(description=_("what should be corrected"), ordering="text")
    def text_short(self, correction: CorrectionRequest) -> str:
        return truncatechars(correction.text, 80)

    @admin.display(description=_("event"), ordering="entry__event__title")
    def entry_event(self, correction: CorrectionRequest) -> str:
        return event_link(correction.entry.event)

    @admin.display(description=_("relative"), ordering="entry__relative__family_name")
    def relative(self, correction: CorrectionRequest) -> str:
        return correction.entry.relative.full_name

    @admin.display(description=_("resolved"), boolean=True, ordering="resolved_at")
    def resolved(self, correction: CorrectionRequest) -> bool:
        return correction.resolved_at is not None

    @admin.action(description=_("Mark as resolved"))
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
        self.message_user(
            request,
            ngettext(
                "%(count)d correction request marked resolved.",
                "%(count)d correction requests marked resolved.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Invitation)
class InvitationAdmin(CaseBoundAdmin, SuperuserDeletes, BoundedSearch, admin.ModelAdmin):
    """Invitations are listed, and may be cancelled; the token itself is never stored or shown.

    They are issued with the "Invite to their case(s)" action on the relatives' list, which shows
    each link once, to copy.
    """

    case_path = "case"

    list_display = ["relative", "case", "created_by", "created_at", "expires_at", "used"]
    list_select_related = ["relative", "case", "created_by"]
    list_filter = [("used_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["relative__given_name", "relative__family_name", "case__title"]
    ordering = ["-created_at", "-id"]
    fields = ["relative", "case", "created_by", "created_at", "expires_at", "used_at"]
    readonly_fields = fields
    actions = ["cancel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # An invitation made here would have no link to hand over: see RelativeAdmin.invite.
        return False

    @admin.display(description=_("used"), boolean=True, ordering="used_at")
    def used(self, invitation: Invitation) -> bool:
        return invitation.is_used

    @admin.action(description=_("Cancel: the link stops working now"))
    def cancel(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.usable().update(expires_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d invitation cancelled.", "%(count)d invitations cancelled.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(BoundedSearch, admin.ModelAdmin):
    """The access log, for superusers' eyes only, and for nobody to add to, change or delete."""

    list_display = ["at", "who", "action", "what", "detail"]
    list_filter = ["action", "at"]
    search_fields = ["username", "label", "detail"]
    date_hierarchy = "at"
    ordering = ["-at", "-id"]
    fields = ["at", "who", "action", "record_type", "object_id", "label", "detail"]
    readonly_fields = fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("who"), ordering="username")
    def who(self, entry: AccessLogEntry) -> str:
        return entry.username or str(_("a command on the server"))

    @admin.display(description=_("what"), ordering="label")
    def what(self, entry: AccessLogEntry) -> str:
        if not entry.record_type:
            return entry.label
        return _("%(kind)s no. %(number)s: %(label)s") % {
            "kind": entry.record_kind,
            "number": entry.object_id,
            "label": entry.label,
        }


# Every other page of the admin (accounts, groups, two-factor devices, login attempts) deletes
# only for superusers too, and logs it: this module is the last one the admin reads (campaigns
# comes last among the installed apps), so each page registered before is given the same rule.
def _superuser_deletes(admin_class: type) -> type:
    if issubclass(admin_class, SuperuserDeletes):
        return admin_class
    return type(admin_class.__name__, (SuperuserDeletes, admin_class), {})


for _model, _model_admin in list(admin.site._registry.items()):
    if not isinstance(_model_admin, SuperuserDeletes):
        _inlines = [_superuser_deletes(inline) for inline in type(_model_admin).inlines]
        admin.site.unregister(_model)
        admin.site.register(
            _model,
            type(
                type(_model_admin).__name__,
                (SuperuserDeletes, type(_model_admin)),
                {"inlines": _inlines},
            ),
        )
