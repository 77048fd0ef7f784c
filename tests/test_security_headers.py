"""Every kind of response carries the security headers, and https is required as configured.

The suite runs over plain http with only the redirect to https off (tests/environment.py); the
other production defaults are what these tests see.
"""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from config.middleware import PERMISSIONS_POLICY
from detentions import selectors
from tests.accounts import PASSWORD, log_in
from tests.factories import (
    CaseFactory,
    EventFactory,
    KinshipFactory,
    RelativeWithAccountFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
HEADERS = {
    "Permissions-Policy": PERMISSIONS_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def directives(policy: str) -> dict[str, str]:
    return dict(directive.strip().split(" ", 1) for directive in policy.split(";"))


def assert_secured(response) -> None:
    assert directives(response.headers["Content-Security-Policy"]) == CONTENT_SECURITY_POLICY
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (name, response.headers.get(name))


@pytest.fixture
def case():
    case = CaseFactory(slug="border-case")
    EventFactory(case=case, title="Detained at the border")
    return case


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere(client):
    policy = client.get(reverse("detentions:case-list")).headers["Content-Security-Policy"]
    assert "unsafe-" not in policy
    assert set(directives(policy).values()) <= {"'self'", "'none'"}
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"):
        assert f"{feature}=()" in PERMISSIONS_POLICY


@pytest.mark.parametrize(
    ("name", "kwargs", "status"),
    [
        ("detentions:case-list", {}, 200),
        ("detentions:case-detail", {"slug": "border-case"}, 200),
        ("detentions:search", {}, 200),
        ("detentions:feed", {}, 200),
        ("detentions:case-feed", {"slug": "border-case"}, 200),
        ("detentions:case-timeline-json", {"slug": "border-case"}, 200),
        ("detentions:case-timeline-csv", {"slug": "border-case"}, 200),
        ("detentions:sitemap", {}, 200),
        ("detentions:robots", {}, 200),
        ("detentions:healthz", {}, 200),
        ("campaigns:report-detention", {}, 200),
        ("campaigns:login", {}, 200),
        ("campaigns:password-reset", {}, 200),
        # Not logged in: the redirect to the login page carries them too.
        ("campaigns:home", {}, 302),
        ("staff:home", {}, 302),
        ("admin:index", {}, 302),
        ("detentions:case-detail", {"slug": "no-such-case"}, 404),
    ],
)
def test_public_pages_feeds_downloads_and_errors(client, case, name, kwargs, status):
    response = client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == status
    assert_secured(response)


def test_a_page_in_another_language(client, case):
    response = client.get("/ru" + reverse("detentions:case-detail", kwargs={"slug": case.slug}))
    assert response.status_code == 200
    assert_secured(response)


def test_the_relatives_workspace(client, case):
    relative = RelativeWithAccountFactory()
    KinshipFactory(relative=relative, detainee__case=case)
    log_in(client, relative.user)
    for url in (
        reverse("campaigns:home"),
        reverse("campaigns:relative-case", kwargs={"slug": case.slug}),
        reverse("campaigns:log-entry", kwargs={"slug": case.slug}),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_secured(response)


def test_the_staff_workspace_and_the_admin(client, case):
    log_in(client, StaffUserFactory())
    for url in (
        reverse("staff:home"),
        reverse("staff:case", kwargs={"slug": case.slug}),
        reverse("admin:index"),
        reverse("admin:detentions_case_changelist"),
        reverse("admin:detentions_case_change", args=[case.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_secured(response)


def test_a_refused_form_403(case):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("campaigns:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert_secured(response)


def test_a_server_error_500(monkeypatch, case):
    def broken():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(selectors, "public_cases", broken)
    client = Client(raise_request_exception=False)
    response = client.get(reverse("detentions:case-list"))
    assert response.status_code == 500
    assert_secured(response)


def test_over_https_browsers_are_told_to_keep_to_it_for_a_year(client, case):
    response = client.get(reverse("detentions:case-list"), secure=True)
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_plain_http_is_redirected_to_https_unless_the_proxy_says_it_was_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    url = reverse("detentions:case-list")

    response = client.get(url)
    assertRedirects(response, f"https://testserver{url}", 301, fetch_redirect_response=False)

    response = client.get(url, headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response.headers


def test_the_cookies_go_over_https_only(client):
    relative = RelativeWithAccountFactory()

    response = client.get(reverse("campaigns:login"))
    assert response.cookies["csrftoken"]["secure"] is True
    response = client.post(
        reverse("campaigns:login"), {"username": relative.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] is True
    response = client.get(reverse("campaigns:switch-language", kwargs={"language": "ru"}))
    assert response.cookies["django_language"]["secure"] is True
