"""A staff member finds a source by its title on the event page, without JavaScript, and cites
it; pressing Enter in the form finds sources, it does not save a form half filled in."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from campaigns.staff_selectors import SOURCES_OFFERED
from detentions.models import Citation, Source
from tests.accounts import log_in_with_browser
from tests.factories import CaseFactory, CitationFactory, EventFactory, StaffUserFactory

pytestmark = pytest.mark.browser


def test_staff_find_a_source_by_title_and_cite_it(live_server, page: Page):
    case = CaseFactory(slug="border-group")
    event = EventFactory(case=case, title="Detained at the checkpoint")
    CitationFactory(event=event, source__title="Border guards' statement")
    # More sources cited in the case than the selects list, and the one wanted elsewhere.
    busy = EventFactory(case=case)
    sources = Source.objects.bulk_create(
        Source(title=f"Cited here {number:03}", kind=Source.Kind.MEDIA)
        for number in range(SOURCES_OFFERED)
    )
    Citation.objects.bulk_create(Citation(event=busy, source=source) for source in sources)
    verdict = CitationFactory(source__title="Verdict of the Aktobe court").source
    edit_url = live_server.url + reverse("staff:event-edit", kwargs={"pk": event.pk})

    log_in_with_browser(page, live_server.url, StaffUserFactory())
    page.goto(edit_url)
    second_row = page.locator('select[name="citations-1-source"]')
    expect(second_row.locator("option", has_text=verdict.title)).to_have_count(0)

    # Enter in the title: the first button of the form is "Find", which saves nothing.
    title = page.get_by_label("Title", exact=True)
    title.fill("Sentenced in Aktobe")
    title.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Nothing is saved yet.")
    event.refresh_from_db()
    assert event.title == "Detained at the checkpoint"

    finder = page.get_by_label("Find a known source by its title")
    finder.fill("aktobe")
    finder.press("Enter")
    expect(page).to_have_url(edit_url + "#citations")
    expect(page.get_by_label("Title", exact=True)).to_have_value("Sentenced in Aktobe")
    second_row.select_option(label=verdict.title)
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_contain_text("The event was saved.")
    expect(page.locator(f"#event-{event.pk}")).to_contain_text(verdict.title)
    event.refresh_from_db()
    assert event.title == "Sentenced in Aktobe"
    assert sorted(event.sources.values_list("title", flat=True)) == [
        "Border guards' statement",
        "Verdict of the Aktobe court",
    ]
