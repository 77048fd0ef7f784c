"""Reads for the public pages. Everything here starts from `published()` or `public()` querysets.

The relatives' side of events and of cases (participations, kinships) is defined in `campaigns`;
it is read here through the reverse relations Django adds, without importing that app.
"""

import datetime
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from detentions.models import (
    AccessOutcome,
    Case,
    Detainee,
    Event,
    EventKind,
    Institution,
    OfficialContact,
    Source,
)
from detentions.models.timeline import named_people

ACCESS_GRANTED = {AccessOutcome.GRANTED, AccessOutcome.PARTIAL}


def public_cases() -> QuerySet[Case]:
    return Case.objects.published().with_status(public_only=True).with_people_counts()


def _participations() -> Prefetch:
    participation = Event._meta.get_field("participations").related_model
    return Prefetch(
        "participations",
        queryset=participation.objects.select_related("relative", "organisation").order_by("id"),
    )


def public_timeline(case: Case) -> list[Event]:
    """The case's public events in date order, with what the public page shows of each."""
    return list(
        Event.objects.public()
        .filter(case=case)
        .in_date_order()
        .with_details()
        .with_sources(public_only=True)
        .prefetch_related(
            _participations(),
            *named_people("consular_visit__detainees_seen"),
            "legal_proceeding__charges",
        )
    )


@dataclass(frozen=True)
class PeopleRow:
    """One named detainee, or a run of unnamed ones who share status and whereabouts."""

    label: str
    detainee: Detainee
    count: int


def public_people_rows(case: Case) -> list[PeopleRow]:
    """Detainees as the public may see them. Twenty-seven identical "identity not yet known"
    rows say less than one row that counts them, so unnamed people in the same situation are
    grouped; anyone shown by name or initials keeps a row of their own."""
    detainees = case.detainees.current().select_related("facility").order_by("reference")

    def situation(detainee: Detainee) -> tuple:
        if detainee.shows_name_publicly:
            return ("named", detainee.pk)
        return (
            detainee.identity_known,
            detainee.status,
            detainee.facility_id,
            detainee.whereabouts_confirmed_on,
        )

    rows = []
    for _key, group in groupby(detainees, key=situation):
        people = list(group)
        first = people[0]
        if len(people) == 1:
            rows.append(PeopleRow(first.public_name, first, 1))
            continue
        unnamed = _("identity not yet known") if not first.identity_known else _("names withheld")
        label = _("Detainees %(first)s–%(last)s, %(unnamed)s") % {
            "first": first.reference,
            "last": people[-1].reference,
            "unnamed": unnamed,
        }
        rows.append(PeopleRow(label, first, len(people)))
    return rows


@dataclass(frozen=True)
class CitedSource:
    number: int
    source: Source


def number_sources(events: Iterable[Event]) -> list[CitedSource]:
    """Number the sources in order of first citation, so each event cites them as [1], [2].

    Sets `event.source_numbers` on each event; returns the numbered list for the page's end.
    """
    numbers: dict[int, int] = {}
    cited = []
    for event in events:
        event.source_numbers = []
        for citation in event.citations.all():
            if citation.source_id not in numbers:
                numbers[citation.source_id] = len(numbers) + 1
                cited.append(CitedSource(numbers[citation.source_id], citation.source))
            event.source_numbers.append(numbers[citation.source_id])
    return cited


def public_relatives(case: Case) -> list:
    """Relatives of the case, each once, with the kinships the public page may show: none to
    an archived person, whose name must not appear through their family."""
    kinships = (
        case.kinships.exclude(detainee__archived_at__isnull=False)
        .select_related("relative", "detainee")
        .order_by("relative__family_name", "relative__given_name", "relative_id", "id")
    )
    return [
        (relative, list(group))
        for relative, group in groupby(kinships, key=lambda kinship: kinship.relative)
    ]


@dataclass(frozen=True)
class Headline:
    """The facts a reader wants at a glance, derived from the public timeline only."""

    status_since: Event | None
    last_consular_access: Event | None
    days_since_consular_access: int | None
    contacts_made: int
    contacts_answered: int
    next_hearing: datetime.date | None
    reported_escapes: list[Event]


def _details(events: Iterable[Event], kind: str) -> list[Event]:
    return [event for event in events if event.kind == kind and event.details is not None]


def headline(events: Sequence[Event], *, today: datetime.date) -> Headline:
    """What the case's status line and fact boxes show; the status itself is `with_status()`'s."""
    changes = [e for e in _details(events, EventKind.STATUS_CHANGE) if e.date_start]
    visits = [
        e
        for e in _details(events, EventKind.CONSULAR_VISIT)
        if e.details.outcome in ACCESS_GRANTED and e.date_start
    ]
    last_visit = max(visits, key=lambda e: e.date.last_day, default=None)
    contacts = [e.details for e in _details(events, EventKind.OFFICIAL_CONTACT)]
    hearings = [
        e.details.next_hearing_on
        for e in _details(events, EventKind.LEGAL_PROCEEDING)
        if e.details.next_hearing_on and e.details.next_hearing_on >= today
    ]
    return Headline(
        status_since=changes[-1] if changes else None,
        last_consular_access=last_visit,
        days_since_consular_access=(today - last_visit.date.last_day).days if last_visit else None,
        contacts_made=len(contacts),
        contacts_answered=sum(contact.is_answered for contact in contacts),
        next_hearing=min(hearings, default=None),
        reported_escapes=[
            e
            for e in _details(events, EventKind.REPORTED_FIGURE)
            if e.details.measure == e.details.Measure.ESCAPED
        ],
    )


def by_month(events: Iterable[Event]) -> list[tuple[str, list[Event]]]:
    """Events grouped under "February 2009" headings; undated ones last, under their own heading."""

    def month(event: Event) -> str:
        if event.date_start is None:
            return _("Date unknown")
        return formats.date_format(event.date_start, "YEAR_MONTH_FORMAT")

    return [(label, list(group)) for label, group in groupby(events, key=month)]


@dataclass(frozen=True)
class ContactRow:
    event: Event
    contact: OfficialContact
    made_by: list[str]
    days_waiting: int | None
    days_to_answer: int | None


def contact_rows(events: Iterable[Event], *, today: datetime.date) -> list[ContactRow]:
    rows = []
    for event in events:
        contact = event.details if event.kind == EventKind.OFFICIAL_CONTACT else None
        if contact is None:
            continue
        sent = event.date.last_day
        answered = contact.is_answered
        rows.append(
            ContactRow(
                event=event,
                contact=contact,
                made_by=[p.public_name for p in event.participations.all()],
                days_waiting=None if answered or sent is None else (today - sent).days,
                days_to_answer=(contact.replied_on - sent).days
                if answered and contact.replied_on and sent
                else None,
            )
        )
    return rows


@dataclass(frozen=True)
class InstitutionRecord:
    institution: Institution
    rows: list[ContactRow]
    answer_rate: float | None
    median_days_to_answer: float | None


def public_institutions() -> QuerySet[Institution]:
    """Institutions that appear in at least one public contact: the ones worth a page."""
    public_events = Event.objects.public()
    return Institution.objects.filter(
        Q(contacts__event__in=public_events) | Q(officials__contacts__event__in=public_events)
    ).distinct()


def institution_record(institution: Institution, *, today: datetime.date) -> InstitutionRecord:
    events = list(
        Event.objects.public()
        .filter(
            Q(official_contact__institution=institution)
            | Q(official_contact__official__institution=institution)
        )
        .in_date_order()
        .with_details()
        .prefetch_related(_participations())
    )
    rows = contact_rows(events, today=today)
    answered = [row for row in rows if row.contact.is_answered]
    waits = [row.days_to_answer for row in answered if row.days_to_answer is not None]
    return InstitutionRecord(
        institution=institution,
        rows=rows,
        answer_rate=len(answered) / len(rows) if rows else None,
        median_days_to_answer=statistics.median(waits) if waits else None,
    )
