"""Reads for the relatives' workspace. Each starts from what one relative may see.

A relative sees, of the cases they are linked to: the public facts (once the case is published),
their own entries whatever their state, and what staff shared with the family. Never another
relative's entry that staff did not share, and never anything marked for staff only.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from campaigns.access import cases_of, entries_visible_to, events_visible_to
from campaigns.models import Entry, Participation, Relative
from detentions.models import Case, Event
from detentions.models.timeline import named_people


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


def relative_timeline(relative: Relative, case: Case) -> list[Event]:
    """The case's events the relative may see, in date order, each with its `workspace_note`."""
    participations = Participation.objects.select_related("relative", "organisation")
    events = (
        events_visible_to(relative)
        .filter(case=case)
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
    return _with_notes(list(events), relative)


@dataclass(frozen=True)
class CaseNews:
    """One of the relative's cases and what others recorded on it since their last visit."""

    case: Case
    events: list[Event]


def news_for(relative: Relative, *, since: datetime.datetime | None) -> list[CaseNews]:
    """Each case of the relative's, with the events they may see that were recorded or changed
    after `since`. Their own entries are left out: they know what they logged, and the list of
    their entries shows where each stands. On a first visit (`since` is None) nothing is new."""
    cases = list(cases_of(relative).order_by("title"))
    by_case: dict[int, list[Event]] = defaultdict(list)
    if since is not None:
        events = (
            events_visible_to(relative)
            .filter(updated_at__gt=since)
            .exclude(entry__relative=relative)
            .select_related("case", "entry")
            .in_date_order()
        )
        for event in _with_notes(list(events), relative):
            event.is_new = event.created_at > since
            by_case[event.case_id].append(event)
    return [CaseNews(case, by_case[case.pk]) for case in cases]


def entries_of(relative: Relative) -> QuerySet[Entry]:
    """The relative's own entries, newest first, with what `review_status` reads."""
    return entries_visible_to(relative).select_related("event__case")
