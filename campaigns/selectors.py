"""Reads for the relatives' workspace. Each starts from what one relative may see.

A relative sees, of the cases they are linked to: the public facts (once the case is published),
their own entries whatever their state, and what staff shared with the family. Never another
relative's entry that staff did not share, and never anything marked for staff only.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, replace

from django.db.models import Count, F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from campaigns.access import cases_of, entries_visible_to, events_visible_to
from campaigns.models import Entry, Participation, Relative
from detentions.models import Case, Event
from detentions.models.timeline import named_people
from detentions.selectors import TimelinePage, page_holding, timeline_page


def workspace_note(event: Event, relative: Relative) -> str:
    """Why the relative sees an event the public does not: theirs, or shared with the family."""
    entry = getattr(event, "entry", None)
    if entry is not None and entry.relative_id == relative.pk:
        return _("your entry: %(status)s") % {"status": entry.review_status}
    if event.shared_with_family and not event.is_shown_publicly:
        return _("shared with the family")
    return ""


def _with_notes(events: list[Event], relative: Relative) -> list[Event]:
    for event in events:
        event.workspace_note = workspace_note(event, relative)
    return events


def relative_timeline_page(relative: Relative, case: Case, number: int) -> TimelinePage | None:
    """Page `number` (1 is the newest) of the case's events the relative may see, in date order,
    each with its `workspace_note`; None for a page that does not exist."""
    visible = events_visible_to(relative).filter(case=case)
    # The page's events are found first, then read with their details: sorting every event of a
    # long case with all its details joined took the database a second.
    page = timeline_page(visible.in_date_order().only("pk"), number, events=visible.count())
    if page is None:
        return None
    participations = Participation.objects.select_related("relative", "organisation")
    events = (
        Event.objects.filter(pk__in=[event.pk for event in page.events])
        .in_date_order()
        .with_details()
        .with_sources(public_only=True)
        .select_related("entry")
        .prefetch_related(
            Prefetch("participations", queryset=participations.order_by("id")),
            *named_people("consular_visit__detainees_seen"),
            "legal_proceeding__charges",
        )
    )
    return replace(page, events=_with_notes(list(events), relative))


def relative_page_of(relative: Relative, event: Event) -> int:
    """The page of the relative's timeline of its case that lists this event they may see."""
    return page_holding(event, events_visible_to(relative).filter(case=event.case_id))


# Changes listed per case on the relative's home page: a busy case can have thousands between
# two visits; the timeline shows them all.
NEWS_SHOWN = 20


@dataclass(frozen=True)
class CaseNews:
    """One of the relative's cases and what others recorded on it since their last visit: the
    latest NEWS_SHOWN changes, in date order, and how many there are in all."""

    case: Case
    events: list[Event]
    count: int = 0

    @property
    def is_cut(self) -> bool:
        return self.count > len(self.events)


def news_for(relative: Relative, *, since: datetime.datetime | None) -> list[CaseNews]:
    """Each case of the relative's, with the events they may see that were recorded or changed
    after `since`. Their own entries are left out: they know what they logged, and the list of
    their entries shows where each stands. On a first visit (`since` is None) nothing is new.
    One query for the news of every case, whatever their number."""
    cases = list(cases_of(relative).order_by("title"))
    by_case: dict[int, list[Event]] = defaultdict(list)
    counts: dict[int, int] = {}
    if since is not None:
        per_case = {"partition_by": F("case_id")}
        # The latest changes of each case are picked on the events' own columns first, then read
        # whole: numbering twenty thousand changes with their cases joined took a second.
        latest = (
            events_visible_to(relative)
            # The cases by number too: given only the subquery, the database read every event
            # of every case first.
            .filter(case__in=[case.pk for case in cases], updated_at__gt=since)
            .exclude(entry__relative=relative)
            .annotate(
                latest=Window(RowNumber(), **per_case, order_by=[F("updated_at").desc(), "-id"]),
                changed=Window(Count("id"), **per_case),
            )
            .filter(latest__lte=NEWS_SHOWN)
            .values_list("pk", "case_id", "changed")
        )
        shown = []
        for pk, case_id, changed in latest:
            shown.append(pk)
            counts[case_id] = changed
        events = Event.objects.filter(pk__in=shown).select_related("case", "entry").in_date_order()
        for event in _with_notes(list(events), relative):
            event.is_new = event.created_at > since
            by_case[event.case_id].append(event)
    return [CaseNews(case, by_case[case.pk], counts.get(case.pk, 0)) for case in cases]


def entries_of(relative: Relative) -> QuerySet[Entry]:
    """The relative's own entries, newest first, with what `review_status` reads."""
    return entries_visible_to(relative).select_related("event__case")
