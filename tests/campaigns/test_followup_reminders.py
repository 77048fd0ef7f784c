import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from campaigns.models import ReminderSent, StaffMember
from detentions.models import EventKind, OfficialContact
from tests.factories import (
    CaseFactory,
    EventFactory,
    InstitutionFactory,
    OfficialContactFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def contact(case, *, due: datetime.date | None, **fields) -> OfficialContact:
    event = EventFactory(
        case=case, kind=EventKind.OFFICIAL_CONTACT, date_start=datetime.date(2024, 3, 1)
    )
    return OfficialContactFactory(event=event, reply_due_on=due, **fields)


def staff_page(contact: OfficialContact) -> str:
    """The staff case page once it exists; the event's admin page until then."""
    try:
        return reverse("staff:case", kwargs={"slug": contact.event.case.slug})
    except NoReverseMatch:
        return reverse("admin:detentions_event_change", args=[contact.event_id])


def run(*args: str) -> str:
    out = StringIO()
    call_command(
        "send_followup_reminders", *args, "--base-url=https://cases.example.org", stdout=out
    )
    return out.getvalue()


@pytest.fixture
def case():
    return CaseFactory(title="Fishermen held at sea")


@pytest.fixture
def worker(case):
    organisation = OrganisationFactory()
    organisation.cases.add(case)
    user = UserFactory(username="dana", email="dana@bureau.example.org", is_staff=True)
    StaffMember.objects.create(user=user, organisation=organisation, only_own_cases=True)
    return user


@pytest.fixture
def overdue(case):
    body = InstitutionFactory(name="Ministry of Foreign Affairs")
    return contact(case, due=TODAY - datetime.timedelta(days=5), institution=body)


def test_first_run_mails_the_case_workers_their_overdue_contacts(case, worker, overdue):
    UserFactory(username="root", email="root@example.org", is_staff=True, is_superuser=True)
    contact(case, due=TODAY + datetime.timedelta(days=3))  # not due yet
    contact(case, due=TODAY - datetime.timedelta(days=9), outcome="answered", replied_on=TODAY)
    other = CaseFactory()
    contact(other, due=TODAY - datetime.timedelta(days=1))  # goes to the superuser instead

    output = run()

    assert "Sent 2 e-mail(s) about 2 overdue contact(s)." in output
    to_worker = next(m for m in mail.outbox if m.to == ["dana@bureau.example.org"])
    assert to_worker.subject == "1 official contact awaits a reply past its due date"
    assert "Fishermen held at sea" in to_worker.body
    assert "Ministry of Foreign Affairs" in to_worker.body
    assert "5 days overdue" in to_worker.body
    assert f"https://cases.example.org{staff_page(overdue)}" in to_worker.body
    to_root = next(m for m in mail.outbox if m.to == ["root@example.org"])
    assert "Fishermen" not in to_root.body
    assert ReminderSent.objects.filter(event=overdue.event, due_on=overdue.reply_due_on).exists()
    assert ReminderSent.objects.count() == 2


def test_second_run_sends_nothing(worker, overdue):
    run()
    mail.outbox.clear()
    run()
    assert mail.outbox == []
    assert ReminderSent.objects.count() == 1


def test_a_new_due_date_reminds_again(worker, overdue):
    run()
    overdue.reply_due_on = TODAY - datetime.timedelta(days=1)
    overdue.save()
    mail.outbox.clear()
    run()
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.filter(event=overdue.event).count() == 2


def test_dry_run_sends_and_records_nothing(worker, overdue):
    output = run("--dry-run", "--verbosity=2")
    assert "dana@bureau.example.org: 1 overdue contact(s)" in output
    assert "Dry run: would send 1 e-mail(s) about 1 overdue contact(s)." in output
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


def test_no_response_counts_as_unanswered(worker, overdue):
    overdue.outcome = OfficialContact.Outcome.NO_RESPONSE
    overdue.save()
    run()
    assert len(mail.outbox) == 1


def test_without_anyone_to_tell_nothing_is_recorded(case, overdue):
    assert "Sent 0 e-mail(s)" in run()
    assert not ReminderSent.objects.exists()


def test_quiet_at_verbosity_zero(worker, overdue):
    assert run("--verbosity=0") == ""
    assert len(mail.outbox) == 1
