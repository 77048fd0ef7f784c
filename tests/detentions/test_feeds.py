import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from detentions.feeds import FEED_LENGTH
from detentions.models import Event, EventKind
from detentions.page_cache import note_public_change
from tests.factories import (
    HIDDEN_TEXT,
    CaseFactory,
    CitationFactory,
    EventFactory,
    KinshipFactory,
    ParticipationFactory,
    SourceFactory,
    case_with_hidden_facts,
    timeline_of_every_kind,
)

pytestmark = pytest.mark.django_db

ATOM = {"atom": "http://www.w3.org/2005/Atom"}
FEED_URL = reverse("detentions:feed")


def case_feed_url(case) -> str:
    return reverse("detentions:case-feed", kwargs={"slug": case.slug})


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 (our own output)


def entries(feed: ET.Element) -> list[dict[str, str]]:
    return [
        {
            "title": entry.findtext("atom:title", namespaces=ATOM),
            "link": entry.find("atom:link", ATOM).get("href"),
            "id": entry.findtext("atom:id", namespaces=ATOM),
            "updated": entry.findtext("atom:updated", namespaces=ATOM),
            "published": entry.findtext("atom:published", namespaces=ATOM),
            "summary": entry.findtext("atom:summary", namespaces=ATOM),
        }
        for entry in feed.findall("atom:entry", ATOM)
    ]


def moment(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


def set_updated(event: Event, when: datetime.datetime) -> None:
    Event.objects.filter(pk=event.pk).update(updated_at=when)
    # A real edit saves the event, which tells the page cache; this one goes around save().
    note_public_change()


def recorded_long_ago() -> None:
    """Back-date every event's creation, so that tests can move `updated_at` into the past."""
    Event.objects.update(created_at=timezone.now() - datetime.timedelta(days=30))


@pytest.fixture
def hidden():
    return case_with_hidden_facts()


class TestAllCasesFeed:
    def test_lists_public_events_of_every_case_newest_updated_first(self, client):
        now = timezone.now().replace(microsecond=0)
        nukus = CaseFactory(title="Held in Nukus", slug="nukus")
        border = CaseFactory(title="Held at the border", slug="border")
        older = EventFactory(case=nukus, title="Consul visits")
        newer = EventFactory(case=border, title="Charged")
        recorded_long_ago()
        newer.refresh_from_db()
        set_updated(older, now - datetime.timedelta(days=2))
        set_updated(newer, now - datetime.timedelta(days=1))

        feed = parse(client.get(FEED_URL))

        assert feed.findtext("atom:title", namespaces=ATOM).startswith("Detained abroad")
        assert moment(feed.findtext("atom:updated", namespaces=ATOM)) == (
            now - datetime.timedelta(days=1)
        )
        found = entries(feed)
        assert [entry["title"] for entry in found] == [
            "Held at the border: Charged",
            "Held in Nukus: Consul visits",
        ]
        assert found[0]["link"] == f"http://testserver/cases/border/#event-{newer.pk}"
        assert found[0]["id"] == found[0]["link"]
        assert moment(found[0]["updated"]) == now - datetime.timedelta(days=1)
        assert moment(found[0]["published"]) == newer.created_at

    def test_an_entry_gives_the_date_as_known_the_description_and_public_sources(self, client):
        event = EventFactory(
            title="Detained at the border",
            description="Warning shots were fired.",
            date_precision="late_month",
            date_start=datetime.date(2009, 2, 21),
        )
        CitationFactory(
            event=event,
            source=SourceFactory(title="Human rights bulletin", url="https://example.org/b"),
        )
        CitationFactory(event=event, source=SourceFactory(title="Radio report", url=""))

        summary = entries(parse(client.get(FEED_URL)))[0]["summary"]

        assert "late February 2009" in summary
        assert "Warning shots were fired." in summary
        assert '<a href="https://example.org/b">Human rights bulletin</a>' in summary
        assert "Radio report" in summary

    def test_titles_are_plain_text(self, client):
        EventFactory(case=CaseFactory(title="Smith & Jones"), title="Lawyer <refused>")
        assert entries(parse(client.get(FEED_URL)))[0]["title"] == (
            "Smith & Jones: Lawyer <refused>"
        )

    def test_leaves_out_everything_not_public(self, client, hidden):
        response = client.get(FEED_URL)
        assert [entry["title"] for entry in entries(parse(response))] == [
            "Held at the border: Verified public fact"
        ]
        body = response.content.decode()
        assert "Public bulletin" in body
        for text in HIDDEN_TEXT:
            assert text not in body

    def test_never_names_who_recorded_an_event_or_took_part(self, client, staff_user):
        kinship = KinshipFactory(relative__given_name="Aigul", relative__family_name="Seitova")
        event = EventFactory(
            case=kinship.case, kind=EventKind.OFFICIAL_CONTACT, recorded_by=staff_user
        )
        ParticipationFactory(event=event, organisation=None, relative=kinship.relative)
        body = client.get(FEED_URL).content.decode()
        assert event.title in body
        for private in ("Seitova", kinship.relative.phone, kinship.relative.email, "staff"):
            assert private not in body

    def test_an_edited_event_comes_back_to_the_top(self, client):
        now = timezone.now().replace(microsecond=0)
        first, second = EventFactory.create_batch(2)
        recorded_long_ago()
        set_updated(first, now - datetime.timedelta(hours=2))
        set_updated(second, now - datetime.timedelta(hours=1))
        before = entries(parse(client.get(FEED_URL)))
        assert before[0]["link"].endswith(f"#event-{second.pk}")

        set_updated(first, now)

        feed = parse(client.get(FEED_URL))
        after = entries(feed)
        assert after[0]["link"].endswith(f"#event-{first.pk}")
        assert moment(after[0]["updated"]) == now
        assert after[0]["published"] == before[1]["published"]
        assert moment(feed.findtext("atom:updated", namespaces=ATOM)) == now

    def test_keeps_the_latest_entries_only(self, client):
        case = CaseFactory()
        events = EventFactory.create_batch(FEED_LENGTH + 1, case=case)
        set_updated(events[0], timezone.now() - datetime.timedelta(days=1))
        links = [entry["link"] for entry in entries(parse(client.get(FEED_URL)))]
        assert len(links) == FEED_LENGTH
        assert not any(link.endswith(f"#event-{events[0].pk}") for link in links)

    def test_refuses_writes(self, client):
        assert client.post(FEED_URL).status_code == 405

    @pytest.mark.parametrize("rounds", [1, 6])
    def test_runs_a_fixed_number_of_queries(self, client, rounds, django_assert_max_num_queries):
        timeline_of_every_kind(CaseFactory(), rounds=rounds)
        with django_assert_max_num_queries(3):
            response = client.get(FEED_URL)
        assert len(entries(parse(response))) == rounds * len(EventKind)


class TestCaseFeed:
    def test_lists_only_this_cases_public_events_newest_updated_first(self, client):
        now = timezone.now().replace(microsecond=0)
        case = CaseFactory(title="Held in Nukus", summary="Twenty-seven men.")
        older = EventFactory(case=case, title="Detained", date_start=datetime.date(2009, 2, 21))
        newer = EventFactory(case=case, title="Charged", date_start=datetime.date(2009, 5, 17))
        EventFactory(title="Another case's event")
        recorded_long_ago()
        set_updated(newer, now - datetime.timedelta(days=2))
        set_updated(older, now - datetime.timedelta(days=1))

        feed = parse(client.get(case_feed_url(case)))

        assert feed.findtext("atom:title", namespaces=ATOM) == "Held in Nukus"
        assert feed.findtext("atom:subtitle", namespaces=ATOM) == "Twenty-seven men."
        assert feed.find("atom:link[@rel='alternate']", ATOM).get("href") == (
            f"http://testserver/cases/{case.slug}/"
        )
        assert [entry["title"] for entry in entries(feed)] == [
            "Held in Nukus: Detained",
            "Held in Nukus: Charged",
        ]
        assert moment(feed.findtext("atom:updated", namespaces=ATOM)) == (
            now - datetime.timedelta(days=1)
        )

    def test_leaves_out_everything_not_public(self, client, hidden):
        response = client.get(case_feed_url(hidden))
        assert len(entries(parse(response))) == 1
        body = response.content.decode()
        for text in HIDDEN_TEXT:
            assert text not in body

    def test_an_unpublished_or_unknown_case_is_not_found(self, client):
        draft = CaseFactory(is_published=False)
        EventFactory(case=draft)
        assert client.get(case_feed_url(draft)).status_code == 404
        missing = reverse("detentions:case-feed", kwargs={"slug": "nope"})
        assert client.get(missing).status_code == 404

    def test_refuses_writes(self, client):
        assert client.post(case_feed_url(CaseFactory())).status_code == 405

    @pytest.mark.parametrize("rounds", [1, 6])
    def test_runs_a_fixed_number_of_queries(self, client, rounds, django_assert_max_num_queries):
        case = CaseFactory()
        timeline_of_every_kind(case, rounds=rounds)
        with django_assert_max_num_queries(7):
            response = client.get(case_feed_url(case))
        assert len(entries(parse(response))) == rounds * len(EventKind)
