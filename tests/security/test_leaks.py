"""What leaves the site besides its pages: error pages (DEBUG off) and e-mails.

The marker world of tests/test_public_privacy.py puts a marker into every non-public field. Error
pages show no marker, no traceback and no setting's value. Each e-mail may carry only the marked
values its recipient may see (a relative their own entry's title, never another relative's
contact details nor internal notes); every other marker in it is a leak.
"""

import datetime

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from campaigns import services
from campaigns.models import Relative, StaffMember
from campaigns.review_services import decline_entry, verify_entry
from detentions.models import OfficialContact, Source
from tests import test_public_privacy
from tests.accounts import log_in
from tests.factories import (
    CaseFactory,
    OfficialContactFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.test_public_privacy import MARKER, secret

pytestmark = pytest.mark.django_db

# The marker world, as a fixture of this module too.
world = test_public_privacy.world


def marked_values() -> set[str]:
    """Every text value in the database that carries the marker."""
    values: set[str] = set()
    for model in apps.get_models():
        names = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
        ]
        if names:
            for row in model._default_manager.values_list(*names):
                values |= {value for value in row if value and MARKER in value}
    return values


def leaks(text: str, allowed: set[str]) -> list[str]:
    """The marked values in `text` other than `allowed`, and any marker left once they and the
    allowed ones are taken out (a marked value cut short, say)."""
    found = sorted(value for value in marked_values() - allowed if value in text)
    rest = text
    for value in sorted(marked_values() | allowed, key=len, reverse=True):
        rest = rest.replace(value, "")
    if MARKER in rest.lower():
        at = rest.lower().index(MARKER)
        found.append(f"…{rest[max(at - 60, 0) : at + 60]}…")
    return found


def text_of(message) -> str:
    parts = [message.subject, message.body]
    parts += [content for content, _type in getattr(message, "alternatives", [])]
    return "\n".join(parts)


# --- Error pages ---

# What no error page may show: a marker, a traceback, the settings' values.
SETTING_VALUES = [
    django_settings.SECRET_KEY,
    str(django_settings.DATABASES["default"]["NAME"]),
    django_settings.ROOT_URLCONF,
]


def assert_plain_error_page(response, status: int) -> None:
    text = response.content.decode()
    assert response.status_code == status
    assert MARKER not in text.lower(), text
    for tell in ["Traceback", 'File "', "settings.py", *SETTING_VALUES]:
        assert tell not in text, f"{status} page shows {tell!r}"


def test_a_page_not_found_shows_nothing_of_what_was_asked(client, world):
    response = client.get(f"/cases/{MARKER}-draft/?q={MARKER}")
    assert_plain_error_page(response, 404)
    staff_only = client.get(reverse("staff:case", kwargs={"slug": f"{MARKER}-draft"}))
    assert staff_only.status_code == 302  # to log in; the 404 comes after, for staff


def test_a_staff_page_of_a_case_one_may_not_see_is_not_found(world):
    worker = UserFactory(username="worker", is_staff=True)
    StaffMember.objects.create(user=worker, organisation=OrganisationFactory(), only_own_cases=True)
    client = log_in(Client(), worker)
    response = client.get(reverse("staff:case", kwargs={"slug": world["case"].slug}))
    assert_plain_error_page(response, 404)


def test_a_refused_form_shows_nothing_it_was_sent(world):
    """CSRF failure: 403, without the posted text or the reason's details."""
    client = Client(enforce_csrf_checks=True)
    data = {"who_is_held": secret("posted"), "reporter_contact": secret("posted contact")}
    response = client.post(reverse("campaigns:report-detention"), data)
    assert_plain_error_page(response, 403)


def test_a_permission_refused_shows_nothing_of_the_record(world):
    worker = UserFactory(username="worker", is_staff=True)
    client = log_in(Client(), worker)
    response = client.get(
        reverse("admin:detentions_case_change", args=[world["draft"].pk]) + f"?{MARKER}"
    )
    assert_plain_error_page(response, 403)


def test_a_request_for_another_host_shows_nothing_of_it(world):
    response = Client().get(
        reverse("detentions:case-list"), HTTP_HOST=f"{MARKER}.example", QUERY_STRING=MARKER
    )
    assert_plain_error_page(response, 400)


@pytest.mark.urls("tests.security.error_urls")
@pytest.mark.parametrize(("path", "status"), [("/boom/", 500), ("/suspicious/", 400)])
def test_an_error_in_a_view_shows_no_details(world, path, status):
    client = Client(raise_request_exception=False)
    response = client.get(f"{path}?q={MARKER}")
    assert_plain_error_page(response, status)
    if status == 500:
        assert "Something went wrong on our side" in response.content.decode()


# Our own pages for what Django would answer in English with its own words, each in plain words:
# what happened, what to do. None repeats the address, which could name something unpublished:
# their links to other languages lead to the home page (the 400 page, which stands alone like
# the 500 page, has none).
OUR_ERROR_PAGES = {
    400: "Request not understood",
    403: "You may not open this page",
    "csrf": "The form could not be sent",
}


def refused(page, client: Client, prefix: str = ""):
    if page == "csrf":
        # A form sent without its token (expired, or its cookie blocked), to an address that
        # names something: it is not repeated.
        path = reverse("detentions:case-detail", kwargs={"slug": f"{MARKER}-draft"})
        data = {"who_is_held": secret("posted")}
        return client.post(f"{prefix}{path}?{MARKER}", data)
    path = {400: "/suspicious/", 403: "/forbidden/"}[page]
    return client.get(f"{prefix}{path}?q={MARKER}")


@pytest.mark.urls("tests.security.error_urls")
@pytest.mark.parametrize("page", list(OUR_ERROR_PAGES))
def test_our_error_pages_say_what_happened_and_repeat_nothing(settings, world, page):
    settings.DEBUG = False
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)

    response = refused(page, client)

    assert_plain_error_page(response, 403 if page == "csrf" else page)
    text = response.content.decode()
    assertContains(response, f"<h1>{OUR_ERROR_PAGES[page]}</h1>", status_code=response.status_code)
    if page == "csrf":
        assert "Nothing was saved." in text
    if page != 400:
        # Every language's version of an error page is the home page's.
        assertContains(response, 'href="/language/ru/?next=%2F"', status_code=403)
    for tell in ["DEBUG", "CSRF verification failed", "/suspicious/", "/forbidden/", "Forbidden"]:
        assert tell not in text, f"{page} page shows {tell!r}"


def test_a_refused_form_is_explained_in_the_language_of_its_address(settings, world):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)

    response = refused("csrf", client, prefix="/ru")

    # The words are English until their translations are merged; the page is the Russian one.
    assert_plain_error_page(response, 403)
    assertContains(response, '<html lang="ru">', status_code=403)
    assertContains(response, 'href="/ru/language/kk/?next=%2Fru%2F"', status_code=403)


# --- E-mails ---


@pytest.fixture
def superuser(db):
    return UserFactory(
        username="director", email="director@example.org", is_staff=True, is_superuser=True
    )


@pytest.fixture
def outsider(db):
    """A case worker of an organisation that works on another case only."""
    organisation = OrganisationFactory(name="Another bureau")
    organisation.cases.add(CaseFactory(slug="another-case"))
    user = UserFactory(username="outsider", email="outsider@example.org", is_staff=True)
    StaffMember.objects.create(user=user, organisation=organisation, only_own_cases=True)
    return user


def test_an_invitation_carries_the_relatives_own_name_only(rf, world, superuser):
    relative = Relative.objects.get(given_name=secret("given"))
    request = rf.get("/")
    services.invite_relative(
        relative=relative, case=world["case"], invited_by=superuser, request=request
    )
    (message,) = mail.outbox
    assert message.to == [relative.email]
    assert leaks(text_of(message), allowed={secret("given")}) == []


@pytest.mark.parametrize("outcome", ["declined", "verified"])
def test_a_review_notice_carries_the_relatives_own_entry_only(world, outcome):
    entry = world["entry"]
    if outcome == "declined":
        decline_entry(entry=entry, reason="Please add the date of the letter.")
    else:
        source = Source.objects.filter(is_public=True).first()
        verify_entry(entry=entry, changes={}, source=source, is_public=False)
    (message,) = mail.outbox
    assert message.to == [entry.relative.email]
    assert "Please add the date" in message.body or outcome == "verified"
    assert leaks(text_of(message), allowed={secret("entry title")}) == []


def test_the_staff_digest_names_what_to_review_but_no_contact_details(world, superuser, outsider):
    call_command("send_staff_digest", verbosity=0)

    (message,) = mail.outbox  # the outsider's organisation has nothing new
    assert message.to == [superuser.email]
    # What came in and from whom, by title and name: never how to reach anyone.
    seen = {secret("entry title"), secret("surname"), secret("who is held")}
    assert leaks(text_of(message), allowed=seen) == []
    assert secret("entry title") in message.body


def test_a_follow_up_reminder_goes_only_to_staff_of_the_case(world, superuser, outsider):
    OfficialContactFactory(
        event__case=world["draft"],
        event__title=secret("overdue letter"),
        institution=None,
        addressee_as_given=secret("overdue addressee"),
        request=secret("overdue request"),
        outcome=OfficialContact.Outcome.AWAITING,
        reply_due_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    call_command("send_followup_reminders", verbosity=0)

    (message,) = mail.outbox
    assert message.to == [superuser.email]
    # The case and whom the letter went to, linked to the staff page by the case's address.
    seen = {secret("draft title"), secret("overdue addressee"), world["draft"].slug}
    assert leaks(text_of(message), allowed=seen) == []
    assert secret("overdue addressee") in message.body


def test_a_password_reset_carries_the_accounts_own_username_only(client, world):
    user = Relative.objects.get(given_name="Janara").user
    user.email = "janara@example.org"
    user.save()
    client.post(reverse("campaigns:password-reset"), {"email": user.email})
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert leaks(text_of(message), allowed={user.username}) == []

    mail.outbox.clear()
    client.post(reverse("campaigns:password-reset"), {"email": f"{MARKER}.nobody@example.org"})
    assert mail.outbox == []
