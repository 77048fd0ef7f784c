"""`manage.py generate_bench_data`: realistic, deterministic bulk data for benchmarks."""

import html
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from campaigns.models import Kinship, Relative
from detentions.dates import DatePrecision
from detentions.models import (
    Case,
    Citation,
    Detainee,
    Event,
    EventKind,
    NameDisplay,
    Source,
)
from detentions.models.searchable import Searchable
from detentions.models.timeline import DETAIL_ACCESSORS
from tests.detentions.test_search import section
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

SMALL = {"cases": 3, "people": 30, "events": 300, "seed": 1}


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_bench_data", **{**SMALL, "verbosity": 0, **options}, stdout=out)
    return out.getvalue()


@pytest.fixture
def generated():
    generate()


def snapshot() -> dict[str, list]:
    """What a seed decides, in creation order; ids and timestamps left out."""
    return {
        "cases": list(
            Case.objects.order_by("pk").values_list(
                "title", "slug", "summary", "began_on", "began_on_precision", "is_published"
            )
        ),
        "people": list(
            Detainee.objects.order_by("pk").values_list(
                "reference", "name_latin", "name_original", "other_names", "name_display", "status"
            )
        ),
        "events": list(
            Event.objects.order_by("pk").values_list(
                "kind", "title", "date_precision", "date_start", "date_end", "is_public"
            )
        ),
        "sources": list(Source.objects.order_by("pk").values_list("title", "published_on")),
        "relatives": list(Relative.objects.order_by("pk").values_list("given_name", "family_name")),
    }


def test_creates_the_counts_asked_for(generated):
    assert Case.objects.count() == 3
    assert Detainee.objects.count() == 30
    assert Event.objects.count() == 300


def test_events_of_every_kind_each_with_its_details(generated):
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert kinds == set(EventKind.values)
    for kind, accessor in DETAIL_ACCESSORS.items():
        events = Event.objects.filter(kind=kind)
        detail_model = Event._meta.get_field(accessor).related_model
        assert detail_model.objects.count() == events.count(), kind
        assert not events.filter(**{f"{accessor}__isnull": True}).exists(), kind


def test_dates_of_every_precision_and_a_mix_of_public_and_internal(generated):
    assert set(Event.objects.values_list("date_precision", flat=True)) == set(DatePrecision.values)
    assert not Event.objects.filter(date_precision=DatePrecision.SPAN, date_end=None).exists()
    public = Event.objects.public().count()
    assert 0.5 * Event.objects.count() < public < Event.objects.count()
    assert Source.objects.filter(is_public=False).exists()
    assert Citation.objects.filter(source__is_public=False).exists()
    assert Citation.objects.count() > Event.objects.count() / 2


def test_people_named_every_way_the_display_rules_allow(generated):
    people = Detainee.objects.all()
    assert set(people.values_list("name_display", flat=True)) == set(NameDisplay.values)
    assert people.filter(name_latin="", name_original="").exists()  # identity not yet known
    assert people.exclude(other_names="").exists()
    cyrillic = people.exclude(name_original="").values_list("name_original", flat=True)
    assert all(re.search("[а-яА-ЯёЁәіңғүұқөһӘІҢҒҮҰҚӨҺ]", name) for name in cyrillic)
    assert Kinship.objects.filter(detainee__in=people).exists()


def test_the_first_case_has_the_longest_timeline(generated):
    cases = list(Case.objects.annotate(timeline=Count("events")).order_by("pk"))
    first, others = cases[0], cases[1:]
    assert all(first.timeline > case.timeline for case in others)
    assert first.timeline >= 0.02 * Event.objects.count()
    assert first.is_published


def test_the_same_seed_gives_the_same_data():
    with transaction.atomic():
        generate()
        first = snapshot()
        transaction.set_rollback(True)
    assert not Case.objects.exists()

    generate()

    assert snapshot() == first
    assert first["people"] and first["events"]


def test_another_seed_gives_other_data():
    with transaction.atomic():
        generate(seed=2)
        other = snapshot()
        transaction.set_rollback(True)

    generate()

    assert snapshot()["people"] != other["people"]


def test_refuses_a_database_that_already_has_cases():
    CaseFactory(title="A real case")

    with pytest.raises(CommandError, match="already has data"):
        generate()

    assert Case.objects.count() == 1
    assert not Event.objects.exists()


def test_a_dry_run_writes_nothing():
    out = generate(dry_run=True, verbosity=1)

    assert "Would create 3 cases, 30 detainees and 300 events" in out
    assert not Case.objects.exists()


def output(verbosity: int) -> str:
    """What a run says, from an empty database each time."""
    with transaction.atomic():
        said = generate(verbosity=verbosity)
        transaction.set_rollback(True)
    return said


def test_output_follows_the_verbosity():
    silent, tables, batches = output(0), output(1), output(2)

    assert silent == ""
    assert "detentions.Detainee: 30 rows" in tables
    assert "events: 300 of 300 written" not in tables
    assert "events: 300 of 300 written" in batches


def test_search_keys_are_filled(generated):
    for model in apps.get_models():
        if issubclass(model, Searchable) and model.objects.exists():
            records = model.objects.all()
            if model is Detainee:
                # People whose identity is not yet known have no name to search by.
                records = records.exclude(name_latin="", name_original="")
            assert not records.filter(search_key="").exists(), model
    shown = Detainee.objects.filter(name_display=NameDisplay.FULL).exclude(name_latin="")
    assert shown.exists()
    for person in shown:
        assert person.public_search_key == person.search_key != ""
    hidden = Detainee.objects.exclude(pk__in=shown)
    assert set(hidden.values_list("public_search_key", flat=True)) == {""}


def test_the_public_case_page_shows_the_generated_case(client, generated):
    case = Case.objects.order_by("pk").first()
    events = Event.objects.public().filter(case=case).in_date_order()
    latest = events.last()  # the first page of a timeline is its newest end
    shown = [event.title for event in events]
    # Titles repeat ("Relatives write to the embassy"): only those no public event shares.
    internal = [
        event.title
        for event in Event.objects.filter(case=case, is_public=False)
        if not any(event.title in title for title in shown)
    ]
    assert internal

    response = client.get(case.get_absolute_url())

    assertContains(response, html.escape(case.title))
    assertContains(response, html.escape(latest.title))
    for title in internal:
        assertNotContains(response, html.escape(title))


def test_the_public_search_finds_generated_people(client, generated):
    published = Detainee.objects.filter(case__is_published=True).order_by("pk")
    named = published.filter(name_display=NameDisplay.FULL).exclude(name_latin="").first()
    shown = set(
        published.filter(name_display=NameDisplay.FULL).values_list("name_latin", flat=True)
    )
    withheld = (
        published.filter(name_display=NameDisplay.WITHHELD)
        .exclude(name_latin="")
        .exclude(name_latin__in=shown)
        .first()
    )

    found = client.get(reverse("detentions:search"), {"q": named.name_latin})
    by_cyrillic = client.get(reverse("detentions:search"), {"q": named.name_original})
    not_found = client.get(reverse("detentions:search"), {"q": withheld.name_latin})

    assert named.name_latin in section(found, "people")
    assert named.name_latin in section(by_cyrillic, "people")
    assert withheld.name_latin not in section(not_found, "people")
