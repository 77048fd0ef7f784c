"""Public pages. They read only through `published()` and `public()` querysets."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from detentions.models import Case, Event


def public_cases():
    return Case.objects.published().with_status(public_only=True).with_people_counts()


@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    return render(request, "detentions/case_list.html", {"cases": public_cases()})


@require_safe
def case_detail(request: HttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(public_cases(), slug=slug)
    events = (
        Event.objects.public()
        .filter(case=case)
        .in_date_order()
        .with_details(public_sources_only=True)
    )
    return render(request, "detentions/case_detail.html", {"case": case, "events": events})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the app and its database answer, 503 otherwise; for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
