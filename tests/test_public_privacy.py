"""Nothing internal, unverified or not consented to reaches any public output.

Every non-public field and record below carries a marker; every public URL is fetched, and every
page of the relatives' workspace is fetched by an anonymous visitor; no marker may appear. The URL
list is checked against the resolver, so a new URL cannot slip by.
"""

import datetime
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.defaults import server_error

from campaigns.models import Invitation, Relative
from detentions.models import ConsularVisit, Event, EventKind, OfficialContact
from tests.factories import (
    AttachmentFactory,
    CaseFactory,
    CitationFactory,
    CorrectionRequestFactory,
    DetaineeFactory,
    EntryFactory,
    EventFactory,
    FacilityFactory,
    InstitutionFactory,
    IntakeReportFactory,
    InvitationFactory,
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
def world(settings, tmp_path):
    """A published case with public facts, and every kind of thing the public must not see."""
    settings.MEDIA_ROOT = tmp_path
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

    # Archived by staff: nothing of it may show, however public it was before.
    archived_at = timezone.now()
    archived_case = CaseFactory(
        slug=f"{MARKER}-archived",
        title=secret("archived case"),
        summary=secret("archived summary"),
        archived_at=archived_at,
    )
    OfficialContactFactory(
        event__case=archived_case,
        event__title=secret("event of archived case"),
        institution=InstitutionFactory(name=secret("archived case body"), slug=f"{MARKER}-acb"),
    )
    DetaineeFactory(case=archived_case, name_latin=secret("person of archived case"))
    archived_event = OfficialContactFactory(
        event__case=case,
        event__title=secret("archived event"),
        event__archived_at=archived_at,
        institution=InstitutionFactory(name=secret("archived body"), slug=f"{MARKER}-ab"),
    ).event
    archived_person = DetaineeFactory(
        case=case,
        reference="99",
        name_latin=secret("archived person"),
        name_display="full",
        facility=FacilityFactory(name=secret("archived facility"), slug="archived-facility"),
        archived_at=archived_at,
    )
    KinshipFactory(detainee=archived_person, relative__name_display=Relative.NameDisplay.FULL)
    visit = EventFactory(case=case, kind=EventKind.CONSULAR_VISIT, title="The consul visits")
    ConsularVisit.objects.create(
        event=visit, consulate=public_body, outcome="granted"
    ).detainees_seen.add(archived_person)

    # The relatives' side: what they logged, sent and were sent.
    shown_by_given_name.user = UserFactory(username=secret("relative login"))
    shown_by_given_name.save()
    entry = EntryFactory(
        relative=shown_by_given_name,
        event__case=case,
        event__kind=EventKind.OFFICIAL_CONTACT,
        event__title=secret("entry title"),
        event__description=secret("entry description"),
    )
    OfficialContactFactory(
        event=entry.event,
        institution=None,
        addressee_as_given=secret("addressee as given"),
        request=secret("entry request"),
    )
    attachment = AttachmentFactory(
        event=entry.event,
        file=ContentFile(f"%PDF-1.4 {secret('file content')}".encode(), name="scan.pdf"),
        original_name=secret("scan of the reply.pdf"),
        uploaded_by=shown_by_given_name.user,
    )
    CorrectionRequestFactory(entry=entry, text=secret("correction"))
    intake = IntakeReportFactory(
        who_is_held=secret("who is held"),
        held_where=secret("held where"),
        held_since=secret("held since"),
        what_happened=secret("what happened"),
        reporter_name=secret("reporter"),
        reporter_contact=secret("reporter contact"),
        staff_notes=secret("staff notes"),
        address_hash=secret("address hash"),
    )
    InvitationFactory(relative=withheld, case=case)
    # Links no longer usable; a live link is for its relative's eyes (tested in test_accounts).
    expired, expired_token = Invitation.issue(relative=withheld, case=draft, created_by=recorder)
    Invitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    used, used_token = Invitation.issue(relative=withheld, case=draft, created_by=recorder)
    Invitation.objects.filter(pk=used.pk).update(used_at=timezone.now())
    _, account_exists_token = Invitation.issue(
        relative=shown_by_given_name, case=draft, created_by=recorder
    )
    return {
        "case": case,
        "facility": facility,
        "public_body": public_body,
        "draft": draft,
        "internal_body": internal_body,
        "entry": entry,
        "attachment": attachment,
        "tokens": [expired_token, used_token, account_exists_token, "no-such-token"],
        "intake": intake,
        "archived": {"case": archived_case, "event": archived_event, "detainee": archived_person},
        "recorder": recorder,
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
            reverse("detentions:case-detail", kwargs={"slug": slug})
            for slug in (case, draft, world["archived"]["case"].slug)
        ],
        "detentions:institution-detail": [
            reverse("detentions:institution-detail", kwargs={"slug": slug})
            for slug in (
                world["public_body"].slug,
                world["internal_body"].slug,
                f"{MARKER}-acb",
                f"{MARKER}-ab",
            )
        ],
        "detentions:feed": [reverse("detentions:feed")],
        # Every event, internal and unverified ones too, under its own case's address.
        "detentions:event": [
            reverse("detentions:event", kwargs={"slug": event.case.slug, "pk": event.pk})
            for event in Event.objects.select_related("case").order_by("pk")
        ],
        "detentions:case-feed": [
            reverse("detentions:case-feed", kwargs={"slug": slug})
            for slug in (case, draft, world["archived"]["case"].slug)
        ],
        "detentions:case-timeline-json": [
            reverse("detentions:case-timeline-json", kwargs={"slug": slug})
            for slug in (case, draft, world["archived"]["case"].slug)
        ],
        "detentions:case-timeline-csv": [
            reverse("detentions:case-timeline-csv", kwargs={"slug": slug})
            for slug in (case, draft, world["archived"]["case"].slug)
        ],
        # Every non-public name, spelled so that it matches without the marker itself being
        # echoed back in the search box: "zqk" and "zqx" share a search key.
        "detentions:search": [
            reverse("detentions:search") + "?" + urlencode({"q": query})
            for query in (
                "zqksecret withheld name",
                "zqksecret original script",
                "zqksecretfirst zqksecretlast",
                "zqksecret surname",
                "zqksecret relative original",
                "zqksecret given zqksecret family",
                "zqksecret internal body",
                "zqksecret draft title",
                "zqksecret draft body",
                "zqksecret detainee notes",
                "zqksecret facility notes",
                "zqksecret archived case",
                "zqksecret person of archived case",
                "zqksecret archived person",
                "zqksecret archived facility",
                "zqksecret archived body",
                "Pre-trial detention unit",
                "Regional prosecutor's office",
            )
        ]
        + [
            reverse("detentions:search") + "?" + urlencode(filters)
            for filters in (
                {"facility": world["facility"].slug},
                {"facility": "archived-facility"},
                {"status": "detained", "detained_from": "2009-01-01", "country": "UZ"},
                {"q": "Pre-trial", "detained_from": "2009-02-30"},
            )
        ],
        "detentions:sitemap": [reverse("detentions:sitemap")],
        "detentions:robots": [reverse("detentions:robots")],
        "detentions:healthz": [reverse("detentions:healthz")],
        "campaigns:report-detention": [reverse("campaigns:report-detention")],
        "campaigns:report-received": [reverse("campaigns:report-received")],
        "campaigns:login": [reverse("campaigns:login")],
        "campaigns:password-reset": [reverse("campaigns:password-reset")],
        "campaigns:password-reset-sent": [reverse("campaigns:password-reset-sent")],
        # A link e-mailed to an account whose username carries the marker, and a made-up one.
        "campaigns:password-reset-confirm": [
            reverse("campaigns:password-reset-confirm", kwargs=kwargs)
            for kwargs in (
                {
                    "uidb64": urlsafe_base64_encode(force_bytes(world["recorder"].pk)),
                    "token": default_token_generator.make_token(world["recorder"]),
                },
                {"uidb64": "MQ", "token": "made-up-token"},
            )
        ],
        "campaigns:password-reset-complete": [reverse("campaigns:password-reset-complete")],
        "page-not-found": ["/no-such-page/"],
    }


def workspace_urls(world) -> dict[str, list[str]]:
    """The relatives' pages, fetched by a visitor who is not logged in: each sends them to log in
    or answers 404, and none may show anything of the relative's."""
    slugs = [world["case"].slug, world["draft"].slug]
    entry = world["entry"].pk
    return {
        "campaigns:home": [reverse("campaigns:home")],
        "campaigns:relative-case": [
            reverse("campaigns:relative-case", kwargs={"slug": slug}) for slug in slugs
        ],
        "campaigns:relative-event": [
            reverse("campaigns:relative-event", kwargs={"slug": world["case"].slug, "pk": pk})
            for pk in world["case"].events.values_list("pk", flat=True)
        ],
        "campaigns:log-entry": [
            reverse("campaigns:log-entry", kwargs={"slug": slug}) for slug in slugs
        ],
        "campaigns:edit-entry": [reverse("campaigns:edit-entry", kwargs={"pk": entry})],
        "campaigns:withdraw-entry": [reverse("campaigns:withdraw-entry", kwargs={"pk": entry})],
        "campaigns:request-correction": [
            reverse("campaigns:request-correction", kwargs={"pk": entry})
        ],
        "campaigns:attachment": [reverse("campaigns:attachment", args=[world["attachment"].pk])],
        "campaigns:accept-invitation": [
            reverse("campaigns:accept-invitation", kwargs={"token": token})
            for token in world["tokens"]
        ],
        "campaigns:logout": [reverse("campaigns:logout")],
        "campaigns:two-factor": [reverse("campaigns:two-factor")],
        "campaigns:two-factor-setup": [reverse("campaigns:two-factor-setup")],
        "campaigns:two-factor-settings": [reverse("campaigns:two-factor-settings")],
        "campaigns:switch-language": [
            reverse("campaigns:switch-language", args=[language]) + f"?next={quote(page)}"
            for language in ("ru", "kk", "en")
            for page in (world["case"].get_absolute_url(), "https://elsewhere.example/")
        ],
    }


def staff_urls(world) -> dict[str, list[str]]:
    """The staff workspace, fetched by a visitor who is not logged in: only a way to log in."""
    case = world["case"].slug
    event = world["entry"].event_id
    detainee = world["case"].detainees.first().pk
    by_slug = [
        "staff:case",
        "staff:event-add",
        "staff:detainee-add",
        "staff:case-history",
        "staff:dossier",
        "staff:contact-log-csv",
        "staff:import-detainees",
    ]
    return {
        "staff:home": [reverse("staff:home")],
        "staff:search": [reverse("staff:search") + "?q=zqksecret+withheld+name"],
        "staff:worklist": [
            reverse("staff:worklist", kwargs={"name": name})
            for name in [
                "entries",
                "intake",
                "overdue-replies",
                "no-consular-access",
                "whereabouts-unknown",
            ]
        ],
        "staff:review-entry": [reverse("staff:review-entry", kwargs={"pk": world["entry"].pk})],
        "staff:review-intake": [reverse("staff:review-intake", kwargs={"pk": world["intake"].pk})],
        "staff:event-edit": [reverse("staff:event-edit", kwargs={"pk": event})],
        "staff:detainee-edit": [reverse("staff:detainee-edit", kwargs={"pk": detainee})],
        "staff:source-add": [reverse("staff:source-add")],
        "staff:restore": [reverse("staff:restore")],
        "staff:merge": [reverse("staff:merge", kwargs={"model": "detainee", "pk": detainee})],
        "staff:archived": [reverse("staff:archived")],
        "staff:case-archived": [
            reverse("staff:case-archived", kwargs={"slug": case, "kind": kind})
            for kind in ("detainees", "events")
        ],
        "staff:archive": [
            reverse("staff:archive", kwargs={"kind": kind, "pk": record.pk})
            for kind, record in world["archived"].items()
        ],
        "staff:unarchive": [
            reverse("staff:unarchive", kwargs={"kind": kind, "pk": record.pk})
            for kind, record in world["archived"].items()
        ],
        "staff:erase-relative": [
            reverse("staff:erase-relative", kwargs={"pk": world["entry"].relative_id})
        ],
    } | {name: [reverse(name, kwargs={"slug": case})] for name in by_slug}


def every_url(world) -> dict[str, list[str]]:
    return public_urls(world) | workspace_urls(world) | staff_urls(world)


def url_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's own, behind a login: the admin tests cover it
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_public_url_is_checked(world):
    assert url_names(get_resolver().url_patterns) == set(every_url(world)) - {"page-not-found"}


def leak_context(text: str) -> str:
    at = text.lower().index(MARKER)
    return text[max(at - 80, 0) : at + 80]


def test_no_marker_reaches_any_public_output(client, world):
    fetched = 0
    for name, urls in every_url(world).items():
        for url in urls:
            response = client.get(url)
            body = b"".join(response) if response.streaming else response.content
            text = body.decode("utf-8-sig") + "".join(f"{k}: {v}" for k, v in response.items())
            # A login redirect repeats the address asked for (?next=): that is no leak.
            text = text.replace(quote(url), "").replace(url, "")
            assert MARKER not in text.lower(), (
                f"{name} at {url} shows {text[text.lower().index(MARKER) - 80 :][:200]!r}"
            )
            fetched += 1
    assert fetched == sum(len(urls) for urls in every_url(world).values())


def test_the_staff_workspace_sends_visitors_to_log_in(client, world):
    for urls in staff_urls(world).values():
        for url in urls:
            response = client.get(url)
            if url == reverse("staff:restore"):
                assert response.status_code == 405  # POST only: refused before anything else
                continue
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("campaigns:login")), url


def test_the_public_facts_do_appear(client, world):
    """The marker test is only worth something if the pages show what is public."""
    page = client.get(reverse("detentions:case-detail", kwargs={"slug": "public-case"}))
    text = page.content.decode()
    assert "Relatives write to the prosecutor" in text
    assert "Janara" in text
    assert "A relative" in text or "a relative" in text
    assert "KIBHR" in text
    found = client.get(reverse("detentions:search"), {"q": "Regional prosecutor"})
    assert '<a href="/institutions/prosecutor/">Regional prosecutor' in found.content.decode()
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
