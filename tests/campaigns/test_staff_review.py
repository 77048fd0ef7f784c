"""The staff home, entry and intake review, and the staff digest."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from campaigns.models import Entry, IntakeReport, StaffMember
from campaigns.staff_selectors import SOURCES_OFFERED
from detentions.models import (
    Case,
    Citation,
    ConsularVisit,
    Event,
    EventKind,
    OfficialContact,
    Source,
)
from tests.accounts import log_in
from tests.factories import (
    AttachmentFactory,
    CaseFactory,
    CitationFactory,
    DetaineeFactory,
    EntryFactory,
    EventFactory,
    FacilityFactory,
    InstitutionFactory,
    IntakeReportFactory,
    KinshipFactory,
    OfficialContactFactory,
    OfficialFactory,
    OrganisationFactory,
    RelativeWithAccountFactory,
    SourceFactory,
    StaffUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def limited_worker(**user_fields):
    """A case worker limited to an organisation that works on no case yet."""
    user = UserFactory(is_staff=True, **user_fields)
    StaffMember.objects.create(user=user, organisation=OrganisationFactory(), only_own_cases=True)
    return user


def entry_of(relative=None, **event_fields) -> Entry:
    relative = relative or KinshipFactory(relative__preferred_language="en").relative
    fields = {"title": "I wrote to the prosecutor"} | event_fields
    event = EventFactory(
        case=relative.cases.first(),
        is_public=False,
        verification=Event.Verification.REPORTED,
        **fields,
    )
    return EntryFactory(relative=relative, event=event)


def verify_data(entry: Entry, **fields) -> dict:
    event = entry.event
    data = {
        "action": "publish",
        "verify-version": event.version,
        "verify-title": event.title,
        "verify-description": event.description,
        "verify-date_precision": event.date_precision,
        "verify-date_start": event.date_start.isoformat(),
        "verify-date_end": "",
        "verify-source": "",
        "verify-new_source_title": "",
        "verify-new_source_url": "",
        "verify-new_source_kind": Source.Kind.TESTIMONY,
    }
    return data | fields


# --- Access: every page, for every outsider -----------------------------------------------


def staff_pages() -> list[str]:
    entry = entry_of()
    report = IntakeReportFactory()
    return [
        reverse("staff:home"),
        reverse("staff:review-entry", args=[entry.pk]),
        reverse("staff:review-intake", args=[report.pk]),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in staff_pages():
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("campaigns:login"))


def test_a_relative_gets_404_on_every_staff_page(client):
    relative = RelativeWithAccountFactory()
    client.force_login(relative.user)
    for url in staff_pages():
        assert client.get(url).status_code == 404


def test_a_case_worker_of_another_organisation_gets_404_for_the_entry_and_intake(client):
    entry = entry_of()
    report = IntakeReportFactory()
    log_in(client, limited_worker())

    assert client.get(reverse("staff:review-entry", args=[entry.pk])).status_code == 404
    response = client.post(reverse("staff:review-entry", args=[entry.pk]), verify_data(entry))
    assert response.status_code == 404
    assert client.get(reverse("staff:review-intake", args=[report.pk])).status_code == 404
    home = client.get(reverse("staff:home"))
    assertNotContains(home, "I wrote to the prosecutor")
    entry.event.refresh_from_db()
    assert not entry.event.is_verified


def test_a_case_worker_reviews_entries_of_their_organisations_cases(client):
    entry = entry_of()
    user = limited_worker()
    user.staff_member.organisation.cases.add(entry.event.case)
    log_in(client, user)

    assertContains(client.get(reverse("staff:home")), "I wrote to the prosecutor")
    assert client.get(reverse("staff:review-entry", args=[entry.pk])).status_code == 200


def test_wrong_methods_get_405(staff_client):
    entry = entry_of()
    report = IntakeReportFactory()
    assert staff_client.post(reverse("staff:home")).status_code == 405
    assert staff_client.put(reverse("staff:review-entry", args=[entry.pk])).status_code == 405
    assert staff_client.delete(reverse("staff:review-intake", args=[report.pk])).status_code == 405


# --- Home ----------------------------------------------------------------------------------


def test_home_lists_the_queue_oldest_first_and_what_needs_following_up(staff_client, settings):
    settings.CONSULAR_ACCESS_ALERT_DAYS = 30
    today = timezone.localdate()
    older = entry_of()
    Entry.objects.filter(pk=older.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=3)
    )
    newer = entry_of()
    newer.event.title = "Parcel refused at the gate"
    newer.event.save()
    verified = entry_of(title="Already verified")
    Event.objects.filter(pk=verified.event_id).update(verification=Event.Verification.VERIFIED)
    IntakeReportFactory(who_is_held="Three drivers from Shymkent")
    IntakeReportFactory(who_is_held="Handled already", state=IntakeReport.State.REJECTED)
    OfficialContactFactory(
        event__title="Letter to the prosecutor, unanswered",
        event__date_start=today - datetime.timedelta(days=40),
        reply_due_on=today - datetime.timedelta(days=10),
    )
    OfficialContactFactory(
        event__title="Letter answered", reply_due_on=today, outcome=OfficialContact.Outcome.MET
    )
    case = CaseFactory(title="Held since the winter")
    DetaineeFactory(case=case, name_latin="Nurlan Unvisited", facility=FacilityFactory())
    DetaineeFactory(case=case, name_latin="Erlan Nowhere")
    visited = CaseFactory(title="Visited recently")
    DetaineeFactory(case=visited, name_latin="Bolat Visited", facility=FacilityFactory())
    visit = EventFactory(case=visited, kind=EventKind.CONSULAR_VISIT, date_start=today)
    ConsularVisit.objects.create(event=visit, consulate=InstitutionFactory(), outcome="granted")

    response = staff_client.get(reverse("staff:home"))

    content = response.content.decode()
    assert content.index("I wrote to the prosecutor") < content.index("Parcel refused")
    assertContains(response, "Three drivers from Shymkent")
    assertNotContains(response, "Handled already")
    assertNotContains(response, "Already verified")
    assertContains(response, "Letter to the prosecutor, unanswered")
    assertContains(response, "waiting 40 days")
    assertNotContains(response, "Letter answered")
    section = content[content.index('id="consular"') : content.index('id="whereabouts"')]
    assert "Nurlan Unvisited" in section
    assert "Bolat Visited" not in section
    whereabouts = content[content.index('id="whereabouts"') : content.index('id="recent"')]
    assert "Erlan Nowhere" in whereabouts
    assert "Nurlan Unvisited" not in whereabouts
    assertContains(response, "Held since the winter")


def test_a_visit_to_other_detainees_does_not_count_for_everyone(staff_client):
    case = CaseFactory()
    seen = DetaineeFactory(case=case, name_latin="Seen Person", facility=FacilityFactory())
    DetaineeFactory(case=case, name_latin="Unseen Person", facility=FacilityFactory())
    visit = EventFactory(case=case, kind=EventKind.CONSULAR_VISIT, date_start=timezone.localdate())
    ConsularVisit.objects.create(
        event=visit, consulate=InstitutionFactory(), outcome="partial"
    ).detainees_seen.set([seen])

    content = staff_client.get(reverse("staff:home")).content.decode()

    section = content[content.index('id="consular"') : content.index('id="whereabouts"')]
    assert "Unseen Person" in section
    assert "Seen Person" not in section.replace("Unseen Person", "")


def fill_home(n: int) -> None:
    today = timezone.localdate()
    for _ in range(n):
        entry_of()
        IntakeReportFactory()
        OfficialContactFactory(reply_due_on=today - datetime.timedelta(days=2))
        DetaineeFactory()
        DetaineeFactory(facility=FacilityFactory())


@pytest.mark.parametrize("user_kind", ["superuser", "limited"])
def test_home_makes_the_same_number_of_queries_for_more_records(client, user_kind):
    user = StaffUserFactory() if user_kind == "superuser" else limited_worker()
    log_in(client, user)
    fill_home(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("staff:home")).status_code == 200
    fill_home(6)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("staff:home")).status_code == 200
    assert len(small) == len(large)
    assert len(large) <= 16


# --- Entry review --------------------------------------------------------------------------


def test_review_page_shows_the_entry_its_relative_and_attachments(staff_client):
    relative = KinshipFactory(relative__name_display="given_name").relative
    entry = entry_of(relative, description="I asked where my brother is held.")
    attachment = AttachmentFactory(event=entry.event)

    response = staff_client.get(reverse("staff:review-entry", args=[entry.pk]))

    assertContains(response, "I wrote to the prosecutor")
    assertContains(response, "I asked where my brother is held.")
    assertContains(response, f"shown publicly as “{relative.given_name}”")
    assertContains(response, "sister")
    assertContains(response, reverse("campaigns:attachment", args=[attachment.pk]))


def test_publishing_verifies_with_edits_and_a_new_source_and_mails_the_relative(staff_client):
    entry = entry_of()
    data = verify_data(
        entry,
        **{
            "verify-title": "Letter to the regional prosecutor",
            "verify-new_source_title": "Interview with the sister",
        },
    )

    response = staff_client.post(reverse("staff:review-entry", args=[entry.pk]), data)

    assert response.status_code == 302
    event = Event.objects.get(pk=entry.event_id)
    assert event.title == "Letter to the regional prosecutor"
    assert event.is_verified and event.is_public
    assert event.version == 2
    source = Citation.objects.get(event=event).source
    assert source.title == "Interview with the sister"
    assert source.kind == Source.Kind.TESTIMONY and not source.is_public
    [message] = mail.outbox
    assert message.to == [entry.relative.email]
    assert "Letter to the regional prosecutor" in message.subject
    assert "verified" in message.subject
    assert "public page" in message.body


def test_keeping_internal_cites_a_known_source(staff_client):
    entry = entry_of()
    source = SourceFactory()
    data = verify_data(entry, action="keep_internal", **{"verify-source": source.pk})

    staff_client.post(reverse("staff:review-entry", args=[entry.pk]), data)

    entry.event.refresh_from_db()
    assert entry.event.is_verified and not entry.event.is_public
    assert list(entry.event.sources.all()) == [source]
    assert "not public" in mail.outbox[0].body


def test_a_limited_worker_may_cite_only_sources_of_their_cases(client):
    entry = entry_of()
    user = limited_worker()
    user.staff_member.organisation.cases.add(entry.event.case)
    CitationFactory(event__case=entry.event.case, source__title="Letter from the consulate")
    other_case = CitationFactory(source__title="Testimony of a cellmate").source
    SourceFactory(title="Court notice, not yet cited")
    url = reverse("staff:review-entry", args=[entry.pk])
    log_in(client, user)

    page = client.get(url)
    assertContains(page, "Letter from the consulate")
    assertContains(page, "Court notice, not yet cited")
    assertNotContains(page, "Testimony of a cellmate")

    data = verify_data(entry, action="keep_internal", **{"verify-source": other_case.pk})
    response = client.post(url, data)
    assertContains(response, "Select a valid choice", status_code=400)
    assertNotContains(response, "Testimony of a cellmate", status_code=400)
    entry.event.refresh_from_db()
    assert not entry.event.is_verified
    assert not entry.event.sources.exists()


def offered_sources(response) -> list[str]:
    """The titles "Cite a known source" lists, in order."""
    content = response.content.decode()
    select = content[content.index('<select name="verify-source"') :]
    select = select[: select.index("</select>")]
    return [
        html.unescape(title) for title in re.findall(r'<option value="\d+"[^>]*>([^<]*)<', select)
    ]


def picked_source(response) -> str:
    content = response.content.decode()
    select = content[content.index('<select name="verify-source"') :]
    [title] = re.findall(
        r'<option value="\d+" selected>([^<]*)<', select[: select.index("</select>")]
    )
    return html.unescape(title)


def cite_many(case: Case, title: str, count: int) -> list[Source]:
    """`count` sources cited by one event of the case, the last made cited last."""
    event = EventFactory(case=case)
    sources = Source.objects.bulk_create(
        Source(title=f"{title} {number:03}", kind=Source.Kind.MEDIA) for number in range(count)
    )
    Citation.objects.bulk_create(Citation(event=event, source=source) for source in sources)
    return sources


def test_the_source_select_lists_the_cases_sources_latest_first_then_new_ones(staff_client):
    entry = entry_of()
    case = entry.event.case
    consulate = CitationFactory(event__case=case, source__title="Letter from the consulate").source
    CitationFactory(event__case=case, source__title="Court ruling")
    CitationFactory(event__case=case, source=consulate)  # cited again, last
    SourceFactory(title="Court notice, not yet cited")
    CitationFactory(source__title="Testimony of a cellmate")  # in another case

    response = staff_client.get(reverse("staff:review-entry", args=[entry.pk]))

    assert offered_sources(response) == [
        "Letter from the consulate",
        "Court ruling",
        "Court notice, not yet cited",
    ]
    assertNotContains(response, "Testimony of a cellmate")
    assertNotContains(response, "To cite another, find it by its title.")


def test_the_source_select_is_cut_and_says_so_in_a_fixed_number_of_queries(
    staff_client, django_assert_max_num_queries
):
    entry = entry_of()
    cite_many(entry.event.case, "Cited here", 120)
    cite_many(CaseFactory(), "Cited elsewhere", 120)
    url = reverse("staff:review-entry", args=[entry.pk])

    with django_assert_max_num_queries(10):
        response = staff_client.get(url)

    offered = offered_sources(response)
    assert len(offered) == SOURCES_OFFERED
    assert offered[:2] == ["Cited here 119", "Cited here 118"]
    assert not [title for title in offered if not title.startswith("Cited here")]
    assertContains(
        response,
        f"The {SOURCES_OFFERED} sources cited most recently in this case or not cited yet. "
        "To cite another, find it by its title.",
    )

    data = verify_data(entry, action="find_source", **{"verify-find_source": "cited"})
    with django_assert_max_num_queries(9):
        response = staff_client.post(url, data)

    offered = offered_sources(response)
    assert len(offered) == SOURCES_OFFERED
    assert offered[:2] == ["Cited elsewhere 000", "Cited elsewhere 001"]
    assertContains(response, f"The first {SOURCES_OFFERED} sources whose title contains “cited”.")


def test_finding_a_source_by_title_keeps_what_was_typed_and_saves_nothing(staff_client):
    entry = entry_of()
    CitationFactory(event__case=entry.event.case, source__title="Letter from the consulate")
    CitationFactory(source__title="Verdict of the Aktobe court")
    CitationFactory(source__title="Appeal to the Aktobe court")
    CitationFactory(source__title="Testimony of a cellmate")
    data = verify_data(
        entry,
        action="find_source",
        **{
            "verify-title": "Letter to the regional prosecutor",
            "verify-find_source": " aktobe COURT ",
            "verify-new_source_url": "not a link",
        },
    )

    response = staff_client.post(reverse("staff:review-entry", args=[entry.pk]), data)

    assert response.status_code == 200
    assert offered_sources(response) == [
        "Appeal to the Aktobe court",
        "Verdict of the Aktobe court",
    ]
    assertContains(response, "The sources whose title contains “aktobe COURT”.")
    assertContains(response, 'value="Letter to the regional prosecutor"')
    assertContains(response, 'value=" aktobe COURT "')
    assertContains(response, 'value="not a link"')
    assertNotContains(response, "Please correct what is marked below.")
    assertNotContains(response, "Enter a valid URL.")
    entry.refresh_from_db()
    assert entry.state == Entry.State.SUBMITTED
    entry.event.refresh_from_db()
    assert entry.event.title == "I wrote to the prosecutor"
    assert not entry.event.is_verified and entry.event.version == 1
    assert not entry.event.sources.exists()
    assert mail.outbox == []


def test_finding_no_source_says_so_beside_the_field(staff_client):
    entry = entry_of()
    CitationFactory(event__case=entry.event.case, source__title="Letter from the consulate")
    data = verify_data(entry, action="find_source", **{"verify-find_source": "<b>verdict"})

    response = staff_client.post(reverse("staff:review-entry", args=[entry.pk]), data)

    assertContains(
        response,
        '<p class="help" id="id_verify-find_source_helptext">'
        "No source you may cite has a title containing “&lt;b&gt;verdict”.</p>",
        html=True,
    )
    # The select still offers the case's own.
    assert offered_sources(response) == ["Letter from the consulate"]


def test_an_empty_find_lists_the_cases_sources(staff_client):
    entry = entry_of()
    CitationFactory(event__case=entry.event.case, source__title="Letter from the consulate")
    CitationFactory(source__title="Testimony of a cellmate")
    data = verify_data(entry, action="find_source", **{"verify-find_source": "  "})

    response = staff_client.post(reverse("staff:review-entry", args=[entry.pk]), data)

    assert response.status_code == 200
    assert offered_sources(response) == ["Letter from the consulate"]
    assertNotContains(response, "No source you may cite")


def test_a_source_found_by_title_can_be_cited(staff_client):
    entry = entry_of()
    verdict = CitationFactory(source__title="Verdict of the Aktobe court").source
    url = reverse("staff:review-entry", args=[entry.pk])
    assert "Verdict of the Aktobe court" not in offered_sources(staff_client.get(url))
    found = staff_client.post(
        url, verify_data(entry, action="find_source", **{"verify-find_source": "verdict"})
    )
    assert offered_sources(found) == ["Verdict of the Aktobe court"]

    data = verify_data(entry, **{"verify-find_source": "verdict", "verify-source": verdict.pk})
    response = staff_client.post(url, data)

    assert response.status_code == 302
    entry.event.refresh_from_db()
    assert entry.event.is_verified and entry.event.is_public
    assert list(entry.event.sources.all()) == [verdict]


def test_a_form_shown_again_keeps_the_picked_source(staff_client):
    entry = entry_of()
    CitationFactory(event__case=entry.event.case, source__title="Letter from the consulate")
    verdict = CitationFactory(source__title="Verdict of the Aktobe court").source
    url = reverse("staff:review-entry", args=[entry.pk])

    # Picked after a find, then a search for another; then sent with a date in the future.
    data = verify_data(
        entry,
        action="find_source",
        **{"verify-find_source": "consulate", "verify-source": verdict.pk},
    )
    response = staff_client.post(url, data)
    assert offered_sources(response) == [
        "Verdict of the Aktobe court",
        "Letter from the consulate",
    ]
    assert picked_source(response) == "Verdict of the Aktobe court"
    future = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    data = verify_data(entry, **{"verify-date_start": future, "verify-source": verdict.pk})
    response = staff_client.post(url, data)

    assertContains(response, "This date is in the future.", status_code=400)
    assert picked_source(response) == "Verdict of the Aktobe court"
    entry.event.refresh_from_db()
    assert not entry.event.is_verified


def test_a_limited_worker_finds_only_sources_they_may_cite(client):
    entry = entry_of()
    user = limited_worker()
    user.staff_member.organisation.cases.add(entry.event.case)
    CitationFactory(event__case=entry.event.case, source__title="Testimony of the sister")
    CitationFactory(source__title="Testimony of a cellmate")
    SourceFactory(title="Testimony, not yet cited")
    log_in(client, user)

    data = verify_data(entry, action="find_source", **{"verify-find_source": "testimony"})
    response = client.post(reverse("staff:review-entry", args=[entry.pk]), data)

    assert offered_sources(response) == ["Testimony of the sister", "Testimony, not yet cited"]
    assertNotContains(response, "Testimony of a cellmate")


def test_a_relative_without_an_address_is_not_mailed(staff_client):
    entry = entry_of(KinshipFactory(relative__email="").relative)
    data = verify_data(entry, **{"verify-source": SourceFactory().pk})
    staff_client.post(reverse("staff:review-entry", args=[entry.pk]), data)
    entry.event.refresh_from_db()
    assert entry.event.is_verified
    assert mail.outbox == []


def test_verifying_without_a_source_or_with_a_bad_date_saves_nothing(staff_client):
    entry = entry_of()
    url = reverse("staff:review-entry", args=[entry.pk])

    response = staff_client.post(url, verify_data(entry, **{"verify-title": "Changed"}))
    assertContains(response, "A verified event needs a source", status_code=400)
    future = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    response = staff_client.post(
        url,
        verify_data(entry, **{"verify-date_start": future, "verify-source": SourceFactory().pk}),
    )
    assertContains(response, "This date is in the future.", status_code=400)

    entry.event.refresh_from_db()
    assert entry.event.title == "I wrote to the prosecutor"
    assert not entry.event.is_verified and entry.event.version == 1
    assert not Citation.objects.exists()
    assert mail.outbox == []


def test_a_stale_form_does_not_overwrite_a_newer_version(staff_client):
    entry = entry_of()
    data = verify_data(entry, **{"verify-source": SourceFactory().pk})
    Event.objects.filter(pk=entry.event_id).update(version=5)

    response = staff_client.post(reverse("staff:review-entry", args=[entry.pk]), data)

    assert response.status_code == 302
    entry.event.refresh_from_db()
    assert not entry.event.is_verified


def test_declining_needs_a_reason_and_mails_it_in_the_relatives_language(staff_client):
    entry = entry_of()
    url = reverse("staff:review-entry", args=[entry.pk])

    response = staff_client.post(
        url, {"action": "decline", "decline-version": 1, "decline-reason": ""}
    )
    assertContains(response, "This field is required.", status_code=400)
    entry.refresh_from_db()
    assert entry.state == Entry.State.SUBMITTED

    staff_client.post(
        url,
        {
            "action": "decline",
            "decline-version": 1,
            "decline-reason": "The date <b>clashes</b> with the court record.",
        },
    )

    entry.refresh_from_db()
    assert entry.state == Entry.State.DECLINED
    assert entry.decline_reason == "The date <b>clashes</b> with the court record."
    entry.event.refresh_from_db()
    assert entry.event.version == 2
    [message] = mail.outbox
    assert "not accepted" in message.subject
    assert "The date <b>clashes</b> with the court record." in message.body
    page = staff_client.get(url)
    assertContains(page, "The date &lt;b&gt;clashes&lt;/b&gt; with the court record.")


def test_matching_a_typed_name_to_an_institution(staff_client):
    entry = entry_of(kind=EventKind.OFFICIAL_CONTACT)
    contact = OfficialContact.objects.create(
        event=entry.event, addressee_as_given="the prosecutor in Aktobe", channel="letter"
    )
    institution = InstitutionFactory(name="Aktobe regional prosecutor's office")
    url = reverse("staff:review-entry", args=[entry.pk])
    assertContains(staff_client.get(url), "Match “the prosecutor in Aktobe”")

    response = staff_client.post(url, {"action": "match", "match-version": 1})
    assertContains(response, "Choose the institution, the official, or both.", status_code=400)
    contact.refresh_from_db()
    assert contact.addressee_as_given == "the prosecutor in Aktobe"

    staff_client.post(
        url, {"action": "match", "match-version": 1, "match-institution": institution.pk}
    )

    contact.refresh_from_db()
    assert contact.institution == institution
    assert contact.addressee_as_given == ""
    entry.event.refresh_from_db()
    assert entry.event.version == 2


def test_matching_to_an_official(staff_client):
    entry = entry_of(kind=EventKind.OFFICIAL_CONTACT)
    contact = OfficialContact.objects.create(
        event=entry.event, addressee_as_given="Consul K.", channel="call"
    )
    official = OfficialFactory()
    staff_client.post(
        reverse("staff:review-entry", args=[entry.pk]),
        {"action": "match", "match-version": 1, "match-official": official.pk},
    )
    contact.refresh_from_db()
    assert contact.official == official and contact.addressee_as_given == ""


def test_an_unknown_action_is_a_bad_request(staff_client):
    entry = entry_of()
    url = reverse("staff:review-entry", args=[entry.pk])
    assert staff_client.post(url, {"action": "delete"}).status_code == 400
    # A note has no addressee to match.
    assert staff_client.post(url, {"action": "match", "match-version": 1}).status_code == 400


# --- Intake --------------------------------------------------------------------------------


def test_intake_page_prefills_a_new_case(staff_client):
    report = IntakeReportFactory(who_is_held="Two drivers from Shymkent")
    response = staff_client.get(reverse("staff:review-intake", args=[report.pk]))
    assertContains(response, 'value="Two drivers from Shymkent"')
    assertContains(response, 'value="two-drivers-from-shymkent"')


def test_turning_a_report_into_a_new_unpublished_case(staff_client):
    report = IntakeReportFactory(who_is_held="Two drivers from Shymkent")
    data = {
        "action": "new_case",
        "case-title": "Two drivers held in Nukus",
        "case-slug": "two-drivers",
        "case-summary": "Two drivers were detained at the border.",
        "case-location": "Nukus",
        "case-detaining_country": "UZ",
        "case-detainees_country": "KZ",
    }

    response = staff_client.post(reverse("staff:review-intake", args=[report.pk]), data)

    assert response.status_code == 302
    case = Case.objects.get(slug="two-drivers")
    assert not case.is_published
    note = case.events.get()
    assert note.kind == EventKind.NOTE and not note.is_public and not note.is_verified
    assert "Two drivers from Shymkent" in note.description
    assert report.reporter_contact not in note.description
    report.refresh_from_db()
    assert report.state == IntakeReport.State.ACCEPTED


def test_a_bad_new_case_form_saves_nothing(staff_client):
    report = IntakeReportFactory()
    response = staff_client.post(
        reverse("staff:review-intake", args=[report.pk]),
        {"action": "new_case", "case-title": "", "case-slug": "x"},
    )
    assertContains(response, "This field is required.", status_code=400)
    assert not Case.objects.exists()
    report.refresh_from_db()
    assert report.state == IntakeReport.State.NEW


def test_attaching_a_report_to_an_existing_case(staff_client):
    case = CaseFactory()
    report = IntakeReportFactory(what_happened="Taken off the bus at night.")

    staff_client.post(
        reverse("staff:review-intake", args=[report.pk]),
        {"action": "attach", "attach-case": case.pk},
    )

    note = case.events.get()
    assert "Taken off the bus at night." in note.description
    assert not note.is_public and note.verification == Event.Verification.REPORTED
    report.refresh_from_db()
    assert report.state == IntakeReport.State.ACCEPTED
    # Handled: a second submission changes nothing.
    staff_client.post(
        reverse("staff:review-intake", args=[report.pk]),
        {"action": "attach", "attach-case": case.pk},
    )
    assert case.events.count() == 1


def test_rejecting_a_report_needs_notes(staff_client):
    report = IntakeReportFactory()
    url = reverse("staff:review-intake", args=[report.pk])
    response = staff_client.post(url, {"action": "reject", "reject-staff_notes": ""})
    assertContains(response, "This field is required.", status_code=400)
    report.refresh_from_db()
    assert report.state == IntakeReport.State.NEW

    staff_client.post(url, {"action": "reject", "reject-staff_notes": "A duplicate of case 12."})

    report.refresh_from_db()
    assert report.state == IntakeReport.State.REJECTED
    assert report.staff_notes == "A duplicate of case 12."


# --- Staff digest --------------------------------------------------------------------------


def test_the_digest_sends_one_mail_per_staff_member_once(db):
    superuser = StaffUserFactory(email="chief@example.org")
    worker = limited_worker(email="worker@example.org")
    UserFactory(is_staff=True, email="")
    UserFactory(is_staff=True, is_active=False, email="gone@example.org")
    own = entry_of()
    worker.staff_member.organisation.cases.add(own.event.case)
    other = entry_of()
    other.event.title = "Visit refused at the colony"
    other.event.save()
    report = IntakeReportFactory(who_is_held="Five students from Almaty")

    call_command("send_staff_digest", verbosity=0)

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {superuser.email, worker.email}
    chief = by_address[superuser.email].body
    assert "I wrote to the prosecutor" in chief
    assert "Visit refused at the colony" in chief
    assert "Five students from Almaty" in chief
    assert reverse("staff:review-entry", args=[own.pk]) in chief
    assert "3 new items" in by_address[superuser.email].subject
    limited = by_address[worker.email].body
    assert "I wrote to the prosecutor" in limited
    assert "Visit refused at the colony" not in limited
    assert "Five students from Almaty" not in limited
    report.refresh_from_db()
    assert report.staff_notified_at is not None

    mail.outbox.clear()
    call_command("send_staff_digest", verbosity=0)
    assert mail.outbox == []


def test_the_digest_dry_run_sends_and_marks_nothing(db, capsys):
    StaffUserFactory(email="chief@example.org")
    entry = entry_of()

    call_command("send_staff_digest", dry_run=True)

    assert mail.outbox == []
    entry.refresh_from_db()
    assert entry.staff_notified_at is None
    assert "Dry run" in capsys.readouterr().out
