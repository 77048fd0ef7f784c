import datetime
import re

import pytest
from django.contrib import admin
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from detentions.admin import (
    ADMIN_SEARCH_MAX_LENGTH,
    ADMIN_SEARCH_MAX_WORDS,
    BoundedSearch,
    CaseAdmin,
    EstimatedCountPaginator,
)
from detentions.dates import DatePrecision
from detentions.models import (
    Case,
    Charge,
    Citation,
    ConsularVisit,
    Detainee,
    Event,
    EventKind,
    OfficialContact,
)
from tests.admin_pages import admin_url, assert_shows, page_data, prefixes
from tests.factories import (
    CaseFactory,
    CitationFactory,
    DetaineeFactory,
    EventFactory,
    FacilityFactory,
    InstitutionFactory,
    OfficialContactFactory,
    OfficialFactory,
    SourceFactory,
    timeline_of_every_kind,
)

pytestmark = pytest.mark.django_db

DETENTIONS_MODELS = [
    model for model in admin.site._registry if model._meta.app_label == "detentions"
]


def timeline_links(response) -> list[str]:
    """The event links of the case page's timeline, top to bottom."""
    timeline = response.content.decode().split('id="case-timeline"')[1].split("</fieldset>")[0]
    return re.findall(r'href="(/admin/detentions/event/\d+/change/)"', timeline)


def listed(response, model) -> list[str]:
    """The change pages a list links to, top to bottom (each link keeps the list's filters)."""
    page = response.content.decode()
    pattern = rf'<th class="field-[^"]+"><a href="({admin_url(model, "changelist")}\d+/change/)'
    return re.findall(pattern, page)


def case_list_url(model, case: Case) -> str:
    """The list of one case's records, as the case's page links to it."""
    return f"{admin_url(model, 'changelist')}?case={case.pk}"


@pytest.fixture
def whole_case():
    """A case with something in every table, so that every list column has a value to show."""
    case = CaseFactory(title="Twenty-seven held in Nukus")
    timeline_of_every_kind(case, rounds=1)
    charge = Charge.objects.create(case=case, offence="Illegal entry", legal_article="Art. 223")
    charge.detainees.set(case.detainees.all())
    return case


class TestEveryPage:
    @pytest.mark.parametrize("model", DETENTIONS_MODELS, ids=lambda model: model.__name__)
    def test_changelist_lists_every_record_with_a_link(self, staff_client, whole_case, model):
        records = list(model._default_manager.all())
        assert records

        response = staff_client.get(admin_url(model, "changelist"))

        page = response.content.decode()
        assert response.status_code == 200
        plural = model._meta.verbose_name_plural if len(records) > 1 else model._meta.verbose_name
        assert f"{len(records)} {plural}" in page
        for record in records:
            assert admin_url(record, "change") in page

    @pytest.mark.parametrize("model", DETENTIONS_MODELS, ids=lambda model: model.__name__)
    def test_changelist_searches_and_sorts_by_every_column(self, staff_client, whole_case, model):
        columns = ".".join(str(i) for i in range(1, 10))
        response = staff_client.get(admin_url(model, "changelist"), {"q": "Nukus", "o": columns})
        assert response.status_code == 200
        assert_shows(response, '<input type="submit" value="Search">')

    @pytest.mark.parametrize("model", DETENTIONS_MODELS, ids=lambda model: model.__name__)
    def test_add_page_shows_an_empty_form(self, staff_client, model):
        response = staff_client.get(admin_url(model, "add"))
        assert response.status_code == 200
        assert f"Add {model._meta.verbose_name}" in response.content.decode()

    @pytest.mark.parametrize("model", DETENTIONS_MODELS, ids=lambda model: model.__name__)
    def test_anonymous_visitors_are_sent_to_log_in(self, client, model):
        url = admin_url(model, "changelist")
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('admin:login')}?next={url}"


def test_every_list_of_ours_with_a_search_box_bounds_its_search():
    # Django's own lists (users, groups, devices, login attempts) search small tables.
    ours = [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in ("detentions", "campaigns") and model_admin.search_fields
    ]
    assert len(ours) > 10
    assert [m for m in ours if not isinstance(m, BoundedSearch)] == []


def test_autocomplete_finds_cases_by_title(staff_client):
    case = CaseFactory(title="Twenty-seven held in Nukus")
    CaseFactory(title="Another case")
    query = {
        "term": "nukus",
        "app_label": "detentions",
        "model_name": "event",
        "field_name": "case",
    }

    response = staff_client.get(reverse("admin:autocomplete"), query)

    assert response.json()["results"] == [{"id": str(case.pk), "text": case.title}]


class TestCasePage:
    def test_timeline_shows_every_event_marked_in_date_order(self, staff_client):
        case = CaseFactory()
        consul = EventFactory(
            case=case, title="Consul visits Nukus", date_start=datetime.date(2009, 4, 10)
        )
        CitationFactory(
            event=consul,
            source=SourceFactory(title="Rights bulletin", url="https://example.org/bulletin"),
        )
        trial = EventFactory(
            case=case,
            title="Trial announced",
            date_start=datetime.date(2009, 5, 17),
            verification=Event.Verification.REPORTED,
        )
        detained = EventFactory(
            case=case,
            title="Detained at the border",
            date_precision="late_month",
            date_start=datetime.date(2009, 2, 21),
            is_public=False,
            verification=Event.Verification.REPORTED,
        )
        protest = EventFactory(
            case=case,
            title="Protest at the KNB",
            date_start=datetime.date(2009, 4, 17),
            is_public=False,
        )
        EventFactory(title="An event of another case")

        response = staff_client.get(admin_url(case, "change"))

        assert timeline_links(response) == [
            admin_url(event, "change") for event in [detained, consul, protest, trial]
        ]
        badge = '<span class="timeline-badge">{}</span>'
        for event, badges in [
            (detained, badge.format("internal") + badge.format("not verified")),
            (consul, ""),
            (protest, badge.format("internal")),
            (trial, badge.format("not verified")),
        ]:
            link = f'<a href="{admin_url(event, "change")}">{event.title}</a>'
            assert_shows(response, f"<td>{link}{badges}</td>")
        assert_shows(response, "<td>late February 2009</td>")
        assert_shows(
            response,
            '<td><a href="https://example.org/bulletin" rel="noopener noreferrer">'
            "Rights bulletin</a></td>",
        )
        assert "An event of another case" not in response.content.decode()

    def test_timeline_offers_to_add_events_of_each_kind_to_the_case(self, staff_client):
        case = CaseFactory()
        response = staff_client.get(admin_url(case, "change"))
        add = admin_url(Event, "add")
        assert f'href="{add}?case={case.pk}&amp;kind=official_contact"' in response.content.decode()
        assert_shows(response, "No event has been recorded for this case yet.")

    # Seven rounds of every kind: more events than the page shows.
    @pytest.mark.parametrize("rounds", [1, 7])
    def test_timeline_runs_a_bounded_number_of_queries(
        self, staff_client, rounds, django_assert_max_num_queries
    ):
        case = CaseFactory()
        timeline_of_every_kind(case, rounds=rounds)
        DetaineeFactory.create_batch(rounds * 5, case=case, facility=FacilityFactory())
        assert CaseAdmin.timeline_length < 7 * len(EventKind)

        # Session, user, their two-factor device, the case (twice), its people and events
        # counted, its charges, content types, and the timeline in seven.
        with django_assert_max_num_queries(16):
            response = staff_client.get(admin_url(case, "change"))

        shown = min(rounds * len(EventKind), CaseAdmin.timeline_length)
        assert len(timeline_links(response)) == shown

    def test_a_long_timeline_shows_its_latest_events_and_links_to_all(self, staff_client):
        case = CaseFactory()
        # Recorded newest first, so that date order is not the order they were recorded in.
        events = [
            EventFactory(case=case, date_start=datetime.date(2010, 1, 1) - datetime.timedelta(i))
            for i in range(CaseAdmin.timeline_length + 3)
        ]
        latest = sorted(events, key=lambda event: event.date_start)[3:]

        response = staff_client.get(admin_url(case, "change"))

        assert timeline_links(response) == [admin_url(event, "change") for event in latest]
        assertContains(response, f"The latest {len(latest)} of {len(events)} events.")
        assert_shows(
            response, f'<a href="{case_list_url(Event, case)}">All of them, in date order</a>'
        )

    def test_links_to_the_lists_of_its_people_and_events_instead_of_a_row_for_each(
        self, staff_client
    ):
        case = CaseFactory()
        people = DetaineeFactory.create_batch(3, case=case)
        events = [
            EventFactory(case=case, date_start=datetime.date(2009, 5, 1)),
            EventFactory(case=case, date_start=datetime.date(2009, 2, 21)),
        ]
        DetaineeFactory(name_latin="Someone Else")
        EventFactory(title="An event of another case")

        page = staff_client.get(admin_url(case, "change"))

        assert set(prefixes(page)) == {Charge}
        assert_shows(page, f'<a href="{case_list_url(Detainee, case)}">3 detainees</a>')
        assert_shows(page, f'<a href="{case_list_url(Event, case)}">2 events</a>')
        people_list = staff_client.get(case_list_url(Detainee, case))
        assert sorted(listed(people_list, Detainee)) == sorted(
            admin_url(person, "change") for person in people
        )
        # One case's events in date order, its title shown as the filter chosen.
        event_list = staff_client.get(case_list_url(Event, case))
        assert listed(event_list, Event) == [admin_url(event, "change") for event in events[::-1]]
        assert_shows(
            event_list, f'<li class="selected"><a href="?case={case.pk}">{case.title}</a></li>'
        )

    def test_offers_to_add_a_person_to_the_case(self, staff_client):
        case = CaseFactory(title="Twenty-seven held in Nukus")
        page = staff_client.get(admin_url(case, "change"))
        add = f"{admin_url(Detainee, 'add')}?case={case.pk}"
        assert_shows(page, f'<a class="addlink" href="{add}">Add a detainee</a>')

        form = staff_client.get(add)

        assert_shows(form, f'<option value="{case.pk}" selected>{case.title}</option>')

    def test_saving_the_page_keeps_its_people_and_events_and_saves_its_charges(self, staff_client):
        case = CaseFactory()
        DetaineeFactory.create_batch(2, case=case)
        EventFactory(case=case)
        page = staff_client.get(admin_url(case, "change"))
        charges = prefixes(page)[Charge]
        data = page_data(page) | {"title": "Renamed", f"{charges}-0-offence": "Illegal entry"}

        response = staff_client.post(admin_url(case, "change"), data)

        assert response.status_code == 302
        case.refresh_from_db()
        assert case.title == "Renamed"
        assert (case.detainees.count(), case.events.count()) == (2, 1)
        assert list(case.charges.values_list("offence", flat=True)) == ["Illegal entry"]


class TestAddCase:
    def test_takes_the_first_people_charges_and_events_with_the_case(
        self, staff_client, staff_user
    ):
        page = staff_client.get(admin_url(Case, "add"))
        prefix = prefixes(page)
        assert set(prefix) == {Detainee, Charge, Event}
        people, charges, events = prefix[Detainee], prefix[Charge], prefix[Event]
        data = page_data(page) | {
            "title": "Two brothers held in Nukus",
            "slug": "two-brothers",
            "summary": "Two brothers held at the border.",
            "location": "Nukus",
            "began_on": "2009-02-21",
            "began_on_precision": "day",
            "detaining_country": "UZ",
            "detainees_country": "KZ",
            f"{people}-0-reference": "1",
            f"{people}-0-name_latin": "Serik Abenov",
            f"{charges}-0-offence": "Illegal entry",
            f"{events}-0-kind": EventKind.CAMPAIGN_ACTION,
            f"{events}-0-date_start": "2009-04-17",
            f"{events}-0-title": "Relatives demonstrate outside the KNB office",
            f"{events}-0-is_public": "on",
            f"{events}-0-verification": Event.Verification.VERIFIED,
        }

        response = staff_client.post(admin_url(Case, "add"), data)

        assert response.status_code == 302
        case = Case.objects.get(slug="two-brothers")
        assert [person.name_latin for person in case.detainees.all()] == ["Serik Abenov"]
        assert [charge.offence for charge in case.charges.all()] == ["Illegal entry"]
        # Events added here start as reported: only the event page, with its sources, can
        # verify one.
        event = case.events.get()
        assert event.title == "Relatives demonstrate outside the KNB office"
        assert event.verification == Event.Verification.REPORTED
        assert event.recorded_by == staff_user


class TestAddEvent:
    def add_url(self, **params) -> str:
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return f"{admin_url(Event, 'add')}?{query}"

    def test_event_list_offers_to_add_each_kind(self, staff_client):
        response = staff_client.get(admin_url(Event, "changelist"))
        add_contact = self.add_url(kind=EventKind.OFFICIAL_CONTACT)
        assert_shows(response, f'<a href="{add_contact}" class="addlink">Official contact</a>')

    def test_without_a_kind_shows_no_details_and_says_how_to_enter_them(self, staff_client):
        response = staff_client.get(admin_url(Event, "add"))
        assert set(prefixes(response)) <= {Citation}
        assert_shows(
            response,
            '<div class="help" id="id_kind_helptext"><div>Choose the kind, then '
            "“Save and continue editing” to enter its details.</div></div>",
        )

    def test_saves_an_official_contact_with_its_details_and_source(self, staff_client, staff_user):
        case = CaseFactory()
        prosecutor = InstitutionFactory(name="Aktobe regional prosecutor's office")
        source = SourceFactory()
        url = self.add_url(case=case.pk, kind=EventKind.OFFICIAL_CONTACT)
        page = staff_client.get(url)
        assert_shows(
            page, '<h2 id="official_contact-heading" class="inline-heading">Official contact</h2>'
        )
        prefix = prefixes(page)
        contact, citations = prefix[OfficialContact], prefix[Citation]
        data = page_data(page) | {
            "date_precision": "early_month",
            "date_start": "2009-04-03",
            "title": "Relatives write to the regional prosecutor",
            "is_public": "on",
            "verification": Event.Verification.VERIFIED,
            f"{contact}-0-institution": str(prosecutor.pk),
            f"{contact}-0-channel": OfficialContact.Channel.LETTER,
            f"{contact}-0-request": "Where are our relatives held?",
            f"{contact}-0-outcome": OfficialContact.Outcome.NO_RESPONSE,
            f"{citations}-0-source": str(source.pk),
        }

        response = staff_client.post(url, data)

        assert response.status_code == 302
        event = Event.objects.get()
        assert (event.case, event.kind, str(event.date)) == (
            case,
            EventKind.OFFICIAL_CONTACT,
            "early April 2009",
        )
        assert event.recorded_by == staff_user
        assert event.official_contact.institution == prosecutor
        assert event.official_contact.outcome == OfficialContact.Outcome.NO_RESPONSE
        assert list(event.sources.all()) == [source]

    def test_details_of_the_kind_are_required(self, staff_client):
        url = self.add_url(case=CaseFactory().pk, kind=EventKind.OFFICIAL_CONTACT)
        data = page_data(staff_client.get(url)) | {"date_start": "2009-04-03", "title": "Letter"}

        response = staff_client.post(url, data)

        assert response.status_code == 200
        assert_shows(
            response,
            '<ul class="errorlist" id="id_official_contact-0-channel_error">'
            "<li>This field is required.</li></ul>",
        )
        assert not Event.objects.exists()

    def test_a_kind_changed_on_the_page_is_saved_and_its_details_come_next(self, staff_client):
        url = self.add_url(case=CaseFactory().pk, kind=EventKind.OFFICIAL_CONTACT)
        data = page_data(staff_client.get(url)) | {
            "kind": EventKind.CONSULAR_VISIT,
            "date_start": "2009-04-10",
            "title": "The consul visits Nukus",
            "_continue": "Save and continue editing",
        }

        response = staff_client.post(url, data)

        event = Event.objects.get()
        assert event.kind == EventKind.CONSULAR_VISIT
        assert event.details is None
        page = staff_client.get(response["Location"])
        assert ConsularVisit in prefixes(page)

    def test_verified_event_needs_a_source(self, staff_client):
        url = self.add_url(case=CaseFactory().pk, kind=EventKind.NOTE)
        data = page_data(staff_client.get(url)) | {
            "date_start": "2009-04-10",
            "title": "Relatives meet the consul",
            "verification": Event.Verification.VERIFIED,
        }

        response = staff_client.post(url, data)

        assert response.status_code == 200
        assert_shows(
            response,
            '<ul class="errorlist nonform"><li>A verified event needs at least one source. '
            "Add a source below, or set verification to “reported”.</li></ul>",
        )
        assert not Event.objects.exists()

    def test_end_before_start_is_refused(self, staff_client):
        url = self.add_url(case=CaseFactory().pk, kind=EventKind.NOTE)
        data = page_data(staff_client.get(url)) | {
            "date_precision": "span",
            "date_start": "2009-05-10",
            "date_end": "2009-05-03",
            "title": "The new consul tries to see the detainees",
        }

        response = staff_client.post(url, data)

        assert response.status_code == 200
        assert_shows(
            response,
            '<ul class="errorlist" id="id_date_end_error">'
            "<li>The last day cannot be before the first.</li></ul>",
        )
        assert not Event.objects.exists()

    def test_details_may_not_name_detainees_of_another_case(self, staff_client):
        case = CaseFactory()
        own = DetaineeFactory(case=case, name_latin="Serik Own")
        stranger = DetaineeFactory(name_latin="Someone Else")
        url = self.add_url(case=case.pk, kind=EventKind.CONSULAR_VISIT)
        page = staff_client.get(url)
        # The case is not known yet, so every detainee is offered with the case they belong to.
        assert_shows(page, f'<option value="{stranger.pk}">{stranger.case} · {stranger}</option>')
        visit = prefixes(page)[ConsularVisit]
        data = page_data(page) | {
            "date_start": "2009-04-10",
            "title": "The consul visits Nukus",
            f"{visit}-0-consul": str(OfficialFactory().pk),
            f"{visit}-0-outcome": "granted",
            f"{visit}-0-detainees_seen": [str(own.pk), str(stranger.pk)],
        }

        response = staff_client.post(url, data)

        assert response.status_code == 200
        assert_shows(
            response,
            '<ul class="errorlist" id="id_consular_visit-0-detainees_seen_error">'
            "<li>Choose only detainees and charges of this case.</li></ul>",
        )
        assert not Event.objects.exists()


class TestChangeEvent:
    def test_offers_only_detainees_of_the_event_case(self, staff_client):
        visit = EventFactory(kind=EventKind.CONSULAR_VISIT)
        own = DetaineeFactory(case=visit.case, name_latin="Serik Own")
        DetaineeFactory(name_latin="Someone Else")
        ConsularVisit.objects.create(event=visit, consul=OfficialFactory(), outcome="granted")

        response = staff_client.get(admin_url(visit, "change"))

        assert_shows(response, f'<option value="{own.pk}">{own}</option>')
        assert "Someone Else" not in response.content.decode()

    def test_kind_cannot_be_changed(self, staff_client):
        contact = OfficialContactFactory().event
        CitationFactory(event=contact)
        page = staff_client.get(admin_url(contact, "change"))
        assert_shows(page, '<div class="readonly">official contact</div>')
        data = page_data(page) | {"kind": EventKind.NOTE}

        response = staff_client.post(admin_url(contact, "change"), data)

        assert response.status_code == 302
        contact.refresh_from_db()
        assert contact.kind == EventKind.OFFICIAL_CONTACT

    def test_removing_the_last_source_of_a_verified_event_is_refused(self, staff_client):
        citation = CitationFactory()
        page = staff_client.get(admin_url(citation.event, "change"))
        data = page_data(page) | {f"{prefixes(page)[Citation]}-0-DELETE": "on"}

        response = staff_client.post(admin_url(citation.event, "change"), data)

        assert response.status_code == 200
        assert "A verified event needs at least one source." in response.content.decode()
        assert Citation.objects.filter(pk=citation.pk).exists()


class TestCharge:
    def test_may_not_name_detainees_of_another_case(self, staff_client):
        case = CaseFactory()
        stranger = DetaineeFactory(name_latin="Someone Else")
        page = staff_client.get(admin_url(Charge, "add"))
        data = page_data(page) | {
            "case": str(case.pk),
            "offence": "Illegal entry",
            "detainees": [str(stranger.pk)],
        }

        response = staff_client.post(admin_url(Charge, "add"), data)

        assert response.status_code == 200
        assert_shows(
            response,
            '<ul class="errorlist" id="id_detainees_error">'
            "<li>Choose only detainees and charges of this case.</li></ul>",
        )
        assert not Charge.objects.exists()


class TestCaseList:
    def test_shows_status_and_counts(self, staff_client):
        case = CaseFactory(title="Twenty-seven held in Nukus")
        DetaineeFactory.create_batch(2, case=case, facility=FacilityFactory())
        DetaineeFactory(case=case)

        response = staff_client.get(admin_url(Case, "changelist"))

        assert_shows(response, '<td class="field-status">detained</td>')
        assert_shows(response, '<td class="field-people_count">3</td>')
        assert_shows(response, '<td class="field-whereabouts_unknown_count">1</td>')
        assert_shows(response, '<td class="field-began">late February 2009</td>')


class TestEventList:
    def test_lists_the_newest_changes_first(self, staff_client):
        # Neither the order they were recorded in nor date order.
        newer = EventFactory(date_start=datetime.date(2009, 5, 1))
        older = EventFactory(date_start=datetime.date(2009, 2, 1))
        Event.objects.filter(pk=older.pk).update(updated_at=timezone.now() - datetime.timedelta(1))

        response = staff_client.get(admin_url(Event, "changelist"))

        assert listed(response, Event) == [admin_url(newer, "change"), admin_url(older, "change")]

    def test_filters_by_year_from_the_first_dated_to_this_one(self, staff_client):
        in_2009 = EventFactory(date_start=datetime.date(2009, 12, 31))
        EventFactory(date_start=datetime.date(2010, 1, 1))
        EventFactory(date_precision=DatePrecision.UNKNOWN, date_start=None)

        page = staff_client.get(admin_url(Event, "changelist"))
        response = staff_client.get(admin_url(Event, "changelist"), {"date_start__year": "2009"})

        offered = re.findall(r'href="\?date_start__year=(\d+)"', page.content.decode())
        assert offered == [str(year) for year in range(timezone.localdate().year, 2008, -1)]
        assert listed(response, Event) == [admin_url(in_2009, "change")]

    def test_filters_by_kind(self, staff_client):
        contact = OfficialContactFactory().event
        EventFactory(kind=EventKind.NOTE)

        response = staff_client.get(admin_url(Event, "changelist"), {"kind__exact": contact.kind})

        assert listed(response, Event) == [admin_url(contact, "change")]

    def test_searches_titles_descriptions_and_case_titles(self, staff_client):
        found = [
            EventFactory(title="Letter to the consul"),
            EventFactory(description="A letter went to the prosecutor."),
            EventFactory(case__title="Letters from Nukus"),
        ]
        EventFactory(title="The consul visits Nukus")

        response = staff_client.get(admin_url(Event, "changelist"), {"q": "letter"})

        assert sorted(listed(response, Event)) == sorted(admin_url(e, "change") for e in found)

    def test_a_search_of_eight_words_or_phrases_is_run(self, staff_client):
        found = EventFactory(title="Letter to the consul of Kazakhstan in Tashkent, sent twice")
        EventFactory(title="Letter to the consul")
        words = '"letter to" the consul of Kazakhstan in Tashkent twice'  # a phrase, 7 words

        response = staff_client.get(admin_url(Event, "changelist"), {"q": words})

        assert listed(response, Event) == [admin_url(found, "change")]
        assertNotContains(response, "Search for at most")

    @pytest.mark.parametrize(
        ("typed", "said"),
        [
            (
                "letter " * (ADMIN_SEARCH_MAX_WORDS + 1),
                "Search for at most 8 words, or put a phrase in quotes: this search has 9 words.",
            ),
            (
                "l" * (ADMIN_SEARCH_MAX_LENGTH + 1),
                "Search for at most 200 characters: this search has 201.",
            ),
            # Over SQLite's limit for a pattern, which refused it with an error page.
            ("l" * 100_000, "Search for at most 200 characters: this search has 100000."),
        ],
        ids=["nine words", "201 characters", "100 KB"],
    )
    def test_a_search_too_long_to_run_finds_nothing_and_says_why(self, staff_client, typed, said):
        # One that each search would find, were it run.
        EventFactory(title="Letter", description="letter " * 20 + "l" * 100_000)

        response = staff_client.get(admin_url(Event, "changelist"), {"q": typed})

        assert_shows(response, f'<li class="error">{said}</li>')
        assert listed(response, Event) == []
        # The box keeps what was typed, to be shortened.
        assertContains(response, f'name="q" value="{typed.strip()[:50]}')

    def test_an_autocomplete_box_finds_nothing_for_a_search_too_long(self, staff_client):
        CaseFactory(title="Held in Nukus")
        query = {"app_label": "detentions", "model_name": "event", "field_name": "case"}

        found = staff_client.get(reverse("admin:autocomplete"), {**query, "term": "nukus"})
        too_long = staff_client.get(reverse("admin:autocomplete"), {**query, "term": "nukus " * 9})

        assert len(found.json()["results"]) == 1
        assert too_long.json()["results"] == []

    def test_shows_and_sorts_by_each_events_number_of_sources(self, staff_client):
        cited = EventFactory()
        CitationFactory.create_batch(2, event=cited)
        uncited = EventFactory()

        # The fifth column (the first is the tick box), fewest first.
        response = staff_client.get(admin_url(Event, "changelist"), {"o": "5"})

        assert_shows(response, '<td class="field-source_count">2</td>')
        assert_shows(response, '<td class="field-source_count">0</td>')
        assert listed(response, Event) == [admin_url(uncited, "change"), admin_url(cited, "change")]

    @pytest.mark.parametrize(
        "params",
        [{"case": "x"}, {"case": "9" * 40}, {"date_start__year": "x"}, {"date_start__year": "0"}],
        ids=str,
    )
    def test_a_case_or_year_that_names_none_is_a_wrong_address(self, staff_client, params):
        EventFactory()
        response = staff_client.get(admin_url(Event, "changelist"), params)
        # Django's answer for a filter value of the wrong kind: the list, saying so.
        assert response.status_code == 302
        assert response["Location"] == f"{admin_url(Event, 'changelist')}?e=1"

    @pytest.mark.parametrize("count", [2, 30])
    def test_runs_a_bounded_number_of_queries(
        self, staff_client, count, django_assert_max_num_queries
    ):
        for event in EventFactory.create_batch(count):
            CitationFactory(event=event)

        # Session, user, their two-factor device, the first date of each case, the count and
        # the page's events (with their cases and sources), and one more on PostgreSQL: the
        # table's estimated size.
        with django_assert_max_num_queries(7):
            response = staff_client.get(admin_url(Event, "changelist"))

        assert len(listed(response, Event)) == count

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
    def test_a_large_unfiltered_list_is_counted_from_statistics_and_says_so(
        self, staff_client, monkeypatch
    ):
        EventFactory.create_batch(3, kind=EventKind.NOTE)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE detentions_event")
        monkeypatch.setattr(EstimatedCountPaginator, "estimate_above", 2)

        everything = staff_client.get(admin_url(Event, "changelist"))
        notes = staff_client.get(admin_url(Event, "changelist"), {"kind__exact": EventKind.NOTE})

        assert_shows(everything, '<p class="paginator">about 3 events</p>')
        assert_shows(notes, '<p class="paginator">3 events</p>')
