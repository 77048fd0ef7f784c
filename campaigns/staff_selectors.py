"""Reads for the staff workspace. Each starts from the cases a staff user may see
(`cases_for_staff`), so a case worker limited to their organisation sees only its cases."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone

from campaigns.models import Entry, IntakeReport
from campaigns.staff_access import cases_for_staff
from detentions.models import (
    AccessOutcome,
    Case,
    Citation,
    ConsularVisit,
    Detainee,
    Event,
    OfficialContact,
    Source,
)
from detentions.models.cases import HELD

RECENT_CASES = 10


def sees_all_cases(user: AbstractBaseUser) -> bool:
    """Intake reports belong to no case yet: only staff who see every case review them."""
    if user.is_superuser:
        return True
    member = getattr(user, "staff_member", None)
    return member is None or not member.only_own_cases


def entries_to_review(user: AbstractBaseUser) -> QuerySet[Entry]:
    """Relatives' entries waiting for staff, oldest first."""
    return (
        Entry.objects.filter(
            state=Entry.State.SUBMITTED,
            event__verification=Event.Verification.REPORTED,
            event__archived_at__isnull=True,
            event__case__in=cases_for_staff(user),
        )
        .select_related("event__case", "relative")
        .order_by("submitted_at", "pk")
    )


def intake_to_review(user: AbstractBaseUser) -> QuerySet[IntakeReport]:
    if not sees_all_cases(user):
        return IntakeReport.objects.none()
    return IntakeReport.objects.filter(state=IntakeReport.State.NEW).order_by("created_at", "pk")


def overdue_contacts(user: AbstractBaseUser, *, today: datetime.date) -> list[OfficialContact]:
    """Letters and calls whose reply is due and has not come, longest waiting first."""
    contacts = (
        OfficialContact.objects.filter(
            event__case__in=cases_for_staff(user),
            event__archived_at__isnull=True,
            reply_due_on__lte=today,
            outcome__in=[OfficialContact.Outcome.AWAITING, OfficialContact.Outcome.NO_RESPONSE],
        )
        .select_related("event__case", "institution", "official__institution")
        .order_by(models.F("event__date_start").asc(nulls_last=True), "reply_due_on", "pk")
    )
    result = list(contacts)
    for contact in result:
        contact.days_overdue = (today - contact.reply_due_on).days
        started = contact.event.date_start or contact.reply_due_on
        contact.days_waiting = (today - started).days
    return result


def held_detainees(user: AbstractBaseUser) -> QuerySet[Detainee]:
    return (
        Detainee.objects.current()
        .filter(status__in=HELD, case__in=cases_for_staff(user))
        .select_related("case", "facility")
    )


def without_consular_access(user: AbstractBaseUser, *, today: datetime.date) -> QuerySet[Detainee]:
    """Held people no verified consular visit reached in the last N days.

    A visit that names no detainees seen counts for the whole case. People detained less than
    N days ago are not listed yet.
    """
    days = settings.CONSULAR_ACCESS_ALERT_DAYS
    since = today - datetime.timedelta(days=days)
    visits = ConsularVisit.objects.filter(
        event__case=OuterRef("case"),
        event__verification=Event.Verification.VERIFIED,
        event__archived_at__isnull=True,
        event__date_start__gte=since,
        outcome__in=[AccessOutcome.GRANTED, AccessOutcome.PARTIAL],
    ).filter(Q(detainees_seen=OuterRef("pk")) | Q(detainees_seen__isnull=True))
    return (
        held_detainees(user)
        .filter(Q(case__began_on__isnull=True) | Q(case__began_on__lt=since))
        .exclude(Exists(visits))
        .order_by("case__title", "reference")
    )


def whereabouts_unknown(user: AbstractBaseUser) -> QuerySet[Detainee]:
    return held_detainees(user).filter(facility__isnull=True).order_by("case__title", "reference")


def recently_changed_cases(user: AbstractBaseUser) -> QuerySet[Case]:
    """The cases whose record or timeline changed last."""
    return (
        cases_for_staff(user)
        .annotate(
            last_changed=Greatest(Coalesce(Max("events__updated_at"), "updated_at"), "updated_at")
        )
        .order_by("-last_changed", "pk")[:RECENT_CASES]
    )


@dataclass(frozen=True)
class StaffHome:
    entries: list[Entry]
    intake_reports: list[IntakeReport]
    overdue: list[OfficialContact]
    without_consular_access: list[Detainee]
    whereabouts_unknown: list[Detainee]
    recent_cases: list[Case]
    alert_days: int


def staff_home(user: AbstractBaseUser) -> StaffHome:
    """Everything on the staff home page: one query per list, whatever the numbers."""
    today = timezone.localdate()
    return StaffHome(
        entries=list(entries_to_review(user)),
        intake_reports=list(intake_to_review(user)),
        overdue=overdue_contacts(user, today=today),
        without_consular_access=list(without_consular_access(user, today=today)),
        whereabouts_unknown=list(whereabouts_unknown(user)),
        recent_cases=list(recently_changed_cases(user)),
        alert_days=settings.CONSULAR_ACCESS_ALERT_DAYS,
    )


def entry_for_staff(user: AbstractBaseUser, pk: int) -> Entry:
    """A relative's entry in a case the staff user may see, with everything the review shows."""
    entry = (
        Entry.objects.filter(
            pk=pk, event__case__in=cases_for_staff(user), event__archived_at__isnull=True
        )
        .select_related("relative")
        .first()
    )
    if entry is None:
        raise Http404
    entry.event = (
        Event.objects.with_details()
        .with_sources(public_only=False)
        .prefetch_related("attachments")
        .get(pk=entry.event_id)
    )
    return entry


def sources_for_staff(user: AbstractBaseUser) -> QuerySet[Source]:
    """The sources a staff user may cite: those cited in the cases they may see, and those no
    event cites yet (just added, of no case). One cited only in other cases stays out of sight,
    as in the admin: its title may name who gave the testimony."""
    cited = Citation.objects.filter(source=OuterRef("pk"))
    if sees_all_cases(user):
        return Source.objects.order_by("title")
    return Source.objects.filter(
        Exists(cited.filter(event__case__in=cases_for_staff(user))) | ~Exists(cited)
    ).order_by("title")


def intake_for_staff(user: AbstractBaseUser, pk: int) -> IntakeReport:
    report = IntakeReport.objects.filter(pk=pk).first()
    if report is None or not sees_all_cases(user):
        raise Http404
    return report


def detail_rows(event: Event) -> list[tuple[str, str]]:
    """The event's typed details as (label, value) rows; empty values left out."""
    detail = event.details
    if detail is None:
        return []
    rows = []
    for field in detail._meta.concrete_fields:
        if field.name == "event":
            continue
        if field.choices:
            value = getattr(detail, f"get_{field.name}_display")()
        else:
            value = getattr(detail, field.name)
        if value not in (None, ""):
            rows.append((str(field.verbose_name), str(value)))
    return rows
