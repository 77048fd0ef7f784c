import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from campaigns.models import Relative
from detentions.dates import DatePrecision
from detentions.models import (
    CaseStatus,
    ConsularVisit,
    Event,
    EventKind,
    OfficialContact,
    ReportedFigure,
    StatusChange,
)
from tests.factories import (
    CaseFactory,
    CitationFactory,
    DetaineeFactory,
    EventFactory,
    FacilityFactory,
    InstitutionFactory,
    KinshipFactory,
    OfficialContactFactory,
    OfficialFactory,
    ParticipationFactory,
    SourceFactory,
    timeline_of_every_kind,
)

pytestmark = pytest.mark.django_db


def case_url(case) -> str:
    return reverse("detentions:case-detail", kwargs={"slug": case.slug})


def status_event(case, status, day):
    event = EventFactory(case=case, kind=EventKind.STATUS_CHANGE, date_start=day)
    StatusChange.objects.create(event=event, status=status)
    return event


class TestCaseList:
    def test_lists_published_cases_with_status_and_counts(self, client):
        case = CaseFactory(title="Twenty-seven held in Nukus")
        DetaineeFactory.create_batch(2, case=case, facility=FacilityFactory())
        DetaineeFactory(case=case)
        DetaineeFactory(case=case, status="released")
        status_event(case, CaseStatus.CHARGED, datetime.date(2009, 5, 17))
        CaseFactory(title="A draft nobody may see yet", is_published=False)

        response = client.get(reverse("detentions:case-list"))

        page = response.content.decode()
        assert "Twenty-seven held in Nukus" in page
        assert '<span class="status">Charged</span>' in page
        assert "detained in Uzbekistan, late February 2009" in page
        days = (timezone.localdate() - datetime.date(2009, 2, 21)).days
        assert f"{days:,} days in detention" in page
        assert "3 people held · 2 located · 1 whereabouts unknown · 1 released" in page
        assert "A draft nobody may see yet" not in page

    def test_an_ended_detention_shows_when_it_ended(self, client):
        case = CaseFactory(title="Sent home")
        status_event(case, CaseStatus.DEPORTED, datetime.date(2009, 9, 2))
        page = client.get(reverse("detentions:case-list")).content.decode()
        assert "ended 2 September 2009" in page
        assert "days in detention" not in page

    def test_filters_by_status_country_and_year(self, client):
        charged = CaseFactory(title="Charged in Uzbekistan")
        status_event(charged, CaseStatus.CHARGED, datetime.date(2009, 5, 17))
        CaseFactory(
            title="Held in Russia", detaining_country="RU", began_on=datetime.date(2015, 3, 1)
        )
        url = reverse("detentions:case-list")

        by_status = client.get(url, {"status": "charged"}).content.decode()
        by_country = client.get(url, {"country": "RU"}).content.decode()
        by_year = client.get(url, {"year": "2009"}).content.decode()

        assert "Charged in Uzbekistan" in by_status and "Held in Russia" not in by_status
        assert "Held in Russia" in by_country and "Charged in Uzbekistan" not in by_country
        assert "Charged in Uzbekistan" in by_year and "Held in Russia" not in by_year

    def test_a_bad_filter_says_so_next_to_the_field_and_keeps_the_others(self, client):
        CaseFactory(title="Charged in Uzbekistan")
        response = client.get(reverse("detentions:case-list"), {"year": "1066", "country": "UZ"})
        assertContains(response, 'id="id_year-error"')
        assertContains(response, "Select a valid choice.")
        assertContains(response, '<option value="UZ" selected>Uzbekistan</option>', html=True)
        assertContains(response, "Charged in Uzbekistan")

    def test_says_so_when_nothing_is_published(self, client):
        CaseFactory(is_published=False)
        response = client.get(reverse("detentions:case-list"))
        assertContains(response, "No case has been published yet.")

    @pytest.mark.parametrize("cases", [1, 12])
    def test_runs_a_fixed_number_of_queries(self, client, cases, django_assert_max_num_queries):
        for case in CaseFactory.create_batch(cases):
            DetaineeFactory.create_batch(2, case=case)
            status_event(case, CaseStatus.CHARGED, datetime.date(2009, 5, 17))
        with django_assert_max_num_queries(5):
            response = client.get(reverse("detentions:case-list"))
        assert response.content.decode().count("<h2><a href=") == cases

    def test_refuses_writes(self, client):
        assert client.post(reverse("detentions:case-list")).status_code == 405


class TestCaseDetail:
    def test_shows_public_verified_events_by_month_with_sources(self, client):
        case = CaseFactory()
        EventFactory(case=case, title="Consul visits Nukus", date_start=datetime.date(2009, 4, 10))
        earlier = EventFactory(
            case=case,
            title="Detained at the border",
            date_precision=DatePrecision.LATE_MONTH,
            date_start=datetime.date(2009, 2, 21),
        )
        CitationFactory(
            event=earlier,
            source=SourceFactory(title="Human rights bulletin", url="https://example.org/b"),
        )

        page = client.get(case_url(case)).content.decode().split('id="timeline"')[1]

        assert page.index("February 2009</h3>") < page.index("Detained at the border")
        assert page.index("Detained at the border") < page.index("April 2009</h3>")
        assert page.index("April 2009</h3>") < page.index("Consul visits Nukus")
        assert '<time datetime="2009-02-21">late February 2009</time>' in page
        assert '<time datetime="2009-04-10">10 April 2009</time>' in page
        assert 'Sources: <a href="#source-1">[1]</a>' in page
        assert (
            '<li id="source-1"><a href="https://example.org/b" rel="noopener">'
            "Human rights bulletin</a>, " in page
        )

    def test_headline_facts(self, client):
        case = CaseFactory()
        status_event(case, CaseStatus.CHARGED, datetime.date(2009, 5, 17))
        visit = EventFactory(
            case=case, kind=EventKind.CONSULAR_VISIT, date_start=datetime.date(2009, 4, 10)
        )
        ConsularVisit.objects.create(event=visit, consul=OfficialFactory(), outcome="granted")
        refused = EventFactory(
            case=case, kind=EventKind.CONSULAR_VISIT, date_start=datetime.date(2009, 5, 1)
        )
        ConsularVisit.objects.create(event=refused, consul=OfficialFactory(), outcome="refused")
        OfficialContactFactory(event__case=case)
        OfficialContactFactory(event__case=case, outcome=OfficialContact.Outcome.ACKNOWLEDGED)
        for value, reported in ((7, datetime.date(2009, 6, 1)), (6, datetime.date(2009, 6, 2))):
            figure = EventFactory(case=case, kind=EventKind.REPORTED_FIGURE, date_start=reported)
            ReportedFigure.objects.create(event=figure, measure="escaped", value=value)

        response = client.get(case_url(case))

        page = response.content.decode()
        assert '<span class="status status-charged">Charged</span>' in page
        assert "since 17 May 2009" in page
        since_visit = (timezone.localdate() - datetime.date(2009, 4, 10)).days
        assert f'10 April 2009</a> <span class="note">({since_visit:,} days ago)</span>' in page
        assert "2 made, 1 answered" in page
        assertContains(response, "(sources differ)")
        assert ">7</a> or <a" in page

    def test_of_two_visits_that_can_have_been_as_late_the_more_precisely_dated_is_named(
        self, client
    ):
        case = CaseFactory()
        for start, precision in (
            (datetime.date(2009, 3, 1), DatePrecision.MONTH),
            (datetime.date(2009, 3, 31), DatePrecision.DAY),
        ):
            visit = EventFactory(
                case=case,
                kind=EventKind.CONSULAR_VISIT,
                date_start=start,
                date_precision=precision,
            )
            ConsularVisit.objects.create(event=visit, consul=OfficialFactory(), outcome="granted")

        page = client.get(case_url(case)).content.decode()

        since_visit = (timezone.localdate() - datetime.date(2009, 3, 31)).days
        assert f'31 March 2009</a> <span class="note">({since_visit:,} days ago)</span>' in page

    def test_a_reply_within_a_roughly_known_sending_date_is_not_before_it(self, client):
        contact = OfficialContactFactory(
            event__date_precision=DatePrecision.LATE_MONTH,
            event__date_start=datetime.date(2009, 2, 21),
            outcome=OfficialContact.Outcome.ANSWERED,
            replied_on=datetime.date(2009, 2, 25),
        )
        page = client.get(case_url(contact.event.case)).content.decode()
        assert "answered after 0 days" in page
        assert "after -" not in page

    def test_the_chart_is_drawn_with_a_text_alternative(self, client):
        case = CaseFactory()
        status_event(case, CaseStatus.DETAINED, datetime.date(2009, 2, 21))
        status_event(case, CaseStatus.CHARGED, datetime.date(2009, 5, 17))
        page = client.get(case_url(case)).content.decode()
        assert '<svg viewBox="0 0 720' in page
        assert page.count('<g class="phase status-') == 2
        assert "Detained from 21 February 2009; Charged from 17 May 2009." in page
        assert '<figcaption id="chart-summary">' in page
        assert "The last phase is ongoing." in page

    def test_people_are_shown_only_as_they_agreed(self, client):
        case = CaseFactory()
        named = DetaineeFactory(case=case, name_latin="Serik Abenov", name_display="full")
        DetaineeFactory(
            case=case, reference="02", name_latin="Nurlan Kasymov", name_display="initials"
        )
        DetaineeFactory(case=case, reference="03", name_latin="Aidos Bekov")
        KinshipFactory(
            detainee=named,
            relative__given_name="Janara",
            relative__family_name="Secretova",
            relative__name_display=Relative.NameDisplay.GIVEN_NAME,
        )
        KinshipFactory(
            detainee=named, relative__given_name="Hidden", relative__family_name="Person"
        )

        page = client.get(case_url(case)).content.decode()

        assert "Serik Abenov" in page
        assert "N. K." in page and "Nurlan" not in page
        assert "Detainee 03, name withheld" in page and "Aidos" not in page
        assert "Janara: sister of Serik Abenov" in page
        assert "Secretova" not in page
        assert "A relative: sister of Serik Abenov" in page and "Hidden" not in page

    def test_official_contacts_table(self, client):
        case = CaseFactory()
        body = InstitutionFactory(name="KNB Aktobe department")
        contact = OfficialContactFactory(
            event__case=case, event__date_start=datetime.date(2009, 4, 17), institution=body
        )
        ParticipationFactory(event=contact.event, organisation__name="KIBHR")
        response = client.get(case_url(case))
        waiting = (timezone.localdate() - datetime.date(2009, 4, 17)).days
        institution_url = reverse("detentions:institution-detail", kwargs={"slug": body.slug})
        assertContains(
            response,
            f'<tr><td><a href="{institution_url}">KNB Aktobe department</a></td>'
            f'<td><a href="#event-{contact.event.pk}">17 April 2009</a></td><td>KIBHR</td>'
            f"<td>Awaiting a reply</td><td>{waiting:,}</td></tr>",
            html=True,
        )

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
        hidden_status = status_event(case, CaseStatus.RELEASED, datetime.date(2009, 6, 1))
        hidden_status.is_public = False
        hidden_status.save()

        response = client.get(case_url(case))

        assertContains(response, "Verified public fact")
        for secret in ("Staff to-do", "A rumour", "Testimony of a witness", "status-released"):
            assertNotContains(response, secret)

    def test_never_shows_internal_notes_or_contact_details(self, client):
        case = CaseFactory(internal_notes="Internal: lawyer's private number")
        detainee = DetaineeFactory(case=case, internal_notes="moved at night")
        KinshipFactory(
            detainee=detainee,
            relative__phone="+7 701 555 12 34",
            relative__email="aigul@example.org",
        )
        response = client.get(case_url(case))
        for secret in (
            "lawyer's private number",
            "moved at night",
            "+7 701 555 12 34",
            "aigul@example.org",
        ):
            assertNotContains(response, secret)

    def test_shares_well(self, client):
        case = CaseFactory(
            title="Held in Nukus", summary="Twenty-seven men detained at the border."
        )
        response = client.get(case_url(case))
        assertContains(
            response, f'<link rel="canonical" href="http://testserver{case_url(case)}">', html=True
        )
        assertContains(response, '<meta property="og:title" content="Held in Nukus">', html=True)
        assertContains(
            response,
            '<meta property="og:description" content="Twenty-seven men detained at the border.">',
            html=True,
        )

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
        for detainee in case.detainees.all():
            KinshipFactory.create_batch(2, detainee=detainee)
        with django_assert_max_num_queries(10):
            response = client.get(case_url(case))
        assert response.content.decode().count('<li class="event kind-') == rounds * len(EventKind)


class TestInstitutionDetail:
    def test_every_public_contact_with_its_answer_rate_and_median(self, client):
        body = InstitutionFactory(name="Ministry of Foreign Affairs")
        for sent, replied in [(1, 11), (2, 6), (3, None)]:
            OfficialContactFactory(
                institution=body,
                event__date_start=datetime.date(2009, 4, sent),
                outcome=OfficialContact.Outcome.ANSWERED
                if replied
                else OfficialContact.Outcome.NO_RESPONSE,
                replied_on=datetime.date(2009, 4, replied) if replied else None,
            )
        OfficialContactFactory(
            institution=body, event__title="Hidden letter", event__is_public=False
        )
        OfficialContactFactory(
            institution=body, event__case__is_published=False, event__title="Draft case letter"
        )

        response = client.get(reverse("detentions:institution-detail", kwargs={"slug": body.slug}))

        page = response.content.decode()
        assert "<h1>Ministry of Foreign Affairs</h1>" in page
        assert "<dd>3</dd>" in page  # public contacts
        assert "<dd>67%</dd>" in page  # two of three answered
        assert "<dd>7</dd>" in page  # median of 10 and 4 days
        assert "answered after 10 days" in page
        assert "Hidden letter" not in page and "Draft case letter" not in page

    def test_counts_contacts_with_its_officials_and_with_no_other_body(self, client):
        body = InstitutionFactory(name="Ministry of Foreign Affairs")
        minister = OfficialFactory(institution=body, name="Minister A")
        elsewhere = OfficialFactory(name="Prosecutor B")
        OfficialContactFactory(institution=body, request="Letter to the ministry")
        OfficialContactFactory(institution=None, official=minister, request="Letter to A")
        OfficialContactFactory(institution=None, official=elsewhere, request="Letter to B")
        OfficialContactFactory(request="Letter to another body")

        page = client.get(
            reverse("detentions:institution-detail", kwargs={"slug": body.slug})
        ).content.decode()

        assert "<dd>2</dd>" in page
        assert "Letter to the ministry" in page and "Letter to A" in page
        assert "Letter to B" not in page and "Letter to another body" not in page

    def test_an_institution_without_public_contacts_is_not_found(self, client):
        body = InstitutionFactory()
        OfficialContactFactory(institution=body, event__is_public=False)
        url = reverse("detentions:institution-detail", kwargs={"slug": body.slug})
        assert client.get(url).status_code == 404

    @pytest.mark.parametrize("contacts", [1, 10])
    def test_runs_a_fixed_number_of_queries(self, client, contacts, django_assert_max_num_queries):
        body = InstitutionFactory()
        for contact in OfficialContactFactory.create_batch(contacts, institution=body):
            ParticipationFactory(event=contact.event)
        url = reverse("detentions:institution-detail", kwargs={"slug": body.slug})
        OfficialFactory.create_batch(3, institution=body)
        with django_assert_max_num_queries(6):
            response = client.get(url)
        assert response.content.decode().count("<tr>") == contacts + 1


class TestHealth:
    def test_answers_ok_when_the_database_answers(self, client):
        response = client.get(reverse("detentions:healthz"))
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert "no-cache" in response["Cache-Control"]
