"""Staff case work: the case timeline, event/detainee/source forms, edit conflicts, the change
history and restoring an earlier version."""

import datetime
import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from campaigns import casework_selectors, casework_services
from campaigns.models import StaffMember
from campaigns.staff_selectors import SOURCES_OFFERED
from detentions import selectors
from detentions.dates import DatePrecision
from detentions.models import (
    Citation,
    Detainee,
    Event,
    EventKind,
    OfficialContact,
    Source,
    StatusChange,
)
from tests.accounts import log_in
from tests.factories import (
    CaseFactory,
    CitationFactory,
    DetaineeFactory,
    EventFactory,
    FacilityFactory,
    InstitutionFactory,
    OrganisationFactory,
    RelativeWithAccountFactory,
    SourceFactory,
    StaffUserFactory,
    timeline_of_every_kind,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return CaseFactory(slug="border-group", title="Border group")


@pytest.fixture
def event(case):
    event = EventFactory(case=case, title="Detained at the checkpoint")
    CitationFactory(event=event)
    return event


@pytest.fixture
def detainee(case):
    return DetaineeFactory(case=case, reference="1", name_latin="Erlan Abenov")


def client_for(user) -> Client:
    client = Client()
    log_in(client, user)
    return client


@pytest.fixture
def limited_client():
    """A case worker limited to an organisation that does not work on `case`."""
    user = StaffUserFactory(username="limited", is_superuser=False)
    StaffMember.objects.create(user=user, organisation=OrganisationFactory(), only_own_cases=True)
    return client_for(user)


@pytest.fixture
def relative_client(case):
    return client_for(RelativeWithAccountFactory().user)


def event_data(event: Event, **changes) -> dict:
    """The event page's fields as the browser posts them, with `changes` applied."""
    data = {
        "version": event.version,
        "date_precision": event.date_precision,
        "date_start": event.date_start.isoformat() if event.date_start else "",
        "date_end": "",
        "title": event.title,
        "description": event.description,
        "is_public": "on" if event.is_public else "",
        "verification": event.verification,
        **citation_data(event),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


def citation_data(event: Event, *, sources=()) -> dict:
    citations = list(event.citations.all()) if event.pk else []
    rows = [(c.pk, c.source_id, c.confidence) for c in citations]
    rows += [("", source.pk, "high") for source in sources]
    data = {
        "citations-TOTAL_FORMS": len(rows),
        "citations-INITIAL_FORMS": len(citations),
        "citations-MIN_NUM_FORMS": 0,
        "citations-MAX_NUM_FORMS": 1000,
    }
    for i, (pk, source, confidence) in enumerate(rows):
        data |= {
            f"citations-{i}-id": pk,
            f"citations-{i}-event": event.pk or "",
            f"citations-{i}-source": source,
            f"citations-{i}-confidence": confidence,
        }
    return data


def urls(case, event, detainee) -> list[str]:
    return [
        reverse("staff:case", kwargs={"slug": case.slug}),
        reverse("staff:event-add", kwargs={"slug": case.slug}) + "?kind=note",
        reverse("staff:event-edit", kwargs={"pk": event.pk}),
        reverse("staff:detainee-add", kwargs={"slug": case.slug}),
        reverse("staff:detainee-edit", kwargs={"pk": detainee.pk}),
        reverse("staff:case-history", kwargs={"slug": case.slug}),
    ]


class TestAccess:
    def test_anonymous_is_sent_to_log_in(self, client, case, event, detainee):
        for url in [*urls(case, event, detainee), reverse("staff:source-add")]:
            response = client.get(url)
            assert response.status_code == 302
            assert "login" in response.url

    def test_a_relative_gets_404(self, relative_client, case, event, detainee):
        for url in [*urls(case, event, detainee), reverse("staff:source-add")]:
            assert relative_client.get(url).status_code == 404
        response = relative_client.post(
            reverse("staff:restore"),
            {"model": "detentions.event", "history_id": event.history.first().history_id},
        )
        assert response.status_code == 404

    def test_a_limited_case_worker_gets_404_outside_their_organisation(
        self, limited_client, case, event, detainee
    ):
        for url in urls(case, event, detainee):
            assert limited_client.get(url).status_code == 404
        response = limited_client.post(
            reverse("staff:event-edit", kwargs={"pk": event.pk}), event_data(event, title="X")
        )
        assert response.status_code == 404
        record = event.history.first()
        response = limited_client.post(
            reverse("staff:restore"),
            {"model": "detentions.event", "history_id": record.history_id},
        )
        assert response.status_code == 404
        event.refresh_from_db()
        assert event.title == "Detained at the checkpoint"

    def test_a_limited_case_worker_sees_their_organisations_case(self, limited_client, case, event):
        StaffMember.objects.get().organisation.cases.add(case)
        response = limited_client.get(reverse("staff:case", kwargs={"slug": case.slug}))
        assertContains(response, "Detained at the checkpoint")

    def test_wrong_methods_get_405(self, staff_client, case, event, detainee):
        for url in urls(case, event, detainee)[1:5]:
            assert staff_client.put(url).status_code == 405
        assert staff_client.post(urls(case, event, detainee)[0]).status_code == 405
        assert staff_client.post(urls(case, event, detainee)[5]).status_code == 405
        assert staff_client.get(reverse("staff:restore")).status_code == 405


class TestCasePage:
    def test_shows_the_whole_timeline_with_internal_and_unverified_marked(
        self, staff_client, case, event, detainee
    ):
        EventFactory(case=case, title="A rumour", is_public=False, verification="reported")
        response = staff_client.get(reverse("staff:case", kwargs={"slug": case.slug}))
        assertContains(response, "Detained at the checkpoint")
        assertContains(response, "A rumour")
        assertContains(response, '<span class="mark-internal">internal</span>', html=True)
        assertContains(response, '<span class="mark-unverified">unverified</span>', html=True)
        assertContains(response, reverse("staff:event-edit", kwargs={"pk": event.pk}))
        assertContains(response, reverse("staff:detainee-edit", kwargs={"pk": detainee.pk}))
        assertContains(response, "Erlan Abenov")

    @pytest.mark.parametrize("rounds", [1, 3])
    def test_takes_the_same_queries_whatever_the_timeline_length(
        self, staff_client, case, rounds, django_assert_num_queries
    ):
        timeline_of_every_kind(case, rounds=rounds)
        # Session, user, their authenticator, case, the counts, events, citations, detainees,
        # the archived detainees and events.
        with django_assert_num_queries(10):
            response = staff_client.get(reverse("staff:case", kwargs={"slug": case.slug}))
        assert response.status_code == 200


class TestEventForms:
    def test_the_add_page_offers_every_kind(self, staff_client, case):
        response = staff_client.get(reverse("staff:event-add", kwargs={"slug": case.slug}))
        for kind in EventKind:
            assertContains(response, f"?kind={kind.value}")

    def test_adds_an_event_with_details_and_citation(self, staff_client, case, detainee):
        source = SourceFactory(title="Court press release")
        DetaineeFactory(name_latin="Someone of another case")
        url = reverse("staff:event-add", kwargs={"slug": case.slug}) + "?kind=status_change"
        page = staff_client.get(url)
        assertContains(page, "Erlan Abenov")
        assertNotContains(page, "Someone of another case")
        data = event_data(
            Event(case=case, kind=EventKind.STATUS_CHANGE, date_start=datetime.date(2009, 6, 2)),
            title="Sentenced",
            verification="verified",
            **citation_data(Event(), sources=[source]),
        )
        data |= {"detail-status": "verdict", "detail-detainees": [detainee.pk]}
        response = staff_client.post(url, data)
        event = Event.objects.get(title="Sentenced")
        assertRedirects(
            response, reverse("staff:case", kwargs={"slug": case.slug}) + f"#event-{event.pk}"
        )
        assert event.kind == EventKind.STATUS_CHANGE
        assert event.recorded_by.username == "staff"
        assert event.status_change.status == "verdict"
        assert list(event.status_change.detainees.all()) == [detainee]
        assert list(event.sources.all()) == [source]

    def test_a_verified_event_needs_a_source(self, staff_client, case):
        url = reverse("staff:event-add", kwargs={"slug": case.slug}) + "?kind=note"
        data = event_data(
            Event(case=case, date_start=datetime.date(2009, 6, 2)), verification="verified"
        )
        response = staff_client.post(url, data)
        assertContains(response, "A verified event needs at least one source.")
        assert not Event.objects.exists()

    def test_model_errors_show_next_to_fields_and_nothing_is_saved(self, staff_client, event):
        url = reverse("staff:event-edit", kwargs={"pk": event.pk})
        data = event_data(event, title="Changed", date_precision=DatePrecision.SPAN)
        response = staff_client.post(url, data)
        assertContains(response, "A span needs its last day.")
        assertContains(response, 'id="id_date_end_error"')
        event.refresh_from_db()
        assert event.title == "Detained at the checkpoint"
        assert event.version == 1

    def test_detail_errors_save_nothing(self, staff_client, case):
        url = reverse("staff:event-add", kwargs={"slug": case.slug}) + "?kind=official_contact"
        data = event_data(Event(case=case, date_start=datetime.date(2009, 6, 2)))
        data |= {"detail-channel": "letter", "detail-outcome": "referred"}
        response = staff_client.post(url, data)
        assertContains(response, "Name the institution, the official, or both.")
        assertContains(response, "Say which body they referred to.")
        assert not Event.objects.exists()
        assert not OfficialContact.objects.exists()

    def test_edits_an_event_and_its_details_and_bumps_the_version(self, staff_client, case):
        event = EventFactory(case=case, kind=EventKind.STATUS_CHANGE, verification="reported")
        StatusChange.objects.create(event=event, status="detained")
        page = staff_client.get(reverse("staff:event-edit", kwargs={"pk": event.pk}))
        assertContains(
            page, '<input type="hidden" name="version" value="1" id="id_version">', html=True
        )
        data = event_data(event, title="Charged with smuggling", kind="note")
        data |= {"detail-status": "charged"}
        response = staff_client.post(reverse("staff:event-edit", kwargs={"pk": event.pk}), data)
        assert response.status_code == 302
        event.refresh_from_db()
        assert (event.title, event.kind, event.version) == (
            "Charged with smuggling",
            "status_change",
            2,
        )
        assert event.status_change.status == "charged"

    def test_removing_the_last_source_of_a_verified_event_is_refused(self, staff_client, event):
        data = event_data(event)
        data["citations-0-DELETE"] = "on"
        response = staff_client.post(reverse("staff:event-edit", kwargs={"pk": event.pk}), data)
        assertContains(response, "A verified event needs at least one source.")
        assert Citation.objects.filter(event=event).count() == 1


def titles_on(response) -> list[str]:
    """The titles of the events the case page's timeline lists, in order."""
    content = response.content.decode()
    timeline = content[content.index('<ol class="staff-timeline">') :]
    timeline = timeline[: timeline.index("</ol>")]
    return [
        html.unescape(t)
        for t in re.findall(r'/edit/">([^<]*)</a> · <a href="/staff/archive/event', timeline)
    ]


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 3 events and of 2 people, and the 2 latest archived records of each kind."""
    monkeypatch.setattr(selectors, "TIMELINE_PAGE_SIZE", 3)
    monkeypatch.setattr(casework_selectors, "PEOPLE_PAGE_SIZE", 2)
    monkeypatch.setattr(casework_selectors, "ARCHIVED_SHOWN", 2)


def dated_events(case, count: int) -> list[Event]:
    """`count` events a day apart, oldest first, titled "Day 1", "Day 2"..."""
    return [
        EventFactory(
            case=case,
            title=f"Day {day}",
            date_start=datetime.date(2009, 3, 1) + datetime.timedelta(days=day),
        )
        for day in range(1, count + 1)
    ]


@pytest.mark.usefixtures("small_pages")
class TestCasePages:
    def test_page_one_shows_the_newest_events_and_links_to_earlier_ones(self, staff_client, case):
        dated_events(case, 7)
        url = reverse("staff:case", kwargs={"slug": case.slug})

        response = staff_client.get(url)

        assert titles_on(response) == ["Day 5", "Day 6", "Day 7"]
        assertContains(response, "Page 1 of 3; the newest come first.", count=2)
        assertContains(response, "7 events in all.", count=2)
        assertContains(
            response,
            f'<a href="{url}?page=2#timeline" rel="next">Earlier events</a>',
            html=True,
            count=2,
        )
        assertNotContains(response, "Later events")

    def test_page_two_shows_older_events_and_links_both_ways(self, staff_client, case):
        dated_events(case, 7)
        url = reverse("staff:case", kwargs={"slug": case.slug})

        response = staff_client.get(url + "?page=2")

        assert titles_on(response) == ["Day 2", "Day 3", "Day 4"]
        assertContains(response, "Page 2 of 3; the newest come first.", count=2)
        assertContains(
            response, f'<a href="{url}#timeline" rel="prev">Later events</a>', html=True, count=2
        )
        assertContains(
            response,
            f'<a href="{url}?page=3#timeline" rel="next">Earlier events</a>',
            html=True,
            count=2,
        )
        assert titles_on(staff_client.get(url + "?page=3")) == ["Day 1"]

    def test_internal_and_archived_events_are_paged_as_staff_see_them(self, staff_client, case):
        events = dated_events(case, 4)
        Event.objects.filter(pk=events[3].pk).update(is_public=False, verification="reported")
        Event.objects.filter(pk=events[2].pk).update(archived_at=timezone.now())
        url = reverse("staff:case", kwargs={"slug": case.slug})

        response = staff_client.get(url)

        assert titles_on(response) == ["Day 1", "Day 2", "Day 4"]
        assertNotContains(response, "Earlier events")

    @pytest.mark.parametrize(
        "query", ["?page=4", "?page=0", "?page=two", "?page=-1", "?people_page=2", "?people_page=x"]
    )
    def test_a_page_that_does_not_exist_is_404(self, staff_client, case, query):
        dated_events(case, 7)
        DetaineeFactory.create_batch(2, case=case)
        url = reverse("staff:case", kwargs={"slug": case.slug})
        assert staff_client.get(url + query).status_code == 404

    def test_an_empty_case_has_its_first_page(self, staff_client, case):
        response = staff_client.get(reverse("staff:case", kwargs={"slug": case.slug}))
        assertContains(response, "No events recorded yet.")
        assertContains(response, "No detainees recorded yet.")
        assertNotContains(response, "Page 1 of")

    def test_detainees_are_paged_by_reference_keeping_the_timelines_page(self, staff_client, case):
        dated_events(case, 4)
        for reference in ["a1", "a2", "a3", "a4", "a5"]:
            DetaineeFactory(case=case, reference=reference, name_latin=f"Person {reference}")
        url = reverse("staff:case", kwargs={"slug": case.slug})

        first = staff_client.get(url + "?page=2")

        assertContains(first, "Person a1")
        assertContains(first, "Person a2")
        assertNotContains(first, "Person a3")
        assertContains(first, "Showing 1–2 of 5, by reference.")
        assertContains(
            first,
            f'<a href="{url}?page=2&amp;people_page=2#people" rel="next">Next detainees</a>',
            html=True,
        )
        assertContains(
            first, f'<a href="{reverse("staff:search")}">Find someone by name</a>', html=True
        )
        # Paging through the events keeps one's place among the people, and the other way round.
        second = staff_client.get(url + "?page=2&people_page=2")
        assertContains(second, "Showing 3–4 of 5, by reference.")
        assertContains(second, "Person a3")
        assertNotContains(second, "Person a2")
        assertContains(
            second, f'<a href="{url}?page=2#people" rel="prev">Previous detainees</a>', html=True
        )
        assertContains(
            second, f'<a href="{url}?people_page=2#timeline" rel="prev">Later events</a>', html=True
        )
        last = staff_client.get(url + "?people_page=3")
        assertContains(last, "Showing 5–5 of 5, by reference.")
        assertNotContains(last, "Next detainees")

    def test_the_archived_lists_show_the_latest_and_count_them_all(self, staff_client, case):
        user = StaffUserFactory(username="aliya")
        for record in [*dated_events(case, 3), *DetaineeFactory.create_batch(3, case=case)]:
            casework_services.archive(record=record, user=user)
        url = reverse("staff:case", kwargs={"slug": case.slug})

        response = staff_client.get(url)

        assertContains(response, "Showing the 2 events archived last, of 3.")
        assertContains(response, "Showing the 2 detainees archived last, of 3.")
        content = response.content.decode()
        archived = content[content.index('id="archived"') :]
        assert "Day 3" in archived and "Day 2" in archived and "Day 1" not in archived
        assert archived.count("/restore/") == 4

    def test_takes_the_same_queries_with_more_than_a_page_of_everything(
        self, staff_client, case, django_assert_max_num_queries
    ):
        user = StaffUserFactory(username="aliya")
        timeline_of_every_kind(case, rounds=2)
        DetaineeFactory.create_batch(5, case=case)
        for record in [*dated_events(case, 3), *DetaineeFactory.create_batch(3, case=case)]:
            casework_services.archive(record=record, user=user)
        url = reverse("staff:case", kwargs={"slug": case.slug})

        for query in ["", "?page=2&people_page=2", "?page=5&people_page=3"]:
            with django_assert_max_num_queries(10):
                response = staff_client.get(url + query)
            assert len(titles_on(response)) == 3
            assertContains(response, "Showing the 2 events archived last, of 3.")

    def test_saving_an_event_goes_back_to_the_page_that_lists_it(self, staff_client, case):
        events = dated_events(case, 7)
        url = reverse("staff:event-edit", kwargs={"pk": events[2].pk})

        response = staff_client.post(
            url, event_data(events[2], title="Day 3, corrected", verification="reported")
        )

        case_url = reverse("staff:case", kwargs={"slug": case.slug})
        assertRedirects(response, f"{case_url}?page=2#event-{events[2].pk}")
        assert "Day 3, corrected" in titles_on(staff_client.get(response.url))


def offered_sources(response, row: int = 0) -> list[str]:
    """The titles a citation row's source select lists, in order."""
    content = response.content.decode()
    select = content[content.index(f'<select name="citations-{row}-source"') :]
    select = select[: select.index("</select>")]
    return [html.unescape(t) for t in re.findall(r'<option value="\d+"[^>]*>([^<]*)<', select)]


def picked_source(response, row: int) -> str | None:
    content = response.content.decode()
    select = content[content.index(f'<select name="citations-{row}-source"') :]
    picked = re.findall(
        r'<option value="\d+" selected>([^<]*)<', select[: select.index("</select>")]
    )
    return html.unescape(picked[0]) if picked else None


def cite_many(case, title: str, count: int) -> list[Source]:
    """`count` sources cited by one event of the case, the last made cited last."""
    event = EventFactory(case=case)
    sources = Source.objects.bulk_create(
        Source(title=f"{title} {number:03}", kind=Source.Kind.MEDIA) for number in range(count)
    )
    Citation.objects.bulk_create(Citation(event=event, source=source) for source in sources)
    return sources


def find_data(event: Event, text: str, **changes) -> dict:
    return event_data(event, action="find_source", **{"citations-find_source": text}, **changes)


class TestCitationSources:
    def test_each_select_offers_the_shortlist_and_the_source_its_row_cites(
        self, staff_client, case, event, django_assert_max_num_queries
    ):
        cited = event.citations.get().source
        cite_many(case, "Cited here", SOURCES_OFFERED + 10)
        cite_many(CaseFactory(), "Cited elsewhere", 10)
        url = reverse("staff:event-edit", kwargs={"pk": event.pk})

        # Session, user, authenticator, event, citations, the shortlist: whatever the sources.
        with django_assert_max_num_queries(7):
            response = staff_client.get(url)

        first_row = offered_sources(response, 0)
        assert first_row[0] == cited.title
        assert first_row[1:3] == [
            f"Cited here {SOURCES_OFFERED + 9:03}",
            f"Cited here {SOURCES_OFFERED + 8:03}",
        ]
        assert len(first_row) == SOURCES_OFFERED + 1
        assert picked_source(response, 0) == cited.title
        assert offered_sources(response, 1) == first_row[1:]
        assert offered_sources(response, 2) == first_row[1:]
        assert not [title for title in first_row if title.startswith("Cited elsewhere")]
        assertContains(
            response,
            f"The {SOURCES_OFFERED} sources cited most recently in this case or not cited yet. "
            "To cite another, find it by its title.",
        )

    def test_the_add_page_offers_the_shortlist(self, staff_client, case):
        cite_many(case, "Cited here", SOURCES_OFFERED + 10)
        url = reverse("staff:event-add", kwargs={"slug": case.slug}) + "?kind=note"

        response = staff_client.get(url)

        assert len(offered_sources(response, 0)) == SOURCES_OFFERED
        assert len(offered_sources(response, 1)) == SOURCES_OFFERED

    def test_finding_lists_sources_by_title_keeps_what_was_typed_and_saves_nothing(
        self, staff_client, case, event
    ):
        CitationFactory(source__title="Verdict of the Aktobe court")
        CitationFactory(source__title="Appeal to the Aktobe court")
        CitationFactory(source__title="Testimony of a cellmate")
        url = reverse("staff:event-edit", kwargs={"pk": event.pk})
        data = find_data(
            event,
            " aktobe COURT ",
            title="Moved to the capital",
            date_start="2999-01-01",
            **{"citations-1-locator": "page 4", "citations-1-confidence": "low"},
        )
        data["citations-TOTAL_FORMS"] = 3

        response = staff_client.post(url, data)

        assert response.status_code == 200
        for row in range(3):
            assert offered_sources(response, row)[-2:] == [
                "Appeal to the Aktobe court",
                "Verdict of the Aktobe court",
            ]
        assertContains(response, "The sources whose title contains “aktobe COURT”.")
        assertContains(response, "Nothing is saved yet.")
        assertContains(response, 'value="Moved to the capital"')
        assertContains(response, 'value="2999-01-01"')
        assertContains(response, 'value=" aktobe COURT "')
        assertContains(response, 'value="page 4"')
        assertContains(response, '<option value="low" selected>', html=False)
        assertContains(
            response, '<input type="hidden" name="version" value="1" id="id_version">', html=True
        )
        assertNotContains(response, "Please correct what is marked below.")
        assertNotContains(response, "This date is in the future.")
        assert picked_source(response, 0) == event.citations.get().source.title
        event.refresh_from_db()
        assert (event.title, event.version) == ("Detained at the checkpoint", 1)
        assert event.citations.count() == 1

    def test_finding_nothing_says_so_and_lists_the_shortlist(self, staff_client, case, event):
        url = reverse("staff:event-edit", kwargs={"pk": event.pk})

        response = staff_client.post(url, find_data(event, "<b>verdict"))

        assertContains(
            response, "No source you may cite has a title containing “&lt;b&gt;verdict”."
        )
        assert offered_sources(response, 1) == [event.citations.get().source.title]

    def test_a_source_found_by_title_can_be_cited(self, staff_client, case, event):
        verdict = CitationFactory(source__title="Verdict of the Aktobe court").source
        cite_many(case, "Cited here", SOURCES_OFFERED)
        url = reverse("staff:event-edit", kwargs={"pk": event.pk})
        assert verdict.title not in offered_sources(staff_client.get(url), 1)
        found = staff_client.post(url, find_data(event, "verdict"))
        assert offered_sources(found, 1)[-1] == verdict.title

        data = event_data(event, **citation_data(event, sources=[verdict]))
        response = staff_client.post(url, data | {"citations-find_source": "verdict"})

        assert response.status_code == 302
        assert set(event.sources.all()) == {event.citations.first().source, verdict}
        event.refresh_from_db()
        assert event.version == 2

    def test_a_picked_source_stays_listed_when_the_page_is_shown_again(
        self, staff_client, case, event
    ):
        verdict = CitationFactory(source__title="Verdict of the Aktobe court").source
        cite_many(case, "Cited here", SOURCES_OFFERED)
        url = reverse("staff:event-edit", kwargs={"pk": event.pk})

        # Picked after a first search; then a search for another source.
        data = find_data(event, "cellmate", **citation_data(event, sources=[verdict]))
        response = staff_client.post(url, data)
        assert picked_source(response, 1) == verdict.title
        assert offered_sources(response, 2) == offered_sources(response, 1)[1:]

        # Then saved with an error elsewhere.
        data = event_data(event, date_start="2999-01-01", **citation_data(event, sources=[verdict]))
        response = staff_client.post(url, data)
        assertContains(response, "This date is in the future.")
        assert picked_source(response, 1) == verdict.title
        assert event.citations.count() == 1

    @pytest.mark.parametrize("number", ["99999999999999999999", "9" * 5000, "²", "-1"])
    def test_a_forged_source_number_is_refused_not_a_server_error(
        self, staff_client, case, event, number
    ):
        url = reverse("staff:event-edit", kwargs={"pk": event.pk})
        data = event_data(event, **citation_data(event, sources=[SourceFactory()]))
        data |= {"citations-1-source": number, "citations-find_source": "report\x00"}

        found = staff_client.post(
            url, data | {"action": "find_source", "citations-TOTAL_FORMS": number}
        )
        saved = staff_client.post(url, data)

        assert found.status_code == 200
        assertContains(saved, "Select a valid choice.")
        assert event.citations.count() == 1

    def test_a_limited_case_worker_is_offered_only_sources_they_may_cite(
        self, limited_client, case, event
    ):
        StaffMember.objects.get().organisation.cases.add(case)
        CitationFactory(event__case=case, source__title="Testimony of the sister")
        secret = CitationFactory(source__title="Testimony of a cellmate").source
        SourceFactory(title="Testimony, not yet cited")
        url = reverse("staff:event-edit", kwargs={"pk": event.pk})

        page = limited_client.get(url)
        found = limited_client.post(url, find_data(event, "testimony"))

        assertNotContains(page, "Testimony of a cellmate")
        assert offered_sources(found, 1) == ["Testimony of the sister", "Testimony, not yet cited"]
        assertNotContains(found, "Testimony of a cellmate")

        response = limited_client.post(
            url, event_data(event, **citation_data(event, sources=[secret]))
        )

        assertContains(response, "Select a valid choice.")
        assertNotContains(response, "Testimony of a cellmate")
        assert not event.citations.filter(source=secret).exists()
        event.refresh_from_db()
        assert event.version == 1


class TestConflicts:
    def test_the_second_save_is_refused_and_shows_the_other_change(self, event):
        first = client_for(StaffUserFactory(username="aliya"))
        second = client_for(StaffUserFactory(username="bolat"))
        url = reverse("staff:event-edit", kwargs={"pk": event.pk})
        read = event_data(event)  # both opened the form at version 1
        assert first.post(url, read | {"title": "Aliya's title"}).status_code == 302

        response = second.post(url, read | {"title": "Bolat's title", "description": "Bolat's"})

        assert response.status_code == 409
        assertContains(response, "Someone else saved this in the meantime", status_code=409)
        assertContains(
            response,
            "<tr><th scope='row'>Title</th><td>Detained at the checkpoint</td>"
            "<td>Aliya&#x27;s title</td><td>Bolat&#x27;s title</td></tr>",
            html=True,
            status_code=409,
        )
        # Bolat's typing is kept, now at the new version, so saving again is a decision.
        assertContains(response, 'value="Bolat&#x27;s title"', status_code=409)
        assertContains(
            response,
            '<input type="hidden" name="version" value="2" id="id_version">',
            html=True,
            status_code=409,
        )
        event.refresh_from_db()
        assert (event.title, event.version) == ("Aliya's title", 2)
        assert event.description == "What happened, in the recorder's own words."

    def test_saving_again_at_the_new_version_goes_through(self, event):
        first = client_for(StaffUserFactory(username="aliya"))
        url = reverse("staff:event-edit", kwargs={"pk": event.pk})
        read = event_data(event)
        first.post(url, read | {"title": "Aliya's title"})
        second = client_for(StaffUserFactory(username="bolat"))
        assert second.post(url, read | {"title": "Bolat's"}).status_code == 409
        assert second.post(url, read | {"title": "Bolat's", "version": 2}).status_code == 302
        event.refresh_from_db()
        assert (event.title, event.version) == ("Bolat's", 3)

    def test_detainee_conflict(self, detainee):
        url = reverse("staff:detainee-edit", kwargs={"pk": detainee.pk})
        read = detainee_data(detainee)
        first = client_for(StaffUserFactory(username="aliya"))
        assert first.post(url, read | {"status": "released"}).status_code == 302
        second = client_for(StaffUserFactory(username="bolat"))
        response = second.post(url, read | {"status": "missing"})
        assertContains(
            response,
            "<tr><th scope='row'>Status</th><td>detained</td><td>released</td>"
            "<td>missing</td></tr>",
            html=True,
            status_code=409,
        )
        detainee.refresh_from_db()
        assert (detainee.status, detainee.version) == ("released", 2)


def detainee_data(detainee: Detainee, **changes) -> dict:
    return {
        "version": detainee.version,
        "reference": detainee.reference,
        "name_latin": detainee.name_latin,
        "name_original": detainee.name_original,
        "name_display": detainee.name_display,
        "status": detainee.status,
        "facility": detainee.facility_id or "",
        "whereabouts_confirmed_on": "",
        "internal_notes": "",
        **changes,
    }


class TestDetaineeAndSourceForms:
    def test_adds_a_detainee(self, staff_client, case):
        data = detainee_data(Detainee(case=case, reference="7"), name_latin="Nurlan K.")
        response = staff_client.post(
            reverse("staff:detainee-add", kwargs={"slug": case.slug}), data
        )
        assertRedirects(response, reverse("staff:case", kwargs={"slug": case.slug}))
        assert case.detainees.get(reference="7").name_latin == "Nurlan K."

    def test_a_taken_reference_is_refused(self, staff_client, case, detainee):
        data = detainee_data(Detainee(case=case, reference="1"))
        response = staff_client.post(
            reverse("staff:detainee-add", kwargs={"slug": case.slug}), data
        )
        assertContains(response, "Another detainee of this case has this reference.")
        assert case.detainees.count() == 1

    def test_confirmed_whereabouts_need_a_facility(self, staff_client, detainee):
        data = detainee_data(detainee, whereabouts_confirmed_on="2009-05-01", name_latin="X")
        response = staff_client.post(
            reverse("staff:detainee-edit", kwargs={"pk": detainee.pk}), data
        )
        assertContains(response, "Whereabouts can only be confirmed at a facility")
        detainee.refresh_from_db()
        assert (detainee.name_latin, detainee.version) == ("Erlan Abenov", 1)

    def test_edits_a_detainee(self, staff_client, detainee):
        facility = FacilityFactory()
        data = detainee_data(detainee, facility=facility.pk, whereabouts_confirmed_on="2009-05-01")
        staff_client.post(reverse("staff:detainee-edit", kwargs={"pk": detainee.pk}), data)
        detainee.refresh_from_db()
        assert (detainee.facility, detainee.version) == (facility, 2)

    def test_adds_a_source_and_goes_back_to_the_case(self, staff_client, case):
        outlet = InstitutionFactory()
        url = reverse("staff:source-add") + f"?case={case.slug}"
        data = {"title": "Prosecutor's statement", "kind": "official", "outlet": outlet.pk}
        response = staff_client.post(url, data | {"url": "example.org/statement"})
        assertRedirects(response, reverse("staff:case", kwargs={"slug": case.slug}))
        assert Source.objects.get().url == "https://example.org/statement"

    def test_a_bad_source_saves_nothing(self, staff_client):
        response = staff_client.post(
            reverse("staff:source-add"),
            {"title": "", "kind": "media", "published_on": "2999-01-01"},
        )
        assertContains(response, "This date is in the future.")
        assert not Source.objects.exists()


class TestHistory:
    def test_shows_who_changed_what_from_what_to_what(self, case, event):
        aliya = StaffUserFactory(username="aliya")
        url = reverse("staff:event-edit", kwargs={"pk": event.pk})
        client_for(aliya).post(url, event_data(event, title="Moved to the capital"))
        response = client_for(aliya).get(reverse("staff:case-history", kwargs={"slug": case.slug}))
        assertContains(response, "aliya")
        assertContains(
            response,
            "<tr><th scope='row'>Title</th><td>Detained at the checkpoint</td>"
            "<td>Moved to the capital</td></tr>",
            html=True,
        )
        # Newest first: the edit comes before the event's creation.
        content = response.content.decode()
        assert content.index("Changed") < content.index("Created")

    def test_restore_brings_back_the_old_title_as_a_new_entry(self, staff_client, case, event):
        url = reverse("staff:event-edit", kwargs={"pk": event.pk})
        staff_client.post(url, event_data(event, title="A wrong title"))
        created = event.history.earliest()
        count = event.history.count()
        response = staff_client.post(
            reverse("staff:restore"),
            {"model": "detentions.event", "history_id": created.history_id},
        )
        assertRedirects(response, reverse("staff:case-history", kwargs={"slug": case.slug}))
        event.refresh_from_db()
        assert (event.title, event.version) == ("Detained at the checkpoint", 3)
        assert event.history.count() == count + 1
        latest = event.history.latest()
        assert latest.history_user.username == "staff"
        assert latest.history_change_reason.startswith("Restored the version of")

    def test_restore_refuses_other_models_and_unknown_records(self, staff_client, event):
        citation = Citation.objects.get()
        for data in [
            {"model": "detentions.citation", "history_id": citation.history.first().history_id},
            {"model": "detentions.event", "history_id": "999999"},
            {"model": "detentions.event", "history_id": "x"},
        ]:
            assert staff_client.post(reverse("staff:restore"), data).status_code == 404

    @pytest.mark.parametrize("rounds", [1, 3])
    def test_takes_the_same_queries_whatever_the_history_length(
        self, staff_client, case, rounds, django_assert_num_queries
    ):
        timeline_of_every_kind(case, rounds=rounds)
        # The newest records name every kind of record: the case and a detainee were edited last.
        detainee = case.detainees.first()
        detainee.status = "released"
        detainee.save()
        case.title = "Renamed"
        case.save()
        # Session, user, their authenticator, case, count, the page's union, one per kind of
        # record on it (11).
        with django_assert_num_queries(17):
            response = staff_client.get(reverse("staff:case-history", kwargs={"slug": case.slug}))
        assertContains(response, "Renamed")

    def test_pages_a_long_history(self, staff_client, case):
        EventFactory.create_batch(60, case=case)
        url = reverse("staff:case-history", kwargs={"slug": case.slug})
        assertContains(staff_client.get(url), "Page 1 of 2")
        assertContains(staff_client.get(url + "?page=2"), "Page 2 of 2")
