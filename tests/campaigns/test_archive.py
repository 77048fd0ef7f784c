"""Archiving instead of deleting: a case, a person or an event leaves the public pages, the
relatives' workspace and the staff lists, keeps its history, and comes back when restored."""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from campaigns import casework_selectors, casework_services
from campaigns.models import StaffMember
from detentions import selectors
from detentions.models import Case, ConsularVisit, Detainee, Event, EventKind
from tests.accounts import log_in
from tests.factories import (
    CaseFactory,
    DetaineeFactory,
    EntryFactory,
    EventFactory,
    KinshipFactory,
    OfficialContactFactory,
    OrganisationFactory,
    RelativeWithAccountFactory,
    StaffUserFactory,
    timeline_of_every_kind,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return CaseFactory(slug="border-group", title="Border group")


@pytest.fixture
def event(case):
    return EventFactory(case=case, title="Detained at the checkpoint")


@pytest.fixture
def detainee(case):
    return DetaineeFactory(case=case, reference="7", name_latin="Erlan Abenov", name_display="full")


def records(case, event, detainee) -> dict:
    return {"case": case, "event": event, "detainee": detainee}


def archive_url(kind: str, record) -> str:
    return reverse("staff:archive", kwargs={"kind": kind, "pk": record.pk})


def unarchive_url(kind: str, record) -> str:
    return reverse("staff:unarchive", kwargs={"kind": kind, "pk": record.pk})


def client_for(user) -> Client:
    return log_in(Client(), user)


@pytest.fixture
def limited_client():
    """A case worker limited to an organisation that does not work on `case`."""
    user = StaffUserFactory(username="limited", is_superuser=False)
    StaffMember.objects.create(user=user, organisation=OrganisationFactory(), only_own_cases=True)
    return client_for(user)


class TestArchiving:
    @pytest.mark.parametrize("kind", ["case", "detainee", "event"])
    def test_asks_to_confirm_and_archives_only_on_post(
        self, staff_client, staff_user, case, event, detainee, kind
    ):
        record = records(case, event, detainee)[kind]
        page = staff_client.get(archive_url(kind, record))
        assertContains(page, "Nothing is deleted")
        assertContains(page, '<button type="submit">Archive</button>', html=True)
        record.refresh_from_db()
        assert record.archived_at is None

        response = staff_client.post(archive_url(kind, record))

        record.refresh_from_db()
        assert record.archived_at is not None
        assert record.archived_by == staff_user
        target = (
            reverse("staff:archived") if kind == "case" else reverse("staff:case", args=[case.slug])
        )
        assertRedirects(response, target, fetch_redirect_response=False)
        # Nothing was deleted, and the history keeps the step, by whom.
        assert type(record).objects.filter(pk=record.pk).exists()
        newest = record.history.first()
        assert (newest.archived_at, newest.history_user) == (record.archived_at, staff_user)
        assert newest.history_change_reason == "Archived"

    @pytest.mark.parametrize("kind", ["case", "detainee", "event"])
    def test_restores(self, staff_client, case, event, detainee, kind):
        record = records(case, event, detainee)[kind]
        casework_services.archive(record=record, user=None)
        assertContains(staff_client.get(unarchive_url(kind, record)), "Restore this")

        response = staff_client.post(unarchive_url(kind, record))

        assertRedirects(
            response, reverse("staff:case", args=[case.slug]), fetch_redirect_response=False
        )
        record.refresh_from_db()
        assert record.archived_at is None and record.archived_by is None
        reasons = list(record.history.values_list("history_change_reason", flat=True)[:2])
        assert reasons == ["Restored from the archive", "Archived"]

    def test_the_change_history_shows_both_steps(self, staff_client, case, event):
        casework_services.archive(record=event, user=None)
        casework_services.unarchive(record=event, user=None)
        page = staff_client.get(reverse("staff:case-history", args=[case.slug]))
        assertContains(page, "Archived")
        assertContains(page, "Restored from the archive")

    def test_archiving_twice_changes_nothing(self, staff_client, event):
        casework_services.archive(record=event, user=None)
        first = Event.objects.get(pk=event.pk).archived_at
        # Already archived: the address no longer finds it to archive.
        assert staff_client.post(archive_url("event", event)).status_code == 404
        assert Event.objects.get(pk=event.pk).archived_at == first

    def test_a_form_open_on_the_record_refuses_to_save_over_it(self, event):
        read = event.version
        casework_services.archive(record=event, user=None)
        assert Event.objects.get(pk=event.pk).version == read + 1

    def test_an_unknown_kind_is_404(self, staff_client, case):
        assert staff_client.get(f"/staff/archive/facility/{case.pk}/").status_code == 404

    def test_a_restored_record_is_not_restored_twice(self, staff_client, event):
        assert staff_client.post(unarchive_url("event", event)).status_code == 404

    def test_wrong_method(self, staff_client, event):
        assert staff_client.put(archive_url("event", event)).status_code == 405
        assert staff_client.delete(unarchive_url("event", event)).status_code == 405

    @pytest.mark.parametrize("kind", ["case", "detainee", "event"])
    def test_a_case_worker_of_another_organisation_gets_404(
        self, limited_client, case, event, detainee, kind
    ):
        record = records(case, event, detainee)[kind]
        assert limited_client.get(archive_url(kind, record)).status_code == 404
        assert limited_client.post(archive_url(kind, record)).status_code == 404
        record.refresh_from_db()
        assert record.archived_at is None

    def test_relatives_and_visitors_cannot(self, client, case, event):
        relative = RelativeWithAccountFactory()
        KinshipFactory(relative=relative, detainee__case=case)
        assert client.post(archive_url("event", event)).status_code == 302
        log_in(client, relative.user)
        assert client.post(archive_url("event", event)).status_code == 404
        event.refresh_from_db()
        assert event.archived_at is None

    def test_a_person_of_an_archived_case_comes_back_with_the_case(
        self, staff_client, case, detainee
    ):
        casework_services.archive(record=detainee, user=None)
        casework_services.archive(record=case, user=None)
        assert staff_client.get(unarchive_url("detainee", detainee)).status_code == 404
        staff_client.post(unarchive_url("case", case))
        assert staff_client.get(unarchive_url("detainee", detainee)).status_code == 200


class TestStaffScreens:
    def test_the_case_page_lists_archived_records_apart_with_restore(
        self, staff_client, case, event, detainee
    ):
        other = EventFactory(case=case, title="Moved to Nukus")
        casework_services.archive(record=event, user=None)
        casework_services.archive(record=detainee, user=None)

        page = staff_client.get(reverse("staff:case", args=[case.slug]))

        text = page.content.decode()
        timeline, archived = text.split('id="archived"')
        assert "Moved to Nukus" in timeline
        assert "Detained at the checkpoint" not in timeline
        assert "Erlan Abenov" not in timeline
        assert "Detained at the checkpoint" in archived and "Erlan Abenov" in archived
        assert unarchive_url("event", event) in archived
        assert unarchive_url("detainee", detainee) in archived
        assert archive_url("event", other) in timeline

    def test_an_archived_case_shows_how_to_restore_it(self, staff_client, case, event):
        casework_services.archive(record=case, user=None)
        page = staff_client.get(reverse("staff:case", args=[case.slug]))
        assertContains(page, "This case is archived")
        assertContains(page, unarchive_url("case", case))
        assertNotContains(page, "Detained at the checkpoint")
        # Work on it waits until it is restored.
        assert staff_client.get(reverse("staff:dossier", args=[case.slug])).status_code == 404
        assert staff_client.get(reverse("staff:event-edit", args=[event.pk])).status_code == 404
        # Its history is still there.
        history = staff_client.get(reverse("staff:case-history", args=[case.slug]))
        assert history.status_code == 200

    def test_the_archived_cases_page(self, staff_client, case, limited_client):
        CaseFactory(title="Still open")
        casework_services.archive(record=case, user=None)
        page = staff_client.get(reverse("staff:archived"))
        assertContains(page, "Border group")
        assertNotContains(page, "Still open")
        assertContains(page, unarchive_url("case", case))
        assertNotContains(limited_client.get(reverse("staff:archived")), "Border group")

    def test_the_archived_cases_page_comes_a_page_at_a_time(
        self, staff_client, monkeypatch, django_assert_max_num_queries
    ):
        monkeypatch.setattr(casework_selectors, "ARCHIVED_PER_PAGE", 2)
        for title in ["First", "Second", "Third"]:
            casework_services.archive(record=CaseFactory(title=f"{title} archived"), user=None)
        url = reverse("staff:archived")

        with django_assert_max_num_queries(8):
            first = staff_client.get(url)

        assertContains(first, "1 to 2 of 3, the latest archived first.")
        assertContains(first, "Third archived")
        assertContains(first, "Second archived")
        assertNotContains(first, "First archived")
        assertContains(first, '<a href="?page=2" rel="next">Next page</a>', html=True)
        second = staff_client.get(url + "?page=2")
        assertContains(second, "First archived")
        assertNotContains(second, "Third archived")
        assertContains(second, '<a href="?page=1" rel="prev">Previous page</a>', html=True)
        assert staff_client.get(url + "?page=3").status_code == 404

    def test_staff_lists_leave_archived_records_out(self, staff_client, case, detainee):
        held_elsewhere = DetaineeFactory(case=case, reference="8", name_latin="Bolat Abenov")
        entry = EntryFactory(event__case=case, event__title="Letter to the consul")
        entry.event.verification = Event.Verification.REPORTED
        entry.event.save()
        casework_services.archive(record=detainee, user=None)
        casework_services.archive(record=entry.event, user=None)

        home = staff_client.get(reverse("staff:home")).content.decode()
        assert "Bolat Abenov" in home
        assert "Erlan Abenov" not in home
        assert "Letter to the consul" not in home
        found = staff_client.get(reverse("staff:search"), {"q": "Abenov"}).content.decode()
        assert "Bolat Abenov" in found and "Erlan Abenov" not in found
        dossier = staff_client.get(reverse("staff:dossier", args=[case.slug])).content.decode()
        assert "Erlan Abenov" not in dossier
        assert held_elsewhere.name_latin in dossier
        assert staff_client.get(reverse("staff:review-entry", args=[entry.pk])).status_code == 404

    def test_an_archived_case_leaves_the_staff_lists(self, staff_client, case):
        casework_services.archive(record=case, user=None)
        home = staff_client.get(reverse("staff:home")).content.decode()
        assert "Border group" not in home.split("Archived cases")[0]

    def test_the_case_page_takes_the_same_queries_with_archived_records(
        self, staff_client, case, django_assert_num_queries
    ):
        timeline_of_every_kind(case, rounds=1)
        for n in range(3):
            casework_services.archive(record=EventFactory(case=case), user=None)
            casework_services.archive(
                record=DetaineeFactory(case=case, reference=f"a{n}"), user=StaffUserFactory()
            )
        # As with none archived (tests/campaigns/test_staff_casework.py): the archived detainees
        # and the archived events are one query each, their archivers come with them.
        with django_assert_num_queries(10):
            staff_client.get(reverse("staff:case", args=[case.slug]))

    def test_an_event_naming_an_archived_person_keeps_naming_them_when_saved(
        self, staff_client, case, detainee
    ):
        event = EventFactory(case=case, kind=EventKind.CONSULAR_VISIT)
        visit = ConsularVisit.objects.create(
            event=event, consulate=OfficialContactFactory().institution, outcome="granted"
        )
        visit.detainees_seen.add(detainee)
        current = DetaineeFactory(case=case, reference="8")
        archived_unnamed = DetaineeFactory(case=case, reference="9", name_latin="Not named")
        casework_services.archive(record=detainee, user=None)
        casework_services.archive(record=archived_unnamed, user=None)

        page = staff_client.get(reverse("staff:event-edit", args=[event.pk]))

        choices = page.context["detail_form"].fields["detainees_seen"].queryset
        assert set(choices) == {detainee, current}


class TestPublicAndRelatives:
    @pytest.fixture
    def published(self, case, event, detainee):
        OfficialContactFactory(event__case=case, event__title="Letter to the ombudsman")
        return case

    def test_public_querysets_leave_archived_records_out(self, published, event, detainee):
        assert Event.objects.public().filter(pk=event.pk).exists()
        casework_services.archive(record=event, user=None)
        assert not Event.objects.public().filter(pk=event.pk).exists()
        assert not Event.objects.get(pk=event.pk).is_shown_publicly
        casework_services.archive(record=published, user=None)
        assert not Case.objects.published().filter(pk=published.pk).exists()
        assert not selectors.public_cases().filter(pk=published.pk).exists()
        assert not Event.objects.public().filter(case=published).exists()

    def test_people_counts_leave_archived_people_out(self, published, detainee):
        DetaineeFactory(case=published, reference="8")
        assert selectors.public_cases().get(pk=published.pk).people_count == 2
        casework_services.archive(record=detainee, user=None)
        counted = selectors.public_cases().get(pk=published.pk)
        assert (counted.people_count, counted.held_count) == (1, 1)
        assert [row.detainee.reference for row in selectors.public_people_rows(published)] == ["8"]

    def test_the_case_page_and_downloads(self, client, published, event, detainee):
        casework_services.archive(record=event, user=None)
        casework_services.archive(record=detainee, user=None)
        for name in ("case-detail", "case-feed", "case-timeline-json", "case-timeline-csv"):
            response = client.get(reverse(f"detentions:{name}", args=[published.slug]))
            text = response.content.decode()
            assert "Letter to the ombudsman" in text, name
            assert "Detained at the checkpoint" not in text, name
            assert "Erlan Abenov" not in text, name
        casework_services.archive(record=published, user=None)
        for name in ("case-detail", "case-feed", "case-timeline-json", "case-timeline-csv"):
            response = client.get(reverse(f"detentions:{name}", args=[published.slug]))
            assert response.status_code == 404, name
        assert "Border group" not in client.get(reverse("detentions:case-list")).content.decode()
        assert "Border group" not in client.get(reverse("detentions:feed")).content.decode()

    def test_restoring_brings_them_back(self, client, published, event):
        casework_services.archive(record=published, user=None)
        casework_services.unarchive(record=published, user=None)
        page = client.get(reverse("detentions:case-detail", args=[published.slug]))
        assertContains(page, "Detained at the checkpoint")

    def test_the_relatives_workspace(self, client, published, detainee):
        relative = RelativeWithAccountFactory()
        KinshipFactory(relative=relative, detainee=detainee)
        entry = EntryFactory(relative=relative, event__case=published, event__title="My letter")
        log_in(client, relative.user)
        case_page = reverse("campaigns:relative-case", args=[published.slug])
        assertContains(client.get(case_page), "My letter")

        casework_services.archive(record=entry.event, user=None)

        assertNotContains(client.get(case_page), "My letter")
        assertNotContains(client.get(reverse("campaigns:home")), "My letter")
        assert client.get(reverse("campaigns:edit-entry", args=[entry.pk])).status_code == 404

        casework_services.archive(record=published, user=None)
        assert client.get(case_page).status_code == 404
        assertNotContains(client.get(reverse("campaigns:home")), "Border group")
        assert isinstance(Detainee.objects.get(pk=detainee.pk), Detainee)


class TestEverythingArchivedFromACase:
    """The case page lists only the latest archived records; the case's lists of archived
    people and events list them all, a page at a time, each with its restore button."""

    @pytest.fixture(autouse=True)
    def small_pages(self, monkeypatch):
        monkeypatch.setattr(casework_selectors, "ARCHIVED_SHOWN", 2)
        monkeypatch.setattr(casework_selectors, "ARCHIVED_PER_PAGE", 2)

    @pytest.fixture
    def archived_events(self, case):
        events = [EventFactory(case=case, title=f"Archived event {n}") for n in (1, 2, 3)]
        for event in events:
            casework_services.archive(record=event, user=None)
        return events

    def list_url(self, case, kind: str) -> str:
        return reverse("staff:case-archived", kwargs={"slug": case.slug, "kind": kind})

    def test_the_case_page_links_to_the_full_lists(self, staff_client, case, archived_events):
        for n in (1, 2, 3):
            casework_services.archive(
                record=DetaineeFactory(case=case, reference=f"a{n}"), user=None
            )

        page = staff_client.get(reverse("staff:case", args=[case.slug]))

        assertContains(page, "Showing the 2 events archived last, of 3.")
        assertContains(
            page, f'<a href="{self.list_url(case, "events")}">All archived events</a>', html=True
        )
        assertContains(
            page,
            f'<a href="{self.list_url(case, "detainees")}">All archived detainees</a>',
            html=True,
        )

    def test_lists_every_archived_event_latest_first_a_page_at_a_time(
        self, staff_client, case, archived_events
    ):
        url = self.list_url(case, "events")

        first = staff_client.get(url)

        assertContains(first, "Archived events")
        assertContains(first, "1 to 2 of 3, the latest archived first.")
        text = first.content.decode()
        assert text.index("Archived event 3") < text.index("Archived event 2")
        assert "Archived event 1" not in text
        assert text.count("/restore/") == 2
        assertContains(first, '<a href="?page=2" rel="next">Next page</a>', html=True)
        second = staff_client.get(url + "?page=2")
        assertContains(second, "3 to 3 of 3, the latest archived first.")
        assertContains(second, unarchive_url("event", archived_events[0]))
        assertNotContains(second, "Next page")
        assert staff_client.get(url + "?page=3").status_code == 404
        assert staff_client.get(url + "?page=x").status_code == 404

    def test_lists_only_archived_records_of_its_case_and_kind(
        self, staff_client, case, event, detainee
    ):
        casework_services.archive(record=detainee, user=None)
        casework_services.archive(
            record=EventFactory(case=CaseFactory(title="Another case"), title="Elsewhere"),
            user=None,
        )

        events = staff_client.get(self.list_url(case, "events"))
        people = staff_client.get(self.list_url(case, "detainees"))

        assertContains(events, "Nothing archived.")
        assertNotContains(events, "Elsewhere")
        assertNotContains(events, "Detained at the checkpoint")  # not archived
        assertContains(people, "Archived detainees")
        assertContains(people, "Erlan Abenov")
        assertContains(people, unarchive_url("detainee", detainee))
        assert staff_client.get(self.list_url(case, "sources")).status_code == 404

    def test_an_archived_case_has_no_such_list(self, staff_client, case, archived_events):
        casework_services.archive(record=case, user=None)
        assert staff_client.get(self.list_url(case, "events")).status_code == 404

    def test_a_worker_of_another_organisation_cannot_open_it(
        self, limited_client, case, archived_events
    ):
        assert limited_client.get(self.list_url(case, "events")).status_code == 404

    def test_restoring_from_the_list_comes_back_to_it(self, staff_client, case, archived_events):
        url = self.list_url(case, "events")
        oldest = archived_events[0]
        form = staff_client.get(url + "?page=2").content.decode()
        assert '<input type="hidden" name="back" value="archived-list">' in form

        response = staff_client.post(unarchive_url("event", oldest), {"back": "archived-list"})

        assertRedirects(response, url, fetch_redirect_response=False)
        oldest.refresh_from_db()
        assert oldest.archived_at is None
        after = staff_client.get(url)
        assertContains(after, "Archived event 1” was restored.")
        assertContains(after, "1 to 2 of 2, the latest archived first.")
        listed = after.content.decode().split('class="staff-list"')[1]
        assert "Archived event 2" in listed and "Archived event 1" not in listed
        assertNotContains(after, "Next page")

    def test_takes_the_same_queries_whatever_the_number_archived(
        self, staff_client, case, archived_events, django_assert_max_num_queries
    ):
        for n in range(5):
            casework_services.archive(
                record=EventFactory(case=case, title=f"More {n}"), user=StaffUserFactory()
            )

        for query in ["", "?page=2", "?page=4"]:
            with django_assert_max_num_queries(8):
                response = staff_client.get(self.list_url(case, "events") + query)
            assert response.content.decode().count("/restore/") == 2
