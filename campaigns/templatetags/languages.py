"""The language switcher and the hreflang links: the page the reader is on, in each language."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils.http import urlencode
from django.utils.translation import get_language

register = template.Library()


@dataclass(frozen=True)
class LanguageVersion:
    code: str
    name: str
    is_current: bool
    page_url: str  # the same page in this language, for rel="alternate" hreflang
    switch_url: str  # the switcher: remembers the choice, then opens page_url


# Django's error pages. The address that failed may name something unpublished: an error page
# links to the home page in each language instead of repeating it. (The 403 and 404 pages carry
# the exception; the 400 and CSRF failure pages are given nothing to tell them by but their name.)
ERROR_PAGES = {"400.html", "403.html", "403_csrf.html", "404.html", "500.html"}
# No page's address is longer: a search takes 200 characters, some 1,200 once encoded.
LONGEST_ADDRESS = 2_000


@register.simple_tag(takes_context=True)
def language_versions(context: template.Context) -> list[LanguageVersion]:
    request: HttpRequest | None = context.get("request")
    here = request.get_full_path() if request is not None else "/"
    if request is None or "exception" in context or context.template_name in ERROR_PAGES:
        here = reverse("detentions:case-list")
    elif len(here) > LONGEST_ADDRESS:
        # A made-up query, not repeated in every link to the page (a 100 KB query would come
        # back five times over): the page itself, in each language.
        here = request.path
    current = get_language()
    return [
        LanguageVersion(
            code=code,
            name=name,
            is_current=code == current,
            page_url=translate_url(here, code),
            switch_url=reverse("campaigns:switch-language", args=[code])
            + "?"
            + urlencode({"next": here}),
        )
        for code, name in settings.LANGUAGES
    ]
