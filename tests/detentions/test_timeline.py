"""A whole timeline, every kind with its details, comes out in a fixed number of queries."""

import datetime

import pytest

from detentions.models import Event, EventKind
from tests.factories import CaseFactory, EventFactory, timeline_of_every_kind

pytestmark = pytest.mark.django_db

# One query for the events and every kind's details, one for the citations with their sources,
# one per many-valued detail (five): the same whatever the number of events.
TIMELINE_QUERIES = 7


def read_timeline(case) -> list[tuple]:
    """Touch everything a timeline page shows."""
    rows = []
    for event in (
        Event.objects.filter(case=case)
        .in_date_order()
        .with_details()
        .with_sources(public_only=False)
        .with_people()
    ):
        details = event.details
        people = []
        for relation in ("detainees", "detainees_seen", "charges"):
            if details is not None and hasattr(details, relation):
                people += [str(x) for x in getattr(details, relation).all()]
        for field in (
            "court",
            "consul",
            "facility",
            "decided_by",
            "institution",
            "official",
            "target",
        ):
            if details is not None and hasattr(details, field):
                people.append(str(getattr(details, field)))
        rows.append(
            (
                str(event.date),
                event.kind,
                people,
                [str(c.source.outlet) for c in event.citations.all()],
            )
        )
    return rows


@pytest.mark.parametrize("rounds", [1, 8])
def test_a_timeline_takes_the_same_queries_whatever_its_length(rounds, django_assert_num_queries):
    case = CaseFactory()
    timeline_of_every_kind(case, rounds=rounds)
    with django_assert_num_queries(TIMELINE_QUERIES):
        rows = read_timeline(case)
    assert len(rows) == rounds * len(EventKind)
    assert {kind for _, kind, _, _ in rows} == set(EventKind.values)


def test_every_kind_brings_its_details():
    case = CaseFactory()
    timeline_of_every_kind(case, rounds=1)
    events = (
        Event.objects.filter(case=case).with_details().with_sources(public_only=False).with_people()
    )
    for event in events:
        if event.kind == EventKind.NOTE:
            assert event.details is None
        else:
            assert event.details is not None
            assert event.details.kind == event.kind


def test_the_timeline_is_in_date_order_with_unknown_dates_last():
    case = CaseFactory()
    late = EventFactory(case=case, date_start=datetime.date(2009, 5, 17), title="announced")
    unknown = EventFactory(case=case, date_precision="unknown", date_start=None, title="undated")
    early = EventFactory(
        case=case,
        date_start=datetime.date(2009, 2, 21),
        date_precision="late_month",
        title="detained",
    )
    ordered = list(Event.objects.filter(case=case).in_date_order())
    assert ordered == [early, late, unknown]
