import datetime

import pytest
from django.urls import reverse

from detentions.models import Event, EventKind, StatusChange
from tests.factories import (
    CaseFactory,
    CitationFactory,
    DetaineeFactory,
    EventFactory,
    FacilityFactory,
    SourceFactory,
    timeline_of_every_kind,
)

pytestmark = pytest.mark.django_db


def case_url(case) -> str:
    return reverse("detentions:case-detail", kwargs={"slug": case.slug})


class TestCaseList:
    def test_lists_published_cases_with_status_and_counts(self, client):
        case = CaseFactory(title="Twenty-seven held in Nukus")
        DetaineeFactory.create_batch(2, case=case, facility=FacilityFactory())
        DetaineeFactory(case=case)
        charged = EventFactory(case=case, kind=EventKind.STATUS_CHANGE)
        StatusChange.objects.create(event=charged, status="charged")
        CaseFactory(title="A draft nobody may see yet", is_published=False)

        response = client.get(reverse("detentions:case-list"))

        page = response.content.decode()
        assert response.status_code == 200
        assert "Twenty-seven held in Nukus" in page
        assert "Charged" in page
        assert "3 people held" in page
        assert "2 located, 1 whereabouts unknown" in page
        assert "late February 2009" in page
        assert "A draft nobody may see yet" not in page

    def test_says_so_when_nothing_is_published(self, client):
        CaseFactory(is_published=False)
        response = client.get(reverse("detentions:case-list"))
        assert "No case has been published yet." in response.content.decode()

    @pytest.mark.parametrize("cases", [1, 12])
    def test_runs_a_fixed_number_of_queries(self, client, cases, django_assert_max_num_queries):
        for case in CaseFactory.create_batch(cases):
            DetaineeFactory.create_batch(2, case=case)
        with django_assert_max_num_queries(1):
            response = client.get(reverse("detentions:case-list"))
        assert response.content.decode().count("<li>") == cases

    def test_refuses_writes(self, client):
        assert client.post(reverse("detentions:case-list")).status_code == 405


class TestCaseDetail:
    def test_shows_public_verified_events_in_date_order_with_sources(self, client):
        case = CaseFactory()
        later = EventFactory(
            case=case, title="Consul visits Nukus", date_start=datetime.date(2009, 4, 10)
        )
        earlier = EventFactory(
            case=case,
            title="Detained at the border",
            date_precision="late_month",
            date_start=datetime.date(2009, 2, 21),
        )
        CitationFactory(
            event=earlier,
            source=SourceFactory(title="Human rights bulletin", url="https://example.org/b"),
        )

        page = client.get(case_url(case)).content.decode()

        assert page.index("Detained at the border") < page.index("Consul visits Nukus")
        assert "late February 2009" in page
        assert "10 April 2009" in page
        assert '<a href="https://example.org/b" rel="noopener">Human rights bulletin</a>' in page
        assert later.title in page

    def test_hides_internal_and_unverified_events_and_private_sources(self, client):
        case = CaseFactory()
        EventFactory(case=case, title="Staff to-do: call the embassy", is_public=False)
        EventFactory(
            case=case, title="A rumour from a chat group", verification=Event.Verification.REPORTED
        )
        public = EventFactory(case=case, title="Verified public fact")
        CitationFactory(
            event=public, source=SourceFactory(title="Testimony of a witness", is_public=False)
        )

        page = client.get(case_url(case)).content.decode()

        assert "Verified public fact" in page
        assert "Staff to-do" not in page
        assert "A rumour" not in page
        assert "Testimony of a witness" not in page

    def test_never_shows_internal_notes_or_withheld_names(self, client):
        case = CaseFactory(internal_notes="Internal: lawyer's private number")
        DetaineeFactory(case=case, name_latin="Serik Abenov", internal_notes="moved at night")
        page = client.get(case_url(case)).content.decode()
        assert "lawyer's private number" not in page
        assert "Serik" not in page
        assert "moved at night" not in page

    def test_an_unpublished_case_is_not_found(self, client):
        case = CaseFactory(is_published=False)
        EventFactory(case=case)
        assert client.get(case_url(case)).status_code == 404

    def test_an_unknown_case_is_not_found(self, client):
        assert (
            client.get(reverse("detentions:case-detail", kwargs={"slug": "nope"})).status_code
            == 404
        )

    def test_refuses_writes(self, client):
        assert client.post(case_url(CaseFactory())).status_code == 405

    @pytest.mark.parametrize("rounds", [1, 6])
    def test_runs_a_fixed_number_of_queries(self, client, rounds, django_assert_max_num_queries):
        case = CaseFactory()
        timeline_of_every_kind(case, rounds=rounds)
        with django_assert_max_num_queries(8):
            response = client.get(case_url(case))
        assert response.content.decode().count('class="event event-') == rounds * len(EventKind)


class TestHealth:
    def test_answers_ok_when_the_database_answers(self, client):
        response = client.get(reverse("detentions:healthz"))
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert "no-cache" in response["Cache-Control"]
