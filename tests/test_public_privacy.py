"""Nothing internal, unverified or not consented to reaches any public output.

Every non-public field and record below carries a marker; every public URL is fetched; no marker
may appear. The URL list is checked against the resolver, so a new public URL cannot slip by.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.defaults import server_error

from campaigns.models import Relative
from detentions.models import Event, EventKind, OfficialContact
from tests.factories import (
    CaseFactory,
    CitationFactory,
    DetaineeFactory,
    EventFactory,
    FacilityFactory,
    InstitutionFactory,
    KinshipFactory,
    OfficialContactFactory,
    OrganisationFactory,
    ParticipationFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MARKER = "zqxsecret"


def secret(what: str) -> str:
    return f"{MARKER}-{what}"


@pytest.fixture
def world():
    """A published case with public facts, and every kind of thing the public must not see."""
    recorder = UserFactory(username=secret("recorder"), email=f"{MARKER}@example.org")
    facility = FacilityFactory(name="Pre-trial detention unit", notes=secret("facility notes"))
    case = CaseFactory(slug="public-case", internal_notes=secret("case notes"))
    DetaineeFactory(
        case=case,
        reference="01",
        name_latin=secret("withheld name"),
        name_original=secret("original script"),
        home_region=secret("home region"),
        occupation=secret("occupation"),
        internal_notes=secret("detainee notes"),
        facility=facility,
    )
    initials_only = DetaineeFactory(
        case=case, reference="02", name_latin=f"{MARKER}first {MARKER}last", name_display="initials"
    )
    shown_by_given_name = KinshipFactory(
        detainee=initials_only,
        relative__given_name="Janara",
        relative__family_name=secret("surname"),
        relative__name_original=secret("relative original"),
        relative__name_display=Relative.NameDisplay.GIVEN_NAME,
        relative__phone=secret("phone"),
        relative__email=f"{MARKER}.relative@example.org",
        relative__messenger=secret("messenger"),
        relative__address=secret("address"),
        relative__consent_notes=secret("consent"),
    ).relative
    withheld = KinshipFactory(
        detainee=initials_only,
        relative__given_name=secret("given"),
        relative__family_name=secret("family"),
        relative__name_display=Relative.NameDisplay.WITHHELD,
    ).relative

    public_body = InstitutionFactory(name="Regional prosecutor's office", slug="prosecutor")
    letter = OfficialContactFactory(
        event__case=case,
        event__title="Relatives write to the prosecutor",
        event__recorded_by=recorder,
        institution=public_body,
    )
    for relative in (shown_by_given_name, withheld):
        ParticipationFactory(event=letter.event, organisation=None, relative=relative)
    ParticipationFactory(event=letter.event, organisation=OrganisationFactory(name="KIBHR"))
    CitationFactory(event=letter.event, locator=secret("locator"))
    CitationFactory(
        event=letter.event,
        source=SourceFactory(
            title=secret("testimony"), url=f"https://{MARKER}.example.org/t", is_public=False
        ),
    )

    internal_body = InstitutionFactory(name=secret("internal body"), slug=f"{MARKER}-body")
    internal = OfficialContactFactory(
        event__case=case,
        event__title=secret("internal event"),
        event__description=secret("internal description"),
        event__is_public=False,
        institution=internal_body,
        request=secret("request"),
        outcome=OfficialContact.Outcome.REFUSED,
        reason_given=secret("reason"),
    )
    CitationFactory(event=internal.event, source=SourceFactory(title=secret("internal source")))
    EventFactory(
        case=case,
        title=secret("unverified"),
        description=secret("unverified description"),
        verification=Event.Verification.REPORTED,
    )

    draft = CaseFactory(
        slug=f"{MARKER}-draft",
        title=secret("draft title"),
        summary=secret("draft summary"),
        is_published=False,
    )
    EventFactory(case=draft, title=secret("draft event"), kind=EventKind.NOTE)
    OfficialContactFactory(
        event__case=draft,
        institution=InstitutionFactory(name=secret("draft body"), slug=f"{MARKER}-draft-body"),
    )
    return {
        "case": case,
        "public_body": public_body,
        "draft": draft,
        "internal_body": internal_body,
    }


def public_urls(world) -> dict[str, list[str]]:
    """Every public URL name with the concrete addresses to fetch, error pages included."""
    case, draft = world["case"].slug, world["draft"].slug
    return {
        "detentions:case-list": [
            reverse("detentions:case-list"),
            reverse("detentions:case-list") + "?status=detained&year=2009",
            reverse("detentions:case-list") + "?year=1066&country=ZZ",
        ],
        "detentions:case-detail": [
            reverse("detentions:case-detail", kwargs={"slug": case}),
            reverse("detentions:case-detail", kwargs={"slug": draft}),
        ],
        "detentions:institution-detail": [
            reverse("detentions:institution-detail", kwargs={"slug": world["public_body"].slug}),
            reverse("detentions:institution-detail", kwargs={"slug": world["internal_body"].slug}),
        ],
        "detentions:feed": [reverse("detentions:feed")],
        "detentions:case-feed": [
            reverse("detentions:case-feed", kwargs={"slug": case}),
            reverse("detentions:case-feed", kwargs={"slug": draft}),
        ],
        "detentions:case-timeline-json": [
            reverse("detentions:case-timeline-json", kwargs={"slug": case}),
            reverse("detentions:case-timeline-json", kwargs={"slug": draft}),
        ],
        "detentions:case-timeline-csv": [
            reverse("detentions:case-timeline-csv", kwargs={"slug": case}),
            reverse("detentions:case-timeline-csv", kwargs={"slug": draft}),
        ],
        "detentions:sitemap": [reverse("detentions:sitemap")],
        "detentions:robots": [reverse("detentions:robots")],
        "detentions:healthz": [reverse("detentions:healthz")],
        "page-not-found": ["/no-such-page/"],
    }


def url_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # staff only, behind a login: the access tests cover it
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_public_url_is_checked(world):
    assert url_names(get_resolver().url_patterns) == set(public_urls(world)) - {"page-not-found"}


def leak_context(text: str) -> str:
    at = text.lower().index(MARKER)
    return text[max(at - 80, 0) : at + 80]


def test_no_marker_reaches_any_public_output(client, world):
    fetched = 0
    for name, urls in public_urls(world).items():
        for url in urls:
            response = client.get(url)
            body = b"".join(response) if response.streaming else response.content
            text = body.decode("utf-8-sig") + "".join(f"{k}: {v}" for k, v in response.items())
            assert MARKER not in text.lower(), (
                f"{name} at {url} shows {text[text.lower().index(MARKER) - 80 :][:200]!r}"
            )
            fetched += 1
    assert fetched == sum(len(urls) for urls in public_urls(world).values())


def test_the_public_facts_do_appear(client, world):
    """The marker test is only worth something if the pages show what is public."""
    page = client.get(reverse("detentions:case-detail", kwargs={"slug": "public-case"}))
    text = page.content.decode()
    assert "Relatives write to the prosecutor" in text
    assert "Janara" in text
    assert "A relative" in text or "a relative" in text
    assert "KIBHR" in text
    feed = client.get(
        reverse("detentions:case-feed", kwargs={"slug": "public-case"})
    ).content.decode()
    assert "Relatives write to the prosecutor" in feed
    assert (
        client.get(
            reverse("detentions:case-detail", kwargs={"slug": f"{MARKER}-draft"})
        ).status_code
        == 404
    )


def test_a_server_error_page_shows_no_details(rf):
    response = server_error(rf.get("/cases/public-case/"))
    text = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in text
    assert "Traceback" not in text and "public-case" not in text
