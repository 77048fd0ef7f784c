"""A long timeline is read a page at a time, newest first; the headline still covers all of it."""

import datetime

import pytest
from django.urls import reverse

from detentions import selectors
from detentions.dates import DatePrecision
from detentions.models import (
    AccessOutcome,
    CaseStatus,
    ConsularVisit,
    Event,
    EventKind,
    OfficialContact,
    StatusChange,
)
from detentions.views import public
from tests.factories import (
    CaseFactory,
    DetaineeFactory,
    EventFactory,
    OfficialContactFactory,
    OfficialFactory,
    timeline_of_every_kind,
)

pytestmark = pytest.mark.django_db

PAGE_SIZE = 5


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(selectors, "TIMELINE_PAGE_SIZE", PAGE_SIZE)


def case_url(case) -> str:
    return reverse("detentions:case-detail", kwargs={"slug": case.slug})


def json_url(case) -> str:
    return reverse("detentions:case-timeline-json", kwargs={"slug": case.slug})


def day(n: int) -> datetime.date:
    return datetime.date(2009, 3, 1) + datetime.timedelta(days=n)


def case_with_events(count: int):
    case = CaseFactory()
    for n in range(count):
        EventFactory(case=case, title=f"Event on day {n:02}", date_start=day(n))
    return case


def titles(page: str) -> list[str]:
    """The days of the events listed (not of those marked on the chart)."""
    return [
        line.split("<h4>Event on day ")[1][:2]
        for line in page.split("\n")
        if "<h4>Event on day" in line
    ]


def titles_of_cases(page: str) -> list[str]:
    """The years in the titles of the cases listed, in their order."""
    return [part.split("<")[0] for part in page.split(">Detained in ")[1:]]


class TestCasePages:
    def test_the_first_page_holds_the_newest_events_in_date_order(self, client):
        case = case_with_events(12)

        page = client.get(case_url(case)).content.decode()

        assert titles(page) == ["07", "08", "09", "10", "11"]
        assert "Page 1 of 3; the newest come first." in page
        assert f'href="{case_url(case)}?page=2#timeline" rel="next">Earlier events' in page
        assert "Later events" not in page

    def test_earlier_pages_go_back_in_time_to_the_first_event(self, client):
        case = case_with_events(12)

        second = client.get(case_url(case), {"page": 2}).content.decode()
        oldest = client.get(case_url(case), {"page": 3}).content.decode()

        assert titles(second) == ["02", "03", "04", "05", "06"]
        assert f'href="{case_url(case)}#timeline" rel="prev">Later events' in second
        assert titles(oldest) == ["00", "01"]
        assert "Earlier events" not in oldest
        assert f'href="{case_url(case)}?page=2#timeline" rel="prev">Later events' in oldest

    def test_pages_split_same_day_and_undated_events_in_date_order(self):
        case = CaseFactory()
        same_day = [EventFactory(case=case, date_start=day(5)) for _ in range(4)]
        undated = [
            EventFactory(case=case, date_precision=DatePrecision.UNKNOWN, date_start=None)
            for _ in range(6)
        ]
        dated = [EventFactory(case=case, date_start=day(n)) for n in (9, 1, 7)]
        timeline = Event.objects.filter(case=case).in_date_order()
        in_date_order = [event.pk for event in timeline]
        assert in_date_order[:5] == [dated[1].pk, *(event.pk for event in same_day)]
        assert in_date_order[-6:] == [event.pk for event in undated]

        pages = [
            [event.pk for event in selectors.timeline_page(timeline, n, events=13).events]
            for n in (3, 2, 1)
        ]

        assert [len(page) for page in pages] == [3, 5, 5]
        assert [pk for page in pages for pk in page] == in_date_order

    def test_a_short_timeline_has_no_page_links(self, client):
        page = client.get(case_url(case_with_events(PAGE_SIZE))).content.decode()
        assert len(titles(page)) == PAGE_SIZE
        assert "Earlier events" not in page
        assert "Page 1 of" not in page

    @pytest.mark.parametrize("asked", ["4", "0", "two", "²", "1" * 50, "-1"])
    def test_a_page_that_does_not_exist_is_not_found(self, client, asked):
        case = case_with_events(12)
        assert client.get(case_url(case), {"page": asked}).status_code == 404

    def test_the_headline_covers_the_whole_timeline(self, client):
        case = CaseFactory()
        visit = EventFactory(
            case=case,
            kind=EventKind.CONSULAR_VISIT,
            title="Consul sees all 27",
            date_start=day(0),
        )
        ConsularVisit.objects.create(
            event=visit, consul=OfficialFactory(), outcome=AccessOutcome.GRANTED
        )
        charged = EventFactory(case=case, kind=EventKind.STATUS_CHANGE, date_start=day(1))
        StatusChange.objects.create(event=charged, status=CaseStatus.CHARGED)
        OfficialContactFactory(
            event__case=case,
            event__date_start=day(2),
            outcome=OfficialContact.Outcome.ANSWERED,
        )
        for n in range(3, 3 + 2 * PAGE_SIZE):
            OfficialContactFactory(event__case=case, event__date_start=day(n))

        page = client.get(case_url(case)).content.decode()

        assert "Consul sees all 27" not in titles(page)
        # The last consular access is on the last page; its link finds it there.
        permalink = reverse("detentions:event", kwargs={"slug": case.slug, "pk": visit.pk})
        assert f'<a href="{permalink}">1 March 2009</a>' in page
        assert "Charged</span>\n    since 2 March 2009" in page
        assert f"{2 * PAGE_SIZE + 1} made, 1 answered" in page
        assert "The contacts on this page of the timeline." in page

    def test_the_chart_of_an_earlier_page_starts_in_the_phase_then_in_force(self, client):
        case = CaseFactory()
        charged = EventFactory(case=case, kind=EventKind.STATUS_CHANGE, date_start=day(0))
        StatusChange.objects.create(event=charged, status=CaseStatus.CHARGED)
        for n in range(1, 3 * PAGE_SIZE):
            EventFactory(case=case, date_start=day(n))

        second = client.get(case_url(case), {"page": 2}).content.decode()

        assert '<g class="phase status-charged"><title>Charged: 1 March 2009</title>' in second

    @pytest.mark.parametrize("number", [1, 2, 3])
    def test_every_page_runs_the_same_few_queries(
        self, client, number, django_assert_max_num_queries
    ):
        case = CaseFactory()
        timeline_of_every_kind(case, rounds=2)
        with django_assert_max_num_queries(10):
            response = client.get(case_url(case), {"page": number})
        assert response.content.decode().count('<li class="event kind-') <= PAGE_SIZE


class TestEventAddresses:
    @pytest.mark.parametrize(
        ("day_number", "page"), [(11, ""), (7, ""), (6, "?page=2"), (0, "?page=3")]
    )
    def test_lead_to_the_page_that_lists_the_event(self, client, day_number, page):
        case = case_with_events(12)
        event = case.events.get(title=f"Event on day {day_number:02}")
        url = reverse("detentions:event", kwargs={"slug": case.slug, "pk": event.pk})

        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"] == f"{case_url(case)}{page}#event-{event.pk}"
        listed = client.get(response["Location"]).content.decode()
        assert f'id="event-{event.pk}"' in listed

    def test_an_internal_event_or_another_case_is_not_found(self, client):
        case = case_with_events(2)
        hidden = EventFactory(case=case, is_public=False)
        other = EventFactory()
        for slug, pk in [(case.slug, hidden.pk), (case.slug, other.pk), ("nope", other.pk)]:
            url = reverse("detentions:event", kwargs={"slug": slug, "pk": pk})
            assert client.get(url).status_code == 404


class TestInstitutionPages:
    def test_counts_every_contact_and_lists_a_page_of_them(self, client):
        contact = OfficialContactFactory(
            event__date_start=day(0), outcome=OfficialContact.Outcome.ANSWERED, replied_on=day(4)
        )
        body = contact.institution
        for n in range(1, 12):
            OfficialContactFactory(institution=body, event__date_start=day(n))
        url = reverse("detentions:institution-detail", kwargs={"slug": body.slug})

        first = client.get(url).content.decode()
        oldest = client.get(url, {"page": 3}).content.decode()

        assert "<dd>12</dd>" in first  # public contacts, all of them
        assert "<dd>8%</dd>" in first  # one answered in twelve
        assert "<dd>4</dd>" in first  # days to answer
        assert first.count("<tr>") == PAGE_SIZE + 1
        assert oldest.count("<tr>") == 2 + 1
        permalink = reverse(
            "detentions:event", kwargs={"slug": contact.event.case.slug, "pk": contact.event.pk}
        )
        assert f'href="{permalink}"' in oldest
        assert client.get(url, {"page": 4}).status_code == 404

    def test_pages_go_back_in_date_order_with_undated_contacts_newest(self, client):
        body = OfficialContactFactory(
            event__date_precision=DatePrecision.UNKNOWN, event__date_start=None, request="Undated"
        ).institution
        # Recorded newest first, so that date order is not the order of their ids.
        for n in reversed(range(PAGE_SIZE + 2)):
            OfficialContactFactory(institution=body, event__date_start=day(n), request=f"Day {n}")
        url = reverse("detentions:institution-detail", kwargs={"slug": body.slug})

        def asked(page: str) -> list[str]:
            return [
                cell.split("</td>")[0]
                for cell in page.split("<td>")[1:]
                if "Day " in cell or "Undated" in cell
            ]

        first = client.get(url).content.decode()
        earlier = client.get(url, {"page": 2}).content.decode()

        assert asked(first) == ["Day 3", "Day 4", "Day 5", "Day 6", "Undated"]
        assert asked(earlier) == ["Day 0", "Day 1", "Day 2"]


class TestJsonPages:
    def test_pages_like_the_case_page_with_links(self, client):
        case = case_with_events(12)

        first = client.get(json_url(case)).json()
        oldest = client.get(first["page"]["earlier"].replace("http://testserver", "")).json()
        oldest = client.get(oldest["page"]["earlier"].replace("http://testserver", "")).json()

        assert [event["title"] for event in first["events"]] == [
            f"Event on day {n:02}" for n in range(7, 12)
        ]
        assert first["page"] == {
            "number": 1,
            "count": 3,
            "size": PAGE_SIZE,
            "events": 12,
            "earlier": f"http://testserver{json_url(case)}?page=2",
            "later": None,
        }
        assert [event["title"] for event in oldest["events"]] == [
            "Event on day 00",
            "Event on day 01",
        ]
        assert oldest["page"]["earlier"] is None
        assert oldest["page"]["later"] == f"http://testserver{json_url(case)}?page=2"

    def test_a_page_that_does_not_exist_is_not_found(self, client):
        assert client.get(json_url(case_with_events(3)), {"page": 2}).status_code == 404

    def test_the_csv_holds_the_whole_timeline(self, client):
        case = case_with_events(12)
        url = reverse("detentions:case-timeline-csv", kwargs={"slug": case.slug})
        rows = client.get(url).content.decode("utf-8-sig").strip().splitlines()
        assert len(rows) == 1 + 12


class TestHomePages:
    def test_cases_come_fifty_to_a_page_with_the_filters_kept(self, client, monkeypatch):
        monkeypatch.setattr(public, "CASES_PER_PAGE", 2)
        for year in (2007, 2008, 2009):
            CaseFactory(title=f"Detained in {year}", began_on=datetime.date(year, 1, 1))
        url = reverse("detentions:case-list")

        first = client.get(url).content.decode()
        second = client.get(url, {"page": 2}).content.decode()

        assert "Detained in 2009" in first and "Detained in 2008" in first
        assert "Detained in 2007" not in first
        assert 'href="?page=2" rel="next">More cases' in first
        assert "Detained in 2007" in second
        assert 'href="?page=1" rel="prev">Previous cases' in second
        filtered = client.get(url, {"country": "UZ", "page": 1}).content.decode()
        assert "country=UZ&amp;page=2" in filtered

    def test_pages_of_cases_filtered_by_status_show_each_case_with_its_counts(
        self, client, monkeypatch
    ):
        monkeypatch.setattr(public, "CASES_PER_PAGE", 2)
        for year in (2005, 2006, 2007, 2008, 2009):
            case = CaseFactory(title=f"Detained in {year}", began_on=datetime.date(year, 1, 1))
            DetaineeFactory.create_batch(year - 2004, case=case)
            if year != 2008:
                change = EventFactory(case=case, kind=EventKind.STATUS_CHANGE, date_start=day(0))
                StatusChange.objects.create(event=change, status=CaseStatus.CHARGED)
        url = reverse("detentions:case-list")

        pages = [client.get(url, {"status": "charged", "page": n}).content.decode() for n in (1, 2)]

        assert titles_of_cases(pages[0]) == ["2009", "2007"]
        assert titles_of_cases(pages[1]) == ["2006", "2005"]
        assert "5 people held" in pages[0] and "3 people held" in pages[0]
        assert "2 people held" in pages[1] and "1 person held" in pages[1]
        assert pages[1].count('<span class="status">Charged</span>') == 2
        assert client.get(url, {"status": "charged", "page": 3}).status_code == 404

    def test_a_page_of_cases_that_does_not_exist_is_not_found(self, client):
        assert client.get(reverse("detentions:case-list"), {"page": 3}).status_code == 404
