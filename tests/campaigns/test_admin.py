import datetime
from smtplib import SMTPException

import pytest
from django.contrib import admin
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from campaigns.access_log import Action, log_access
from campaigns.models import (
    AccessLogEntry,
    CorrectionRequest,
    Entry,
    IntakeReport,
    Invitation,
    Kinship,
    Organisation,
    Participation,
    Relative,
    StaffMember,
)
from detentions.models import Attachment, Event, EventKind, OfficialContact
from tests.admin_pages import admin_url, assert_shows, page_data, prefixes
from tests.factories import (
    AttachmentFactory,
    CaseFactory,
    CitationFactory,
    CorrectionRequestFactory,
    DetaineeFactory,
    EntryFactory,
    EventFactory,
    IntakeReportFactory,
    InvitationFactory,
    KinshipFactory,
    OfficialContactFactory,
    OrganisationFactory,
    ParticipationFactory,
    RelativeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CAMPAIGNS_MODELS = [model for model in admin.site._registry if model._meta.app_label == "campaigns"]
# Relatives make these through their workspace; staff review them, and cannot add them. The
# access log is written by the app itself.
MADE_ELSEWHERE = {Entry, CorrectionRequest, Invitation, AccessLogEntry}
ADDABLE_MODELS = [model for model in CAMPAIGNS_MODELS if model not in MADE_ELSEWHERE]


@pytest.fixture
def campaign():
    """Relatives of a case and an organisation, each taking part in a contact."""
    kinship = KinshipFactory(
        relative=RelativeFactory(given_name="Janara", family_name="", preferred_language="kk")
    )
    KinshipFactory(detainee=DetaineeFactory(case=kinship.case))
    contact = OfficialContactFactory(event__case=kinship.case).event
    ParticipationFactory(event=contact, organisation=OrganisationFactory(name="KIBHR"))
    ParticipationFactory(event=contact, organisation=None, relative=kinship.relative)
    # What relatives and the public send, so that every list column has something to show.
    entry = EntryFactory(relative=kinship.relative, event__title="Janara writes to the consul")
    AttachmentFactory(event=entry.event, uploaded_by=UserFactory(username="janara"))
    CorrectionRequestFactory(entry=entry, text="Janara: the letter went on the 12th.")
    InvitationFactory(relative=kinship.relative, case=kinship.case)
    IntakeReportFactory(who_is_held="Janara's two brothers, held in Nukus")
    log_access(user=None, action=Action.EXPORTED, record=kinship.relative)
    StaffMember.objects.create(
        user=UserFactory(username="caseworker", is_staff=True),
        organisation=Organisation.objects.get(name="KIBHR"),
        only_own_cases=True,
    )
    return kinship


class TestEveryPage:
    @pytest.mark.parametrize("model", CAMPAIGNS_MODELS, ids=lambda model: model.__name__)
    def test_changelist_lists_every_record_with_a_link(self, staff_client, campaign, model):
        records = list(model._default_manager.all())
        assert records

        response = staff_client.get(admin_url(model, "changelist"))

        page = response.content.decode()
        assert response.status_code == 200
        plural = model._meta.verbose_name_plural if len(records) > 1 else model._meta.verbose_name
        assert escape(f"{len(records)} {plural}") in page
        for record in records:
            assert admin_url(record, "change") in page

    @pytest.mark.parametrize("model", CAMPAIGNS_MODELS, ids=lambda model: model.__name__)
    def test_changelist_searches_and_sorts_by_every_column(self, staff_client, campaign, model):
        columns = ".".join(str(i) for i in range(1, 10))
        response = staff_client.get(admin_url(model, "changelist"), {"q": "Janara", "o": columns})
        assert response.status_code == 200
        assert_shows(response, '<input type="submit" value="Search">')

    @pytest.mark.parametrize("model", CAMPAIGNS_MODELS, ids=lambda model: model.__name__)
    def test_change_page_shows_the_record(self, staff_client, campaign, model):
        for record in model._default_manager.all():
            response = staff_client.get(admin_url(record, "change"))

            assert response.status_code == 200
            assertContains(response, escape(str(record)))

    @pytest.mark.parametrize("model", ADDABLE_MODELS, ids=lambda model: model.__name__)
    def test_add_page_shows_an_empty_form(self, staff_client, model):
        response = staff_client.get(admin_url(model, "add"))
        assert response.status_code == 200
        assert f"Add {model._meta.verbose_name}" in response.content.decode()

    @pytest.mark.parametrize("model", sorted(MADE_ELSEWHERE, key=lambda model: model.__name__))
    def test_records_made_elsewhere_cannot_be_added_here(self, staff_client, model):
        assert staff_client.get(admin_url(model, "add")).status_code == 403

    @pytest.mark.parametrize("model", CAMPAIGNS_MODELS, ids=lambda model: model.__name__)
    def test_anonymous_visitors_are_sent_to_log_in(self, client, model):
        response = client.get(admin_url(model, "changelist"))
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_autocomplete_finds_events_by_title(staff_client):
    event = EventFactory(title="Relatives demonstrate outside the KNB office")
    EventFactory(title="The consul visits Nukus")
    query = {"term": "KNB", "app_label": "campaigns", "model_name": "participation"}

    response = staff_client.get(reverse("admin:autocomplete"), query | {"field_name": "event"})

    assert response.json()["results"] == [{"id": str(event.pk), "text": str(event)}]


class TestRelative:
    def test_list_shows_public_name_rule_language_and_cases(self, staff_client, campaign):
        response = staff_client.get(admin_url(Relative, "changelist"))

        assert_shows(response, '<td class="field-name_display">&quot;a relative&quot;</td>')
        assert_shows(response, '<td class="field-preferred_language">Қазақша</td>')
        assert_shows(response, f'<td class="field-case_titles">{campaign.case.title}</td>')

    def test_kinship_with_a_detainee_of_another_case_is_refused(self, staff_client):
        case = CaseFactory()
        stranger = DetaineeFactory(name_latin="Someone Else")
        page = staff_client.get(admin_url(Relative, "add"))
        kinships = prefixes(page)[Kinship]
        data = page_data(page) | {
            "given_name": "Shynar",
            "family_name": "Kulegenova",
            f"{kinships}-0-case": str(case.pk),
            f"{kinships}-0-detainee": str(stranger.pk),
            f"{kinships}-0-relationship": Kinship.Relationship.WIFE,
        }

        response = staff_client.post(admin_url(Relative, "add"), data)

        assert response.status_code == 200
        assert_shows(
            response,
            f'<ul class="errorlist" id="id_{kinships}-0-detainee_error">'
            "<li>This detainee belongs to another case; choose one of this case.</li></ul>",
        )
        assert not Relative.objects.exists()

    def test_saves_a_relative_with_kinship(self, staff_client):
        detainee = DetaineeFactory()
        page = staff_client.get(admin_url(Relative, "add"))
        kinships = prefixes(page)[Kinship]
        data = page_data(page) | {
            "given_name": "Janara",
            "name_display": Relative.NameDisplay.GIVEN_NAME,
            f"{kinships}-0-case": str(detainee.case.pk),
            f"{kinships}-0-detainee": str(detainee.pk),
            f"{kinships}-0-relationship": Kinship.Relationship.SISTER,
        }

        response = staff_client.post(admin_url(Relative, "add"), data)

        assert response.status_code == 302
        relative = Relative.objects.get()
        assert relative.public_name == "Janara"
        assert relative.kinships.get().detainee == detainee


class TestEventParticipants:
    def test_shown_only_for_kinds_that_have_participants(self, staff_client):
        contact = OfficialContactFactory().event
        note = EventFactory(kind=EventKind.NOTE)

        assert Participation in prefixes(staff_client.get(admin_url(contact, "change")))
        assert Participation not in prefixes(staff_client.get(admin_url(note, "change")))

    def test_saved_from_the_event_page(self, staff_client, campaign):
        contact = OfficialContactFactory(event__case=campaign.case).event
        CitationFactory(event=contact)
        organisation = OrganisationFactory(name="KIBHR")
        page = staff_client.get(admin_url(contact, "change"))
        participations = prefixes(page)[Participation]
        data = page_data(page) | {
            f"{participations}-0-organisation": str(organisation.pk),
            f"{participations}-0-spokesperson": "Anara Ibraeva",
        }

        response = staff_client.post(admin_url(contact, "change"), data)

        assert response.status_code == 302
        assert contact.participations.get().public_name == "KIBHR"

    def test_relative_must_be_linked_to_the_event_case(self, staff_client):
        contact = OfficialContactFactory().event
        CitationFactory(event=contact)
        outsider = KinshipFactory().relative
        page = staff_client.get(admin_url(contact, "change"))
        participations = prefixes(page)[Participation]
        data = page_data(page) | {f"{participations}-0-relative": str(outsider.pk)}

        response = staff_client.post(admin_url(contact, "change"), data)

        assert response.status_code == 200
        assert_shows(
            response,
            f'<ul class="errorlist" id="id_{participations}-0-relative_error">'
            "<li>This relative is not linked to this event&#x27;s case.</li></ul>",
        )
        assert not contact.participations.exists()

    def test_added_with_a_new_official_contact(self, staff_client, campaign):
        url = f"{admin_url(Event, 'add')}?case={campaign.case.pk}&kind=official_contact"
        page = staff_client.get(url)
        prefix = prefixes(page)
        contact, participations = prefix[OfficialContact], prefix[Participation]
        data = page_data(page) | {
            "date_start": "2009-04-17",
            "title": "Relatives ask the KNB for help",
            f"{contact}-0-institution": str(OfficialContactFactory().institution.pk),
            f"{contact}-0-channel": OfficialContact.Channel.IN_PERSON,
            f"{contact}-0-outcome": OfficialContact.Outcome.REFUSED,
            f"{contact}-0-reason_given": "No mandate for people held abroad.",
            f"{participations}-0-relative": str(campaign.relative.pk),
        }

        response = staff_client.post(url, data)

        assert response.status_code == 302
        event = Event.objects.get(title="Relatives ask the KNB for help")
        assert event.participations.get().relative == campaign.relative


@pytest.mark.parametrize(
    "factory",
    [IntakeReportFactory, EntryFactory, CorrectionRequestFactory, InvitationFactory],
    ids=lambda factory: factory._meta.model.__name__,
)
def test_queue_lists_read_a_fixed_number_of_queries(staff_client, factory):
    url = admin_url(factory._meta.model, "changelist")
    factory()
    with CaptureQueriesContext(connection) as one_row:
        staff_client.get(url)
    factory.create_batch(4)

    with CaptureQueriesContext(connection) as five_rows:
        response = staff_client.get(url)

    assertContains(response, escape(f"5 {factory._meta.model._meta.verbose_name_plural}"))
    assert len(five_rows) == len(one_row)


def run_action(client, model, action: str, records) -> "HttpResponse":  # noqa: F821
    data = {"action": action, "_selected_action": [str(record.pk) for record in records]}
    return client.post(admin_url(model, "changelist"), data, follow=True)


class TestIntakeReport:
    def test_list_shows_the_oldest_first_without_the_address_hash(self, staff_client):
        newer = IntakeReportFactory(who_is_held="Two brothers from Aktobe " * 10)
        older = IntakeReportFactory(
            who_is_held="A driver held at the border", address_hash="f" * 64
        )
        IntakeReport.objects.filter(pk=older.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=2)
        )

        response = staff_client.get(admin_url(IntakeReport, "changelist"))

        page = response.content.decode()
        assert page.index("A driver held at the border") < page.index("Two brothers from Aktobe")
        assert_shows(
            response,
            f'<td class="field-who_is_held_short">{newer.who_is_held[:79]}…</td>',
        )
        assert_shows(response, '<td class="field-state">awaiting review</td>')
        assertNotContains(response, "f" * 64)

    def test_change_page_keeps_the_report_as_sent_and_saves_the_review(self, staff_client):
        report = IntakeReportFactory(reporter_contact="+7 701 555 01 23", address_hash="e" * 64)
        page = staff_client.get(admin_url(report, "change"))
        assertContains(page, "+7 701 555 01 23")
        assertNotContains(page, "e" * 64)
        data = page_data(page) | {
            "who_is_held": "Changed by someone",
            "state": IntakeReport.State.ACCEPTED,
            "staff_notes": "Called back; opening a case.",
        }

        response = staff_client.post(admin_url(report, "change"), data)

        assert response.status_code == 302
        report.refresh_from_db()
        assert report.who_is_held != "Changed by someone"
        assert report.state == IntakeReport.State.ACCEPTED
        assert report.staff_notes == "Called back; opening a case."

    def test_a_report_taken_by_phone_is_added_here(self, staff_client):
        page = staff_client.get(admin_url(IntakeReport, "add"))
        data = page_data(page) | {
            "who_is_held": "A cousin held in Nukus",
            "held_since": "March",
            "reporter_name": "Jibek",
            "reporter_contact": "+7 701 000 00 00",
        }

        response = staff_client.post(admin_url(IntakeReport, "add"), data)

        assert response.status_code == 302
        assert IntakeReport.objects.get().who_is_held == "A cousin held in Nukus"

    @pytest.mark.parametrize(
        ("action", "state"),
        [
            ("mark_taken_up", IntakeReport.State.ACCEPTED),
            ("mark_not_taken_up", IntakeReport.State.REJECTED),
        ],
    )
    def test_actions_set_the_state(self, staff_client, action, state):
        chosen = IntakeReportFactory.create_batch(2)
        other = IntakeReportFactory()

        response = run_action(staff_client, IntakeReport, action, chosen)

        assertContains(response, f"2 reports marked “{state.label}”.")
        assert set(IntakeReport.objects.filter(state=state)) == set(chosen)
        other.refresh_from_db()
        assert other.state == IntakeReport.State.NEW


class TestEntry:
    def test_list_links_the_event_and_says_where_it_stands(self, staff_client):
        entry = EntryFactory(event__title="A letter to the consul")

        response = staff_client.get(admin_url(Entry, "changelist"))

        assert_shows(
            response,
            f'<td class="field-event_title"><a href="{admin_url(entry.event, "change")}">'
            "A letter to the consul</a></td>",
        )
        assert_shows(response, f'<td class="field-case">{entry.event.case.title}</td>')
        assert_shows(response, '<td class="field-review_status">awaiting review</td>')

    def test_declining_needs_a_reason(self, staff_client):
        entry = EntryFactory()
        page = staff_client.get(admin_url(entry, "change"))
        data = page_data(page) | {"state": Entry.State.DECLINED, "decline_reason": ""}

        response = staff_client.post(admin_url(entry, "change"), data)

        assert response.status_code == 200
        assert_shows(
            response,
            '<ul class="errorlist" id="id_decline_reason_error"><li>'
            "Say why it is not accepted: the relative will read this.</li></ul>",
        )
        entry.refresh_from_db()
        assert entry.state == Entry.State.SUBMITTED

    def test_declined_with_a_reason(self, staff_client):
        entry = EntryFactory()
        page = staff_client.get(admin_url(entry, "change"))
        data = page_data(page) | {
            "state": Entry.State.DECLINED,
            "decline_reason": "We could not confirm the date.",
        }

        response = staff_client.post(admin_url(entry, "change"), data)

        assert response.status_code == 302
        entry.refresh_from_db()
        assert entry.state == Entry.State.DECLINED
        assert entry.review_status == "not accepted"
        assert entry.decline_reason == "We could not confirm the date."


class TestCorrectionRequest:
    def test_list_shows_whether_it_is_resolved(self, staff_client):
        CorrectionRequestFactory(text="The date is wrong", resolved_at=timezone.now())
        CorrectionRequestFactory(text="The name is misspelt")

        response = staff_client.get(admin_url(CorrectionRequest, "changelist"))

        assert_shows(response, '<img src="/static/admin/img/icon-yes.svg" alt="True">')
        assert_shows(response, '<img src="/static/admin/img/icon-no.svg" alt="False">')

    def test_marked_resolved_from_the_list(self, staff_client):
        open_one, other = CorrectionRequestFactory.create_batch(2)

        response = run_action(staff_client, CorrectionRequest, "mark_resolved", [open_one])

        assertContains(response, "1 correction request marked resolved.")
        open_one.refresh_from_db()
        other.refresh_from_db()
        assert open_one.resolved_at is not None
        assert other.resolved_at is None

    def test_marked_resolved_on_its_page(self, staff_client):
        correction = CorrectionRequestFactory(text="The visit was on the 10th")
        page = staff_client.get(admin_url(correction, "change"))
        assertContains(page, "The visit was on the 10th")

        response = staff_client.post(admin_url(correction, "change"), {"resolved": "on"})

        assert response.status_code == 302
        correction.refresh_from_db()
        assert correction.resolved_at is not None
        assert correction.text == "The visit was on the 10th"


class TestInvitation:
    def test_list_never_shows_the_token(self, staff_client):
        invitation = InvitationFactory(token_hash="d" * 64)

        for url in [admin_url(Invitation, "changelist"), admin_url(invitation, "change")]:
            response = staff_client.get(url)
            assertContains(response, invitation.relative.full_name)
            assertNotContains(response, "d" * 64)

    def test_cancelled_from_the_list(self, staff_client):
        invitation, other = InvitationFactory.create_batch(2)

        response = run_action(staff_client, Invitation, "cancel", [invitation])

        assertContains(response, "1 invitation cancelled.")
        assert list(Invitation.objects.usable()) == [other]


class TestInviteRelative:
    def test_one_link_per_case_shown_to_copy_and_e_mailed(self, staff_client):
        kinship = KinshipFactory(relative__email="janara@example.org")
        second_case = KinshipFactory(relative=kinship.relative).case

        response = run_action(staff_client, Relative, "invite", [kinship.relative])

        invitations = Invitation.objects.filter(relative=kinship.relative)
        assert {invitation.case for invitation in invitations} == {kinship.case, second_case}
        assertContains(response, "http://testserver/invitations/", count=2)
        assert len(mail.outbox) == 2

    def test_when_the_e_mail_fails_no_link_is_made_and_staff_are_told(
        self, staff_client, monkeypatch
    ):
        def refuse(*args, **kwargs):
            raise SMTPException("mail server down")

        monkeypatch.setattr("campaigns.services.send_mail", refuse)
        kinship = KinshipFactory(relative__email="janara@example.org")

        response = run_action(staff_client, Relative, "invite", [kinship.relative])

        assertContains(response, "could not be sent, so no invitation to")
        assertNotContains(response, "mail server down")
        assert not Invitation.objects.exists()

    def test_a_relative_with_an_account_is_not_invited(self, staff_client):
        relative = KinshipFactory(relative__user=UserFactory()).relative

        response = run_action(staff_client, Relative, "invite", [relative])

        assertContains(response, "already has an account; no invitation was made.")
        assert not Invitation.objects.exists()

    def test_a_relative_without_a_case_is_told_so(self, staff_client):
        relative = RelativeFactory()

        response = run_action(staff_client, Relative, "invite", [relative])

        assertContains(response, "is linked to no case yet; add a kinship first.")
        assert not Invitation.objects.exists()


class TestEventAttachments:
    def test_listed_read_only_with_a_link_to_view_each(self, staff_client):
        attachment = AttachmentFactory(
            original_name="reply.pdf", size=48_213, uploaded_by=UserFactory(username="janara")
        )

        response = staff_client.get(admin_url(attachment.event, "change"))

        assert Attachment in prefixes(response)
        url = reverse("campaigns:attachment", args=[attachment.pk])
        assert_shows(response, f'<a href="{url}">reply.pdf</a>')
        assertContains(response, "47.1\xa0KB")
        assertContains(response, "janara")
        assertNotContains(response, 'type="file"')

    def test_the_event_page_still_saves(self, staff_client):
        attachment = AttachmentFactory()
        event = attachment.event
        CitationFactory(event=event)
        page = staff_client.get(admin_url(event, "change"))

        response = staff_client.post(admin_url(event, "change"), page_data(page) | {"title": "New"})

        assert response.status_code == 302
        event.refresh_from_db()
        assert event.title == "New"
        assert event.attachments.get() == attachment

    def test_not_offered_on_a_new_event(self, staff_client):
        response = staff_client.get(admin_url(Event, "add"))
        assert Attachment not in prefixes(response)
