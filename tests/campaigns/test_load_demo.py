import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from campaigns.models import Participation, Relative
from detentions.models import (
    Case,
    CaseStatus,
    ConsularVisit,
    Event,
    ReportedFigure,
)
from detentions.models.timeline import AccessOutcome

pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def model_counts() -> dict[str, int]:
    """Rows of every model of both apps; not the change history, which records each run."""
    return {
        model._meta.label: model.objects.count()
        for label in ("detentions", "campaigns")
        for model in apps.get_app_config(label).get_models()
        if not hasattr(model, "instance_type")  # simple_history's historical models
    }


@pytest.fixture
def case() -> Case:
    load("--verbosity=0")
    return Case.objects.with_people_counts().get(slug="nukus-27")


def test_the_case_is_published_with_27_anonymous_detainees(case):
    assert case.is_published
    assert (case.people_count, case.located_count, case.whereabouts_unknown_count) == (27, 15, 12)
    assert not any(d.identity_known for d in case.detainees.all())
    located = case.detainees.filter(facility__isnull=False)
    assert {(d.facility.slug, d.facility.town) for d in located} == {("uz-nukus-pretrial", "Nukus")}
    assert {d.whereabouts_confirmed_on for d in located} == {datetime.date(2009, 4, 1)}


def test_both_escape_figures_are_kept_as_separate_events_with_their_own_citation(case):
    figures = ReportedFigure.objects.filter(
        event__case=case, measure=ReportedFigure.Measure.ESCAPED
    ).select_related("event")
    assert sorted(f.value for f in figures) == [6, 7]
    citations = [list(f.event.citations.all()) for f in figures]
    assert all(len(cited) == 1 for cited in citations)
    assert citations[0][0].pk != citations[1][0].pk
    assert citations[0][0].locator != citations[1][0].locator


def test_janara_is_shown_by_her_given_name_only(case):
    janara = Relative.objects.get(given_name="Janara")
    assert janara.public_name == "Janara"
    assert janara.family_name == ""
    assert janara.kinships.filter(case=case, detainee__isnull=False).count() == 2


def test_demo_relatives_have_no_contact_details(case):
    for relative in Relative.objects.filter(kinships__case=case).distinct():
        assert (relative.phone, relative.email, relative.messenger, relative.address) == (
            "",
            "",
            "",
            "",
        )


def test_every_verified_event_cites_a_source_and_every_event_is_valid(case):
    events = Event.objects.filter(case=case)
    assert events.count() > 20
    for event in events:
        if event.is_verified:
            assert event.citations.exists(), event.title
        event.full_clean()
        if event.details is not None:
            event.details.full_clean()


def test_there_is_one_internal_unverified_example(case):
    internal = Event.objects.filter(case=case).exclude(pk__in=Event.objects.public())
    assert [(e.is_public, e.verification) for e in internal] == [
        (False, Event.Verification.REPORTED)
    ]


def test_the_consul_saw_the_detainees_on_10_april(case):
    visit = ConsularVisit.objects.get(
        event__case=case, event__date_start=datetime.date(2009, 4, 10)
    )
    assert visit.outcome in (AccessOutcome.GRANTED, AccessOutcome.PARTIAL)
    assert visit.consul.name == "Baurjan Keukenov"
    assert "Kulegenova" in visit.event.description


def test_kibhr_speaks_through_anara_ibraeva(case):
    participations = Participation.objects.filter(event__case=case, organisation__slug="kibhr")
    assert participations.count() == 3
    assert all("Anara Ibraeva" in p.spokesperson for p in participations)


def test_the_public_status_is_charged(case):
    public = Case.objects.with_status(public_only=True).get(pk=case.pk)
    assert public.derived_status == CaseStatus.CHARGED


def test_running_twice_leaves_the_same_data():
    load("--verbosity=0")
    counts = model_counts()
    titles = list(Event.objects.order_by("title").values_list("title", flat=True))

    load("--verbosity=0")

    assert model_counts() == counts
    assert list(Event.objects.order_by("title").values_list("title", flat=True)) == titles
    assert Case.objects.filter(slug="nukus-27").count() == 1


def test_dry_run_writes_nothing():
    before = model_counts()

    out = load("--dry-run")

    assert model_counts() == before
    assert not Case.objects.exists()
    assert "Dry run" in out
    assert "27 detainees" in out


def test_output_follows_verbosity():
    assert load("--verbosity=0") == ""
    summary = load("--verbosity=1")
    assert summary.startswith("Loaded case nukus-27: 27 detainees")
    assert len(summary.splitlines()) == 1
    detailed = load("--verbosity=2")
    assert len(detailed.splitlines()) == 1 + Event.objects.count()


def test_the_public_page_shows_public_events_only(client, case):
    response = client.get(reverse("detentions:case-detail", kwargs={"slug": case.slug}))

    assert response.status_code == 200
    page = response.content.decode()
    for event in Event.objects.public().filter(case=case):
        assert escape(event.title) in page, event.title
    assert "Demo (internal)" not in page
    assert "Charged" in page
