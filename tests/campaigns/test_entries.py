"""Relatives log what they did, change or withdraw it until staff verify it, and open its files.

The wizard is walked as a browser without JavaScript walks it: each step posts what the page's
form holds (the hidden answers of earlier steps and what the relative filled in), so these tests
also check that nothing typed is lost from one step to the next.
"""

import datetime
import uuid
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

import config.settings as configured
from campaigns.entry_services import Action, Answers, record_entry
from campaigns.models import CorrectionRequest, Entry, Participation
from detentions.dates import DatePrecision
from detentions.models import (
    AccessAttempt,
    Attachment,
    Event,
    EventKind,
    LegalProceeding,
    OfficialContact,
)
from detentions.uploads import CleanedUpload, clean_upload, store_attachment
from tests.factories import (
    CaseFactory,
    InstitutionFactory,
    KinshipFactory,
    OfficialFactory,
    RelativeWithAccountFactory,
    UserFactory,
)
from tests.uploads import PDF, photo_with_location

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # what UserFactory sets


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def case():
    return CaseFactory(slug="nukus-27", title="Twenty-seven held in Nukus")


@pytest.fixture
def relative(case):
    relative = RelativeWithAccountFactory(given_name="Shynar", family_name="Kulegenova")
    KinshipFactory(relative=relative, detainee__case=case)
    return relative


@pytest.fixture
def relative_client(client, relative):
    client.force_login(relative.user)
    return client


@pytest.fixture
def knb():
    return InstitutionFactory(
        name="National Security Committee (KNB), Aktobe regional department",
        short_name="KNB Aktobe",
        slug="kz-knb-aktobe",
        kind="security_service",
    )


def log_url(case) -> str:
    return reverse("campaigns:log-entry", kwargs={"slug": case.slug})


class FormReader(HTMLParser):
    """What a browser would send from the page's first POST form, before any button is pressed."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self.in_form = self.done = False
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.done:
            return
        if (
            tag == "form"
            and attrs.get("method") == "post"
            and "entry-form" in attrs.get("class", "")
        ):
            self.in_form = True
        if not self.in_form or ("name" not in attrs and tag != "option"):
            return
        kind = attrs.get("type", "text")
        if tag == "input" and kind not in {"radio", "checkbox", "file", "submit"}:
            self.data[attrs["name"]] = attrs.get("value") or ""
        elif tag == "input" and kind == "radio" and "checked" in attrs:
            self.data[attrs["name"]] = attrs["value"]
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.data[self.textarea] = ""
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select] = attrs.get("value", "")

    def handle_data(self, data):
        if self.textarea:
            # Browsers drop the newline that follows <textarea>.
            self.data[self.textarea] += data.removeprefix("\n")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def form_data(response) -> dict[str, str]:
    reader = FormReader()
    reader.feed(response.content.decode())
    return reader.data


def press(client, response, action: str = "next", **answers):
    """Fill in fields of the page's form and press a button, as a browser would."""
    return client.post(
        response.request["PATH_INFO"], {**form_data(response), **answers, "action": action}
    )


def jpeg(name: str = "letter.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, photo_with_location(), content_type="image/jpeg")


def walk_to_review(client, case, knb):
    """A letter to the KNB, sent on 17 April 2009, no response, a reply due on 17 May."""
    page = client.get(log_url(case))
    page = press(client, page, what="contacted")
    page = press(client, page, action="search", q="knb")
    page = press(client, page, addressee=f"i{knb.pk}")
    page = press(client, page, when="day", day="2009-04-17")
    page = press(
        client,
        page,
        channel="letter",
        outcome="no_response",
        reason="",
        details="We asked where our brothers are held.",
    )
    return press(client, page, reply_due_on="2009-05-17")


def send(client, review, *files):
    data = {**form_data(review), "action": "send"}
    if files:
        data["files"] = list(files)
    return client.post(review.request["PATH_INFO"], data)


class TestLogEntry:
    def test_starts_by_asking_what_was_done_with_a_fresh_submission_key(
        self, relative_client, case
    ):
        response = relative_client.get(log_url(case))

        assertContains(response, "<h1>What did you do?</h1>", html=True)
        for label in (
            "I contacted an official body",
            "I tried to send a parcel",
            "I spoke to the media",
        ):
            assertContains(response, label)
        uuid.UUID(form_data(response)["submission_key"])
        assertNotContains(response, 'value="back"')

    def test_a_letter_to_the_knb_becomes_an_internal_unverified_contact(
        self, relative_client, relative, case, knb, media_root
    ):
        review = walk_to_review(relative_client, case, knb)
        key = form_data(review)["submission_key"]

        assertContains(review, "<h1>Check and send</h1>", html=True)
        assertContains(review, "KNB Aktobe")
        assertContains(review, "17 April 2009")
        assertContains(review, "We asked where our brothers are held.")
        assertContains(
            review,
            '<strong class="recorded-title">Letter to KNB Aktobe: no response</strong>',
            html=True,
        )
        response = send(relative_client, review, jpeg("IMG_2041.jpg"))

        entry = Entry.objects.get()
        assertRedirects(
            response,
            reverse("campaigns:edit-entry", kwargs={"pk": entry.pk}),
            fetch_redirect_response=False,
        )
        assert entry.relative == relative
        assert str(entry.submission_key) == key
        assert entry.state == Entry.State.SUBMITTED
        event = entry.event
        assert event.case == case
        assert event.kind == EventKind.OFFICIAL_CONTACT
        assert event.title == "Letter to KNB Aktobe: no response"
        assert event.description == "We asked where our brothers are held."
        assert (event.date_precision, event.date_start) == ("day", datetime.date(2009, 4, 17))
        assert event.is_public is False
        assert event.shared_with_family is False
        assert event.verification == Event.Verification.REPORTED
        assert event.recorded_by == relative.user
        contact = event.official_contact
        assert contact.institution == knb
        assert contact.official is None
        assert contact.addressee_as_given == ""
        assert contact.channel == OfficialContact.Channel.LETTER
        assert contact.outcome == OfficialContact.Outcome.NO_RESPONSE
        assert contact.reply_due_on == datetime.date(2009, 5, 17)
        assert list(Participation.objects.values_list("event", "relative", "organisation")) == [
            (event.pk, relative.pk, None)
        ]
        attachment = Attachment.objects.get()
        assert attachment.event == event
        assert attachment.content_type == "image/jpeg"
        assert attachment.original_name == "IMG_2041.jpg"
        assert attachment.uploaded_by == relative.user
        with Image.open(media_root / attachment.file.name) as stored:
            assert dict(stored.getexif()) == {}
            assert "xmp" not in stored.info
        assert b"Secret Phone" not in (media_root / attachment.file.name).read_bytes()

        page = relative_client.get(response.url)
        assertContains(page, "Thank you: your entry was sent. The staff will check it.")
        assertContains(page, "<strong>Awaiting review</strong>", html=True)
        assertContains(page, "IMG_2041.jpg")

    def test_a_name_not_in_the_list_is_kept_for_staff_to_match(self, relative_client, case):
        page = relative_client.get(log_url(case))
        page = press(relative_client, page, what="contacted")
        page = press(relative_client, page, action="search", q="governor")
        assertContains(page, "Nothing found for “governor”")
        page = press(relative_client, page, addressee_new="Aktobe governor's reception office")
        page = press(relative_client, page, when="today")
        page = press(relative_client, page, channel="meeting", outcome="promised_action")
        review = press(relative_client, page)
        assertContains(
            review, "Aktobe governor&#x27;s reception office (new name: staff will match it)"
        )

        send(relative_client, review)

        contact = OfficialContact.objects.get()
        assert contact.institution is None and contact.official is None
        assert contact.addressee_as_given == "Aktobe governor's reception office"
        assert contact.event.title == (
            "Meeting with Aktobe governor's reception office: promised action"
        )
        assert contact.event.date_start == timezone.localdate()
        assert contact.reply_due_on is None

    def test_an_official_can_be_chosen_for_a_contact(self, relative_client, case):
        consul = OfficialFactory(name="Baurjan Keukenov", role="Consul")
        page = relative_client.get(log_url(case))
        page = press(relative_client, page, what="contacted")
        page = press(relative_client, page, action="search", q="keukenov")
        assertContains(page, "Baurjan Keukenov — Consul")
        page = press(relative_client, page, addressee=f"o{consul.pk}")
        page = press(relative_client, page, when="today")
        page = press(
            relative_client, page, channel="call", outcome="answered", reason="He is well."
        )
        send(relative_client, press(relative_client, page))

        contact = OfficialContact.objects.get()
        assert (contact.official, contact.institution) == (consul, None)
        assert contact.reason_given == "He is well."
        assert contact.event.title == "Phone call to Baurjan Keukenov: answered"

    @pytest.mark.parametrize(
        ("what", "attempted_by", "access_type", "title"),
        [
            ("visit", "relative", "visit", "Request to visit, to KNB Aktobe: refused"),
            (
                "parcel",
                "relative",
                "parcel",
                "Parcel for the detainee, through KNB Aktobe: refused",
            ),
            ("lawyer", "lawyer", "legal", "Lawyer's request for access, to KNB Aktobe: refused"),
        ],
    )
    def test_access_attempts(
        self, relative_client, relative, case, knb, what, attempted_by, access_type, title
    ):
        page = relative_client.get(log_url(case))
        page = press(relative_client, page, what=what)
        page = press(relative_client, page, action="search", q="Aktobe")
        page = press(relative_client, page, addressee=f"i{knb.pk}")
        page = press(relative_client, page, when="early_month", month="4", year="2009")
        page = press(relative_client, page, outcome="refused", reason="No mandate abroad.")
        assertContains(page, "<h1>Check and send</h1>", html=True)
        send(relative_client, page)

        attempt = AccessAttempt.objects.get()
        assert (attempt.attempted_by, attempt.access_type) == (attempted_by, access_type)
        assert (attempt.decided_by, attempt.outcome) == (knb, "refused")
        assert attempt.reason_given == "No mandate abroad."
        assert attempt.event.title == title
        assert (attempt.event.date_precision, attempt.event.date_start) == (
            "early_month",
            datetime.date(2009, 4, 1),
        )
        assert Participation.objects.get().relative == relative

    def test_an_access_attempt_to_an_unknown_body_names_it_in_the_description(
        self, relative_client, case
    ):
        page = relative_client.get(log_url(case))
        page = press(relative_client, page, what="visit")
        page = press(relative_client, page, addressee_new="Nukus pre-trial unit, the duty officer")
        page = press(relative_client, page, when="late_month", month="2", year="2009")
        page = press(relative_client, page, outcome="no_response", details="We waited all day.")
        send(relative_client, page)

        attempt = AccessAttempt.objects.get()
        assert attempt.decided_by is None
        assert attempt.event.description == (
            "Asked (name as given): Nukus pre-trial unit, the duty officer\n\nWe waited all day."
        )
        assert attempt.event.date_start == datetime.date(2009, 2, 21)
        assert attempt.event.title == (
            "Request to visit, to Nukus pre-trial unit, the duty officer: no response"
        )

    @pytest.mark.parametrize(
        ("what", "kind", "title", "participates"),
        [
            ("hearing", EventKind.LEGAL_PROCEEDING, "Attended a court hearing", False),
            ("protest", EventKind.CAMPAIGN_ACTION, "Protest: outside the KNB, Aktobe", True),
            ("media", EventKind.CAMPAIGN_ACTION, "Spoke to the media", True),
        ],
    )
    def test_hearings_protests_and_the_media_skip_the_addressee(
        self, relative_client, case, what, kind, title, participates
    ):
        page = relative_client.get(log_url(case))
        page = press(relative_client, page, what=what)
        assertContains(page, "<h1>When was it?</h1>", html=True)
        page = press(relative_client, page, when="approximate", day="2009-04-17")
        extra = {"place": "outside the KNB, Aktobe"} if what == "protest" else {}
        page = press(relative_client, page, details="About forty of us.", **extra)
        assertContains(page, "<h1>Check and send</h1>", html=True)
        send(relative_client, page)

        event = Event.objects.get()
        assert (event.kind, event.title) == (kind, title)
        assert (event.date_precision, event.date_start) == (
            "approximate",
            datetime.date(2009, 4, 17),
        )
        assert event.description == "About forty of us."
        assert Participation.objects.exists() is participates
        if what == "hearing":
            assert event.legal_proceeding.stage == LegalProceeding.Stage.HEARING
        else:
            action = event.campaign_action
            assert (
                action.action_type == {"protest": "demonstration", "media": "media_coverage"}[what]
            )
            assert action.place == extra.get("place", "")
            assert action.participants == ""  # only what may be said publicly, set by staff
        assert Entry.objects.get().event == event

    def test_back_shows_the_previous_step_with_its_answer(self, relative_client, case, knb):
        page = relative_client.get(log_url(case))
        page = press(relative_client, page, what="contacted")
        page = press(relative_client, page, action="search", q="knb")
        page = press(relative_client, page, addressee=f"i{knb.pk}")
        assertContains(page, "<h1>When was it?</h1>", html=True)

        page = press(relative_client, page, action="back", when="day", day="2009-04-17")

        assertContains(page, "<h1>Whom did you contact?</h1>", html=True)
        assert form_data(page)["addressee"] == f"i{knb.pk}"
        page = press(relative_client, page, action="back")
        assert form_data(page)["what"] == "contacted"
        # Forward again: the date typed before going back is still there.
        page = press(relative_client, press(relative_client, page))
        assert form_data(page)["day"] == "2009-04-17"

    def test_change_on_the_review_step_goes_back_to_that_question(self, relative_client, case, knb):
        review = walk_to_review(relative_client, case, knb)
        page = press(relative_client, review, action="change-when")
        assertContains(page, "<h1>When was it?</h1>", html=True)
        assert form_data(page)["day"] == "2009-04-17"
        assert form_data(page)["details"] == "We asked where our brothers are held."


def error_of(field: str, message: str) -> str:
    return f'<ul class="field-errors" id="id_{field}_error"><li>{message}</li></ul>'


class TestLogEntryErrors:
    """Each step's error appears next to its field, earlier answers stay, and nothing is saved."""

    def test_what_must_be_chosen(self, relative_client, case):
        page = press(relative_client, relative_client.get(log_url(case)))
        assertContains(page, "<h1>What did you do?</h1>", html=True)
        assertContains(page, error_of("what", "This field is required."), html=True)
        assert not Event.objects.exists()

    def test_whom_must_be_chosen_or_typed(self, relative_client, case):
        page = relative_client.get(log_url(case))
        page = press(relative_client, page, what="contacted")
        page = press(relative_client, page)
        assertContains(
            page,
            error_of("addressee_new", "Choose a name from the list, or type the name here."),
            html=True,
        )
        assertContains(page, 'aria-describedby="id_addressee_new_helptext id_addressee_new_error"')
        assert form_data(page)["what"] == "contacted"

    @pytest.mark.parametrize(
        ("answers", "field", "message"),
        [
            ({"when": "day", "day": ""}, "day", "Give the day."),
            ({"when": "day", "day": "17.04.2009x"}, "day", "Enter a valid date."),
            ({"when": "late_month", "month": "", "year": "2009"}, "month", "Choose the month."),
            ({"when": "mid_month", "month": "4", "year": ""}, "year", "Give the year."),
            (
                {"when": "month", "month": "4", "year": "1900"},
                "year",
                "Give a year between 1990 and",
            ),
        ],
    )
    def test_when_needs_the_date_its_kind_asks_for(
        self, relative_client, case, answers, field, message
    ):
        page = relative_client.get(log_url(case))
        page = press(relative_client, page, what="hearing")
        page = press(relative_client, page, **answers)
        assertContains(page, "<h1>When was it?</h1>", html=True)
        assertContains(page, f'<ul class="field-errors" id="id_{field}_error"><li>{message}')
        assert form_data(page)["what"] == "hearing"
        assert form_data(page)["when"] == answers["when"]

    def test_a_date_in_the_future_is_refused_next_to_the_day(self, relative_client, case):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        page = press(relative_client, relative_client.get(log_url(case)), what="media")
        page = press(relative_client, page, when="day", day=tomorrow.isoformat())
        assertContains(page, error_of("day", "This date is in the future."), html=True)
        assert form_data(page)["day"] == tomorrow.isoformat()

    def test_a_part_of_a_month_still_to_come_is_in_the_future(self, relative_client, case):
        today = timezone.localdate()
        # The next part of a month that has not begun: later this month, or early next month.
        if today.day <= 20:
            when, month = ("mid_month" if today.day <= 10 else "late_month"), today
        else:
            when, month = "early_month", today.replace(day=28) + datetime.timedelta(days=7)
        page = press(relative_client, relative_client.get(log_url(case)), what="media")

        page = press(relative_client, page, when=when, month=month.month, year=month.year)

        if month.year == today.year:
            assertContains(page, error_of("month", "This date is in the future."), html=True)
        else:  # early January, asked on 21–31 December
            assertContains(page, "Give a year between 1990 and")
        assert not Event.objects.exists()

    def test_the_outcome_must_be_chosen(self, relative_client, case, knb):
        page = relative_client.get(log_url(case))
        page = press(relative_client, page, what="parcel")
        page = press(relative_client, page, addressee_new="The facility's parcel office")
        page = press(relative_client, page, when="today")
        page = press(relative_client, page, reason="Closed for a holiday.")
        assertContains(page, error_of("outcome", "This field is required."), html=True)
        assertContains(page, "Closed for a holiday.</textarea>")
        assert form_data(page)["addressee_new"] == "The facility's parcel office"

    def test_a_reply_cannot_be_due_before_the_contact(self, relative_client, case, knb):
        review = walk_to_review(relative_client, case, knb)
        page = press(relative_client, review, action="change-reply")
        page = press(relative_client, page, reply_due_on="2009-04-01")
        assertContains(
            page,
            error_of("reply_due_on", "The reply cannot be due before you contacted them."),
            html=True,
        )
        assert form_data(page)["details"] == "We asked where our brothers are held."

    def test_a_reply_may_be_due_in_the_future(self, relative_client, case, knb):
        review = walk_to_review(relative_client, case, knb)
        page = press(relative_client, review, action="change-reply")
        due = timezone.localdate() + datetime.timedelta(days=30)
        review = press(relative_client, page, reply_due_on=due.isoformat())
        assertContains(review, "<h1>Check and send</h1>", html=True)
        send(relative_client, review)
        assert OfficialContact.objects.get().reply_due_on == due

    def test_a_bad_attachment_is_refused_next_to_the_field_and_nothing_is_saved(
        self, relative_client, case, knb, media_root
    ):
        review = walk_to_review(relative_client, case, knb)
        fake = SimpleUploadedFile("photo.jpg", b"just some text", content_type="image/jpeg")

        page = send(relative_client, review, jpeg(), fake)

        assert page.status_code == 200
        assertContains(page, "<h1>Check and send</h1>", html=True)
        assertContains(
            page,
            error_of(
                "files",
                "“photo.jpg” is not a photo or scan we can take: send a JPEG, PNG or PDF file.",
            ),
            html=True,
        )
        assert form_data(page)["details"] == "We asked where our brothers are held."
        assert not Event.objects.exists()
        assert not Entry.objects.exists()
        assert not Attachment.objects.exists()
        assert not media_root.exists() or not any(media_root.rglob("*.*"))

    def test_a_tampered_earlier_answer_sends_the_relative_back_to_it(
        self, relative_client, case, knb
    ):
        review = walk_to_review(relative_client, case, knb)
        data = {**form_data(review), "day": "2999-01-01", "action": "send"}
        page = relative_client.post(log_url(case), data)
        assertContains(page, "<h1>When was it?</h1>", html=True)
        assertContains(page, error_of("day", "This date is in the future."), html=True)
        assert not Event.objects.exists()


class TestLogEntrySubmitsOnce:
    def test_a_double_submit_creates_one_entry(self, relative_client, case, knb):
        review = walk_to_review(relative_client, case, knb)

        first = send(relative_client, review, jpeg())
        second = send(relative_client, review, jpeg())

        entry = Entry.objects.get()
        assert first.url == second.url == reverse("campaigns:edit-entry", kwargs={"pk": entry.pk})
        assert Event.objects.count() == 1
        assert OfficialContact.objects.count() == 1
        assert Participation.objects.count() == 1
        assert Attachment.objects.count() == 1

    def test_the_service_returns_the_first_entry_for_a_known_key(self, relative, case):
        key = uuid.uuid4()
        answers = Answers(
            what=Action.MEDIA,
            date_precision=DatePrecision.DAY,
            date_start=datetime.date(2009, 5, 1),
        )
        pdf = CleanedUpload(content=PDF, content_type="application/pdf", original_name="a.pdf")
        first = record_entry(
            relative=relative, case=case, answers=answers, files=[pdf], submission_key=key
        )
        again = record_entry(
            relative=relative, case=case, answers=answers, files=[pdf], submission_key=key
        )
        assert again == first
        assert Event.objects.count() == Attachment.objects.count() == 1

    def test_another_relatives_key_does_not_reveal_their_entry(self, relative_client, case, knb):
        other = RelativeWithAccountFactory()
        KinshipFactory(relative=other, detainee__case=case)
        key = uuid.uuid4()
        record_entry(
            relative=other,
            case=case,
            answers=Answers(
                what=Action.MEDIA, date_precision="day", date_start=datetime.date(2009, 5, 1)
            ),
            files=[],
            submission_key=key,
        )
        review = walk_to_review(relative_client, case, knb)
        data = {**form_data(review), "submission_key": str(key), "action": "send"}
        assert relative_client.post(log_url(case), data).status_code == 404
        assert Entry.objects.count() == 1


class TestLogEntrySessionExpiry:
    def test_answers_posted_after_the_session_expired_survive_logging_in(
        self, client, relative, case, knb
    ):
        client.force_login(relative.user)
        review = walk_to_review(client, case, knb)
        key = form_data(review)["submission_key"]
        # The session expires on the server while the relative is still typing.
        Session.objects.all().delete()

        response = send(client, review, jpeg())

        resume = f"{log_url(case)}?resume=1"
        assertRedirects(
            response,
            f"{reverse('campaigns:login')}?next={log_url(case)}%3Fresume%3D1",
            fetch_redirect_response=False,
        )
        assert not Entry.objects.exists()
        logged_in = client.post(
            reverse("campaigns:login"),
            {"username": relative.user.username, "password": PASSWORD, "next": resume},
        )
        assertRedirects(logged_in, resume, fetch_redirect_response=False)

        page = client.get(resume)

        assertContains(page, "<h1>Check and send</h1>", html=True)
        assertContains(page, "You had been logged out, so we kept what you typed.")
        assertContains(page, "Photos and scans cannot be kept: choose them again")
        assertContains(page, "We asked where our brothers are held.")
        assert form_data(page)["submission_key"] == key
        send(client, page, jpeg())
        entry = Entry.objects.get()
        assert str(entry.submission_key) == key
        assert entry.event.title == "Letter to KNB Aktobe: no response"
        assert entry.event.attachments.count() == 1
        # Used once: a later visit starts afresh.
        assertContains(client.get(resume), "<h1>What did you do?</h1>", html=True)

    def test_a_middle_step_posted_after_expiry_resumes_at_the_next_step(
        self, client, relative, case
    ):
        client.force_login(relative.user)
        page = press(client, client.get(log_url(case)), what="hearing")
        client.logout()

        press(client, page, when="day", day="2009-05-17")
        client.force_login(relative.user)
        page = client.get(f"{log_url(case)}?resume=1")

        assertContains(page, "<h1>What happened?</h1>", html=True)
        assert form_data(page)["day"] == "2009-05-17"

    def test_kept_answers_do_not_open_a_case_the_user_is_not_linked_to(
        self, client, relative, case
    ):
        client.force_login(relative.user)
        page = press(client, client.get(log_url(case)), what="media")
        client.logout()
        press(client, page, when="today")
        stranger = RelativeWithAccountFactory()
        KinshipFactory(relative=stranger)
        client.force_login(stranger.user)
        assert client.get(f"{log_url(case)}?resume=1").status_code == 404


class TestLogEntryAccess:
    def test_anonymous_is_sent_to_log_in(self, client, case):
        response = client.get(log_url(case))
        assertRedirects(
            response,
            f"{reverse('campaigns:login')}?next={log_url(case)}",
            fetch_redirect_response=False,
        )

    def test_a_case_the_relative_is_not_linked_to_is_404(self, relative_client):
        other = CaseFactory()
        assert relative_client.get(log_url(other)).status_code == 404
        assert (
            relative_client.post(log_url(other), {"what": "media", "step": "what"}).status_code
            == 404
        )
        assert not Event.objects.exists()

    def test_a_staff_account_without_a_relative_is_404(self, staff_client, case):
        assert staff_client.get(log_url(case)).status_code == 404

    def test_wrong_method_is_405(self, relative_client, case):
        assert relative_client.put(log_url(case)).status_code == 405
        assert relative_client.delete(log_url(case)).status_code == 405

    def test_the_form_pages_run_a_fixed_number_of_queries(
        self, relative_client, case, knb, django_assert_num_queries
    ):
        InstitutionFactory.create_batch(5, name="Aktobe office")
        OfficialFactory.create_batch(5, name="Aktobe official")
        # Session, user, relative, case.
        with django_assert_num_queries(4):
            relative_client.get(log_url(case))
        review = walk_to_review(relative_client, case, knb)
        search = {**form_data(review), "step": "whom", "action": "search", "q": "Aktobe"}
        # Then the chosen body, and the search in bodies and officials.
        with django_assert_num_queries(7):
            page = relative_client.post(log_url(case), search)
        # Five offices, five officials and the KNB's department, chosen and found again.
        assert page.content.decode().count('name="addressee"') == 11
        # The review step, reached from the last question, checks each answer once.
        with django_assert_num_queries(7):
            page = relative_client.post(log_url(case), {**form_data(review), "step": "reply"})
        assertContains(page, "<h1>Check and send</h1>", html=True)


class TestEntriesStayOffPublicPages:
    def test_a_new_entry_is_on_no_public_page_feed_or_download(
        self, client, relative_client, case, knb
    ):
        send(relative_client, walk_to_review(relative_client, case, knb), jpeg())
        event = Event.objects.get()
        # Even marked public by mistake, an unverified entry stays off every public output.
        Event.objects.filter(pk=event.pk).update(is_public=True)
        client.logout()

        for url in (
            reverse("detentions:case-detail", kwargs={"slug": case.slug}),
            reverse("detentions:case-feed", kwargs={"slug": case.slug}),
            reverse("detentions:feed"),
            reverse("detentions:case-timeline-json", kwargs={"slug": case.slug}),
            reverse("detentions:case-timeline-csv", kwargs={"slug": case.slug}),
            reverse("detentions:institution-detail", kwargs={"slug": knb.slug}),
        ):
            response = client.get(url)
            body = b"".join(response) if response.streaming else response.content
            assert response.status_code in (200, 404), url
            assert b"Letter to KNB Aktobe" not in body, url
            assert b"We asked where our brothers" not in body, url


def entry_of_relative(relative, case, *, verified: bool = False, **answers) -> Entry:
    defaults = {
        "what": Action.CONTACTED,
        "date_precision": DatePrecision.DAY,
        "date_start": datetime.date(2009, 4, 17),
        "addressee_as_given": "Aktobe prosecutor's office",
        "channel": "letter",
        "outcome": "awaiting",
        "details": "Asked where they are held.",
    }
    entry = record_entry(
        relative=relative,
        case=case,
        answers=Answers(**{**defaults, **answers}),
        files=[
            CleanedUpload(content=PDF, content_type="application/pdf", original_name="reply.pdf")
        ],
        submission_key=uuid.uuid4(),
    )
    if verified:
        Event.objects.filter(pk=entry.event_id).update(verification=Event.Verification.VERIFIED)
        entry.refresh_from_db()
    return entry


def edit_url(entry) -> str:
    return reverse("campaigns:edit-entry", kwargs={"pk": entry.pk})


class TestEditEntry:
    def test_shows_the_status_and_the_answers_to_change(self, relative_client, relative, case):
        entry = entry_of_relative(relative, case)
        response = relative_client.get(edit_url(entry))

        assertContains(response, "<strong>Awaiting review</strong>", html=True)
        assertContains(response, "What you did: I contacted an official body.")
        data = form_data(response)
        assert data["addressee_new"] == "Aktobe prosecutor's office"
        assert (data["when"], data["day"]) == ("day", "2009-04-17")
        assert (data["channel"], data["outcome"]) == ("letter", "awaiting")
        assert data["details"] == "Asked where they are held."
        assert "what" not in data
        assertContains(
            response, reverse("campaigns:attachment", kwargs={"pk": Attachment.objects.get().pk})
        )

    def test_saving_changes_the_event_and_its_details(self, relative_client, relative, case, knb):
        entry = entry_of_relative(relative, case)
        page = relative_client.get(edit_url(entry))
        page = press(relative_client, page, action="search", q="KNB", outcome="no_response")
        assert form_data(page)["outcome"] == "no_response"  # kept across the search

        response = press(
            relative_client,
            page,
            action="save",
            addressee=f"i{knb.pk}",
            addressee_new="",
            when="mid_month",
            month="4",
            year="2009",
            reply_due_on="2009-05-01",
        )

        assertRedirects(response, edit_url(entry), fetch_redirect_response=False)
        event = Event.objects.get()
        assert event.title == "Letter to KNB Aktobe: no response"
        assert (event.date_precision, event.date_start) == ("mid_month", datetime.date(2009, 4, 11))
        contact = event.official_contact
        assert (contact.institution, contact.addressee_as_given) == (knb, "")
        assert contact.reply_due_on == datetime.date(2009, 5, 1)
        assert event.is_public is False and event.verification == "reported"
        assertContains(relative_client.get(edit_url(entry)), "Your changes were saved.")

    def test_a_name_typed_for_an_access_attempt_comes_back_in_its_own_field(
        self, relative_client, relative, case
    ):
        entry = entry_of_relative(
            relative,
            case,
            what=Action.VISIT,
            addressee_as_given="Nukus pre-trial unit",
            channel="",
            outcome="refused",
            details="Told to come back in a month.",
        )
        description = Event.objects.get().description
        page = relative_client.get(edit_url(entry))
        data = form_data(page)
        assert data["addressee_new"] == "Nukus pre-trial unit"
        assert data["details"] == "Told to come back in a month."

        press(relative_client, page, action="save")

        assert Event.objects.get().description == description
        assert AccessAttempt.objects.get().decided_by is None

    def test_more_files_can_be_added(self, relative_client, relative, case):
        entry = entry_of_relative(relative, case)
        page = relative_client.get(edit_url(entry))
        data = {**form_data(page), "action": "save", "files": [jpeg("reply.jpg")]}
        relative_client.post(edit_url(entry), data)
        assert sorted(Attachment.objects.values_list("original_name", flat=True)) == [
            "reply.jpg",
            "reply.pdf",
        ]

    def test_a_bad_form_shows_errors_keeps_the_text_and_saves_nothing(
        self, relative_client, relative, case
    ):
        entry = entry_of_relative(relative, case)
        before = Event.objects.values().get()
        page = relative_client.get(edit_url(entry))

        response = press(
            relative_client,
            page,
            action="save",
            addressee_new="",
            details="New text",
            when="day",
            day="",
        )

        assert response.status_code == 200
        assertContains(
            response,
            error_of("addressee_new", "Choose a name from the list, or type the name here."),
            html=True,
        )
        assertContains(response, error_of("day", "Give the day."), html=True)
        assertContains(response, "New text</textarea>")
        assert Event.objects.values().get() == before

    def test_after_verification_it_says_so_and_offers_a_correction(
        self, relative_client, relative, case
    ):
        entry = entry_of_relative(relative, case, verified=True)
        before = Event.objects.values().get()

        page = relative_client.get(edit_url(entry))
        post = relative_client.post(edit_url(entry), {"action": "save", "details": "Changed"})

        assertContains(page, "<strong>Verified</strong>", html=True)
        assertContains(
            page, "The staff have verified this entry, so it can no longer be changed here."
        )
        assertContains(page, reverse("campaigns:request-correction", kwargs={"pk": entry.pk}))
        assertNotContains(page, 'value="save"')
        assert post.status_code == 409
        assert Event.objects.values().get() == before

    def test_another_relatives_entry_is_404(self, relative_client, case):
        other = RelativeWithAccountFactory()
        KinshipFactory(relative=other, detainee__case=case)
        entry = entry_of_relative(other, case)
        assert relative_client.get(edit_url(entry)).status_code == 404
        assert relative_client.post(edit_url(entry), {"details": "x"}).status_code == 404

    def test_anonymous_is_sent_to_log_in(self, client, relative, case):
        entry = entry_of_relative(relative, case)
        assert client.get(edit_url(entry)).url.startswith(reverse("campaigns:login"))

    def test_wrong_method_is_405(self, relative_client, relative, case):
        assert relative_client.put(edit_url(entry_of_relative(relative, case))).status_code == 405

    def test_the_page_runs_a_fixed_number_of_queries(
        self, relative_client, relative, case, knb, django_assert_num_queries
    ):
        entry = entry_of_relative(relative, case, addressee_as_given="", institution=knb)
        # Session, user, relative, entry, details, their body, the body the form offers again,
        # attachments: nothing grows with the number of files.
        with django_assert_num_queries(8):
            relative_client.get(edit_url(entry))


class TestWithdrawEntry:
    def url(self, entry) -> str:
        return reverse("campaigns:withdraw-entry", kwargs={"pk": entry.pk})

    def test_asks_first_then_withdraws_and_keeps_the_event_internal(
        self, relative_client, relative, case
    ):
        entry = entry_of_relative(relative, case)
        Event.objects.filter(pk=entry.event_id).update(is_public=True)

        page = relative_client.get(self.url(entry))
        assertContains(page, "<h1>Withdraw this entry?</h1>", html=True)
        assert Entry.objects.get().state == "submitted"
        response = relative_client.post(self.url(entry))

        assertRedirects(response, edit_url(entry), fetch_redirect_response=False)
        entry.refresh_from_db()
        assert entry.state == Entry.State.WITHDRAWN
        assert Event.objects.get().is_public is False
        page = relative_client.get(edit_url(entry))
        assertContains(page, "<strong>Withdrawn</strong>", html=True)
        assertContains(page, "You withdrew this entry.")
        assertNotContains(page, reverse("campaigns:request-correction", kwargs={"pk": entry.pk}))

    def test_a_verified_entry_cannot_be_withdrawn(self, relative_client, relative, case):
        entry = entry_of_relative(relative, case, verified=True)
        assertContains(relative_client.get(self.url(entry)), "can no longer be changed here")
        assert relative_client.post(self.url(entry)).status_code == 409
        assert Entry.objects.get().state == Entry.State.SUBMITTED

    def test_another_relatives_entry_is_404(self, relative_client, case):
        other = RelativeWithAccountFactory()
        KinshipFactory(relative=other, detainee__case=case)
        entry = entry_of_relative(other, case)
        assert relative_client.post(self.url(entry)).status_code == 404
        assert Entry.objects.get().state == Entry.State.SUBMITTED

    def test_wrong_method_is_405(self, relative_client, relative, case):
        assert relative_client.put(self.url(entry_of_relative(relative, case))).status_code == 405


class TestRequestCorrection:
    def url(self, entry) -> str:
        return reverse("campaigns:request-correction", kwargs={"pk": entry.pk})

    def test_a_note_on_a_verified_entry_reaches_the_staff(self, relative_client, relative, case):
        entry = entry_of_relative(relative, case, verified=True)
        assertContains(
            relative_client.get(self.url(entry)), "<h1>Ask for a correction</h1>", html=True
        )

        response = relative_client.post(
            self.url(entry), {"text": "  The letter went on the 16th.  "}
        )

        assertRedirects(response, edit_url(entry), fetch_redirect_response=False)
        correction = CorrectionRequest.objects.get()
        assert (correction.entry, correction.text) == (entry, "The letter went on the 16th.")
        assert correction.resolved_at is None
        page = relative_client.get(edit_url(entry))
        assertContains(page, "Your request was sent to the staff.")
        assertContains(page, "waiting for the staff")

    def test_an_empty_note_shows_the_error_and_saves_nothing(self, relative_client, relative, case):
        entry = entry_of_relative(relative, case, verified=True)
        for posted in ({"text": " "}, {}):
            response = relative_client.post(self.url(entry), posted)
            assertContains(response, error_of("text", "This field is required."), html=True)
        assert not CorrectionRequest.objects.exists()

    def test_an_entry_still_awaiting_review_is_edited_instead(
        self, relative_client, relative, case
    ):
        entry = entry_of_relative(relative, case)
        assertRedirects(
            relative_client.get(self.url(entry)), edit_url(entry), fetch_redirect_response=False
        )
        relative_client.post(self.url(entry), {"text": "Please fix"})
        assert not CorrectionRequest.objects.exists()

    def test_another_relatives_entry_is_404(self, relative_client, case):
        other = RelativeWithAccountFactory()
        KinshipFactory(relative=other, detainee__case=case)
        entry = entry_of_relative(other, case, verified=True)
        assert relative_client.post(self.url(entry), {"text": "x"}).status_code == 404
        assert not CorrectionRequest.objects.exists()

    def test_wrong_method_is_405(self, relative_client, relative, case):
        entry = entry_of_relative(relative, case, verified=True)
        assert relative_client.put(self.url(entry)).status_code == 405


class TestAttachment:
    @pytest.fixture
    def photo(self, relative, case):
        entry = entry_of_relative(relative, case)
        return store_attachment(
            event=entry.event, upload=clean_upload(jpeg("letter.jpg")), uploaded_by=relative.user
        )

    def url(self, attachment) -> str:
        return reverse("campaigns:attachment", kwargs={"pk": attachment.pk})

    def get(self, client, attachment):
        """The response, read to the end and closed, as a browser would leave it."""
        response = client.get(self.url(attachment))
        if response.streaming:
            # Reading to the end closes the file: the test client wraps the stream to do so, with
            # Django's connection clean-up held back (calling close() again here would close the
            # test's database connection on PostgreSQL).
            response.body = b"".join(response.streaming_content)
        return response

    def test_the_owner_sees_the_photo_inline_with_safe_headers(
        self, relative_client, photo, media_root
    ):
        response = self.get(relative_client, photo)

        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"] == 'inline; filename="letter.jpg"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]
        assert response.body == (media_root / photo.file.name).read_bytes()

    def test_a_pdf_is_downloaded_not_shown(self, relative_client, relative, case):
        pdf = entry_of_relative(relative, case).event.attachments.get()
        response = self.get(relative_client, pdf)
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="reply.pdf"'
        assert response.body == PDF

    def test_a_name_in_another_script_is_kept_for_the_download(
        self, relative_client, relative, case
    ):
        photo = store_attachment(
            event=entry_of_relative(relative, case).event,
            upload=clean_upload(jpeg("письмо прокурору.jpg")),
            uploaded_by=relative.user,
        )
        response = self.get(relative_client, photo)
        assert response["Content-Disposition"] == (
            "inline; filename*=utf-8''%D0%BF%D0%B8%D1%81%D1%8C%D0%BC%D0%BE%20"
            "%D0%BF%D1%80%D0%BE%D0%BA%D1%83%D1%80%D0%BE%D1%80%D1%83.jpg"
        )

    def test_staff_see_it(self, staff_client, photo):
        assert self.get(staff_client, photo).status_code == 200

    def test_another_relative_of_the_case_sees_it_only_once_shared_or_published(
        self, client, photo, case
    ):
        other = RelativeWithAccountFactory()
        KinshipFactory(relative=other, detainee__case=case)
        client.force_login(other.user)
        assert self.get(client, photo).status_code == 404
        Event.objects.update(shared_with_family=True)
        assert self.get(client, photo).status_code == 200
        Event.objects.update(shared_with_family=False, is_public=True)
        assert self.get(client, photo).status_code == 404  # public, but not verified
        Event.objects.update(verification=Event.Verification.VERIFIED)
        assert self.get(client, photo).status_code == 200

    def test_a_relative_of_another_case_never_sees_it(self, client, photo):
        Event.objects.update(shared_with_family=True, is_public=True, verification="verified")
        stranger = RelativeWithAccountFactory()
        KinshipFactory(relative=stranger)
        client.force_login(stranger.user)
        assert self.get(client, photo).status_code == 404

    def test_an_account_that_is_neither_staff_nor_a_relative_gets_404(self, client, photo):
        client.force_login(UserFactory())
        assert self.get(client, photo).status_code == 404

    def test_anonymous_is_sent_to_log_in(self, client, photo):
        assert self.get(client, photo).url.startswith(reverse("campaigns:login"))

    def test_wrong_method_is_405(self, relative_client, photo):
        assert relative_client.post(self.url(photo)).status_code == 405

    def test_uploads_are_not_stored_where_static_files_are_served_from(self):
        # The configured folders, not this suite's temporary MEDIA_ROOT.
        media = Path(configured.MEDIA_ROOT).resolve()
        for static in [configured.STATIC_ROOT, *configured.STATICFILES_DIRS]:
            static = Path(static).resolve()
            assert not media.is_relative_to(static) and not static.is_relative_to(media)


def test_jpeg_fixture_really_carries_a_location():
    """The EXIF checks above are only worth something if the test photo has EXIF to lose."""
    with Image.open(BytesIO(photo_with_location())) as image:
        assert image.getexif().get_ifd(0x8825)
