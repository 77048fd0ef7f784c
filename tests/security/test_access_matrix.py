"""Who may open which address: every URL pattern of the site, asked for by every kind of visitor.

The patterns come from the resolver, so a new URL cannot slip by: one the tables below do not
name fails the test, naming it. The expected answers are written out by hand, one row per URL
name, one column per visitor; they are never computed from the code under test.

The visitors: nobody logged in; a relative of case A and one of case B; a case worker of
organisation X (limited to its cases; X works on case A) and one of organisation Y (works on
case B); and a superuser. Every address is built with case A's records, so the relative of B and
the case worker of Y are the outsiders.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import (
    Resolver404,
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
    translate_url,
)
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import get_language_from_path
from django_otp.plugins.otp_static.models import StaticDevice

from campaigns import casework_services
from campaigns.access_log import log_access
from campaigns.models import AccessLogEntry, CorrectionRequest, Entry, Invitation, StaffMember
from detentions.models import Charge, Event, EventKind
from tests.accounts import authenticator, log_in
from tests.factories import (
    AttachmentFactory,
    CaseFactory,
    CitationFactory,
    DetaineeFactory,
    EntryFactory,
    FacilityFactory,
    IntakeReportFactory,
    KinshipFactory,
    OfficialContactFactory,
    OfficialFactory,
    OrganisationFactory,
    ParticipationFactory,
    RelativeFactory,
    RelativeWithAccountFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "relative_a", "relative_b", "worker_x", "worker_y", "superuser"]

# The answers, as the table writes them.
OK = 200
LOGIN = "→ login"  # a redirect to the login page (ours, or the admin's, which leads to ours)
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405


def to(name: str) -> str:
    """A redirect to the page named `name` (other than a login page)."""
    return f"→ {name}"


HOME = to("campaigns:home")
ADMIN_HOME = to("admin:index")
CASE_PAGE = to("detentions:case-detail")
RELATIVE_CASE = to("campaigns:relative-case")


# One row per URL name. Columns: anonymous, relative of A, relative of B, case worker of X
# (works on A), case worker of Y (works on B), superuser.
EXPECTED: dict[str, tuple] = {
    # --- Public pages: the same for everyone ---
    "detentions:case-list": (OK, OK, OK, OK, OK, OK),
    "detentions:case-detail": (OK, OK, OK, OK, OK, OK),
    "detentions:event": (CASE_PAGE,) * 6,
    "detentions:search": (OK, OK, OK, OK, OK, OK),
    "detentions:institution-detail": (OK, OK, OK, OK, OK, OK),
    "detentions:feed": (OK, OK, OK, OK, OK, OK),
    "detentions:case-feed": (OK, OK, OK, OK, OK, OK),
    "detentions:case-timeline-json": (OK, OK, OK, OK, OK, OK),
    "detentions:case-timeline-csv": (OK, OK, OK, OK, OK, OK),
    "detentions:sitemap": (OK, OK, OK, OK, OK, OK),
    "detentions:robots": (OK, OK, OK, OK, OK, OK),
    "detentions:healthz": (OK, OK, OK, OK, OK, OK),
    "campaigns:report-detention": (OK, OK, OK, OK, OK, OK),
    "campaigns:report-received": (OK, OK, OK, OK, OK, OK),
    "campaigns:switch-language": (CASE_PAGE,) * 6,
    # --- Accounts ---
    # The link is the secret: whoever holds it sees the form, logged in or not.
    "campaigns:accept-invitation": (OK, OK, OK, OK, OK, OK),
    "campaigns:login": (OK, HOME, HOME, HOME, HOME, HOME),
    # POST only: a link or a prefetch logs nobody out.
    "campaigns:logout": (NOT_ALLOWED,) * 6,
    # The second step of logging in, for someone who has just given their password; once logged
    # in there is nothing to give, except for a relative who turns it on (setting up an app).
    "campaigns:two-factor": (LOGIN, HOME, HOME, HOME, HOME, HOME),
    "campaigns:two-factor-setup": (LOGIN, OK, OK, HOME, HOME, HOME),
    "campaigns:two-factor-settings": (LOGIN, OK, OK, OK, OK, OK),
    # A forgotten password: the same pages for everyone, whether or not the address is known.
    "campaigns:password-reset": (OK,) * 6,
    "campaigns:password-reset-sent": (OK,) * 6,
    "campaigns:password-reset-confirm": (OK,) * 6,  # an unknown link: "no longer valid"
    "campaigns:password-reset-complete": (OK,) * 6,
    # --- The relatives' workspace: case A's pages, relative A's entries ---
    # Staff are sent on to their workspace.
    "campaigns:home": (LOGIN, OK, OK, ADMIN_HOME, ADMIN_HOME, ADMIN_HOME),
    "campaigns:relative-case": (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    # An event of case A: to the page of the relative's timeline that lists it.
    "campaigns:relative-event": (LOGIN, RELATIVE_CASE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "campaigns:log-entry": (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "campaigns:edit-entry": (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "campaigns:withdraw-entry": (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "campaigns:request-correction": (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    # A file of relative A's entry: theirs, and staff who may see case A.
    "campaigns:attachment": (LOGIN, OK, NOT_FOUND, OK, NOT_FOUND, OK),
    # --- The staff workspace, with case A's records ---
    "staff:home": (LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, OK),
    "staff:search": (LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, OK),
    # A list of work in full: each sees their own cases' rows.
    "staff:worklist": (LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, OK),
    "staff:review-entry": (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    # A report belongs to no case yet: only staff who see every case review it.
    "staff:review-intake": (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK),
    "staff:case": (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    "staff:event-add": (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    "staff:event-edit": (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    "staff:detainee-add": (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    "staff:detainee-edit": (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    # Sources are shared by every case.
    "staff:source-add": (LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, OK),
    "staff:case-history": (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    "staff:restore": (NOT_ALLOWED,) * 6,
    "staff:merge": (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    "staff:dossier": (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    "staff:contact-log-csv": (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    "staff:import-detainees": (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    # Archive instead of delete: the list (each sees their own cases' records), then a page
    # that asks to confirm archiving one of case A's people, or restoring an archived one.
    "staff:archived": (LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, OK),
    # Every person (or event) archived from case A.
    "staff:case-archived": (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    "staff:archive": (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    "staff:unarchive": (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    # Erasing relative A's personal data: only with the permission to erase, which these case
    # workers do not have.
    "staff:erase-relative": (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK),
}

# The admin, by the rule each page follows. Its login lets staff through to the page asked for;
# relatives are not staff, so every admin page sends them to log in (as staff). Case workers here
# hold no model permission, so every model's pages answer them 403. (Given permissions, a limited
# case worker sees their organisation's cases' records only: test_admin_case_limit.py.)
ADMIN_PAGES: dict[str, tuple] = {
    "admin:index": (LOGIN, LOGIN, LOGIN, OK, OK, OK),
    "admin:login": (LOGIN, NOT_FOUND, NOT_FOUND, ADMIN_HOME, ADMIN_HOME, ADMIN_HOME),
    # POST only for staff; those who may not use the admin are sent to its index.
    "admin:logout": (ADMIN_HOME, ADMIN_HOME, ADMIN_HOME, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    "admin:password_change": (LOGIN, LOGIN, LOGIN, OK, OK, OK),
    "admin:password_change_done": (LOGIN, LOGIN, LOGIN, OK, OK, OK),
    "admin:jsi18n": (LOGIN, LOGIN, LOGIN, OK, OK, OK),
    # Asked without a field to complete: refused, whoever asks.
    "admin:autocomplete": (LOGIN, LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    # Case A's "view on site": its public page, for those who may see the case in the admin;
    # to anyone else it would tell a draft case's address.
    "admin:view_on_site": (LOGIN, LOGIN, LOGIN, NOT_FOUND, NOT_FOUND, CASE_PAGE),
    # An app's page lists only the models one may use: none, for these case workers.
    "admin:app_list": (LOGIN, LOGIN, LOGIN, NOT_FOUND, NOT_FOUND, OK),
    "admin:auth_user_password_change": (LOGIN, LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, OK),
    "admin:otp_totp_totpdevice_config": (LOGIN, LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, OK),
    "admin:otp_totp_totpdevice_qrcode": (LOGIN, LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, OK),
    # Any other address under /admin/: nobody learns whether it exists before logging in.
    "admin/(?P<url>.*)$": (LOGIN, LOGIN, LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND),
}
# Every registered model's pages, by what the page does.
ITS_CHANGE_PAGE = "→ its change page"
ADMIN_MODEL_PAGES: dict[str, tuple] = {
    "changelist": (LOGIN, LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, OK),
    "add": (LOGIN, LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, OK),
    "change": (LOGIN, LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, OK),
    "delete": (LOGIN, LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, OK),
    "history": (LOGIN, LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, OK),
    # admin/<app>/<model>/<id>/ (unnamed): an old-style address, sent on to the change page.
    "redirect": (LOGIN, LOGIN, LOGIN, ITS_CHANGE_PAGE, ITS_CHANGE_PAGE, ITS_CHANGE_PAGE),
}
# Where a model's page answers otherwise than its rule says.
NOBODY = (LOGIN, LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
ADMIN_EXCEPTIONS: dict[str, tuple] = {
    # Entries, corrections and invitations come from relatives and from the invite action;
    # django-axes writes its own records.
    "admin:campaigns_entry_add": NOBODY,
    "admin:campaigns_correctionrequest_add": NOBODY,
    "admin:campaigns_invitation_add": NOBODY,
    "admin:axes_accessattempt_add": NOBODY,
    "admin:axes_accesslog_add": NOBODY,
    "admin:axes_accessfailurelog_add": NOBODY,
    # The access log is read, never written or deleted, in the admin.
    "admin:campaigns_accesslogentry_add": NOBODY,
    "admin:campaigns_accesslogentry_delete": NOBODY,
}


@dataclass
class World:
    """Case A and case B with everything that hangs off a case, and one visitor of each role."""

    case_a: object
    case_b: object
    detainee_a: object
    facility: object
    institution: object
    event_a: object
    entry_a: Entry
    verified_entry_a: Entry
    attachment_a: object
    invitation_token: str
    intake: object
    users: dict
    objects: dict  # one record of each model, for the admin's pages


@pytest.fixture
def world(settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    case_a = CaseFactory(slug="case-a", title="Case A")
    case_b = CaseFactory(slug="case-b", title="Case B")
    facility = FacilityFactory()
    detainee_a = DetaineeFactory(case=case_a, facility=facility)
    detainee_b = DetaineeFactory(case=case_b)

    org_x = OrganisationFactory(name="Organisation X")
    org_x.cases.add(case_a)
    org_y = OrganisationFactory(name="Organisation Y")
    org_y.cases.add(case_b)

    relative_a = RelativeWithAccountFactory(given_name="Aigul")
    kinship_a = KinshipFactory(relative=relative_a, detainee=detainee_a)
    relative_b = RelativeWithAccountFactory(given_name="Bota")
    KinshipFactory(relative=relative_b, detainee=detainee_b)

    workers = {}
    for role, organisation in (("worker_x", org_x), ("worker_y", org_y)):
        user = UserFactory(username=role, is_staff=True)
        StaffMember.objects.create(user=user, organisation=organisation, only_own_cases=True)
        workers[role] = user
    superuser = UserFactory(username="superuser", is_staff=True, is_superuser=True)

    contact = OfficialContactFactory(event__case=case_a, official=OfficialFactory())
    ParticipationFactory(event=contact.event, organisation=org_x)
    CitationFactory(event=contact.event, source=SourceFactory())
    charge = Charge.objects.create(case=case_a, offence="Illegal border crossing")
    entry_a = EntryFactory(
        relative=relative_a,
        event__case=case_a,
        event__kind=EventKind.OFFICIAL_CONTACT,
        event__title="Aigul writes to the prosecutor",
    )
    OfficialContactFactory(event=entry_a.event, institution=None, addressee_as_given="Prosecutor")
    attachment_a = AttachmentFactory(
        event=entry_a.event,
        file=ContentFile(b"%PDF-1.4 a scan", name="scan.pdf"),
        uploaded_by=relative_a.user,
    )
    verified_entry_a = EntryFactory(
        relative=relative_a,
        event__case=case_a,
        event__verification=Event.Verification.VERIFIED,
    )
    correction = CorrectionRequest.objects.create(entry=verified_entry_a, text="The 12th.")
    invited = RelativeFactory(given_name="Invited")
    KinshipFactory(relative=invited, detainee=detainee_a)
    invitation, token = Invitation.issue(relative=invited, case=case_a, created_by=superuser)
    intake = IntakeReportFactory()
    group = Group.objects.create(name="Case workers")

    archived = DetaineeFactory(case=case_a)
    casework_services.archive(record=archived, user=superuser)
    access_log_entry = log_access(
        user=superuser, action=AccessLogEntry.Action.VIEWED_CONTACT, record=relative_a
    )

    users = {"anonymous": None, "relative_a": relative_a.user, "relative_b": relative_b.user}
    users |= workers | {"superuser": superuser}
    # Devices for the admin's pages of django-otp's models; staff get theirs when logging in.
    totp = authenticator(superuser)
    static = StaticDevice.objects.create(user=superuser, name="Backup codes")
    # What django-axes records of logins, for the admin's pages of its models.
    seen = {"user_agent": "", "ip_address": "203.0.113.5", "http_accept": "", "path_info": "/"}
    attempt = AccessAttempt.objects.create(
        username="guesser", get_data="", post_data="", failures_since_start=1, **seen
    )
    access_log = AccessLog.objects.create(username="superuser", **seen)
    failure_log = AccessFailureLog.objects.create(username="guesser", **seen)
    objects = {
        "case": case_a,
        "detainee": detainee_a,
        "charge": charge,
        "facility": facility,
        "institution": contact.institution,
        "official": contact.official,
        "source": contact.event.citations.get().source,
        "event": contact.event,
        "relative": relative_a,
        "kinship": kinship_a,
        "organisation": org_x,
        "staffmember": workers["worker_x"].staff_member,
        "participation": contact.event.participations.get(),
        "intakereport": intake,
        "entry": entry_a,
        "correctionrequest": correction,
        "invitation": invitation,
        "user": relative_a.user,
        "group": group,
        "totpdevice": totp,
        "staticdevice": static,
        "accessattempt": attempt,
        "accesslog": access_log,
        "accessfailurelog": failure_log,
        "accesslogentry": access_log_entry,
        "archived detainee": archived,
    }
    return World(
        case_a=case_a,
        case_b=case_b,
        detainee_a=detainee_a,
        facility=facility,
        institution=contact.institution,
        event_a=contact.event,
        entry_a=entry_a,
        verified_entry_a=verified_entry_a,
        attachment_a=attachment_a,
        invitation_token=token,
        intake=intake,
        users=users,
        objects=objects,
    )


def slug_a(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs={"slug": w.case_a.slug})


# The address of each URL name, built with case A's records.
ADDRESSES: dict[str, Callable[[World], str]] = {
    "detentions:case-detail": slug_a("detentions:case-detail"),
    "detentions:case-feed": slug_a("detentions:case-feed"),
    "detentions:event": lambda w: reverse(
        "detentions:event", kwargs={"slug": w.case_a.slug, "pk": w.event_a.pk}
    ),
    "detentions:case-timeline-json": slug_a("detentions:case-timeline-json"),
    "detentions:case-timeline-csv": slug_a("detentions:case-timeline-csv"),
    "detentions:institution-detail": lambda w: reverse(
        "detentions:institution-detail", kwargs={"slug": w.institution.slug}
    ),
    "campaigns:accept-invitation": lambda w: reverse(
        "campaigns:accept-invitation", kwargs={"token": w.invitation_token}
    ),
    "campaigns:switch-language": lambda w: (
        reverse("campaigns:switch-language", args=["en"]) + f"?next={w.case_a.get_absolute_url()}"
    ),
    # Relative A's account, with a link that was never sent.
    "campaigns:password-reset-confirm": lambda w: reverse(
        "campaigns:password-reset-confirm",
        args=[urlsafe_base64_encode(force_bytes(w.users["relative_a"].pk)), "0-0"],
    ),
    "campaigns:relative-case": slug_a("campaigns:relative-case"),
    "campaigns:relative-event": lambda w: reverse(
        "campaigns:relative-event", kwargs={"slug": w.case_a.slug, "pk": w.event_a.pk}
    ),
    "campaigns:log-entry": slug_a("campaigns:log-entry"),
    "campaigns:edit-entry": lambda w: reverse("campaigns:edit-entry", args=[w.entry_a.pk]),
    "campaigns:withdraw-entry": lambda w: reverse("campaigns:withdraw-entry", args=[w.entry_a.pk]),
    "campaigns:request-correction": lambda w: reverse(
        "campaigns:request-correction", args=[w.verified_entry_a.pk]
    ),
    "campaigns:attachment": lambda w: reverse("campaigns:attachment", args=[w.attachment_a.pk]),
    "staff:worklist": lambda w: reverse("staff:worklist", args=["no-consular-access"]),
    "staff:review-entry": lambda w: reverse("staff:review-entry", args=[w.entry_a.pk]),
    "staff:review-intake": lambda w: reverse("staff:review-intake", args=[w.intake.pk]),
    "staff:case": slug_a("staff:case"),
    "staff:event-add": slug_a("staff:event-add"),
    "staff:event-edit": lambda w: reverse("staff:event-edit", args=[w.event_a.pk]),
    "staff:detainee-add": slug_a("staff:detainee-add"),
    "staff:detainee-edit": lambda w: reverse("staff:detainee-edit", args=[w.detainee_a.pk]),
    "staff:case-history": slug_a("staff:case-history"),
    "staff:merge": lambda w: reverse("staff:merge", args=["detainee", w.detainee_a.pk]),
    "staff:dossier": slug_a("staff:dossier"),
    "staff:contact-log-csv": slug_a("staff:contact-log-csv"),
    "staff:import-detainees": slug_a("staff:import-detainees"),
    "staff:case-archived": lambda w: reverse(
        "staff:case-archived", args=[w.case_a.slug, "detainees"]
    ),
    "staff:archive": lambda w: reverse("staff:archive", args=["detainee", w.detainee_a.pk]),
    "staff:unarchive": lambda w: reverse(
        "staff:unarchive", args=["detainee", w.objects["archived detainee"].pk]
    ),
    "staff:erase-relative": lambda w: reverse(
        "staff:erase-relative", args=[w.objects["relative"].pk]
    ),
    "admin:app_list": lambda w: reverse("admin:app_list", args=["detentions"]),
    "admin:view_on_site": lambda w: reverse(
        "admin:view_on_site", args=[_content_type(w.case_a).pk, w.case_a.pk]
    ),
    "admin:auth_user_password_change": lambda w: reverse(
        "admin:auth_user_password_change", args=[w.objects["user"].pk]
    ),
    "admin:otp_totp_totpdevice_config": lambda w: reverse(
        "admin:otp_totp_totpdevice_config", args=[w.objects["totpdevice"].pk]
    ),
    "admin:otp_totp_totpdevice_qrcode": lambda w: reverse(
        "admin:otp_totp_totpdevice_qrcode", args=[w.objects["totpdevice"].pk]
    ),
    "admin/(?P<url>.*)$": lambda w: "/admin/no-such-page/",
}


def _content_type(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj)


# --- The resolver's patterns ---


@dataclass(frozen=True)
class Route:
    key: str  # the URL name, or for an unnamed pattern its route
    route: str


def routes(patterns=None, namespace: str = "", prefix: str = "") -> list[Route]:
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += routes(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            found.append(Route(f"{namespace}{pattern.name}" if pattern.name else route, route))
    return found


def admin_model_page(route: Route) -> tuple[object, str] | None:
    """(model, what the page does) for one of a registered model's admin pages, else None."""
    for model in admin.site._registry:
        app, name = model._meta.app_label, model._meta.model_name
        for action in ("changelist", "add", "change", "delete", "history"):
            if route.key == f"admin:{app}_{name}_{action}":
                return model, action
        if route.route == f"admin/{app}/{name}/<path:object_id>/":
            return model, "redirect"
    return None


def expected_and_address(route: Route, world: World) -> tuple[tuple, str]:
    """The row of answers and the address to ask, for one pattern; KeyError if no table has it."""
    model_page = admin_model_page(route)
    if model_page is not None and route.key not in ADMIN_EXCEPTIONS:
        model, action = model_page
        row = ADMIN_MODEL_PAGES[action]
    else:
        row = (EXPECTED | ADMIN_PAGES | ADMIN_EXCEPTIONS)[route.key]
    if model_page is not None:
        model, action = model_page
        record = world.objects.get(model._meta.model_name)
        assert record is not None, f"the world has no {model.__name__} for {route.key}"
        app, name = model._meta.app_label, model._meta.model_name
        if action in ("changelist", "add"):
            address = reverse(f"admin:{app}_{name}_{action}")
        elif action == "redirect":
            address = f"/admin/{app}/{name}/{record.pk}/"
            change = f"admin:{app}_{name}_change"
            row = tuple(to(change) if answer == ITS_CHANGE_PAGE else answer for answer in row)
        else:
            address = reverse(f"admin:{app}_{name}_{action}", args=[record.pk])
    elif route.key in ADDRESSES:
        address = ADDRESSES[route.key](world)
    else:
        address = reverse(route.key)
    return row, address


def fetch(client: Client, address: str):
    """GET, with a file's stream read to the end (which closes the file)."""
    response = client.get(address)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def answer(response) -> object:
    """What the table calls a response: its status, or where a redirect leads."""
    if response.status_code not in (301, 302):
        return response.status_code
    path = urlsplit(response["Location"]).path
    if path in (reverse("campaigns:login"), reverse("admin:login")):
        return LOGIN
    # Resolved in the language its address names (English has no prefix).
    with translation.override(get_language_from_path(path) or "en"):
        try:
            return to(resolve(path).view_name)
        except Resolver404:
            return to(path)


def client_for(world: World, role: str) -> Client:
    client = Client()
    if world.users[role] is not None:
        log_in(client, world.users[role])
    return client


def test_every_url_pattern_has_its_row():
    unknown = []
    for route in routes():
        if admin_model_page(route) is None and route.key not in EXPECTED | ADMIN_PAGES:
            unknown.append(f"{route.key} ({route.route})")
    assert not unknown, "URL patterns missing from the access matrix: " + ", ".join(unknown)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_answer_the_matrix_gives(world, role):
    client = client_for(world, role)
    column = ROLES.index(role)
    wrong, unknown = [], []
    for route in routes():
        try:
            row, address = expected_and_address(route, world)
        except KeyError:
            unknown.append(route.key)
            continue
        got = answer(fetch(client, address))
        if got != row[column]:
            wrong.append(f"{route.key} at {address}: expected {row[column]}, got {got}")
    assert not unknown, f"URL names missing from the access matrix: {unknown}"
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


# --- Outsiders, asked directly: whatever the table says, never case A's records ---


def history_rows() -> dict[str, int]:
    """How many history rows each tracked model has: any write adds one."""
    return {
        model.__name__: model.objects.count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
    }


# Patterns with a parameter that is not a record: a link's secret, a language, a list's name.
NOT_A_RECORD = {
    "campaigns:accept-invitation",
    "campaigns:password-reset-confirm",
    "campaigns:switch-language",
    "staff:worklist",
}


def outsider_routes(namespace: str) -> list[Route]:
    """The namespace's patterns that name a record (case A's, in the addresses above)."""
    return [
        route
        for route in routes()
        if route.key.startswith(f"{namespace}:")
        and "<" in route.route
        and route.key not in NOT_A_RECORD
    ]


@pytest.mark.parametrize(
    ("role", "namespace"),
    [("relative_b", "campaigns"), ("worker_y", "staff"), ("relative_b", "staff")],
)
def test_an_outsider_neither_sees_nor_changes_case_a(world, role, namespace):
    routes_naming_records = outsider_routes(namespace)
    assert len(routes_naming_records) >= 5
    client = client_for(world, role)
    before = history_rows()
    counts = (Entry.objects.count(), Invitation.objects.filter(used_at=None).count())
    opened = []
    for route in routes_naming_records:
        _row, address = expected_and_address(route, world)
        for method in ("get", "post"):
            response = getattr(client, method)(address, {"action": "send", "confirm": "on"})
            if response.streaming:
                b"".join(response.streaming_content)
            if response.status_code < 300 or (
                method == "post" and 300 <= response.status_code < 400
            ):
                opened.append(f"{method.upper()} {address}: {response.status_code}")
    assert not opened, f"{role} reached case A:\n" + "\n".join(opened)
    assert history_rows() == before
    assert (Entry.objects.count(), Invitation.objects.filter(used_at=None).count()) == counts


def test_logging_out_takes_a_post(world):
    client = client_for(world, "relative_a")
    assert client.get(reverse("campaigns:logout")).status_code == 405
    assert client.get(reverse("campaigns:home")).status_code == 200  # still logged in
    client.post(reverse("campaigns:logout"))
    assert answer(client.get(reverse("campaigns:home"))) == LOGIN


@pytest.mark.parametrize("language", ["ru", "kk"])
@pytest.mark.parametrize("role", ["anonymous", "relative_b", "worker_y"])
def test_every_language_gives_the_same_answers(world, language, role):
    client = client_for(world, role)
    column = ROLES.index(role)
    wrong = []
    for route in routes():
        if route.key.startswith("admin"):
            continue
        row, address = expected_and_address(route, world)
        translated = translate_url(address, language)
        assert translated.startswith(f"/{language}/"), translated
        got = answer(fetch(client, translated))
        if got != row[column]:
            wrong.append(f"{route.key} at {translated}: expected {row[column]}, got {got}")
    assert not wrong, "\n".join(wrong)
