"""The public name search. It reads only through `detentions.public_search`, which starts from
what public pages already show."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from detentions import public_search


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = public_search.search_form(request.GET or None)
    return render(
        request,
        "detentions/search.html",
        {"form": form, "groups": public_search.results(form)},
    )
