"""The relatives' workspace: their home page and their case's timeline."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from campaigns.models import Entry, Relative
from detentions.models import Event, EventKind
from tests.factories import (
    CaseFactory,
    CitationFactory,
    DetaineeFactory,
    EntryFactory,
    EventFactory,
    KinshipFactory,
    RelativeWithAccountFactory,
    SourceFactory,
    UserFactory,
    timeline_of_every_kind,
)

pytestmark = pytest.mark.django_db

# Staff-only text and another relative's contact details: none of it may reach a relative's page.
HIDDEN = [
    "Staff only: the private number of the lawyer",
    "Staff only: his health",
    "+7 702 222 22 22",
    "shynar@example.org",
    "Almaty, Abay avenue 1",
    "Letter from Shynar to the consul",
    "Staff to-do: call the embassy",
    "A rumour from a chat group",
]


@pytest.fixture
def nukus():
    return CaseFactory(
        title="Held in Nukus",
        slug="nukus",
        internal_notes="Staff only: the private number of the lawyer",
    )


@pytest.fixture
def aigul(nukus):
    """A relative of a detainee in the Nukus case, with an account."""
    detainee = DetaineeFactory(case=nukus, internal_notes="Staff only: his health")
    return KinshipFactory(
        detainee=detainee, relative=RelativeWithAccountFactory(given_name="Aigul")
    ).relative


@pytest.fixture
def shynar(nukus, aigul):
    """Another relative of the same detainee, with contact details Aigul must never see."""
    return KinshipFactory(
        detainee=aigul.kinships.get().detainee,
        relative__given_name="Shynar",
        relative__phone="+7 702 222 22 22",
        relative__email="shynar@example.org",
        relative__address="Almaty, Abay avenue 1",
    ).relative


@pytest.fixture
def bolat():
    """A relative in another, unpublished case, with an account."""
    tashkent = CaseFactory(title="Held in Tashkent", slug="tashkent", is_published=False)
    return KinshipFactory(
        detainee__case=tashkent, relative=RelativeWithAccountFactory(given_name="Bolat")
    ).relative


def entry(relative: Relative, case, title: str, **fields) -> Entry:
    """An entry as a relative logs it: internal, unverified, not shared, unless said otherwise."""
    event_fields = {k.removeprefix("event__"): v for k, v in fields.items() if k[:7] == "event__"}
    entry_fields = {k: v for k, v in fields.items() if k[:7] != "event__"}
    return EntryFactory(
        relative=relative,
        event__case=case,
        event__title=title,
        event__shared_with_family=event_fields.pop("shared_with_family", False),
        **{f"event__{k}": v for k, v in event_fields.items()},
        **entry_fields,
    )


def case_url(case) -> str:
    return reverse("campaigns:relative-case", kwargs={"slug": case.slug})


def event_item(page: str, event: Event) -> str:
    """The <li> of one event on a timeline page."""
    match = re.search(rf'<li [^>]*id="event-{event.pk}">.*?</li>', page, re.DOTALL)
    assert match, f"event {event.pk} ({event.title}) is not on the page"
    return match.group(0)


@pytest.fixture
def timeline(nukus, aigul, shynar):
    """Everything a relative of the Nukus case might or might not see, by name."""
    return {
        "public": EventFactory(case=nukus, title="Consul visits Nukus"),
        "mine": entry(aigul, nukus, "I wrote to the prosecutor"),
        "mine verified": entry(
            aigul,
            nukus,
            "I tried to send a parcel",
            event__verification=Event.Verification.VERIFIED,
        ),
        "mine declined": entry(
            aigul,
            nukus,
            "I called the embassy",
            state=Entry.State.DECLINED,
            decline_reason="The same call is already recorded.",
        ),
        "theirs": entry(shynar, nukus, "Letter from Shynar to the consul"),
        "theirs shared": entry(
            shynar, nukus, "Visit by Shynar to the prison", event__shared_with_family=True
        ),
        "shared by staff": EventFactory(
            case=nukus, title="The embassy phoned us", is_public=False, shared_with_family=True
        ),
        "internal": EventFactory(
            case=nukus, title="Staff to-do: call the embassy", is_public=False
        ),
        "unverified": EventFactory(
            case=nukus,
            title="A rumour from a chat group",
            verification=Event.Verification.REPORTED,
        ),
    }


class TestCaseTimeline:
    def test_shows_public_facts_their_entries_and_what_was_shared(self, client, aigul, timeline):
        client.force_login(aigul.user)
        page = client.get(case_url(aigul.cases.get())).content.decode()

        assert '<p class="workspace-note">' not in event_item(page, timeline["public"])
        for event, note in [
            (timeline["mine"].event, "Your entry: awaiting review"),
            (timeline["mine verified"].event, "Your entry: verified"),
            (timeline["mine declined"].event, "Your entry: not accepted"),
            (timeline["theirs shared"].event, "Shared with the family"),
            (timeline["shared by staff"], "Shared with the family"),
        ]:
            assert f'<p class="workspace-note">{note}</p>' in event_item(page, event)
        for text in HIDDEN:
            assert text not in page

    def test_an_unpublished_case_shows_only_what_is_for_the_family(self, client, bolat):
        tashkent = bolat.cases.get()
        EventFactory(case=tashkent, title="Verified, waiting for the case to be published")
        entry(bolat, tashkent, "I met the governor")
        EventFactory(
            case=tashkent, title="Report from the lawyer", is_public=False, shared_with_family=True
        )
        client.force_login(bolat.user)

        response = client.get(case_url(tashkent))

        assertContains(response, "<h1>Held in Tashkent</h1>", html=True)
        assertContains(response, "This case is not public.")
        assertContains(response, "I met the governor")
        assertContains(response, "Report from the lawyer")
        assertNotContains(response, "Verified, waiting for the case to be published")
        assertNotContains(response, f'href="{tashkent.get_absolute_url()}"')

    def test_links_the_public_page_and_the_log_form(self, client, aigul, nukus):
        client.force_login(aigul.user)
        response = client.get(case_url(nukus))
        assertContains(response, f'<a href="{nukus.get_absolute_url()}">')
        assertContains(response, reverse("campaigns:log-entry", kwargs={"slug": "nukus"}))

    def test_testimony_sources_stay_hidden_even_here(self, client, aigul, nukus, timeline):
        CitationFactory(event=timeline["public"], source=SourceFactory(title="Radio report"))
        CitationFactory(
            event=timeline["mine"].event,
            source=SourceFactory(title="Testimony", is_public=False),
        )
        client.force_login(aigul.user)
        response = client.get(case_url(nukus))
        assertContains(response, '<li id="source-1">', count=1)
        assertContains(response, "Radio report")
        assertNotContains(response, "Testimony")

    def test_relatives_of_other_cases_get_404(self, client, aigul, bolat):
        for relative, other in [(aigul, bolat), (bolat, aigul)]:
            client.force_login(relative.user)
            assert client.get(case_url(other.cases.get())).status_code == 404
        assert client.get(case_url(CaseFactory())).status_code == 404
        assert client.get("/my/cases/no-such-case/").status_code == 404

    def test_accounts_without_a_relative_get_404(self, client, staff_user, aigul):
        for user in (staff_user, UserFactory()):
            client.force_login(user)
            assert client.get(case_url(aigul.cases.get())).status_code == 404

    def test_asks_a_visitor_to_log_in(self, client, aigul):
        url = case_url(aigul.cases.get())
        assertRedirects(client.get(url), f"{reverse('campaigns:login')}?next={url}")

    def test_refuses_writes(self, client, aigul):
        client.force_login(aigul.user)
        assert client.post(case_url(aigul.cases.get())).status_code == 405

    @pytest.mark.parametrize("rounds", [1, 4])
    def test_runs_a_fixed_number_of_queries(
        self, client, aigul, nukus, rounds, django_assert_max_num_queries
    ):
        timeline_of_every_kind(nukus, rounds=rounds)
        for number in range(rounds):
            entry(aigul, nukus, f"My entry {number}", event__kind=EventKind.CAMPAIGN_ACTION)
            EventFactory(case=nukus, is_public=False, shared_with_family=True)
        client.force_login(aigul.user)
        with django_assert_max_num_queries(11):
            response = client.get(case_url(nukus))
        assert response.content.decode().count('<li class="event kind-') == rounds * (
            len(EventKind) + 2
        )

    def test_a_long_timeline_comes_in_pages_newest_first(self, client, aigul, nukus, monkeypatch):
        monkeypatch.setattr("detentions.selectors.TIMELINE_PAGE_SIZE", 2)
        day = datetime.date(2024, 1, 1)
        titles = [f"Event of day {n}" for n in range(5)]
        for n, title in enumerate(titles):
            EventFactory(case=nukus, title=title, date_start=day + datetime.timedelta(days=n))
        client.force_login(aigul.user)

        first = client.get(case_url(nukus))
        second = client.get(case_url(nukus), {"page": 2})
        last = client.get(case_url(nukus), {"page": 3})

        assert shown_titles(first) == titles[3:]
        assertContains(first, "Page 1 of 3; the newest come first.")
        assertContains(first, f'href="{case_url(nukus)}?page=2#timeline"')
        assert shown_titles(second) == titles[1:3]
        assert shown_titles(last) == titles[:1]
        assert client.get(case_url(nukus), {"page": 4}).status_code == 404
        assert client.get(case_url(nukus), {"page": "two"}).status_code == 404

    def test_an_event_link_opens_the_page_that_lists_it(self, client, aigul, nukus, monkeypatch):
        monkeypatch.setattr("detentions.selectors.TIMELINE_PAGE_SIZE", 2)
        day = datetime.date(2024, 1, 1)
        events = [
            EventFactory(case=nukus, date_start=day + datetime.timedelta(days=n)) for n in range(5)
        ]
        mine = entry(aigul, nukus, "I wrote to the prosecutor", event__date_start=day).event
        client.force_login(aigul.user)

        for event, page in [(events[4], ""), (events[2], "?page=2"), (mine, "?page=3")]:
            response = client.get(event_url(event))
            assertRedirects(response, f"{case_url(nukus)}{page}#event-{event.pk}")
            assert event.title in client.get(response.url).content.decode()

    def test_an_event_link_to_what_they_may_not_see_is_404(
        self, client, aigul, bolat, nukus, timeline
    ):
        client.force_login(aigul.user)
        for hidden in [timeline["theirs"].event, timeline["internal"], timeline["unverified"]]:
            assert client.get(event_url(hidden)).status_code == 404
        other = EventFactory(case=bolat.cases.get(), shared_with_family=True)
        assert client.get(event_url(other)).status_code == 404
        wrong_case = reverse("campaigns:relative-event", args=["tashkent", timeline["public"].pk])
        assert client.get(wrong_case).status_code == 404


def shown_titles(response) -> list[str]:
    return re.findall(r"<h4>([^<]*)</h4>", response.content.decode())


def event_url(event: Event) -> str:
    return reverse("campaigns:relative-event", kwargs={"slug": event.case.slug, "pk": event.pk})


def hours_ago(hours: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours)


def recorded(event: Event, *, created: datetime.datetime, updated: datetime.datetime) -> Event:
    """Back-date an event (the model sets both times itself on save)."""
    Event.objects.filter(pk=event.pk).update(created_at=created, updated_at=updated)
    return event


class TestHome:
    def test_lists_their_cases_with_links(self, client, aigul, nukus, bolat):
        client.force_login(aigul.user)
        response = client.get(reverse("campaigns:home"))
        assertContains(response, "<h1>Hello, Aigul</h1>", html=True)
        assertContains(response, "<h3>Held in Nukus</h3>", html=True)
        assertContains(
            response,
            f'<a class="button" href="{reverse("campaigns:log-entry", kwargs={"slug": "nukus"})}">'
            "Log what you did</a>",
            html=True,
        )
        assertContains(response, f'href="{case_url(nukus)}"')
        assertNotContains(response, "Held in Tashkent")

    def test_shows_their_entries_and_where_each_stands(self, client, aigul, nukus, timeline):
        published = entry(
            aigul,
            nukus,
            "We protested outside the KNB office",
            event__verification=Event.Verification.VERIFIED,
            event__is_public=True,
        )
        withdrawn = entry(aigul, nukus, "A duplicate", state=Entry.State.WITHDRAWN)
        client.force_login(aigul.user)

        page = client.get(reverse("campaigns:home")).content.decode()

        entries = page[page.index('<h2 id="entries">') :]
        for logged, status in [
            (timeline["mine"], "Awaiting review"),
            (timeline["mine verified"], "Verified"),
            (timeline["mine declined"], "Not accepted"),
            (published, "Published"),
            (withdrawn, "Withdrawn"),
        ]:
            item = entries[entries.index(logged.event.title) :]
            item = item[: item.index("</li>")]
            assert f"<strong>{status}</strong>" in item, item
        assert "Why: The same call is already recorded." in entries
        assert "Shynar" not in entries

    def test_offers_edit_and_withdraw_until_verified_then_a_correction(
        self, client, aigul, nukus, timeline
    ):
        client.force_login(aigul.user)
        page = client.get(reverse("campaigns:home")).content.decode()

        mine, verified = timeline["mine"], timeline["mine verified"]
        declined = timeline["mine declined"]
        assert reverse("campaigns:edit-entry", kwargs={"pk": mine.pk}) in page
        assert reverse("campaigns:withdraw-entry", kwargs={"pk": mine.pk}) in page
        assert reverse("campaigns:request-correction", kwargs={"pk": mine.pk}) not in page
        assert reverse("campaigns:edit-entry", kwargs={"pk": verified.pk}) not in page
        assert reverse("campaigns:request-correction", kwargs={"pk": verified.pk}) in page
        for url_name in ("edit-entry", "withdraw-entry", "request-correction"):
            assert reverse(f"campaigns:{url_name}", kwargs={"pk": declined.pk}) not in page
        theirs = timeline["theirs"]
        assert reverse("campaigns:edit-entry", kwargs={"pk": theirs.pk}) not in page

    def test_shows_what_is_new_since_their_last_visit(self, client, aigul, nukus, shynar):
        aigul.last_seen_at = hours_ago(24)
        aigul.save()
        recorded(
            EventFactory(case=nukus, title="Known before"),
            created=hours_ago(48),
            updated=hours_ago(48),
        )
        recorded(
            EventFactory(case=nukus, title="Corrected since"),
            created=hours_ago(48),
            updated=hours_ago(2),
        )
        EventFactory(case=nukus, title="Trial announced")
        EventFactory(
            case=nukus, title="The embassy phoned us", is_public=False, shared_with_family=True
        )
        EventFactory(case=nukus, title="Staff to-do: call the embassy", is_public=False)
        entry(shynar, nukus, "Letter from Shynar to the consul")
        entry(aigul, nukus, "I wrote to the prosecutor")
        client.force_login(aigul.user)

        response = client.get(reverse("campaigns:home"))

        assertContains(response, "3 new since your last visit")
        news = response.content.decode()
        news = news[news.index('<ul class="news">') : news.index('<h2 id="entries">')]
        assert "Trial announced" in news
        assert 'Corrected since</a> <span class="note">' in news and "· updated" in news
        assert "The embassy phoned us" in news and "shared with the family" in news
        for absent in (
            "Known before",
            "Staff to-do",
            "Letter from Shynar",
            "I wrote to the prosecutor",
        ):
            assert absent not in news

    def test_a_busy_case_lists_its_latest_changes_and_counts_them_all(
        self, client, aigul, nukus, monkeypatch
    ):
        monkeypatch.setattr("campaigns.selectors.NEWS_SHOWN", 2)
        aigul.last_seen_at = hours_ago(24)
        aigul.save()
        for hours, title in [
            (5, "Oldest change"),
            (4, "Older change"),
            (3, "Later"),
            (2, "Latest"),
        ]:
            recorded(
                EventFactory(case=nukus, title=title),
                created=hours_ago(48),
                updated=hours_ago(hours),
            )
        client.force_login(aigul.user)

        response = client.get(reverse("campaigns:home"))

        assertContains(response, "4 new since your last visit")
        assertContains(response, "The latest 2 changes are listed here; the timeline has them all.")
        news = response.content.decode()
        news = news[news.index('<ul class="news">') : news.index('<h2 id="entries">')]
        assert "Later" in news and "Latest" in news
        assert "Older change" not in news and "Oldest change" not in news
        latest = Event.objects.get(title="Latest")
        assert f'href="{event_url(latest)}"' in news

    def test_the_next_visit_starts_from_this_one(self, client, aigul, nukus):
        client.force_login(aigul.user)
        EventFactory(case=nukus, title="Trial announced")

        first = client.get(reverse("campaigns:home"))
        aigul.refresh_from_db()
        assert aigul.last_seen_at is not None
        assertNotContains(first, "new since your last visit")

        second = client.get(reverse("campaigns:home"))
        assertContains(second, "0 new since your last visit")
        assertNotContains(second, "Trial announced")

        EventFactory(case=nukus, title="Verdict given")
        third = client.get(reverse("campaigns:home"))
        assertContains(third, "1 new since your last visit")
        assertContains(third, "Verdict given")

    def test_shows_nothing_of_other_relatives_or_staff_notes(self, client, aigul, timeline, bolat):
        entry(bolat, bolat.cases.get(), "Bolat met the governor")
        # Everything in `timeline` is recorded after this, so all of it is a candidate for news.
        aigul.last_seen_at = hours_ago(1)
        aigul.save()
        client.force_login(aigul.user)
        response = client.get(reverse("campaigns:home"))
        for text in [*HIDDEN, "Bolat met the governor", "Held in Tashkent"]:
            assertNotContains(response, text)

    def test_staff_are_sent_to_the_admin(self, client, staff_client):
        assertRedirects(staff_client.get(reverse("campaigns:home")), reverse("admin:index"))

    def test_an_account_without_a_relative_gets_404(self, client):
        client.force_login(UserFactory())
        assert client.get(reverse("campaigns:home")).status_code == 404

    def test_asks_a_visitor_to_log_in(self, client):
        url = reverse("campaigns:home")
        assertRedirects(client.get(url), f"{reverse('campaigns:login')}?next={url}")

    def test_refuses_writes(self, client, aigul):
        client.force_login(aigul.user)
        assert client.post(reverse("campaigns:home")).status_code == 405
        aigul.refresh_from_db()
        assert aigul.last_seen_at is None

    @pytest.mark.parametrize("size", [1, 4])
    def test_runs_a_fixed_number_of_queries(self, client, size, django_assert_max_num_queries):
        relative = RelativeWithAccountFactory(last_seen_at=hours_ago(1))
        for _ in range(size):
            case = KinshipFactory(relative=relative).case
            for number in range(size):
                EventFactory(case=case, title=f"News {number}")
                EventFactory(case=case, is_public=False, shared_with_family=True)
                entry(relative, case, f"Entry {number}")
        client.force_login(relative.user)
        with django_assert_max_num_queries(8):
            response = client.get(reverse("campaigns:home"))
        assertContains(response, '<article class="workspace-case">', count=size)
        assertContains(response, f"{size * 2} new since your last visit", count=size)
        assertContains(response, '<li class="entry">', count=size * size)
