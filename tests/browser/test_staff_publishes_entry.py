"""A staff member verifies and publishes a relative's entry; the public sees it."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from campaigns.demo import CASE_SLUG
from campaigns.models import Relative
from detentions.models import Case, Event, EventKind, Institution, OfficialContact
from tests.accounts import log_in_with_browser
from tests.factories import EntryFactory, EventFactory, SourceFactory, StaffUserFactory

pytestmark = pytest.mark.browser

TITLE = "Shynar Kulegenova writes to the KNB in Aktobe"


def test_staff_publish_an_entry_to_the_case_page_and_feed(live_server, page: Page):
    call_command("load_demo", verbosity=0)
    case = Case.objects.get(slug=CASE_SLUG)
    relative = Relative.objects.get(given_name="Shynar", family_name="Kulegenova")
    event = EventFactory(
        case=case,
        kind=EventKind.OFFICIAL_CONTACT,
        date_start=datetime.date(2009, 4, 20),
        title="Letter to the KNB",
        description="I asked the KNB where my husband is held.",
        is_public=False,
        verification=Event.Verification.REPORTED,
    )
    OfficialContact.objects.create(
        event=event, institution=Institution.objects.get(slug="kz-knb-aktobe"), channel="letter"
    )
    entry = EntryFactory(relative=relative, event=event)
    source = SourceFactory(title="Copy of the letter to the KNB")
    reviewer = StaffUserFactory(username="reviewer")

    # The password, then the code from the reviewer's authenticator app.
    log_in_with_browser(page, live_server.url, reviewer)
    page.goto(live_server.url + reverse("staff:home"))
    page.get_by_role("link", name="Letter to the KNB").click()

    expect(page).to_have_url(live_server.url + reverse("staff:review-entry", args=[entry.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Letter to the KNB")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Cite a known source").select_option(label=source.title)
    page.get_by_role("button", name="Verify and publish").click()
    expect(page.get_by_role("status")).to_contain_text("The entry is verified.")

    page.goto(live_server.url + case.get_absolute_url())
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    feed = page.request.get(
        live_server.url + reverse("detentions:case-feed", kwargs={"slug": CASE_SLUG})
    )
    assert feed.ok, feed.status
    assert TITLE in feed.text()
