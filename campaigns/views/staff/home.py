"""The staff home: what waits for review and what needs following up."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from campaigns.staff_access import staff_required
from campaigns.staff_selectors import staff_home


@staff_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/home.html", {"home": staff_home(request.user)})
