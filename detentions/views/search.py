"""The public name search. It reads only through `detentions.public_search`, which starts from
what public pages already show."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from detentions import public_search
from detentions.page_cache import cached_search_page


# Cached like the other public pages, in a memory of its own (`cached_search_page`): what it
# shows depends only on the address (the query and the filters), the language and public
# content, never on who asks; a form with errors is the same page for everyone too.
@require_safe
@cached_search_page
def search(request: HttpRequest) -> HttpResponse:
    form = public_search.search_form(request.GET or None, content_version=request.content_version)
    return render(
        request,
        "detentions/search.html",
        {"form": form, "groups": public_search.results(form)},
    )
