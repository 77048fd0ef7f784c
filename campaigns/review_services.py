"""Staff review writes: verifying, publishing or declining a relative's entry, matching a typed
name, and taking up or rejecting an intake report. Each is one transaction and bumps the
event's version, so an open staff form made before it refuses to overwrite it."""

import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from campaigns.models import Entry, IntakeReport
from detentions.dates import DatePrecision
from detentions.models import Case, Citation, Event, EventKind, Institution, Official, Source

# The event fields staff may correct while verifying an entry.
EDITABLE_FIELDS = ["title", "description", "date_precision", "date_start", "date_end"]


class ReviewConflict(Exception):
    """The entry or report changed (another staff member, or the relative) since the page was
    opened, or is no longer waiting for review."""


def _locked_entry(entry: Entry, *, version: int | None) -> Entry:
    entry = Entry.objects.select_for_update().select_related("relative").get(pk=entry.pk)
    event = Event.objects.select_for_update().get(pk=entry.event_id)
    if version is not None and event.version != version:
        raise ReviewConflict
    entry.event = event
    return entry


def _bump(event: Event, *fields: str) -> None:
    # The event row is locked (`_locked_entry`), so a plain increment cannot lose an update.
    event.version += 1
    event.save(update_fields=[*fields, "version", "updated_at"])


def verify_entry(
    *,
    entry: Entry,
    changes: dict[str, Any],
    source: Source | None,
    is_public: bool | None,
    version: int | None = None,
) -> Entry:
    """Verify the entry's event with staff's corrections and a source it cites.

    `source` may be unsaved (typed in on the review page): it is saved with the citation.
    `is_public` True publishes, False keeps it internal, None leaves it as it was.
    """
    with transaction.atomic():
        entry = _locked_entry(entry, version=version)
        if entry.state != Entry.State.SUBMITTED:
            raise ReviewConflict
        event = entry.event
        for name in EDITABLE_FIELDS:
            if name in changes:
                setattr(event, name, changes[name])
        if source is not None:
            if source.pk is None:
                source.save()
            Citation.objects.get_or_create(event=event, source=source)
        if not event.citations.exists():
            raise ValueError("A verified event cites at least one source.")
        event.verification = Event.Verification.VERIFIED
        if is_public is not None:
            event.is_public = is_public
        _bump(event, *EDITABLE_FIELDS, "verification", "is_public")
    # Sent once the verification is saved: a mail server that is down must not undo it.
    send_review_email(entry, template="entry_verified")
    return entry


def decline_entry(*, entry: Entry, reason: str, version: int | None = None) -> Entry:
    """Decline a relative's entry; the relative is told the reason."""
    with transaction.atomic():
        entry = _locked_entry(entry, version=version)
        if entry.state != Entry.State.SUBMITTED or entry.event.is_verified:
            raise ReviewConflict
        entry.state = Entry.State.DECLINED
        entry.decline_reason = reason
        entry.save(update_fields=["state", "decline_reason", "updated_at"])
        _bump(entry.event)
    send_review_email(entry, template="entry_declined")
    return entry


def match_addressee(
    *,
    entry: Entry,
    institution: Institution | None,
    official: Official | None,
    version: int | None = None,
) -> Entry:
    """Replace the name a relative typed with the institution or official it means."""
    if institution is None and official is None:
        raise ValueError("Match to an institution or an official.")
    with transaction.atomic():
        entry = _locked_entry(entry, version=version)
        contact = entry.event.official_contact
        contact.institution = institution or contact.institution
        contact.official = official or contact.official
        contact.addressee_as_given = ""
        contact.save(update_fields=["institution", "official", "addressee_as_given"])
        _bump(entry.event)
    return entry


def send_review_email(entry: Entry, *, template: str) -> None:
    """Tell the relative, in their language, that staff verified or declined their entry."""
    relative = entry.relative
    if not relative.email:
        return
    context = {"relative": relative, "entry": entry, "event": entry.event}
    with translation.override(relative.preferred_language):
        subject = render_to_string(f"campaigns/email/{template}_subject.txt", context)
        body = render_to_string(f"campaigns/email/{template}_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [relative.email])


def report_text(report: IntakeReport) -> str:
    """What the reporter said, for an internal event. Their contact details stay on the report."""
    parts = [
        (_("Who is held"), report.who_is_held),
        (_("Where"), report.held_where),
        (_("Since when"), report.held_since),
        (_("What happened"), report.what_happened),
        (_("Reported by"), report.reporter_name),
    ]
    return "\n\n".join(f"{label}: {value}" for label, value in parts if value)


def _locked_report(report: IntakeReport) -> IntakeReport:
    report = IntakeReport.objects.select_for_update().get(pk=report.pk)
    if report.state != IntakeReport.State.NEW:
        raise ReviewConflict
    return report


def _record_report(*, report: IntakeReport, case: Case, recorded_by: AbstractBaseUser) -> Event:
    return Event.objects.create(
        case=case,
        kind=EventKind.NOTE,
        date_precision=DatePrecision.UNKNOWN,
        title=_("Reported through the public form: %(who)s") % {"who": report.who_is_held[:120]},
        description=report_text(report),
        is_public=False,
        verification=Event.Verification.REPORTED,
        recorded_by=recorded_by,
    )


def open_case_from_report(
    *, report: IntakeReport, case: Case, accepted_by: AbstractBaseUser
) -> Case:
    """Save `case` (unsaved, never published here) with the report as its first, internal event."""
    with transaction.atomic():
        report = _locked_report(report)
        case.is_published = False
        case.began_on = None
        case.began_on_precision = DatePrecision.UNKNOWN
        case.save()
        _record_report(report=report, case=case, recorded_by=accepted_by)
        report.state = IntakeReport.State.ACCEPTED
        report.save(update_fields=["state"])
    return case


def attach_report(*, report: IntakeReport, case: Case, accepted_by: AbstractBaseUser) -> Event:
    """Add the report to an existing case as an internal, unverified note."""
    with transaction.atomic():
        report = _locked_report(report)
        event = _record_report(report=report, case=case, recorded_by=accepted_by)
        report.state = IntakeReport.State.ACCEPTED
        report.save(update_fields=["state"])
    return event


def reject_report(*, report: IntakeReport, staff_notes: str) -> IntakeReport:
    with transaction.atomic():
        report = _locked_report(report)
        report.state = IntakeReport.State.REJECTED
        report.staff_notes = staff_notes
        report.save(update_fields=["state", "staff_notes"])
    return report


def mark_announced(
    *, entries: list[int], reports: list[int], at: datetime.datetime
) -> tuple[int, int]:
    """Record that the staff digest mentioned these entries and reports."""
    return (
        Entry.objects.filter(pk__in=entries, staff_notified_at__isnull=True).update(
            staff_notified_at=at
        ),
        IntakeReport.objects.filter(pk__in=reports, staff_notified_at__isnull=True).update(
            staff_notified_at=at
        ),
    )
