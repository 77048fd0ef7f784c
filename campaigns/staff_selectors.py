"""Reads for the staff workspace. Each starts from the cases a staff user may see
(`cases_for_staff`), so a case worker limited to their organisation sees only its cases."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
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
    EventKind,
    OfficialContact,
    Source,
)
from detentions.models.cases import HELD
from detentions.selectors import VISITS_COMPARED, latest_visit

RECENT_CASES = 10
# How many rows each list of work shows on the staff home, the most urgent; the rest are on the
# list's own pages. Read when the home is built, so tests may lower it.
SHOWN_ON_HOME = 20
# Rows on each page of a list's own pages.
WORKLIST_PER_PAGE = 50
# How many sources the review form's select lists: every allowed one would be megabytes of HTML.
SOURCES_OFFERED = 50


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
    """Reports from the public form waiting for staff, oldest first."""
    if not sees_all_cases(user):
        return IntakeReport.objects.none()
    return IntakeReport.objects.filter(state=IntakeReport.State.NEW).order_by("created_at", "pk")


def overdue_contacts(user: AbstractBaseUser, *, today: datetime.date) -> QuerySet[OfficialContact]:
    """Letters and calls whose reply is due and has not come, longest waiting first: since the
    contact was made, or, when its date is not known, since the reply was due. Pass the rows
    shown through `with_days_waiting`."""
    return (
        OfficialContact.objects.filter(
            event__case__in=cases_for_staff(user),
            event__archived_at__isnull=True,
            reply_due_on__lte=today,
            outcome__in=[OfficialContact.Outcome.AWAITING, OfficialContact.Outcome.NO_RESPONSE],
        )
        .select_related("event__case", "institution", "official__institution")
        .annotate(waiting_since=Coalesce("event__date_start", "reply_due_on"))
        .order_by("waiting_since", "reply_due_on", "pk")
    )


def with_days_waiting(
    contacts: Iterable[OfficialContact], *, today: datetime.date
) -> list[OfficialContact]:
    """The contacts of `overdue_contacts`, each with the days it has waited for its reply."""
    result = list(contacts)
    for contact in result:
        contact.days_waiting = (today - contact.waiting_since).days
    return result


def held_detainees(user: AbstractBaseUser) -> QuerySet[Detainee]:
    return (
        Detainee.objects.current()
        .filter(status__in=HELD, case__in=cases_for_staff(user))
        .select_related("case", "facility")
    )


# Held people, those held longest first, by the day their case began; people of one case
# together. A case with no known start comes first: nothing shows it began recently, and
# `without_consular_access` lists its people at once.
HELD_LONGEST_FIRST = [F("case__began_on").asc(nulls_first=True), "case__title", "reference", "pk"]


def without_consular_access(user: AbstractBaseUser, *, today: datetime.date) -> QuerySet[Detainee]:
    """Held people no verified consular visit reached in the last N days, held longest first.

    A visit that names no detainees seen counts for the whole case. People detained less than
    N days ago are not listed yet.

    Not ordered by the day of the last visit that reached each person: that is a lookup per
    held person, which PostgreSQL does not turn into a join (18 s for 60,000 people held). Each
    row shown says it instead (`with_last_consular_visit`), looked up for those rows only.
    """
    days = settings.CONSULAR_ACCESS_ALERT_DAYS
    since = today - datetime.timedelta(days=days)
    return (
        held_detainees(user)
        .filter(Q(case__began_on__isnull=True) | Q(case__began_on__lt=since))
        .exclude(Exists(_visits_that_reached_them().filter(event__date_start__gte=since)))
        .order_by(*HELD_LONGEST_FIRST)
    )


def _visits_that_reached_them() -> QuerySet[ConsularVisit]:
    """Verified consular visits with access that reached the person of the outer query: those
    naming them among the people seen, and those naming no one, which count for their whole
    case."""
    return ConsularVisit.objects.filter(
        event__case=OuterRef("case"),
        event__verification=Event.Verification.VERIFIED,
        event__archived_at__isnull=True,
        outcome__in=[AccessOutcome.GRANTED, AccessOutcome.PARTIAL],
    ).filter(Q(detainees_seen=OuterRef("pk")) | Q(detainees_seen__isnull=True))


def with_last_consular_visit(people: Iterable[Detainee]) -> list[Detainee]:
    """The people of `without_consular_access`, each with `last_consular_visit`: the event of the
    last visit that reached them, however long ago, or None. Two queries, whatever the number
    of people.

    The last is chosen as the case's public page chooses it (`latest_visit`, among the few
    visits that began last)."""
    result = list(people)
    if not result:
        return result
    began_last = (
        _visits_that_reached_them()
        # Said though every visit's event is of this kind: without it PostgreSQL reckoned a
        # case's events too many to look their visits up one by one, and read every visit
        # instead, for each person: 4 s for a page of 50 on the benchmark's data, 0.1 s with.
        # (The list's own query took longer with it.)
        .filter(event__kind=EventKind.CONSULAR_VISIT, event__date_start__isnull=False)
        .order_by("-event__date_start", "-event_id")
        .values("event_id")
    )
    by_person = Detainee.objects.filter(pk__in=[person.pk for person in result]).values_list(
        "pk", *(Subquery(began_last[n : n + 1]) for n in range(VISITS_COMPARED))
    )
    candidates = {pk: [visit for visit in visits if visit is not None] for pk, *visits in by_person}
    events = Event.objects.in_bulk([pk for visits in candidates.values() for pk in visits])
    for person in result:
        person.last_consular_visit = latest_visit(
            events[pk] for pk in candidates.get(person.pk, [])
        )
    return result


def whereabouts_unknown(user: AbstractBaseUser) -> QuerySet[Detainee]:
    """Held people whose place of detention is not known, held longest first: when their
    whereabouts were lost is not recorded, and the day their case began is the earliest it can
    have been."""
    return held_detainees(user).filter(facility__isnull=True).order_by(*HELD_LONGEST_FIRST)


def recently_changed_cases(user: AbstractBaseUser) -> QuerySet[Case]:
    """The cases whose record or timeline changed last.

    Each case's latest event change is read from the index of its events by change, one entry a
    case: grouping every event of every case for it took a second with a million events.
    """
    events = Event.objects.filter(case=OuterRef("pk"))
    latest_event_change = events.order_by("-updated_at", "-id").values("updated_at")[:1]
    return (
        cases_for_staff(user)
        .annotate(
            last_changed=Greatest(
                Coalesce(Subquery(latest_event_change), "updated_at"), "updated_at"
            )
        )
        .order_by("-last_changed", "pk")[:RECENT_CASES]
    )


# The lists of work on the staff home, by the name of each one's full list in its address.
ENTRIES = "entries"
INTAKE = "intake"
OVERDUE_REPLIES = "overdue-replies"
NO_CONSULAR_ACCESS = "no-consular-access"
WHEREABOUTS_UNKNOWN = "whereabouts-unknown"


def worklist(user: AbstractBaseUser, name: str, *, today: datetime.date) -> QuerySet:
    """The rows of the list of work called `name`, most urgent first; 404 for any other name.

    Staff who may not review intake reports find that list empty, as on their home page.
    """
    if name == ENTRIES:
        return entries_to_review(user)
    if name == INTAKE:
        return intake_to_review(user)
    if name == OVERDUE_REPLIES:
        return overdue_contacts(user, today=today)
    if name == NO_CONSULAR_ACCESS:
        return without_consular_access(user, today=today)
    if name == WHEREABOUTS_UNKNOWN:
        return whereabouts_unknown(user)
    raise Http404


def _as_shown(name: str, rows: Iterable, *, today: datetime.date) -> list:
    """The rows of list `name`, fetched, with what their lines show that is not a field."""
    if name == OVERDUE_REPLIES:
        return with_days_waiting(rows, today=today)
    if name == NO_CONSULAR_ACCESS:
        return with_last_consular_visit(rows)
    return list(rows)


@dataclass(frozen=True)
class TopOfList:
    """The most urgent rows of a list of work, and how many the list has in all."""

    name: str
    rows: list
    total: int

    @property
    def is_cut(self) -> bool:
        return self.total > len(self.rows)


def top_of_list(user: AbstractBaseUser, name: str, *, today: datetime.date) -> TopOfList:
    """The first SHOWN_ON_HOME rows of list `name` and its count: two queries, whatever its
    length. (Every row of lists thousands long made the home page megabytes long.)"""
    rows = worklist(user, name, today=today)
    return TopOfList(
        name=name,
        rows=_as_shown(name, rows[:SHOWN_ON_HOME], today=today),
        total=rows.count(),
    )


def worklist_page(user: AbstractBaseUser, name: str, number: int, *, today: datetime.date) -> Page:
    """Page `number` of list `name`, WORKLIST_PER_PAGE rows; InvalidPage when it has no such
    page, 404 for a name no list has."""
    page = Paginator(worklist(user, name, today=today), WORKLIST_PER_PAGE).page(number)
    page.object_list = _as_shown(name, page.object_list, today=today)
    return page


@dataclass(frozen=True)
class StaffHome:
    entries: TopOfList
    intake_reports: TopOfList
    overdue: TopOfList
    without_consular_access: TopOfList
    whereabouts_unknown: TopOfList
    recent_cases: list[Case]
    alert_days: int


def staff_home(user: AbstractBaseUser) -> StaffHome:
    """Everything on the staff home page: a fixed number of queries, whatever the numbers."""
    today = timezone.localdate()
    return StaffHome(
        entries=top_of_list(user, ENTRIES, today=today),
        intake_reports=top_of_list(user, INTAKE, today=today),
        overdue=top_of_list(user, OVERDUE_REPLIES, today=today),
        without_consular_access=top_of_list(user, NO_CONSULAR_ACCESS, today=today),
        whereabouts_unknown=top_of_list(user, WHEREABOUTS_UNKNOWN, today=today),
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


@dataclass(frozen=True)
class SourceShortlist:
    sources: list[Source]
    is_cut: bool  # more sources qualified than are listed


# The citations of a case's latest events read for its shortlist: enough for SOURCES_OFFERED
# sources where each is cited several times, and a bounded read on a case of any length.
CITATIONS_READ_FOR_SHORTLIST = 500


def source_shortlist(
    allowed: QuerySet[Source], *, case: Case, title_contains: str = ""
) -> SourceShortlist:
    """At most SOURCES_OFFERED of the `allowed` sources.

    With `title_contains`, those whose title contains it, by title. Without, those cited by the
    case's latest events, latest first, then those no event cites yet, newest first: a source is
    usually cited again where it was cited before, or was just added. Each read stops at the
    shortlist's length: asking every source whether this case cites it took a second with
    66,000 sources.
    """
    wanted = SOURCES_OFFERED + 1  # one more, to know whether the list was cut
    if title_contains:
        found = list(
            allowed.filter(title__icontains=title_contains).order_by("title", "pk")[:wanted]
        )
        return SourceShortlist(found[:SOURCES_OFFERED], is_cut=len(found) > SOURCES_OFFERED)
    latest_cited = (
        Citation.objects.filter(event__case=case, source__in=allowed)
        .order_by(F("event__date_start").desc(nulls_last=True), "-event_id", "-pk")
        .values_list("source", flat=True)[:CITATIONS_READ_FOR_SHORTLIST]
    )
    cited_here = list(dict.fromkeys(latest_cited))[:wanted]
    by_pk = Source.objects.in_bulk(cited_here)
    found = [by_pk[pk] for pk in cited_here]
    if len(found) < wanted:
        cited = Citation.objects.filter(source=OuterRef("pk"))
        found += allowed.filter(~Exists(cited)).order_by("-pk")[: wanted - len(found)]
    return SourceShortlist(found[:SOURCES_OFFERED], is_cut=len(found) > SOURCES_OFFERED)


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
