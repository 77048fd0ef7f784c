"""Pages anyone may read. They read only through `published()` and `public()` querysets."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from detentions import selectors
from detentions.forms import CaseFilterForm
from detentions.timeline_chart import build_chart


@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    cases = selectors.public_cases()
    filters = CaseFilterForm(request.GET or None)
    return render(
        request,
        "detentions/case_list.html",
        {"cases": filters.filter(cases), "filters": filters, "today": timezone.localdate()},
    )


@require_safe
def case_detail(request: HttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(selectors.public_cases(), slug=slug)
    today = timezone.localdate()
    events = selectors.public_timeline(case)
    context = {
        "case": case,
        "headline": selectors.headline(events, today=today),
        "months": selectors.by_month(events),
        "chart": build_chart(events, today=today),
        "people": selectors.public_people_rows(case),
        "sources": selectors.number_sources(events),
        "relatives": selectors.public_relatives(case),
        "contacts": selectors.contact_rows(events, today=today),
    }
    return render(request, "detentions/case_detail.html", context)


@require_safe
def institution_detail(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_object_or_404(selectors.public_institutions(), slug=slug)
    record = selectors.institution_record(institution, today=timezone.localdate())
    return render(request, "detentions/institution_detail.html", {"record": record})
