"""The access log: who viewed a relative's contact details, exported, deleted or erased what, and
when; written by the app, read by superusers only. And real deletes: superusers only, logged."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from campaigns.access_log import Action, log_access
from campaigns.models import AccessLogEntry, Kinship, Relative
from detentions.admin import SuperuserDeletes
from detentions.models import Case, Detainee, Event
from tests.accounts import log_in
from tests.admin_pages import admin_url, page_data, prefixes
from tests.factories import (
    CaseFactory,
    DetaineeFactory,
    EventFactory,
    IntakeReportFactory,
    KinshipFactory,
    RelativeFactory,
    StaffUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def relative():
    return KinshipFactory(
        relative=RelativeFactory(given_name="Aigul", family_name="Seitova", phone="+7 701 1")
    ).relative


@pytest.fixture
def case_worker():
    """Staff in the "case worker" group (every permission but delete), not a superuser."""
    user = StaffUserFactory(username="worker", is_superuser=False)
    user.groups.add(Group.objects.get(name="case worker"))
    return user


def client_for(user) -> Client:
    return log_in(Client(), user)


class TestWhatIsLogged:
    def test_opening_a_relatives_admin_page_logs_the_view_of_their_contact_details(
        self, staff_client, staff_user, relative
    ):
        response = staff_client.get(admin_url(relative, "change"))

        assertContains(response, "+7 701 1")
        entry = AccessLogEntry.objects.get()
        assert (entry.user, entry.username, entry.action) == (
            staff_user,
            "staff",
            Action.VIEWED_CONTACT,
        )
        assert (entry.record_type, entry.object_id, entry.label) == (
            "campaigns.relative",
            str(relative.pk),
            "Aigul Seitova",
        )

    def test_each_showing_is_logged_a_failed_save_too(self, staff_client, relative):
        page = staff_client.get(admin_url(relative, "change"))
        data = page_data(page) | {"email": "not an address"}
        staff_client.post(admin_url(relative, "change"), data)
        assert AccessLogEntry.objects.filter(action=Action.VIEWED_CONTACT).count() == 2

    def test_lists_and_add_pages_show_no_contact_details_and_log_nothing(
        self, staff_client, relative
    ):
        staff_client.get(admin_url(Relative, "changelist"))
        staff_client.get(admin_url(Relative, "add"))
        assert not AccessLogEntry.objects.exists()

    @pytest.mark.parametrize("name", ["staff:dossier", "staff:contact-log-csv"])
    def test_every_export_is_logged(self, staff_client, staff_user, name):
        case = CaseFactory()
        url = reverse(name, kwargs={"slug": case.slug})
        assert staff_client.get(url).status_code == 200
        staff_client.get(url + "?public_only=1")
        entries = list(AccessLogEntry.objects.order_by("id"))
        assert [(e.user, e.action, e.record_type, e.object_id) for e in entries] == [
            (staff_user, Action.EXPORTED, "detentions.case", str(case.pk))
        ] * 2
        assert entries[1].detail == url + "?public_only=1"

    def test_a_refused_export_is_not_logged(self, client, case_worker):
        case = CaseFactory()
        assert client.get(reverse("staff:dossier", args=[case.slug])).status_code == 302
        worker = client_for(case_worker)
        assert worker.get(reverse("staff:dossier", args=["no-such-case"])).status_code == 404
        assert not AccessLogEntry.objects.exists()


class TestReadingTheLog:
    def test_superusers_read_it(self, staff_client):
        log_access(user=UserFactory(username="aliya"), action=Action.EXPORTED, label="backup.zip")
        page = staff_client.get(admin_url(AccessLogEntry, "changelist"))
        assertContains(page, "aliya")
        assertContains(page, "backup.zip")
        assertContains(page, "exported")

    def test_other_staff_do_not_even_see_it_listed(self, case_worker):
        client = client_for(case_worker)
        # Even given every permission on it by name.
        case_worker.user_permissions.add(
            *Permission.objects.filter(content_type__model="accesslogentry")
        )
        entry = log_access(user=None, action=Action.EXPORTED, label="backup.zip")
        assert client.get(admin_url(AccessLogEntry, "changelist")).status_code == 403
        assert client.get(admin_url(entry, "change")).status_code == 403
        assertNotContains(client.get(reverse("admin:index")), "Access log")

    def test_nobody_adds_changes_or_deletes_an_entry(self, staff_client):
        entry = log_access(user=None, action=Action.EXPORTED, label="backup.zip")
        assert staff_client.get(admin_url(AccessLogEntry, "add")).status_code == 403
        page = staff_client.get(admin_url(entry, "change"))
        assertNotContains(page, 'name="_save"')
        assert staff_client.post(admin_url(entry, "change"), {"label": "x"}).status_code == 403
        delete = reverse("admin:campaigns_accesslogentry_delete", args=[entry.pk])
        assert staff_client.post(delete, {"post": "yes"}).status_code == 403
        entry.refresh_from_db()
        assert entry.label == "backup.zip"

    @pytest.mark.parametrize("entries", [1, 20])
    def test_the_list_takes_a_fixed_number_of_queries(
        self, staff_client, entries, django_assert_num_queries
    ):
        for _n in range(entries):
            log_access(user=UserFactory(), action=Action.VIEWED_CONTACT, record=RelativeFactory())
        # Session, user, their authenticator, the count (twice: filtered and in all), the page,
        # and the date hierarchy's first and last day and its days.
        with django_assert_num_queries(8):
            staff_client.get(admin_url(AccessLogEntry, "changelist"))


class TestRealDeletes:
    def test_only_superusers_delete_even_with_the_permission(self, case_worker):
        case = CaseFactory()
        case_worker.user_permissions.add(
            *Permission.objects.filter(codename__in=["delete_case", "delete_user"])
        )
        client = client_for(case_worker)
        delete = reverse("admin:detentions_case_delete", args=[case.pk])
        assert client.get(delete).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
        user = UserFactory()
        assert (
            client.post(reverse("admin:auth_user_delete", args=[user.pk]), {"post": "yes"})
        ).status_code == 403
        assert Case.objects.filter(pk=case.pk).exists()
        assert get_user_model().objects.filter(pk=user.pk).exists()
        assert not AccessLogEntry.objects.exists()

    def test_a_superusers_delete_is_logged(self, staff_client, staff_user):
        case = CaseFactory(title="Entered by mistake")
        EventFactory(case=case)
        response = staff_client.post(
            reverse("admin:detentions_case_delete", args=[case.pk]), {"post": "yes"}
        )
        assert response.status_code == 302
        assert not Case.objects.filter(pk=case.pk).exists()
        entry = AccessLogEntry.objects.get()
        assert (entry.user, entry.action, entry.record_type, entry.object_id, entry.label) == (
            staff_user,
            Action.DELETED,
            "detentions.case",
            str(case.pk),
            "Entered by mistake",
        )
        # The change history keeps what was deleted.
        assert Case.history.filter(id=case.pk, history_type="-").exists()

    def test_deleting_several_at_once_logs_each(self, staff_client):
        events = EventFactory.create_batch(3)
        staff_client.post(
            admin_url(Event, "changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [e.pk for e in events],
                "post": "yes",
            },
        )
        assert not Event.objects.exists()
        logged = AccessLogEntry.objects.filter(action=Action.DELETED)
        assert sorted(logged.values_list("object_id", flat=True)) == sorted(
            str(e.pk) for e in events
        )

    def test_a_row_deleted_on_an_inline_is_logged(self, staff_client, relative):
        kinship = relative.kinships.get()
        page = staff_client.get(admin_url(relative, "change"))
        prefix = prefixes(page)[Kinship]
        data = page_data(page) | {f"{prefix}-0-DELETE": "on"}
        response = staff_client.post(admin_url(relative, "change"), data)
        assert response.status_code == 302
        assert not Kinship.objects.filter(pk=kinship.pk).exists()
        deleted = AccessLogEntry.objects.get(action=Action.DELETED)
        assert (deleted.record_type, deleted.object_id) == ("campaigns.kinship", str(kinship.pk))

    def test_staff_see_no_delete_on_the_pages_of_cases_people_and_events(self, case_worker):
        case = CaseFactory()
        detainee = DetaineeFactory(case=case)
        event = EventFactory(case=case)
        client = client_for(case_worker)
        for record in (case, detainee, event):
            page = client.get(admin_url(record, "change"))
            assert page.status_code == 200
            assertNotContains(page, "deletelink")
        assertNotContains(client.get(admin_url(Detainee, "changelist")), "delete_selected")


def test_a_reports_page_logs_the_view_of_its_senders_contact(staff_client, staff_user):
    report = IntakeReportFactory(reporter_name="Gulnara", reporter_contact="+7 705 1")
    assertContains(staff_client.get(reverse("staff:review-intake", args=[report.pk])), "+7 705 1")
    assertContains(staff_client.get(admin_url(report, "change")), "+7 705 1")
    logged = AccessLogEntry.objects.filter(action=Action.VIEWED_CONTACT)
    assert (
        list(logged.values_list("user", "record_type", "object_id", "label"))
        == [(staff_user.pk, "campaigns.intakereport", str(report.pk), "Gulnara")] * 2
    )


def test_every_admin_page_deletes_only_for_superusers_and_logs_it():
    """Pages registered by other apps (accounts, groups, devices, login records) included, so
    that an app added later cannot bring its own delete button."""
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, SuperuserDeletes), model
        for inline in model_admin.inlines:
            assert issubclass(inline, SuperuserDeletes), (model, inline)
