"""Pages anyone may read. They read only through `published()` and `public()` querysets."""

from django.core.paginator import InvalidPage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from detentions import selectors
from detentions.forms import CaseFilterForm
from detentions.models import Event
from detentions.page_cache import cached_public_page
from detentions.timeline_chart import build_chart

# Cases on one page of the home page: a national archive has thousands.
CASES_PER_PAGE = 50


@require_safe
@cached_public_page
def case_list(request: HttpRequest) -> HttpResponse:
    filters = CaseFilterForm(request.GET or None)
    matching = filters.filter(selectors.public_cases_newest_first())
    try:
        page = selectors.page_of_public_cases(
            matching, page_number(request), per_page=CASES_PER_PAGE
        )
    except InvalidPage:
        raise Http404 from None
    # The filters, kept in the links to other pages.
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "detentions/case_list.html",
        {
            "cases": page,
            "filters": filters,
            "filter_query": query.urlencode(),
            "today": timezone.localdate(),
        },
    )


def page_number(request: HttpRequest, name: str = "page") -> int:
    """The `?page=` (or other `name`) asked for: 1 when not given; 404 for anything but a
    number."""
    number = request.GET.get(name, "1")
    if not number.isascii() or not number.isdigit() or len(number) > 6:
        raise Http404
    return int(number)


@require_safe
@cached_public_page
def case_detail(request: HttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(selectors.public_cases_with_timeline_counts(), slug=slug)
    page = selectors.public_timeline_page(case, page_number(request))
    if page is None:
        raise Http404
    today = timezone.localdate()
    headline, status_in_force = selectors.public_headline(case, page, today=today)
    context = {
        "case": case,
        "page": page,
        "on_this_page": {event.pk for event in page.events},
        "headline": headline,
        "months": selectors.by_month(page.events),
        "chart": build_chart(page.events, today=today, status_in_force=status_in_force),
        "people": selectors.public_people_rows(case),
        "sources": selectors.number_sources(page.events),
        "relatives": selectors.public_relatives(case),
        "contacts": selectors.contact_rows(page.events, today=today),
    }
    return render(request, "detentions/case_detail.html", context)


@require_safe
def event_permalink(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An event's lasting address: the page of the timeline that lists it, however long the
    timeline grows."""
    event = get_object_or_404(
        Event.objects.public().filter(case__slug=slug).select_related("case"), pk=pk
    )
    number = selectors.timeline_page_of(event)
    page = f"?page={number}" if number > 1 else ""
    return redirect(f"{event.case.get_absolute_url()}{page}#event-{event.pk}")


@require_safe
@cached_public_page
def institution_detail(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_object_or_404(selectors.public_institutions(), slug=slug)
    record = selectors.institution_record(
        institution, number=page_number(request), today=timezone.localdate()
    )
    if record is None:
        raise Http404
    return render(request, "detentions/institution_detail.html", {"record": record})
