import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import StaffMember
from campaigns.views.staff import dossier
from detentions.models import (
    AccessOutcome,
    ConsularVisit,
    Detainee,
    DetaineeStatus,
    Event,
    EventKind,
    OfficialContact,
    StatusChange,
)
from detentions.spreadsheets import neutralise
from tests.accounts import log_in
from tests.factories import (
    CaseFactory,
    DetaineeFactory,
    EventFactory,
    FacilityFactory,
    KinshipFactory,
    OfficialContactFactory,
    OfficialFactory,
    OrganisationFactory,
    ParticipationFactory,
    RelativeWithAccountFactory,
    UserFactory,
    timeline_of_every_kind,
)

pytestmark = pytest.mark.django_db

VIEWS = ["staff:dossier", "staff:contact-log-csv", "staff:import-detainees"]
HEADER = (
    "reference,name_latin,name_original,name_display,status,facility,"
    "whereabouts_confirmed_on,home_region,age,occupation\n"
)


def url(name, case):
    return reverse(name, kwargs={"slug": case.slug})


@pytest.fixture
def case():
    case = CaseFactory(title="Fishermen held at sea")
    facility = FacilityFactory(name="Colony No. 3", slug="colony-3")
    DetaineeFactory(
        case=case, reference="7", name_latin="Marat Akhmetov", facility=facility, status="convicted"
    )
    EventFactory(case=case, title="Verified public fact")
    EventFactory(case=case, title="Verified internal fact", is_public=False)
    EventFactory(case=case, title="An unverified rumour", verification=Event.Verification.REPORTED)
    return case


def contact(case, **fields):
    event = EventFactory(
        case=case, kind=EventKind.OFFICIAL_CONTACT, date_start=datetime.date(2024, 3, 1)
    )
    return OfficialContactFactory(event=event, **fields)


def upload(text: str | bytes, name="people.csv"):
    content = text.encode() if isinstance(text, str) else text
    return {"file": SimpleUploadedFile(name, content, content_type="text/csv")}


# --- Who may see them ---


@pytest.mark.parametrize("name", VIEWS)
def test_anonymous_is_sent_to_log_in(client, case, name):
    response = client.get(url(name, case))
    assert response.status_code == 302
    assert reverse("campaigns:login") in response["Location"]


@pytest.mark.parametrize("name", VIEWS)
def test_a_relative_gets_404(client, case, name):
    relative = RelativeWithAccountFactory()
    KinshipFactory(relative=relative, detainee=case.detainees.get())
    client.force_login(relative.user)
    assert client.get(url(name, case)).status_code == 404


@pytest.mark.parametrize("name", VIEWS)
def test_a_limited_case_worker_of_another_organisation_gets_404(client, case, name):
    ours, theirs = OrganisationFactory(), OrganisationFactory()
    ours.cases.add(case)
    worker = UserFactory(is_staff=True)
    StaffMember.objects.create(user=worker, organisation=theirs, only_own_cases=True)
    log_in(client, worker)
    assert client.get(url(name, case)).status_code == 404
    # Their own organisation's case opens.
    theirs.cases.add(case)
    assert client.get(url(name, case)).status_code == 200


@pytest.mark.parametrize("name", ["staff:dossier", "staff:contact-log-csv"])
def test_read_only_pages_refuse_post(staff_client, case, name):
    assert staff_client.post(url(name, case)).status_code == 405


def test_import_refuses_put(staff_client, case):
    assert staff_client.put(url("staff:import-detainees", case)).status_code == 405


# --- Dossier ---


def test_dossier_shows_verified_facts_people_and_contacts(staff_client, case):
    relative = RelativeWithAccountFactory(given_name="Aigul", family_name="Seitova")
    KinshipFactory(relative=relative, detainee=case.detainees.get())
    made = contact(case, reply_due_on=datetime.date(2024, 4, 1), request="Let the consul visit")
    ParticipationFactory(event=made.event, organisation=None, relative=relative)

    response = staff_client.get(url("staff:dossier", case))

    assert response.status_code == 200
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert "Verified public fact" in response.text
    assert "Verified internal fact" in response.text
    assert "An unverified rumour" not in response.text
    assert '<strong class="internal">internal</strong>' in response.text
    # Full names, status and whereabouts, which the public page withholds.
    assert "Marat Akhmetov" in response.text
    assert "convicted, in custody" in response.text
    assert "Colony No. 3" in response.text
    assert "Aigul Seitova" in response.text
    assert "Let the consul visit" in response.text
    days = (datetime.date.today() - datetime.date(2024, 3, 1)).days
    assert f"<td>{days}<br>" in response.text


def test_dossier_public_only_leaves_internal_facts_out(staff_client, case):
    response = staff_client.get(url("staff:dossier", case), {"public_only": "1"})
    assert "Verified public fact" in response.text
    assert "Verified internal fact" not in response.text
    assert "Show internal facts too" in response.text


def test_dossier_escapes_what_people_typed(staff_client, case):
    EventFactory(case=case, title="<script>alert(1)</script>")
    response = staff_client.get(url("staff:dossier", case))
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_dossier_summary_counts_internal_contacts_unless_public_facts_only(staff_client, case):
    visit = EventFactory(
        case=case, kind=EventKind.CONSULAR_VISIT, date_start=datetime.date(2024, 5, 2)
    )
    ConsularVisit.objects.create(
        event=visit, consul=OfficialFactory(), outcome=AccessOutcome.GRANTED
    )
    change = EventFactory(
        case=case, kind=EventKind.STATUS_CHANGE, date_start=datetime.date(2024, 6, 1)
    )
    StatusChange.objects.create(event=change, status=DetaineeStatus.CONVICTED)
    answered = contact(case, outcome=OfficialContact.Outcome.ANSWERED)
    contact(case)
    Event.objects.filter(pk=answered.event_id).update(is_public=False)
    # Unverified: in no count.
    rumour = contact(case, outcome=OfficialContact.Outcome.ANSWERED)
    Event.objects.filter(pk=rumour.event_id).update(verification=Event.Verification.REPORTED)

    full = staff_client.get(url("staff:dossier", case)).text
    public = staff_client.get(url("staff:dossier", case), {"public_only": "1"}).text

    assert "<dd>2 made, 1 answered</dd>" in full
    assert "<dd>1 made, 0 answered</dd>" in public
    for text in (full, public):
        assert "<dd>convicted (1 June 2024)</dd>" in text
        assert "<dd>2 May 2024 (" in text


def dossier_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("staff:dossier", case)).status_code == 200
    return len(queries)


def test_dossier_query_count_does_not_grow_with_the_case(staff_client):
    small, large = CaseFactory(), CaseFactory()
    timeline_of_every_kind(small, rounds=1)
    timeline_of_every_kind(large, rounds=4)
    DetaineeFactory.create_batch(5, case=large)
    # Session, user and their authenticator; case; the access log's entry; contacts with
    # details; their makers; the headline's events; people; the facts: their count, then a
    # chunk of them with details and its citations.
    assert dossier_queries(staff_client, small) == 12
    assert dossier_queries(staff_client, large) == 12


def test_dossier_reads_its_facts_a_chunk_at_a_time_and_shows_them_all(staff_client, monkeypatch):
    case = CaseFactory()
    events = timeline_of_every_kind(case, rounds=2)
    whole = staff_client.get(url("staff:dossier", case)).text

    monkeypatch.setattr(dossier, "DOSSIER_CHUNK", 3)
    chunks = -(-len(events) // 3)
    assert chunks > 3
    with CaptureQueriesContext(connection) as queries:
        in_chunks = staff_client.get(url("staff:dossier", case)).text

    # The events come through one cursor; each further chunk adds one query (its citations),
    # not one an event.
    assert len(queries) == 12 + chunks - 1
    assert in_chunks == whole
    for event in events:
        assert f'id="event-{event.pk}"' in in_chunks


def test_a_dossier_without_verified_facts_says_so(staff_client):
    case = CaseFactory()
    EventFactory(case=case, title="An unverified rumour", verification=Event.Verification.REPORTED)
    text = staff_client.get(url("staff:dossier", case)).text
    assert "No verified fact is recorded yet." in text
    assert "An unverified rumour" not in text


# --- Contact log CSV ---


def test_contact_log_query_count_does_not_grow_with_the_case(staff_client):
    small, large = CaseFactory(), CaseFactory()
    for case, contacts in ((small, 1), (large, 4)):
        for _ in range(contacts):
            ParticipationFactory(event=contact(case).event)

    def queries(case) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(url("staff:contact-log-csv", case))
        assert len(read_csv(response)) == 1 + (4 if case == large else 1)
        return len(captured)

    # Session, user and their authenticator; case; contacts with details; participations; the
    # access log's entry.
    assert queries(small) == queries(large) == 7


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_contact_log_csv_has_one_row_per_contact(staff_client, case):
    relative = RelativeWithAccountFactory(given_name="Aigul", family_name="Seitova")
    KinshipFactory(relative=relative, detainee=case.detainees.get())
    made = contact(
        case,
        request="Where is he held?",
        reply_due_on=datetime.date(2024, 4, 1),
        addressee_as_given="the governor",
    )
    ParticipationFactory(event=made.event, organisation=None, relative=relative)
    answered = contact(case, outcome=OfficialContact.Outcome.ANSWERED, reason_given="In Nukus")
    answered.replied_on = datetime.date(2024, 3, 20)
    answered.save()
    Event.objects.filter(pk=answered.event_id).update(
        is_public=False, verification=Event.Verification.REPORTED
    )

    response = staff_client.get(url("staff:contact-log-csv", case))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"{case.slug}-contact-log.csv" in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header[:5] == ["date", "body", "official", "addressee as given", "by"]
    assert len(rows) == 2
    first = dict(zip(header, rows[0], strict=True))
    assert first["by"] == "Aigul Seitova"
    assert first["addressee as given"] == "the governor"
    assert first["what was asked"] == "Where is he held?"
    assert first["outcome"] == "awaiting a reply"
    assert first["reply due on"] == "2024-04-01"
    assert first["days waiting"] == str((datetime.date.today() - datetime.date(2024, 3, 1)).days)
    assert first["public or internal"] == "public"
    assert first["verification"] == "verified"
    second = dict(zip(header, rows[1], strict=True))
    assert second["replied on"] == "2024-03-20"
    assert second["days waiting"] == ""
    assert second["public or internal"] == "internal"
    assert second["verification"] == "reported, not yet verified"


@pytest.mark.parametrize("typed", ["=HYPERLINK(1)", "+7 700", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_contact_log_csv_neutralises_formulas(staff_client, case, typed):
    contact(case, request=typed)
    header, row = read_csv(staff_client.get(url("staff:contact-log-csv", case)))
    assert dict(zip(header, row, strict=True))["what was asked"] == f"'{typed}"


def test_neutralise_leaves_plain_text_alone():
    assert neutralise("Where is he?") == "Where is he?"
    assert neutralise("=1+1") == "'=1+1"


# --- Bulk import ---


def test_import_page_explains_the_columns(staff_client, case):
    response = staff_client.get(url("staff:import-detainees", case))
    assert response.status_code == 200
    assert "whereabouts_confirmed_on" in response.text
    assert 'enctype="multipart/form-data"' in response.text


def test_a_good_file_creates_exactly_its_rows(staff_client, case):
    FacilityFactory(slug="sizo-1")
    text = HEADER + (
        "A1,Erlan Bekov,Ерлан Беков,full,detained,sizo-1,2024-02-01,Mangystau,34,fisherman\n"
        "A2,,,,missing,,,,,\n"
        "A3,Nurlan Omarov,,initials,,,,,,\n"
    )
    response = staff_client.post(url("staff:import-detainees", case), upload(text))

    assert response.status_code == 200
    assert "3 people imported." in response.text
    imported = Detainee.objects.filter(case=case).exclude(reference="7").order_by("reference")
    assert [d.reference for d in imported] == ["A1", "A2", "A3"]
    first = imported[0]
    assert first.name_original == "Ерлан Беков"
    assert first.facility.slug == "sizo-1"
    assert first.whereabouts_confirmed_on == datetime.date(2024, 2, 1)
    assert first.age == 34
    assert first.history.count() == 1
    assert imported[1].status == "missing"
    assert imported[1].name_display == "withheld"
    assert imported[2].status == "detained"


def test_an_error_in_row_3_imports_nothing_and_says_where(staff_client, case):
    text = HEADER + "A1,Erlan Bekov,,,,,,,,\nA2,Nurlan Omarov,,,prisoner,,,,,\n"
    response = staff_client.post(url("staff:import-detainees", case), upload(text))

    assert response.status_code == 422
    assert "Nothing was imported" in response.text
    assert "Row 3, status: Value &#x27;prisoner&#x27; is not a valid choice." in response.text
    assert case.detainees.count() == 1


def test_several_errors_are_all_listed(staff_client, case):
    text = HEADER + "A1,,,,,nowhere,2024-13-01,,old,\n,x,,,,,,,,\n"
    response = staff_client.post(url("staff:import-detainees", case), upload(text))
    assert "Row 2, facility: No facility has the slug “nowhere”." in response.text
    assert "Row 2, whereabouts_confirmed_on: Give the date as YYYY-MM-DD" in response.text
    assert "Row 2, age: Give the age as a whole number." in response.text
    assert "Row 3, reference: This field cannot be blank." in response.text
    assert case.detainees.count() == 1


def test_duplicate_references_are_reported(staff_client, case):
    text = HEADER + "A1,,,,,,,,,\nA1,,,,,,,,,\n7,,,,,,,,,\n"
    response = staff_client.post(url("staff:import-detainees", case), upload(text))
    assert "Row 3, reference: Row 2 has the same reference." in response.text
    assert "Row 4, reference: This case already has this reference." in response.text
    assert case.detainees.count() == 1


def test_a_file_not_in_utf8_is_refused_clearly(staff_client, case):
    text = (HEADER + "A1,,Ерлан,,,,,,,\n").encode("cp1251")
    response = staff_client.post(url("staff:import-detainees", case), upload(text))
    assert response.status_code == 422
    assert "The file is not in UTF-8." in response.text
    assert case.detainees.count() == 1


def test_a_file_without_the_reference_column_is_refused(staff_client, case):
    response = staff_client.post(url("staff:import-detainees", case), upload("name_latin\nX\n"))
    assert "The header row lacks these columns: reference." in response.text


def test_a_file_over_the_size_limit_is_refused(staff_client, case):
    text = HEADER + "A1,,,,,,,,,\n" + "#" * (2 * 1024 * 1024)
    response = staff_client.post(url("staff:import-detainees", case), upload(text))
    assert "The file is larger than 2 MB." in response.text
    assert case.detainees.count() == 1


def test_a_long_file_is_imported_in_one_go(staff_client, case):
    text = HEADER + "".join(f"P{n},,,,,,,,,\n" for n in range(1500))
    response = staff_client.post(url("staff:import-detainees", case), upload(text))
    page = b"".join(response.streaming_content).decode()
    assert "Checked 1000 of 1500 rows…" in page
    assert "1500 people imported." in page
    assert "1500 rows checked." in page
    assert case.detainees.count() == 1501


def test_a_long_file_shows_its_progress_and_is_imported(staff_client, case, monkeypatch):
    monkeypatch.setattr(dossier, "PROGRESS_EVERY", 2)
    text = HEADER + "".join(f"P{n},,,,,,,,,\n" for n in range(5))
    response = staff_client.post(url("staff:import-detainees", case), upload(text))

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/html; charset=utf-8"
    chunks = [chunk.decode() for chunk in response.streaming_content]
    page = "".join(chunks)
    assert chunks[0].rstrip().endswith("The file has 5 rows.</p>")
    progress = [chunk for chunk in chunks if 'class="progress"' in chunk]
    assert progress == [
        '<p class="progress">Checked 2 of 5 rows…</p>\n',
        '<p class="progress">Checked 4 of 5 rows…</p>\n',
    ]
    assert page.index("Checked 4 of 5") < page.index("5 people imported.")
    assert page.rstrip().endswith("</html>")
    assert sorted(case.detainees.exclude(reference="7").values_list("reference", flat=True)) == [
        f"P{n}" for n in range(5)
    ]
    assert Detainee.history.filter(case_id=case.pk, reference="P4").count() == 1


def test_a_long_file_with_an_error_in_its_last_row_imports_nothing(staff_client, case, monkeypatch):
    monkeypatch.setattr(dossier, "PROGRESS_EVERY", 2)
    text = HEADER + "".join(f"P{n},,,,,,,,,\n" for n in range(4)) + "P4,,,,,,,,old,\n"
    response = staff_client.post(url("staff:import-detainees", case), upload(text))
    page = b"".join(response.streaming_content).decode()

    assert response.status_code == 200  # sent before the outcome was known
    assert page.index("Checked 2 of 5 rows…") < page.index("Checked 4 of 5 rows…")
    assert page.index("Checked 4 of 5 rows…") < page.index("Nothing was imported")
    assert "Row 6, age: Give the age as a whole number." in page
    assert "5 rows checked." in page
    assert "people imported." not in page
    assert case.detainees.count() == 1


def test_a_file_of_progress_every_rows_is_not_streamed(staff_client, case, monkeypatch):
    monkeypatch.setattr(dossier, "PROGRESS_EVERY", 2)
    text = HEADER + "A1,,,,,,,,,\nA2,,,,,,,,prisoner,\n"
    response = staff_client.post(url("staff:import-detainees", case), upload(text))
    assert not response.streaming
    assert response.status_code == 422
    assert 'class="progress"' not in response.text
    assert case.detainees.count() == 1
