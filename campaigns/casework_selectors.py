"""Reads for the staff case page. A case can have tens of thousands of events and thousands of
people: the page lists its timeline a page at a time (as the public timeline does), its people a
page at a time, and only the latest of what was archived, so that no page grows with the case."""

import math
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet

from detentions.models import Case, Detainee, Event
from detentions.models.cases import count_per_case
from detentions.selectors import TimelinePage, page_holding, timeline_page

# People on one page of the case's list: most cases fit on one; the largest has thousands.
PEOPLE_PAGE_SIZE = 200
# Archived records the case page lists, latest archived first: the rest are counted there and
# listed in full, a page at a time, by `archived_from_case()`.
ARCHIVED_SHOWN = 50
ARCHIVED_PER_PAGE = 50


def staff_timeline(case: Case) -> QuerySet[Event]:
    """The case's current events in date order (internal and unverified ones too), with the
    sources the staff page lists under each."""
    return Event.objects.current().filter(case=case).in_date_order().with_sources(public_only=False)


@dataclass(frozen=True)
class PeoplePage:
    """One page of the case's current detainees, by reference."""

    number: int
    count: int  # of pages
    people: list[Detainee]
    total: int  # of people

    @property
    def first(self) -> int:
        """The position of the page's first person in the whole list, from 1."""
        return (self.number - 1) * PEOPLE_PAGE_SIZE + 1

    @property
    def last(self) -> int:
        return self.first + len(self.people) - 1

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None


@dataclass(frozen=True)
class Archived:
    """The latest records archived from the case, and how many there are in all."""

    detainees: list[Detainee]
    events: list[Event]
    detainee_count: int
    event_count: int

    @property
    def is_empty(self) -> bool:
        return not (self.detainee_count or self.event_count)


@dataclass(frozen=True)
class StaffCasePage:
    timeline: TimelinePage
    event_count: int
    people: PeoplePage
    archived: Archived


def staff_case_page(case: Case, *, page: int, people_page: int) -> StaffCasePage | None:
    """Page `page` of the case's timeline (1 is the newest) and page `people_page` of its
    people; None if either does not exist. A fixed number of queries: one for the counts, one
    for each list, one for the events' sources."""
    counts = _counts(case)
    timeline = timeline_page(staff_timeline(case), page, events=counts["current_events"])
    people = _people_page(case, people_page, total=counts["current_detainees"])
    if timeline is None or people is None:
        return None
    archived = Archived(
        detainees=list(archived_from_case(case, Detainee)[:ARCHIVED_SHOWN]),
        events=list(archived_from_case(case, Event)[:ARCHIVED_SHOWN]),
        detainee_count=counts["archived_detainees"],
        event_count=counts["archived_events"],
    )
    return StaffCasePage(timeline, counts["current_events"], people, archived)


def archived_from_case(case: Case, model: type[Detainee] | type[Event]) -> QuerySet:
    """The case's archived people or events, latest archived first."""
    return (
        model.objects.archived()
        .filter(case=case)
        .select_related("archived_by")
        .order_by("-archived_at", "-pk")
    )


def _counts(case: Case) -> dict[str, int]:
    """How many current and archived events and people the case has: one query."""

    def of_case(rows: QuerySet):
        return count_per_case(rows.filter(case=OuterRef("pk")))

    return (
        Case.objects.filter(pk=case.pk)
        .values(
            current_events=of_case(Event.objects.current()),
            archived_events=of_case(Event.objects.archived()),
            current_detainees=of_case(Detainee.objects.current()),
            archived_detainees=of_case(Detainee.objects.archived()),
        )
        .get()
    )


def _people_page(case: Case, number: int, *, total: int) -> PeoplePage | None:
    count = max(1, math.ceil(total / PEOPLE_PAGE_SIZE))
    if not 1 <= number <= count:
        return None
    start = (number - 1) * PEOPLE_PAGE_SIZE
    people = case.detainees.current().select_related("facility").order_by("reference")
    return PeoplePage(number, count, list(people[start : start + PEOPLE_PAGE_SIZE]), total)


def staff_timeline_page_of(event: Event) -> int:
    """The page of its case's staff timeline that lists this current event."""
    return page_holding(event, Event.objects.current().filter(case=event.case_id))
