"""Hostile input: random, oversized, Unicode, HTML and script strings in every form field and
every query parameter the views read. Never a server error, never our markup broken open.

Each target names a page, who opens it and how it is sent; the fields of its forms are read from
the page itself (as a browser would post them), so a field added to a form is attacked too. The
query parameters that views read without a form are listed beside their page.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from campaigns.entry_forms import ANSWER_FIELDS
from campaigns.entry_services import Action
from campaigns.models import Invitation
from detentions.models import Event, EventKind
from tests.accounts import PASSWORD, authenticator, log_in
from tests.factories import (
    CaseFactory,
    DetaineeFactory,
    EntryFactory,
    FacilityFactory,
    InstitutionFactory,
    IntakeReportFactory,
    KinshipFactory,
    OfficialContactFactory,
    RelativeFactory,
    RelativeWithAccountFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# What an attacker types: markup that would run if it reached a page unescaped...
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
]
# ...and what must never appear in a reply for it: the tags as tags.
RAW_MARKUP = ["<script>alert(1)", "<img src=x onerror", "<svg onload"]
JAVASCRIPT_LINK = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
TRICKY = [
    "javascript:alert(1)",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "%(name)s %s %d",
    "' OR 1=1 --",
    "../../etc/passwd",
    "\x00",
    "NaN",
    "-1",
    "0x10",
    "²",  # a digit to str.isdigit(), not to int()
    "²²²²²²",
    "i²",
    "o99999999999999999999",
    "٣",
    "99999999999999999999",
    "9" * 5000,  # more digits than Python converts to an int
    "1e309",
    "2009-02-30",
    "0001-01-01",
    "\r\nSet-Cookie: x=1",
]
UNICODE = [
    "\u202eelif.exe\u202c",  # right-to-left override
    "zero\u200bwidth\u200djoiner\ufeff",
    "👩‍👩‍👦‍👦🇰🇿🔥",
    "Қазақстан Республикасының Ұлттық қауіпсіздік комитеті",
    "Нукус, СИЗО № 1",
    "مرحبا بالعالم",
    "שלום",
    "e\u0301\u0301\u0301",
]
OVERSIZED = [
    "x" * 100_000,
    "Қ" * 100_000,
    "<script>alert(1)</script>" * 4_000,
]

short = st.one_of(
    st.sampled_from(MARKUP + TRICKY + UNICODE),
    st.text(max_size=40),
    st.builds(lambda text, markup: text + markup, st.text(max_size=20), st.sampled_from(MARKUP)),
)
hostile = st.one_of(short, st.sampled_from(OVERSIZED))

run_briefly = settings(
    max_examples=5,
    deadline=None,
    # A failure is reported as found: shrinking 100 KB strings through slow requests takes long.
    phases=[Phase.explicit, Phase.generate],
    database=None,  # nothing kept between runs: no .hypothesis folder in the project
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


# --- Reading the forms of a page, as a browser would post them ---


@dataclass
class PageForm:
    method: str
    action: str
    values: dict[str, str] = field(default_factory=dict)
    buttons: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


class FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[PageForm] = []
        self.form: PageForm | None = None
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = PageForm((attrs.get("method") or "get").lower(), attrs.get("action") or "")
            self.forms.append(self.form)
            return
        name = attrs.get("name")
        if self.form is None or (name is None and tag != "option"):
            return
        kind = (attrs.get("type") or "text").lower()
        if tag == "button" or (tag == "input" and kind == "submit"):
            self.form.buttons.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "input" and kind == "file":
            self.form.files.append(name)
        elif tag == "input" and kind in ("radio", "checkbox"):
            self.form.values.setdefault(name, "")
            if "checked" in attrs:
                self.form.values[name] = attrs.get("value") or "on"
        elif tag == "input":
            self.form.values[name] = attrs.get("value") or ""
        elif tag == "textarea":
            self.textarea = name
            self.form.values[name] = ""
        elif tag == "select":
            self.select = name
            self.form.values.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.form.values[self.select] = attrs.get("value") or ""

    def handle_data(self, data):
        if self.form is not None and self.textarea:
            self.form.values[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None


def forms_of(response, path: str) -> list[PageForm]:
    """The page's forms that send to `path` (the header's search box sends elsewhere)."""
    reader = FormReader()
    reader.feed(response.content.decode())
    return [form for form in reader.forms if urlsplit(form.action).path in ("", path)]


# --- What comes back ---


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def assert_safe(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if not response.get("Content-Type", "").startswith("text/html"):
        body_of(response)  # read to the end, which closes a file
        return
    text = body_of(response)
    for markup in RAW_MARKUP:
        assert markup not in text, f"{what}: unescaped {markup!r} in the reply"
    assert not JAVASCRIPT_LINK.search(text), f"{what}: a javascript: link in the reply"


# --- The world and the visitors ---


@dataclass
class World:
    case: object
    detainee: object
    facility: object
    entry: object
    verified_entry: object
    event: object
    intake: object
    invitation_token: str
    relative_user: object
    staff_user: object


@pytest.fixture
def world(settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    # Deep enough into the report form to save what passes.
    settings.INTAKE_REPORTS_PER_HOUR = 10_000
    case = CaseFactory(slug="case-a")
    facility = FacilityFactory(slug="nukus")
    detainee = DetaineeFactory(case=case, facility=facility)
    relative = RelativeWithAccountFactory()
    KinshipFactory(relative=relative, detainee=detainee)
    InstitutionFactory(name="Prosecutor's office of Karakalpakstan")
    SourceFactory()
    contact = OfficialContactFactory(event__case=case)
    entry = EntryFactory(
        relative=relative, event__case=case, event__kind=EventKind.OFFICIAL_CONTACT
    )
    OfficialContactFactory(event=entry.event, institution=None, addressee_as_given="Prosecutor")
    verified_entry = EntryFactory(
        relative=relative, event__case=case, event__verification=Event.Verification.VERIFIED
    )
    invited = RelativeFactory()
    KinshipFactory(relative=invited, detainee=detainee)
    staff = UserFactory(username="admin", is_staff=True, is_superuser=True)
    _, token = Invitation.issue(relative=invited, case=case, created_by=staff)
    return World(
        case=case,
        detainee=detainee,
        facility=facility,
        entry=entry,
        verified_entry=verified_entry,
        event=contact.event,
        intake=IntakeReportFactory(),
        invitation_token=token,
        relative_user=relative.user,
        staff_user=staff,
    )


def visitor(world: World, who: str) -> Client:
    """A client for: "anonymous"; "relative", "relative with two-factor"; "staff"; and staff
    between password and code ("staff giving a code", "staff setting up an app")."""
    client = Client()
    if who.startswith("relative"):
        if who == "relative with two-factor":
            authenticator(world.relative_user)
        log_in(client, world.relative_user)
    elif who == "staff":
        log_in(client, world.staff_user)
    elif who.startswith("staff "):
        if who == "staff giving a code":
            authenticator(world.staff_user)
        credentials = {"username": world.staff_user.username, "password": PASSWORD}
        client.post(reverse("campaigns:login"), credentials)
    return client


# --- The targets ---


@dataclass(frozen=True)
class Target:
    """A page, who opens it, and what is attacked: its forms' fields (read from the page, or
    `fields` for a form no page shows whole) and `params`, query parameters views read
    directly."""

    name: str
    who: str
    address: Callable[[World], str]
    params: tuple[str, ...] = ()
    # A form no page shows as such: its fields with the values to start from, and fields whose
    # real values are worth trying (like buttons: mostly one of them, sometimes made up).
    fields: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)
    # Query string the page is read with first (an event form for one kind of event).
    query: str = ""
    values: st.SearchStrategy = hostile
    # False: only the query parameters are attacked, not the page's forms.
    forms: bool = True


def slug(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs={"slug": w.case.slug})


def pk(name: str, attribute: str) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[getattr(w, attribute).pk])


def fixed(name: str, *args) -> Callable[[World], str]:
    return lambda w: reverse(name, args=args)


TARGETS = [
    # The public side.
    Target("public filters", "anonymous", fixed("detentions:case-list")),
    Target("public search", "anonymous", fixed("detentions:search"), params=("page",)),
    Target("report a detention", "anonymous", fixed("campaigns:report-detention")),
    Target("login", "anonymous", fixed("campaigns:login"), params=("next",)),
    Target("password reset", "anonymous", fixed("campaigns:password-reset")),
    Target(
        "invitation",
        "anonymous",
        lambda w: reverse("campaigns:accept-invitation", args=[w.invitation_token]),
    ),
    Target("switch language", "anonymous", fixed("campaigns:switch-language", "ru"), ("next",)),
    Target("two-factor code", "staff giving a code", fixed("campaigns:two-factor"), ("next",)),
    Target("two-factor set-up", "staff setting up an app", fixed("campaigns:two-factor-setup")),
    # The relatives' workspace.
    # Every step of the wizard, not only the first one the page shows.
    Target(
        "log an entry",
        "relative",
        slug("campaigns:log-entry"),
        params=("resume",),
        fields=dict.fromkeys(ANSWER_FIELDS, "")
        | {
            "what": "contacted",
            "addressee_new": "The prosecutor",
            "when": "day",
            "day": "2009-04-17",
            "channel": "letter",
            "outcome": "no_response",
            "submission_key": "",
        },
        choices={
            "step": ["what", "whom", "when", "outcome", "reply", "review"],
            "action": ["next", "back", "search", "send", "change-whom", "change-when"],
            "what": list(Action.values),
        },
    ),
    Target("edit an entry", "relative", pk("campaigns:edit-entry", "entry")),
    Target("withdraw an entry", "relative", pk("campaigns:withdraw-entry", "entry")),
    Target("correction", "relative", pk("campaigns:request-correction", "verified_entry")),
    Target(
        "two-factor settings", "relative with two-factor", fixed("campaigns:two-factor-settings")
    ),
    # The staff workspace.
    Target("staff search", "staff", fixed("staff:search")),
    Target(
        "add an event",
        "staff",
        slug("staff:event-add"),
        params=("kind",),
        query="?kind=official_contact",
    ),
    Target("edit an event", "staff", pk("staff:event-edit", "event")),
    Target("add a detainee", "staff", slug("staff:detainee-add")),
    Target("edit a detainee", "staff", pk("staff:detainee-edit", "detainee")),
    Target("add a source", "staff", fixed("staff:source-add"), params=("case",)),
    Target("review an entry", "staff", pk("staff:review-entry", "entry")),
    Target("review a report", "staff", pk("staff:review-intake", "intake")),
    Target(
        "merge",
        "staff",
        lambda w: reverse("staff:merge", args=["detainee", w.detainee.pk]),
        params=("q", "duplicate"),
    ),
    Target("dossier", "staff", slug("staff:dossier"), params=("public_only",)),
    Target("case history", "staff", slug("staff:case-history"), params=("page",)),
    Target(
        "restore",
        "staff",
        fixed("staff:restore"),
        fields={"model": "", "history_id": ""},
        choices={"model": ["detentions.case", "detentions.detainee", "detentions.event"]},
    ),
    Target("import detainees", "staff", slug("staff:import-detainees")),
    # Django's own search, bounded (`BoundedSearch`): a 100 KB search is refused with a word,
    # where SQLite refused the LIKE pattern with an error page.
    Target(
        "admin case list",
        "staff",
        fixed("admin:detentions_case_changelist"),
        params=("q", "o", "p"),
    ),
    # The case page links here with ?case=; the years replace Django's date hierarchy.
    Target(
        "admin event list",
        "staff",
        fixed("admin:detentions_event_changelist"),
        params=("q", "o", "p", "case", "date_start__year"),
    ),
    Target("admin new case", "staff", fixed("admin:detentions_case_add")),
    # Its form too: a forged record number in an autocomplete box is refused as a choice.
    Target(
        "admin new event",
        "staff",
        fixed("admin:detentions_event_add"),
        params=("kind",),
        values=short,
    ),
    Target("admin login", "staff", fixed("admin:login"), params=("next",)),
]


@dataclass
class Page:
    """A target as its visitor first sees it: the address and its forms."""

    path: str
    forms: list[PageForm]


@pytest.fixture
def target(name: str) -> Target:
    return next(target for target in TARGETS if target.name == name)


@pytest.fixture
def opened(world: World, target: Target) -> Page:
    client = visitor(world, target.who)
    path = target.address(world)
    response = client.get(path + target.query)
    assert_safe(response, f"{target.name} (read)")
    forms = forms_of(response, path) if response.status_code == 200 and target.forms else []
    if target.fields:
        forms.append(PageForm("post", path, dict(target.fields), dict(target.choices)))
    assert forms or target.params, f"{target.name}: nothing to attack on {path}"
    return Page(path, forms)


# By name, and the Target looked up inside: given a Target (its functions and strategies) as
# an argument, Hypothesis reports a failure as "Inconsistent data generation" instead.
@pytest.mark.parametrize("name", [target.name for target in TARGETS])
@run_briefly
@given(data=st.data())
def test_no_input_breaks_a_page(world, name, opened, data):
    target = next(target for target in TARGETS if target.name == name)
    # Each example starts where the first did, with a new visitor: what one saved, withdrew or
    # logged into is rolled back.
    with transaction.atomic():
        attack(visitor(world, target.who), target, opened, data)
        transaction.set_rollback(True)


# Drawn for a field that keeps its value. One object for the whole run: Hypothesis caches
# strategies, so st.just() of a new object each time may hand back an earlier one.
KEEP = object()


def draw_some(data, fields: dict[str, str], values: st.SearchStrategy) -> dict[str, str]:
    """`fields` with some of their values (at least one) replaced by hostile ones."""
    drawn = data.draw(st.fixed_dictionaries({name: st.just(KEEP) | values for name in fields}))
    if fields and all(value is KEEP for value in drawn.values()):
        name = data.draw(st.sampled_from(sorted(fields)))
        drawn[name] = data.draw(values)
    return {name: fields[name] if value is KEEP else value for name, value in drawn.items()}


def attack(client: Client, target: Target, page: Page, data) -> None:
    values = target.values
    path = page.path
    # Query parameters the view reads itself.
    if target.params:
        params = draw_some(data, dict.fromkeys(target.params, ""), values)
        response = client.get(path, params)
        assert_safe(response, f"{target.name} ?{sorted(params)}")
    for form in page.forms:
        sent = draw_some(data, form.values, values)
        for button, choices in form.buttons.items():
            # Mostly a real button; sometimes a made-up one.
            sent[button] = data.draw(st.one_of(st.sampled_from(choices), short))
        for name in form.files:
            content = data.draw(st.binary(max_size=200))
            file_name = data.draw(st.one_of(st.just("file.csv"), short))
            sent[name] = SimpleUploadedFile(file_name or "x", content)
        if form.method == "get":
            response = client.get(path + target.query, sent)
        else:
            response = client.post(path + target.query, sent)
        assert_safe(response, f"{target.name} {form.method.upper()} {sorted(sent)}")


# What the random runs found once, asked for every time.

NOT_AN_ID = ["²", "9" * 5000]  # a digit to str.isdigit() but not to int(); too many digits


@pytest.mark.parametrize("value", NOT_AN_ID)
def test_a_made_up_record_id_is_not_found(world, value):
    client = visitor(world, "staff")
    merge = reverse("staff:merge", args=["detainee", world.detainee.pk])
    assert client.get(merge, {"duplicate": value}).status_code == 404
    assert client.post(merge, {"duplicate": value}).status_code == 404
    restore = {"model": "detentions.detainee", "history_id": value}
    assert client.post(reverse("staff:restore"), restore).status_code == 404


@pytest.mark.parametrize("value", [*NOT_AN_ID, "99999999999999999999", "letters"])
def test_a_made_up_record_in_an_admin_autocomplete_box_is_asked_for_again(world, value):
    client = visitor(world, "staff")
    data = {"case": value, "kind": EventKind.NOTE, "title": "A note"}
    response = client.post(reverse("admin:detentions_event_add") + "?kind=note", data)
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Event.objects.filter(title="A note").exists()


@pytest.mark.parametrize("value", ["i²", "o²", "i" + "9" * 5000])
def test_a_made_up_addressee_is_asked_for_again(world, value):
    client = visitor(world, "relative")
    answers = {"what": "contacted", "step": "whom", "action": "next", "addressee": value}
    response = client.post(reverse("campaigns:log-entry", args=[world.case.slug]), answers)
    assert response.status_code == 200
    assert "Choose a name from the list, or type the name here." in response.content.decode()


def test_a_code_of_other_digits_is_refused(world):
    client = visitor(world, "staff setting up an app")
    response = client.post(reverse("campaigns:two-factor-setup"), {"code": "²²²²²²"})
    assert response.status_code == 200
    assert "This code is not right." in response.content.decode()


# Parts of the address that are free text, not numbers or slugs.
ADDRESSES_WITH_TEXT = [
    lambda value: reverse("campaigns:accept-invitation", args=[value]),
    lambda value: reverse("campaigns:password-reset-confirm", args=[value, value]),
    lambda value: reverse("campaigns:switch-language", args=[value]),
]


@pytest.mark.parametrize("address", ADDRESSES_WITH_TEXT, ids=["invitation", "reset", "language"])
@run_briefly
@given(value=short.filter(lambda value: value.strip("/.")))
def test_no_address_breaks_a_page(client, address, value):
    # As a browser sends it: every character but the path's own separators percent-encoded.
    path = address(quote(value, safe=""))
    assert_safe(client.get(path), path[:300])


@pytest.mark.parametrize("word", ["home", "index", "U»mz_GÑØå"])
def test_a_next_page_that_is_a_word_is_an_address_not_a_url_name(world, word):
    client = visitor(world, "staff")
    response = client.get(reverse("admin:login"), {"next": word})
    assert response.status_code == 302
    assert response["Location"] == quote(word)
