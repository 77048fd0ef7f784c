"""Staff search: names however they are spelled, across the cases this staff member may see."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from campaigns import staff_search
from campaigns.staff_access import staff_required


@staff_required
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = staff_search.search_form(request.user, request.GET or None)
    return render(
        request,
        "staff/search.html",
        {"form": form, "groups": staff_search.results(request.user, form)},
    )
