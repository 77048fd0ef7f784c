"""Two app processes, one PostgreSQL and one Redis, as on two machines behind a proxy: what staff
publish through one process, readers see through the other at once, and a login made through
one is valid in the other. Nothing the site needs is kept in a process: sessions and counts live
in the database, cached pages in the cache that CACHE_URL names.

The processes are gunicorn, as in production (DEBUG off), on two ports of 127.0.0.1, serving
pytest-django's test database: the rows each test commits (`transactional_db`).
"""

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode, urljoin
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import reverse

from detentions.models import Event, EventKind, Source
from tests.accounts import PASSWORD, authenticator, totp_code
from tests.factories import (
    EntryFactory,
    EventFactory,
    KinshipFactory,
    SourceFactory,
    StaffUserFactory,
)
from tests.required_tools import require_tool

pytestmark = pytest.mark.integration

# A database of Redis's own for this test; a new key prefix on every run keeps runs apart.
REDIS_URL = "redis://127.0.0.1:6379/15"
STARTUP_SECONDS = 30
REQUEST_SECONDS = 15

TITLE = "Shynar Kulegenova writes to the KNB in Aktobe"


@dataclass
class App:
    """One app process: where it answers, and its output (shown when it fails to start)."""

    url: str
    process: subprocess.Popen
    log: Path

    def __call__(self, path: str) -> str:
        return urljoin(self.url, path)


@dataclass
class Page:
    status: int
    headers: Message
    text: str


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # each answer is looked at as it is: a redirect is a Page of its own


class Browser:
    """One visitor's cookies. As in a browser, a cookie goes to whichever process the visitor
    reaches (cookies ignore the port), just as behind one proxy address."""

    def __init__(self, cookie: str = "") -> None:
        self.cookies = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies), _NoRedirects)
        # A cookie given by hand (only this one is sent; the jar adds none beside it).
        self.headers = {"Accept-Language": "en"} | ({"Cookie": cookie} if cookie else {})

    def get(self, url: str) -> Page:
        return self._open(Request(url, headers=self.headers))  # noqa: S310 (checked in _open)

    def post(self, url: str, data: dict) -> Page:
        body = urlencode(data).encode()
        request = Request(url, data=body, headers=self.headers, method="POST")  # noqa: S310
        return self._open(request)

    def cookie(self, name: str) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == name)

    def _open(self, request: Request) -> Page:
        assert request.full_url.startswith("http://127.0.0.1:"), request.full_url
        try:
            with self.opener.open(request, timeout=REQUEST_SECONDS) as response:
                return Page(response.status, response.headers, response.read().decode())
        except HTTPError as error:
            with error:
                return Page(error.code, error.headers, error.read().decode())


def csrf_token(page: Page) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """This test's database (pytest-django's, `test_...`) as DATABASE_URL."""
    database = settings.DATABASES["default"]
    user, password = quote(database["USER"], safe=""), quote(database["PASSWORD"], safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = quote(database["HOST"], safe="")
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgres://{credentials}{host}{port}/{quote(database['NAME'], safe='')}"


def redis_answers() -> bool:
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2) as client:
            return client.ping()
    except redis.RedisError:
        return False


def shared_cache_keys(prefix: str) -> list[bytes]:
    with redis.Redis.from_url(REDIS_URL) as client:
        return list(client.scan_iter(f"{prefix}:*"))


def start(name: str, environment: dict[str, str], folder: Path) -> App:
    port = free_port()
    log = folder / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 (this interpreter's gunicorn, our own arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "tests.scale_out_wsgi",
                f"--bind=127.0.0.1:{port}",
                "--workers=1",
                "--access-logfile=-",
            ],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            # Its own process group: the master and its worker are stopped together.
            start_new_session=True,
        )
    return App(url=f"http://127.0.0.1:{port}", process=process, log=log)


def wait_until_ready(app: App) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if app.process.poll() is not None:
            pytest.fail(f"{app.url} stopped while starting:\n{app.log.read_text()}")
        try:
            if Browser().get(app(reverse("detentions:healthz"))).status == 200:
                return
        except (URLError, ConnectionError, TimeoutError):
            pass  # not listening yet
        if time.monotonic() > deadline:
            pytest.fail(f"{app.url} did not answer in {STARTUP_SECONDS}s:\n{app.log.read_text()}")
        time.sleep(0.2)


def stop(app: App) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(app.process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        app.process.wait(timeout=10)
    # Whatever is left of the group: a master that would not stop, a worker that outlived it.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(app.process.pid, signal.SIGKILL)
    app.process.wait(timeout=10)


@pytest.fixture(scope="module")
def cache_prefix() -> Iterator[str]:
    prefix = f"scale-out-{secrets.token_hex(6)}"
    yield prefix
    if redis_answers():
        with redis.Redis.from_url(REDIS_URL) as client:
            for key in client.scan_iter(f"{prefix}:*"):
                client.delete(key)


@pytest.fixture(scope="module")
def apps(django_db_setup, cache_prefix, tmp_path_factory) -> Iterator[tuple[App, App]]:
    """Processes A and B, started once for this module, stopped (process groups and all) before
    pytest-django drops the test database."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (DATABASE_URL=postgres://...): pytest-django's SQLite test "
            "database lives in this process's memory, where no other process can open it"
        )
    require_tool(
        redis_answers(),
        "Redis on 127.0.0.1:6379 is needed (apt-get install redis-server, then start it)",
    )
    environment = {
        **{name: value for name, value in os.environ.items() if name != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(settings.BASE_DIR),
        "DEBUG": "false",
        # The same key on every machine: sessions and password links are signed with it.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        # No connection left open for the test's flush of the tables after each test.
        "CONN_MAX_AGE": "0",
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": cache_prefix,
        # Public pages cached whole (detentions/page_cache.py), whatever the shell says.
        "PUBLIC_PAGE_CACHE": "true",
        # Plain http on 127.0.0.1: no redirect to https, cookies sent without it.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "LANGUAGE_COOKIE_SECURE": "false",
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # tests/environment.py's, not production's
    folder = tmp_path_factory.mktemp("scale-out")
    started = []
    try:
        for name in ("a", "b"):
            started.append(start(name, environment, folder))
        for app in started:
            wait_until_ready(app)
        yield started[0], started[1]
    finally:
        for app in started:
            stop(app)


def log_in(browser: Browser, app: App, user) -> None:
    """As a person does: the password, then the code from their authenticator app."""
    device = authenticator(user)
    goal = reverse("staff:home")
    login = browser.get(app(reverse("campaigns:login")))
    answer = browser.post(
        app(reverse("campaigns:login")),
        {
            "csrfmiddlewaretoken": csrf_token(login),
            "username": user.username,
            "password": PASSWORD,
            "next": goal,
        },
    )
    assert answer.status == 302, answer.text
    step_url = app(answer.headers["Location"])
    step = browser.get(step_url)
    answer = browser.post(
        step_url,
        {
            "csrfmiddlewaretoken": csrf_token(step),
            "code": totp_code(device),
            "next": goal,
        },
    )
    assert (answer.status, answer.headers["Location"]) == (302, goal), answer.text


def relatives_entry():
    """A relative's letter to the KNB, waiting for review: internal and unverified."""
    relative = KinshipFactory(relative__preferred_language="en").relative
    event = EventFactory(
        case=relative.cases.first(),
        kind=EventKind.NOTE,
        title=TITLE,
        is_public=False,
        verification=Event.Verification.REPORTED,
    )
    return EntryFactory(relative=relative, event=event)


def test_a_publish_through_one_process_is_seen_at_once_through_the_other(
    apps, transactional_db, cache_prefix
):
    a, b = apps
    entry = relatives_entry()
    event = entry.event
    source = SourceFactory(title="Copy of the letter to the KNB")
    reviewer = StaffUserFactory(username="reviewer")
    reader = Browser()

    # A reader opens the case through B, which keeps the page in the shared cache.
    page = reader.get(b(event.case.get_absolute_url()))
    assert page.status == 200, page.text
    assert event.case.title in page.text
    assert TITLE not in page.text
    assert shared_cache_keys(cache_prefix), "B cached nothing in Redis (CACHE_URL)"

    # Staff log in and publish the entry through A.
    staff = Browser()
    log_in(staff, a, reviewer)
    review_url = a(reverse("staff:review-entry", args=[entry.pk]))
    review = staff.get(review_url)
    assert review.status == 200, review.text
    answer = staff.post(
        review_url,
        {
            "csrfmiddlewaretoken": csrf_token(review),
            "action": "publish",
            "verify-version": event.version,
            "verify-title": event.title,
            "verify-description": event.description,
            "verify-date_precision": event.date_precision,
            "verify-date_start": event.date_start.isoformat(),
            "verify-date_end": "",
            "verify-source": source.pk,
            "verify-new_source_title": "",
            "verify-new_source_url": "",
            "verify-new_source_kind": Source.Kind.TESTIMONY,
        },
    )
    assert answer.status == 302, answer.text
    event.refresh_from_db()
    assert (event.is_public, event.verification) == (True, Event.Verification.VERIFIED)

    # The reader's next visit through B shows it: no wait, no stale copy.
    page = reader.get(b(event.case.get_absolute_url()))
    assert page.status == 200, page.text
    assert TITLE in page.text


def test_a_login_through_one_process_is_valid_through_the_other(apps, transactional_db):
    a, b = apps
    relatives_entry()  # something on the staff home to recognise it by
    reviewer = StaffUserFactory(username="reviewer")
    staff = Browser()
    log_in(staff, a, reviewer)
    session = f"{settings.SESSION_COOKIE_NAME}={staff.cookie(settings.SESSION_COOKIE_NAME)}"

    # Only the session cookie A gave, sent to B: B knows who it is and that they gave a code.
    page = Browser(cookie=session).get(b(reverse("staff:home")))
    assert page.status == 200, page.text
    assert "<h1>Staff workspace</h1>" in page.text
    assert TITLE in page.text
    # Without it, B sends the visitor to log in.
    stranger = Browser().get(b(reverse("staff:home")))
    assert stranger.status == 302
    assert stranger.headers["Location"].startswith(reverse("campaigns:login"))
