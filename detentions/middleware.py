"""A first visit to an address without a language prefix opens in the browser's language."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers


class FirstVisitLanguageMiddleware:
    """Unprefixed addresses are the English pages. A reader who has never chosen a language (no
    language cookie) and whose browser asks for Russian or Kazakh is sent to that language's
    page instead; once they pick English in the switcher, the cookie keeps them on it. Prefixed
    addresses (/ru/..., /kk/...) are never redirected: a shared link keeps its language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if translation.get_language_from_path(request.path_info) is not None:
            return response
        if not (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
            return response
        wanted = translation.get_language_from_request(request)
        here = request.get_full_path()
        there = translate_url(here, wanted)
        if wanted == settings.LANGUAGE_CODE or there == here:  # an address with no other language
            return response
        redirect = HttpResponseRedirect(there)
        patch_vary_headers(redirect, ("Accept-Language", "Cookie"))
        return redirect
