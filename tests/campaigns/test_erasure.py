"""Erasing a relative's personal data on their request: gone from their row, from every row of
the change history and from the logs; their account closed; their entries and the case timeline
kept, by "a relative"."""

import json

import pytest
from axes.models import AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from campaigns import merge_services
from campaigns.access_log import Action, log_access
from campaigns.backup import DATA, archive_content, export_archive
from campaigns.erasure import ERASED_VALUES
from campaigns.models import AccessLogEntry, Entry, Kinship, Organisation, Relative, StaffMember
from detentions.models import EventKind
from tests.accounts import log_in
from tests.admin_pages import admin_url
from tests.factories import (
    AttachmentFactory,
    CaseFactory,
    CorrectionRequestFactory,
    DetaineeFactory,
    EntryFactory,
    KinshipFactory,
    OfficialContactFactory,
    OrganisationFactory,
    ParticipationFactory,
    RelativeFactory,
    RelativeWithAccountFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db

# Everything that says who she is: none of it may be left anywhere in the database.
PERSONAL = [
    "Zhanargul",
    "Kuanyshbaeva",
    "Жанаргүл Қуанышбаева",
    "Zhanar Kuanyshbayeva",
    "+7 777 123 45 67",
    "zhanargul.k@example.org",
    "@zhanargul_k",
    "14 Abai Street, Aktau",
    "agreed by phone on 3 March 2010",
    "zhanargul-login",
]


@pytest.fixture
def case():
    return CaseFactory(slug="aktau-group", title="Aktau group")


@pytest.fixture
def relative(case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    relative = RelativeWithAccountFactory(
        given_name="Zhanargul",
        family_name="Kuanyshbaeva",
        name_original="Жанаргүл Қуанышбаева",
        name_display=Relative.NameDisplay.FULL,
        phone="+7 777 000 00 00",
        email="zhanargul.k@example.org",
        messenger="@zhanargul_k",
        address="14 Abai Street, Aktau",
        consent_notes="Full name: agreed by phone on 3 March 2010.",
        user__username="zhanargul-login",
        user__email="zhanargul.k@example.org",
        user__first_name="Zhanargul",
    )
    KinshipFactory(relative=relative, detainee=DetaineeFactory(case=case, reference="1"))
    # Changes over time, each kept in the history: a new phone number.
    relative.phone = "+7 777 123 45 67"
    relative.save()
    # The same woman entered twice under another spelling, then merged into this record.
    duplicate = RelativeFactory(given_name="Zhanar", family_name="Kuanyshbayeva", phone="")
    KinshipFactory(relative=duplicate, detainee=DetaineeFactory(case=case, reference="2"))
    merge_services.merge(relative, duplicate, user=None)
    relative.refresh_from_db()
    # What she logged, and a public contact she took part in.
    EntryFactory(relative=relative, event__case=case, event__title="Letter to the consul")
    # Her own writing quotes her full name: an entry, edited once (its history holds both
    # versions), its details, a scan's file name and a correction she asked for.
    own = EntryFactory(
        relative=relative,
        event__case=case,
        event__kind=EventKind.OFFICIAL_CONTACT,
        event__title="Zhanargul Kuanyshbaeva writes to the prosecutor",
        event__description="Signed: Zhanargul Kuanyshbaeva, his sister.",
    )
    OfficialContactFactory(event=own.event, request="Zhanar Kuanyshbayeva asks to see him.")
    own.event.description += " Sent by post."
    own.event.save()
    AttachmentFactory(event=own.event, original_name="Zhanargul Kuanyshbaeva, letter.pdf")
    CorrectionRequestFactory(entry=own, text="It was signed by Zhanargul Kuanyshbaeva.")
    letter = OfficialContactFactory(event__case=case, event__title="Families write to the court")
    ParticipationFactory(event=letter.event, relative=relative, organisation=None)
    # The logs that quote her name, her account's two-factor device and logins.
    LogEntry.objects.log_actions(
        user_id=StaffUserFactory(username="admin").pk,
        queryset=[relative],
        action_flag=CHANGE,
        change_message=[{"added": {"name": "kinship", "object": str(relative.kinships.first())}}],
    )
    log_access(user=None, action=Action.VIEWED_CONTACT, record=relative)
    TOTPDevice.objects.create(user=relative.user, name="phone", confirmed=True)
    AccessLog.objects.create(
        username="zhanargul-login", ip_address="10.0.0.7", user_agent="Phone", path_info="/"
    )
    return relative


def erase_url(relative) -> str:
    return reverse("staff:erase-relative", kwargs={"pk": relative.pk})


def erase(client, relative):
    return client.post(erase_url(relative), {"confirm": "on"})


def everything_in_the_database(tmp_path) -> str:
    """Every row of every table, as the backup writes them, as one text."""
    archive = tmp_path / "everything.zip"
    export_archive(archive)
    return archive_content(archive)[DATA].decode()


class TestWhatIsErased:
    def test_the_personal_data_was_there_to_begin_with(self, relative, tmp_path):
        everything = everything_in_the_database(tmp_path)
        for personal in PERSONAL:
            assert personal in everything or json.dumps(personal)[1:-1] in everything, personal

    def test_nothing_personal_is_left_anywhere(self, staff_client, relative, tmp_path):
        response = erase(staff_client, relative)

        assertRedirects(response, reverse("staff:home"), fetch_redirect_response=False)
        everything = everything_in_the_database(tmp_path)
        for personal in PERSONAL:
            assert personal not in everything, personal
            assert json.dumps(personal)[1:-1] not in everything, personal

    def test_the_relative_row(self, staff_client, relative):
        erase(staff_client, relative)
        relative.refresh_from_db()
        for field, value in ERASED_VALUES.items():
            assert getattr(relative, field) == value, field
        assert relative.user is None
        assert relative.erased_at is not None
        assert (str(relative), relative.full_name, relative.public_name) == ("a relative",) * 3

    def test_every_history_row(self, staff_client, staff_user, relative):
        rows_before = Relative.history.filter(id=relative.pk).count()
        erase(staff_client, relative)
        rows = Relative.history.filter(id=relative.pk)
        # The history keeps every step, the erasure too, by whom.
        assert rows.count() == rows_before + 1
        newest = rows.first()
        assert newest.history_user == staff_user
        assert newest.history_change_reason == "Personal data erased on request"
        for row in rows:
            for field, value in ERASED_VALUES.items():
                assert getattr(row, field) == value, (row.history_id, field)
            assert row.user_id is None
        # The record merged into hers kept its deletion under its own number: erased too.
        merged = Relative.history.exclude(id=relative.pk).get(history_type="-")
        assert (merged.given_name, merged.family_name) == ("", "")

    def test_her_account_is_closed(self, staff_client, relative):
        account = relative.user
        erase(staff_client, relative)
        account.refresh_from_db()
        assert not account.is_active
        assert not account.has_usable_password()
        assert account.username.startswith("erased-")
        assert (account.email, account.first_name, account.last_name) == ("", "", "")
        assert not TOTPDevice.objects.filter(user=account).exists()
        assert not AccessLog.objects.filter(username="zhanargul-login").exists()
        assert not account.check_password("correct horse battery staple")

    def test_the_logs_keep_who_did_what_without_her_name(self, staff_client, staff_user, relative):
        erase(staff_client, relative)
        change = LogEntry.objects.get(action_flag=CHANGE)
        assert change.object_repr == "a relative"
        assert "Zhanargul" not in change.change_message
        assert "a relative" in change.change_message
        viewed = AccessLogEntry.objects.get(action=Action.VIEWED_CONTACT)
        assert viewed.label == "a relative"
        erased = AccessLogEntry.objects.get(action=Action.ERASED)
        assert (erased.user, erased.record_type, erased.object_id, erased.label) == (
            staff_user,
            "campaigns.relative",
            str(relative.pk),
            "a relative",
        )

    def test_a_short_name_in_a_full_title_still_fits(self, staff_client, case):
        """The words "a relative" are longer than "Ai Li": the title is cut to its column's
        length rather than the erasure failing (PostgreSQL refuses a longer value)."""
        relative = RelativeFactory(given_name="Ai", family_name="Li")
        KinshipFactory(relative=relative, detainee=DetaineeFactory(case=case))
        entry = EntryFactory(relative=relative, event__title=("Ai Li " * 40)[:200])

        erase(staff_client, relative)

        entry.event.refresh_from_db()
        assert "Ai Li" not in entry.event.title
        assert entry.event.title.startswith("a relative a relative")
        assert len(entry.event.title) == 200


class TestWhatStays:
    def test_her_entries_and_kinships(self, staff_client, relative):
        entries, kinships = relative.entries.count(), relative.kinships.count()
        erase(staff_client, relative)
        assert Entry.objects.filter(relative=relative).count() == entries == 2
        assert Kinship.objects.filter(relative=relative).count() == kinships == 2

    def test_her_own_writing_names_her_a_relative(self, staff_client, relative):
        erase(staff_client, relative)

        entry = relative.entries.get(event__kind=EventKind.OFFICIAL_CONTACT)
        event = entry.event
        assert event.title == "a relative writes to the prosecutor"
        assert event.description == "Signed: a relative, his sister. Sent by post."
        assert event.official_contact.request == "a relative asks to see him."
        assert event.attachments.get().original_name == "a relative, letter.pdf"
        assert entry.corrections.get().text == "It was signed by a relative."
        earlier = event.history.order_by("history_id").first()
        assert earlier.description == "Signed: a relative, his sister."

    def test_the_public_timeline_names_her_a_relative(self, client, staff_client, case, relative):
        page = reverse("detentions:case-detail", kwargs={"slug": case.slug})
        assertContains(client.get(page), "Zhanargul Kuanyshbaeva")
        erase(staff_client, relative)
        response = client.get(page)
        assertContains(response, "Families write to the court")
        assertNotContains(response, "Zhanargul")
        assertContains(response, "a relative")

    def test_the_staff_timeline_still_shows_her_events(self, staff_client, case, relative):
        erase(staff_client, relative)
        page = staff_client.get(reverse("staff:case", kwargs={"slug": case.slug}))
        assertContains(page, "Letter to the consul")
        assertContains(page, "Families write to the court")
        home = staff_client.get(reverse("staff:home"))
        assertContains(home, "entry by a relative")
        assertNotContains(home, "Zhanargul")

    def test_she_can_no_longer_be_found(self, staff_client, relative):
        erase(staff_client, relative)
        found = staff_client.get(reverse("staff:search"), {"q": "Zhanargul Kuanyshbaeva"})
        assertNotContains(found, admin_url(relative, "change"))


class TestWhoMay:
    def test_the_page_says_what_goes_and_erases_nothing_until_confirmed(
        self, staff_client, relative
    ):
        page = staff_client.get(erase_url(relative))
        assertContains(page, "Zhanargul Kuanyshbaeva")
        assertContains(page, "What stays")
        refused = staff_client.post(erase_url(relative), {})
        assert refused.status_code == 422
        assertContains(refused, "This field is required", status_code=422)
        relative.refresh_from_db()
        assert relative.erased_at is None and relative.given_name == "Zhanargul"

    def test_staff_without_the_permission_get_404(self, relative):
        worker = StaffUserFactory(username="worker", is_superuser=False)
        client = log_in(Client(), worker)
        assert client.get(erase_url(relative)).status_code == 404
        assert erase(client, relative).status_code == 404
        relative.refresh_from_db()
        assert relative.erased_at is None
        # Given the permission by name, they may.
        worker.user_permissions.add(Permission.objects.get(codename="erase_relative"))
        client = log_in(Client(), worker)
        assert erase(client, relative).status_code == 302

    def test_a_case_worker_of_another_organisation_gets_404(self, relative):
        worker = StaffUserFactory(username="limited", is_superuser=False)
        worker.user_permissions.add(Permission.objects.get(codename="erase_relative"))
        StaffMember.objects.create(
            user=worker, organisation=OrganisationFactory(), only_own_cases=True
        )
        client = log_in(Client(), worker)
        assert erase(client, relative).status_code == 404
        # Once the organisation works on her case, they may.
        Organisation.objects.get().cases.add(relative.cases.first())
        assert erase(client, relative).status_code == 302

    def test_relatives_and_visitors(self, client, relative):
        assert client.get(erase_url(relative)).status_code == 302
        log_in(client, RelativeWithAccountFactory().user)
        assert erase(client, relative).status_code == 404

    def test_erased_once_the_page_is_gone(self, staff_client, relative):
        erase(staff_client, relative)
        assert staff_client.get(erase_url(relative)).status_code == 404

    def test_wrong_method(self, staff_client, relative):
        assert staff_client.put(erase_url(relative)).status_code == 405

    def test_the_admin_action_opens_the_page(self, staff_client, relative):
        other = RelativeFactory()
        changelist = admin_url(Relative, "changelist")
        response = staff_client.post(
            changelist, {"action": "erase", "_selected_action": [relative.pk]}
        )
        assertRedirects(response, erase_url(relative), fetch_redirect_response=False)
        several = staff_client.post(
            changelist,
            {"action": "erase", "_selected_action": [relative.pk, other.pk]},
            follow=True,
        )
        assertContains(several, "Choose one relative")
