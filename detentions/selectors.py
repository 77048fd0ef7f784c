"""Reads for the public pages. Everything here starts from `published()` or `public()` querysets.

The relatives' side of events and of cases (participations, kinships) is defined in `campaigns`;
it is read here through the reverse relations Django adds, without importing that app.
"""

import datetime
import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import groupby

from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import formats
from django.utils.translation import gettext as _

from detentions.dates import FuzzyDate
from detentions.models import (
    AccessOutcome,
    Case,
    Detainee,
    Event,
    EventKind,
    Institution,
    Official,
    OfficialContact,
    ReportedFigure,
    Source,
)
from detentions.models.cases import count_per_case
from detentions.models.timeline import PEOPLE_RELATIONS, named_people, shown_publicly

ACCESS_GRANTED = {AccessOutcome.GRANTED, AccessOutcome.PARTIAL}


# The longest a page of a case's timeline gets: a case with thousands of events is read a page
# at a time, so that no page grows with the case. 100 rather than the 200 allowed: most cases fit
# on one page still, and a page of the longest one is half the weight and half the time to build.
TIMELINE_PAGE_SIZE = 100


def public_cases() -> QuerySet[Case]:
    return Case.objects.published().with_status(public_only=True).with_people_counts()


def public_cases_newest_first() -> QuerySet[Case]:
    # Stated, not left to Meta.ordering: pages of cases need a total order.
    return public_cases().order_by(F("began_on").desc(nulls_last=True), "title", "pk")


def page_of_public_cases(matching: QuerySet[Case], number: int, *, per_page: int) -> Page:
    """Page `number` of `matching` (`public_cases_newest_first()`, filtered), each case with its
    status and counts; InvalidPage for a page that does not exist.

    The page's cases are found by their ids first: through an OFFSET, the database worked out
    the status and counts of every case it skipped (page 30 of the benchmark's 37 took 0.33 to
    0.66 s, page 1 45 ms)."""
    page = Paginator(matching.values("pk"), per_page).page(number)
    page.object_list = public_cases_newest_first().filter(pk__in=page.object_list)
    return page


def _public_events_of_case() -> QuerySet[Event]:
    return Event.objects.public().filter(case=OuterRef("pk")).order_by()


def public_cases_with_timeline_counts() -> QuerySet[Case]:
    """`public_cases()` with what the case page counts over its whole public timeline, in the
    case's own query: its events (for the pages) and its official contacts, made and answered."""
    contacts = _public_events_of_case().filter(
        kind=EventKind.OFFICIAL_CONTACT, official_contact__isnull=False
    )
    return public_cases().annotate(
        public_event_count=count_per_case(_public_events_of_case()),
        contacts_made=count_per_case(contacts),
        contacts_answered=count_per_case(
            contacts.filter(official_contact__outcome__in=OfficialContact.ANSWERED_OUTCOMES)
        ),
    )


def _participations(to_attr: str | None = None) -> Prefetch:
    participation = Event._meta.get_field("participations").related_model
    return Prefetch(
        "participations",
        queryset=participation.objects.select_related("relative", "organisation").order_by("id"),
        to_attr=to_attr,
    )


def public_timeline_events(case: Case) -> QuerySet[Event]:
    """The case's public events in date order, with what the public page shows of each."""
    return (
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


def public_timeline_for_download(case: Case) -> QuerySet[Event]:
    """`public_timeline_events()` for the downloads, with the people each kind's details name,
    and each relation as a plain list (`to_attr`), the same for every event:
    `event.public_citations`, `event.listed_participations`, `details.named_people` (archived
    people left out) and `details.listed_charges`. A related manager built for every event and
    relation took more time than the rest of a long timeline's CSV."""
    return (
        Event.objects.public()
        .filter(case=case)
        .in_date_order()
        .with_details(with_case=False)
        .with_sources(public_only=True, to_attr="public_citations")
        .prefetch_related(
            _participations(to_attr="listed_participations"),
            Prefetch("legal_proceeding__charges", to_attr="listed_charges"),
            *(
                Prefetch(lookup, queryset=Detainee.objects.current(), to_attr="named_people")
                for lookup in PEOPLE_RELATIONS
            ),
        )
    )


@dataclass(frozen=True)
class TimelinePage:
    """One page of a case's public timeline, in date order. Page 1 holds the newest events;
    higher numbers go back in time."""

    number: int
    count: int
    events: list[Event]

    @property
    def earlier(self) -> int | None:
        return self.number + 1 if self.number < self.count else None

    @property
    def later(self) -> int | None:
        return self.number - 1 if self.number > 1 else None


def page_count(events: int) -> int:
    return max(1, math.ceil(events / TIMELINE_PAGE_SIZE))


def public_timeline_page(case: Case, number: int) -> TimelinePage | None:
    """Page `number` of the case's public timeline (1 is the newest), with what the page shows of
    each event; None for a page that does not exist. Needs `public_cases_with_timeline_counts()`."""
    return timeline_page(public_timeline_events(case), number, events=case.public_event_count)


def timeline_page(
    in_date_order: QuerySet[Event], number: int, *, events: int
) -> TimelinePage | None:
    """Page `number` (1 is the newest) of a timeline of `events` events, read from a queryset in
    date order; None for a page that does not exist."""
    count = page_count(events)
    if not 1 <= number <= count:
        return None
    # Read from the newest end, where readers start (an index read backwards).
    newest_first = in_date_order.reverse()
    if number > 1:
        newest_first = _from_nth_newest(newest_first, (number - 1) * TIMELINE_PAGE_SIZE)
    page = list(newest_first[:TIMELINE_PAGE_SIZE])
    page.reverse()
    return TimelinePage(number=number, count=count, events=page)


# An event's date as date order places it: undated events last. (No event is dated 31 December
# 9999: an event's dates may not be in the future.)
_DATE_IN_ORDER = Coalesce("date_start", Value(datetime.date.max))


def _from_nth_newest(newest_first: QuerySet[Event], n: int) -> QuerySet[Event]:
    """`newest_first` from its `n`th event on (0 is the newest). The database finds that event
    (a subquery walking the index alone), then reads from it on. With an OFFSET it joined the
    details of every event it skipped: the last page of the longest case took 0.7 s and the
    first 15 ms."""
    nth = newest_first.annotate(date_in_order=_DATE_IN_ORDER)[n : n + 1]
    nth_date = Subquery(nth.values("date_in_order"))
    return newest_first.alias(date_in_order=_DATE_IN_ORDER).filter(
        Q(date_in_order__lt=nth_date)
        | Q(date_in_order=nth_date, pk__lte=Subquery(nth.values("pk")))
    )


def _before(event: Event) -> Q:
    """Events that come before this one in date order (undated events come last)."""
    if event.date_start is None:
        return Q(date_start__isnull=False) | Q(date_start__isnull=True, id__lt=event.pk)
    return Q(date_start__lt=event.date_start) | Q(date_start=event.date_start, id__lt=event.pk)


def _after(event: Event) -> Q:
    """Events that come after this one in date order."""
    if event.date_start is None:
        return Q(date_start__isnull=True, id__gt=event.pk)
    return (
        Q(date_start__gt=event.date_start)
        | Q(date_start=event.date_start, id__gt=event.pk)
        | Q(date_start__isnull=True)
    )


def timeline_page_of(event: Event) -> int:
    """The page of its case's public timeline that lists this public event."""
    return page_holding(event, Event.objects.public().filter(case=event.case_id))


def page_holding(event: Event, timeline: QuerySet[Event]) -> int:
    """The page of `timeline` (a case's events that some reader sees) that lists `event`."""
    return timeline.filter(_after(event)).count() // TIMELINE_PAGE_SIZE + 1


# The consular visit that ended last is among those that began last; which one depends on how
# precisely each date is known, so this many of those that began last are compared.
VISITS_COMPARED = 3


def latest_visit(visits: Iterable[Event]) -> Event | None:
    """Of dated consular visits, the one whose date can be the latest (a visit known only as
    "March 2024" may have been on the 31st); on a tie, the one that began last, the more
    precisely dated."""
    return max(visits, key=lambda e: (e.date.last_day, e.date_start, e.pk), default=None)


def headline_events(
    timeline: QuerySet[Event],
    *,
    today: datetime.date,
    status_before: Event | None = None,
) -> list[Event]:
    """The few events of `timeline` (one case's events, as some reader sees them) that its
    headline names, in date order, with their details; with `status_before`, also the last
    status change before that event. One query: the database finds them, so the timeline is
    never read whole."""
    timeline = timeline.order_by()
    changes = timeline.filter(
        kind=EventKind.STATUS_CHANGE, status_change__isnull=False, date_start__isnull=False
    ).order_by("-date_start", "-id")
    visits = timeline.filter(
        kind=EventKind.CONSULAR_VISIT,
        consular_visit__outcome__in=ACCESS_GRANTED,
        date_start__isnull=False,
    ).order_by("-date_start", "-id")
    hearing = timeline.filter(
        kind=EventKind.LEGAL_PROCEEDING, legal_proceeding__next_hearing_on__gte=today
    ).order_by("legal_proceeding__next_hearing_on", "id")
    escapes = timeline.filter(
        kind=EventKind.REPORTED_FIGURE, reported_figure__measure=ReportedFigure.Measure.ESCAPED
    ).order_by("-date_start", "-id")
    # Each one by a subquery of its own that returns one id through an index (`pk = (...)`):
    # `pk IN (...)` would make the database test every event of the case.
    wanted = [
        changes[:1],
        *(visits[n : n + 1] for n in range(VISITS_COMPARED)),
        hearing[:1],
        *(escapes[n : n + 1] for n in range(3)),
    ]
    if status_before is not None:
        wanted.append(changes.filter(_before(status_before))[:1])
    named = Q()
    for one in wanted:
        named |= Q(pk=Subquery(one.values("pk")))
    return list(timeline.filter(named).in_date_order().with_details())


def public_headline(
    case: Case, page: TimelinePage, *, today: datetime.date
) -> tuple["Headline", Event | None]:
    """The case's headline over its whole public timeline, whichever page is shown, and the
    status change in force when the page begins (for the chart)."""
    first_on_page = page.events[0] if page.events and page.earlier else None
    events = headline_events(
        Event.objects.public().filter(case=case), today=today, status_before=first_on_page
    )
    in_force = None
    if first_on_page is not None:
        earlier_changes = [
            event
            for event in events
            if event.kind == EventKind.STATUS_CHANGE
            and (event.date_start, event.pk)
            < (first_on_page.date_start or datetime.date.max, first_on_page.pk)
        ]
        in_force = earlier_changes[-1] if earlier_changes else None
    facts = replace(
        headline(events, today=today),
        contacts_made=case.contacts_made,
        contacts_answered=case.contacts_answered,
    )
    return facts, in_force


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
    last_visit = latest_visit(visits)
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


def public_makers(event: Event) -> list[str]:
    """Who made the contact, as public pages name them."""
    return [participation.public_name for participation in event.participations.all()]


def contact_rows(
    events: Iterable[Event],
    *,
    today: datetime.date,
    made_by: Callable[[Event], list[str]] = public_makers,
) -> list[ContactRow]:
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
                made_by=made_by(event),
                days_waiting=None if answered or sent is None else (today - sent).days,
                # A reply dated within a roughly known sending date ("late February") is
                # counted as the same day, not as an answer before the letter.
                days_to_answer=max(0, (contact.replied_on - sent).days)
                if answered and contact.replied_on and sent
                else None,
            )
        )
    return rows


@dataclass(frozen=True)
class InstitutionRecord:
    institution: Institution
    contacts: int
    page: TimelinePage
    rows: list[ContactRow]
    answer_rate: float | None
    median_days_to_answer: float | None


def public_institutions() -> QuerySet[Institution]:
    """Institutions that appear in at least one public contact: the ones worth a page."""
    # EXISTS per institution, through the contacts' own indexes: joining every contact and
    # removing duplicates takes minutes on a national archive.
    public_contacts = OfficialContact.objects.filter(shown_publicly("event__"))
    officials_contacted = Official.objects.filter(
        Exists(public_contacts.filter(official=OuterRef("pk"))), institution=OuterRef("pk")
    )
    return Institution.objects.filter(
        Exists(public_contacts.filter(institution=OuterRef("pk"))) | Exists(officials_contacted)
    )


def institution_record(
    institution: Institution, *, number: int, today: datetime.date
) -> InstitutionRecord | None:
    """Every public contact with the institution, counted over all of them and listed a page at
    a time, newest first, like a case's timeline; None for a page that does not exist."""
    # Its officials' ids first: with them the database reads this institution's contacts
    # through two indexes, where an OR across the join to the officials read every public
    # contact (half a second each for the figures and the page, on the benchmark data).
    officials = list(institution.officials.values_list("pk", flat=True))
    contacts = Event.objects.public().filter(
        Q(official_contact__institution=institution) | Q(official_contact__official__in=officials)
    )
    # The figures need a few values of every contact, not the contacts themselves; so does
    # finding which contacts the page lists, which are then read with their details. Sorting
    # every contact with the details of every kind joined wrote the sort to disk (0.4 s).
    facts = contacts.order_by().values_list(
        "pk",
        "date_start",
        "date_precision",
        "date_end",
        "official_contact__outcome",
        "official_contact__replied_on",
    )
    in_date_order = []  # as `in_date_order()` sorts: undated last, then by id
    answered = 0
    waits = []
    for pk, start, precision, end, outcome, replied_on in facts:
        in_date_order.append((start is None, start or datetime.date.min, pk))
        if outcome not in OfficialContact.ANSWERED_OUTCOMES:
            continue
        answered += 1
        sent = FuzzyDate(start, precision, end).last_day
        if replied_on and sent:
            waits.append(max(0, (replied_on - sent).days))  # as in `contact_rows()`
    total = len(in_date_order)
    count = page_count(total)
    if not 1 <= number <= count:
        return None
    in_date_order.sort()
    last = total - (number - 1) * TIMELINE_PAGE_SIZE
    on_page = [pk for *_, pk in in_date_order[max(0, last - TIMELINE_PAGE_SIZE) : last]]
    events = list(
        contacts.filter(pk__in=on_page)
        .in_date_order()
        .with_details()
        .prefetch_related(_participations())
    )
    return InstitutionRecord(
        institution=institution,
        contacts=total,
        page=TimelinePage(number=number, count=count, events=events),
        rows=contact_rows(events, today=today),
        answer_rate=answered / total if total else None,
        median_days_to_answer=statistics.median(waits) if waits else None,
    )
