"""The site's URLs plus views that fail, for the error page tests (DEBUG off)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as site
from tests.test_public_privacy import MARKER


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(f"{MARKER} {settings.SECRET_KEY} {settings.DATABASES}")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation(f"{MARKER} {settings.SECRET_KEY}")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(f"{MARKER} {settings.SECRET_KEY}")


urlpatterns = [
    path("boom/", boom),
    path("suspicious/", suspicious),
    path("forbidden/", forbidden),
    *site,
]
