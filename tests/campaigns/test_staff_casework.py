"""Staff case work: the case timeline, event/detainee/source forms, edit conflicts, the change
history and restoring an earlier version."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from campaigns.models import StaffMember
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
        # Session, user, their authenticator, case, detainees, events, citations, five people
        # relations, the archived detainees and events.
        with django_assert_num_queries(14):
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
        assertRedirects(response, reverse("staff:case", kwargs={"slug": case.slug}))
        event = Event.objects.get(title="Sentenced")
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
