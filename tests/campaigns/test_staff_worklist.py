"""The staff home's lists of work, cut to their most urgent rows, and each list in full, a page
at a time."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from campaigns import staff_selectors
from campaigns.models import Entry, IntakeReport, StaffMember
from detentions.dates import DatePrecision
from detentions.models import ConsularVisit, Event, EventKind
from tests.accounts import log_in
from tests.factories import (
    CaseFactory,
    DetaineeFactory,
    EntryFactory,
    EventFactory,
    FacilityFactory,
    InstitutionFactory,
    IntakeReportFactory,
    OfficialContactFactory,
    OrganisationFactory,
    RelativeWithAccountFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LISTS = ["entries", "intake", "overdue-replies", "no-consular-access", "whereabouts-unknown"]
# The section of the staff home that shows each list.
SECTIONS = {
    "entries": "queue",
    "intake": "queue",
    "overdue-replies": "overdue",
    "no-consular-access": "consular",
    "whereabouts-unknown": "whereabouts",
}


def rows_of(name: str, count: int, *, case=None, label: str = "row") -> list[str]:
    """`count` rows of the list `name`, in `case` or each in a case of its own; returns what each
    row shows, the most urgent first."""
    now = timezone.now()
    today = timezone.localdate()
    labels = [f"{name} {label} {letter}" for letter in "ABCDEFGHIJ"[:count]]
    for position, label in enumerate(labels):
        # The first label is the most urgent: waiting longest, held longest.
        days_ago = 100 - position
        if name == "entries":
            entry = EntryFactory(event__title=label, **({"event__case": case} if case else {}))
            Entry.objects.filter(pk=entry.pk).update(
                submitted_at=now - datetime.timedelta(days=days_ago)
            )
        elif name == "intake":
            report = IntakeReportFactory(who_is_held=label)
            IntakeReport.objects.filter(pk=report.pk).update(
                created_at=now - datetime.timedelta(days=days_ago)
            )
        elif name == "overdue-replies":
            OfficialContactFactory(
                event__title=label,
                event__case=case or CaseFactory(),
                event__date_start=today - datetime.timedelta(days=days_ago),
                reply_due_on=today - datetime.timedelta(days=1),
            )
        elif name == "no-consular-access":
            in_case = case or CaseFactory(began_on=today - datetime.timedelta(days=days_ago))
            DetaineeFactory(case=in_case, name_latin=label, facility=FacilityFactory())
            # A visit long enough ago that it still leaves them on the list, shown on their line.
            consular_visit(in_case, on=today - datetime.timedelta(days=days_ago - 40))
        else:
            in_case = case or CaseFactory(began_on=today - datetime.timedelta(days=days_ago))
            DetaineeFactory(case=in_case, name_latin=label)
    return labels


def consular_visit(case, *, on: datetime.date, seen=(), outcome="granted", **event_fields) -> Event:
    """A verified consular visit to `case` (to the people `seen`, or to no one named)."""
    event = EventFactory(case=case, kind=EventKind.CONSULAR_VISIT, date_start=on, **event_fields)
    visit = ConsularVisit.objects.create(
        event=event, consulate=InstitutionFactory(), outcome=outcome
    )
    visit.detainees_seen.set(seen)
    return event


def line_of(response, name: str) -> str:
    """The text of the list's line that names `name`."""
    for line in re.findall(r"<li>.*?</li>", response.content.decode(), re.S):
        if name in line:
            return html.unescape(re.sub(r"<[^>]+>", "", line))
    raise AssertionError(f"no line names {name}")


def section(response, name: str) -> str:
    """The part of the staff home that shows the list `name`."""
    content = response.content.decode()
    found = re.search(rf'<section aria-labelledby="{SECTIONS[name]}">.*?</section>', content, re.S)
    return found.group(0)


def shown_of(response, labels: list[str]) -> list[str]:
    """Which of `labels` the page shows, in the order it shows them."""
    content = response.content.decode()
    return sorted((label for label in labels if label in content), key=content.index)


def worklist_url(name: str, page: int | None = None) -> str:
    url = reverse("staff:worklist", kwargs={"name": name})
    return url if page is None else f"{url}?page={page}"


def limited_worker(organisation) -> object:
    user = UserFactory(is_staff=True)
    StaffMember.objects.create(user=user, organisation=organisation, only_own_cases=True)
    return user


@pytest.fixture
def cap_of_three(monkeypatch):
    monkeypatch.setattr(staff_selectors, "SHOWN_ON_HOME", 3)


@pytest.fixture
def pages_of_two(monkeypatch):
    monkeypatch.setattr(staff_selectors, "WORKLIST_PER_PAGE", 2)


# --- The staff home ------------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTS)
def test_home_shows_the_most_urgent_rows_how_many_in_all_and_a_link_to_them(
    staff_client, cap_of_three, name
):
    labels = rows_of(name, 5)

    shown = section(staff_client.get(reverse("staff:home")), name)

    for label in labels[:3]:
        assert label in shown
    for label in labels[3:]:
        assert label not in shown
    assert shown.index(labels[0]) < shown.index(labels[1]) < shown.index(labels[2])
    assert "Showing 3 of 5." in shown
    assert f'href="{worklist_url(name)}"' in shown


@pytest.mark.parametrize("name", LISTS)
def test_home_shows_a_list_no_longer_than_the_cap_whole_without_a_count(
    staff_client, cap_of_three, name
):
    labels = rows_of(name, 3)

    shown = section(staff_client.get(reverse("staff:home")), name)

    assert all(label in shown for label in labels)
    assert "Showing" not in shown
    assert worklist_url(name) not in shown


def test_overdue_replies_are_ordered_by_how_long_they_waited_dated_or_not(staff_client):
    today = timezone.localdate()
    OfficialContactFactory(
        event__title="Letter sent 20 days ago",
        event__date_start=today - datetime.timedelta(days=20),
        reply_due_on=today - datetime.timedelta(days=5),
    )
    OfficialContactFactory(
        event__title="Letter of unknown date, reply due 30 days ago",
        event__date_start=None,
        event__date_precision="unknown",
        reply_due_on=today - datetime.timedelta(days=30),
    )

    shown = section(staff_client.get(reverse("staff:home")), "overdue-replies")

    assert shown.index("unknown date") < shown.index("20 days ago")
    assert "waiting 30 days" in shown
    assert "waiting 20 days" in shown


@pytest.mark.parametrize("user_kind", ["superuser", "limited"])
def test_home_makes_a_fixed_number_of_queries_for_lists_longer_than_the_cap(
    client, cap_of_three, django_assert_max_num_queries, user_kind
):
    organisation = OrganisationFactory()
    case = CaseFactory(began_on=datetime.date(2001, 1, 1))
    organisation.cases.add(case)
    user = UserFactory(is_staff=True, is_superuser=True)
    if user_kind == "limited":
        user = limited_worker(organisation)
    log_in(client, user)
    for name in LISTS:
        rows_of(name, 8, case=case)

    # Session, user, two-factor device; the rows and the count of each of five lists; the
    # last visits of the people without consular access (two); the recent cases. (A limited
    # case worker: their staff member, and no intake reports.)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("staff:home"))

    assert "Showing 3 of 8." in section(response, "overdue-replies")


# --- A list in full ------------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTS)
def test_the_full_list_pages_through_every_row_most_urgent_first(staff_client, pages_of_two, name):
    labels = rows_of(name, 5)

    first = staff_client.get(worklist_url(name))
    assertContains(first, "1 to 2 of 5, the most urgent first.")
    assertContains(first, "Page 1 of 3")
    assert shown_of(first, labels) == labels[:2]
    assertNotContains(first, 'rel="prev"')
    assertContains(first, '<a href="?page=2" rel="next">Next page</a>', html=True)

    second = staff_client.get(worklist_url(name, 2))
    assert shown_of(second, labels) == labels[2:4]
    assertContains(second, '<a href="?page=1" rel="prev">Previous page</a>', html=True)
    assertContains(second, '<a href="?page=3" rel="next">Next page</a>', html=True)

    last = staff_client.get(worklist_url(name, 3))
    assertContains(last, "5 to 5 of 5, the most urgent first.")
    assert shown_of(last, labels) == labels[4:]
    assertContains(last, '<a href="?page=2" rel="prev">Previous page</a>', html=True)
    assertNotContains(last, 'rel="next"')


def test_the_full_list_rows_link_to_where_the_work_is_done(staff_client):
    today = timezone.localdate()
    contact = OfficialContactFactory(
        event__title="Letter to the consulate",
        event__date_start=today - datetime.timedelta(days=12),
        reply_due_on=today - datetime.timedelta(days=2),
    )
    detainee = DetaineeFactory(name_latin="Nurlan Nowhere")
    entry = EntryFactory(event__title="I called the prosecutor")
    report = IntakeReportFactory(who_is_held="Two drivers from Aktobe")

    overdue = staff_client.get(worklist_url("overdue-replies"))
    assertContains(overdue, reverse("staff:event-edit", args=[contact.event_id]))
    assertContains(overdue, "waiting 12 days")
    nowhere = staff_client.get(worklist_url("whereabouts-unknown"))
    assertContains(nowhere, reverse("staff:detainee-edit", args=[detainee.pk]))
    entries = staff_client.get(worklist_url("entries"))
    assertContains(entries, reverse("staff:review-entry", args=[entry.pk]))
    intake = staff_client.get(worklist_url("intake"))
    assertContains(intake, reverse("staff:review-intake", args=[report.pk]))


def test_each_person_without_consular_access_shows_the_last_visit_that_reached_them(
    staff_client, settings
):
    settings.CONSULAR_ACCESS_ALERT_DAYS = 30
    case = CaseFactory(began_on=datetime.date(2023, 1, 10))
    by_name = DetaineeFactory(case=case, name_latin="Seen By Name", facility=FacilityFactory())
    DetaineeFactory(case=case, name_latin="Seen With Everyone", facility=FacilityFactory())
    everyone = consular_visit(case, on=datetime.date(2023, 5, 2))
    named = consular_visit(case, on=datetime.date(2024, 8, 14), seen=[by_name])
    # None of these reached anyone: access refused, a visit not verified, one archived.
    consular_visit(case, on=datetime.date(2025, 1, 9), outcome="refused")
    consular_visit(case, on=datetime.date(2025, 2, 9), verification=Event.Verification.REPORTED)
    consular_visit(case, on=datetime.date(2025, 3, 9), archived_at=timezone.now())
    other = CaseFactory(began_on=datetime.date(2024, 2, 1))
    DetaineeFactory(case=other, name_latin="Never Seen", facility=FacilityFactory())
    consular_visit(other, on=datetime.date(2025, 3, 9), outcome="refused")

    for response in (
        staff_client.get(reverse("staff:home")),
        staff_client.get(worklist_url("no-consular-access")),
    ):
        assert line_of(response, "Seen By Name").endswith("last consular visit: 14 August 2024")
        assert line_of(response, "Seen With Everyone").endswith("last consular visit: 2 May 2023")
        assert line_of(response, "Never Seen").endswith("no consular visit on record")
        assertContains(response, reverse("staff:event-edit", args=[named.pk]))
        assertContains(response, reverse("staff:event-edit", args=[everyone.pk]))


def test_the_last_visit_is_the_one_that_can_have_been_latest(staff_client):
    # As the case's public page counts days since consular access: "March 2024" may have been
    # the 31st, after the visit of 20 March, which began later.
    case = CaseFactory(began_on=datetime.date(2023, 1, 10))
    DetaineeFactory(case=case, name_latin="Nurlan Held", facility=FacilityFactory())
    consular_visit(case, on=datetime.date(2024, 3, 1), date_precision=DatePrecision.MONTH)
    consular_visit(case, on=datetime.date(2024, 3, 20))
    consular_visit(case, on=datetime.date(2024, 3, 5))

    response = staff_client.get(worklist_url("no-consular-access"))

    assert line_of(response, "Nurlan Held").endswith("last consular visit: March 2024")


def test_of_two_visits_that_can_have_been_as_late_the_more_precisely_dated_is_shown(
    staff_client,
):
    case = CaseFactory(began_on=datetime.date(2023, 1, 10))
    DetaineeFactory(case=case, name_latin="Nurlan Held", facility=FacilityFactory())
    consular_visit(case, on=datetime.date(2024, 3, 31))
    consular_visit(case, on=datetime.date(2024, 3, 1), date_precision=DatePrecision.MONTH)

    response = staff_client.get(worklist_url("no-consular-access"))

    assert line_of(response, "Nurlan Held").endswith("last consular visit: 31 March 2024")


def test_an_empty_list_says_so(staff_client):
    response = staff_client.get(worklist_url("overdue-replies"))

    assertContains(response, "<h1>Replies overdue</h1>", html=True)
    assertContains(response, "Nothing is on this list now.")
    assertNotContains(response, "Page 1")


@pytest.mark.parametrize("page", ["0", "4", "two", "-1", "1.5", "99999999"])
def test_a_page_that_does_not_exist_is_404(staff_client, pages_of_two, page):
    rows_of("whereabouts-unknown", 5)

    assert (
        staff_client.get(worklist_url("whereabouts-unknown") + f"?page={page}").status_code == 404
    )


def test_a_list_that_does_not_exist_is_404(staff_client):
    assert staff_client.get(worklist_url("everything")).status_code == 404


@pytest.mark.parametrize("name", LISTS)
def test_the_full_list_makes_a_fixed_number_of_queries(
    staff_client, pages_of_two, django_assert_max_num_queries, name
):
    rows_of(name, 7)

    # Session, user, two-factor device; the count and the page's rows; for people without
    # consular access, their last visits (which they are, then the visits).
    with django_assert_max_num_queries(7 if name == "no-consular-access" else 5):
        response = staff_client.get(worklist_url(name, 2))

    assertContains(response, "3 to 4 of 7")


@pytest.mark.parametrize(
    "name", ["entries", "overdue-replies", "no-consular-access", "whereabouts-unknown"]
)
def test_a_limited_case_worker_sees_only_their_organisations_rows(client, name):
    organisation = OrganisationFactory()
    own = CaseFactory(title="Our case", began_on=datetime.date(2005, 1, 1))
    organisation.cases.add(own)
    other = CaseFactory(title="Their case", began_on=datetime.date(2001, 1, 1))
    ours = rows_of(name, 2, case=own, label="ours")
    rows_of(name, 2, case=other, label="theirs")
    log_in(client, limited_worker(organisation))

    response = client.get(worklist_url(name))

    assertContains(response, "1 to 2 of 2")
    assert shown_of(response, ours) == ours
    assertNotContains(response, "theirs")
    assertNotContains(response, "Their case")


def test_a_limited_case_worker_finds_no_intake_reports_to_review(client):
    IntakeReportFactory(who_is_held="Three drivers from Shymkent")
    log_in(client, limited_worker(OrganisationFactory()))

    response = client.get(worklist_url("intake"))

    assertNotContains(response, "Three drivers from Shymkent")
    assertContains(response, "Nothing is on this list now.")


# --- Who may see a list ----------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTS)
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    url = worklist_url(name)
    assertRedirects(
        client.get(url), f"{reverse('campaigns:login')}?next={url}", fetch_redirect_response=False
    )


def test_someone_who_is_not_staff_gets_404(client):
    rows_of("whereabouts-unknown", 1)
    log_in(client, RelativeWithAccountFactory().user)

    response = client.get(worklist_url("whereabouts-unknown"))

    assert response.status_code == 404
    assertNotContains(response, "whereabouts-unknown row", status_code=404)


def test_wrong_methods_get_405(staff_client):
    assert staff_client.post(worklist_url("entries")).status_code == 405
