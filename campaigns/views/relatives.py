"""The relatives' workspace: their cases, what is new, and where their entries stand."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from campaigns import selectors
from campaigns.access import case_of, events_visible_to, relative_of
from campaigns.models import Relative
from detentions.selectors import by_month, number_sources
from detentions.views.public import page_number


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_staff and getattr(request.user, "relative", None) is None:
        # Staff log in on the same page as relatives; their workspace is the admin.
        return redirect("admin:index")
    relative = relative_of(request.user)
    since = relative.last_seen_at
    context = {
        "relative": relative,
        "since": since,
        "news": selectors.news_for(relative, since=since),
        "entries": list(selectors.entries_of(relative)),
    }
    # Only now, once what is new has been read: the next visit starts from this one.
    Relative.objects.filter(pk=relative.pk).update(last_seen_at=timezone.now())
    return render(request, "campaigns/home.html", context)


@require_safe
@login_required
def case_timeline(request: HttpRequest, slug: str) -> HttpResponse:
    relative = relative_of(request.user)
    case = case_of(relative, slug)
    page = selectors.relative_timeline_page(relative, case, page_number(request))
    if page is None:
        raise Http404
    context = {
        "case": case,
        "page": page,
        "months": by_month(page.events),
        "sources": number_sources(page.events),
    }
    return render(request, "campaigns/relative_case.html", context)


@require_safe
@login_required
def case_event(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An event on the relative's timeline, on whichever page lists it."""
    relative = relative_of(request.user)
    case = case_of(relative, slug)
    event = get_object_or_404(events_visible_to(relative).filter(case=case), pk=pk)
    number = selectors.relative_page_of(relative, event)
    page = f"?page={number}" if number > 1 else ""
    return redirect(f"{reverse('campaigns:relative-case', args=[case.slug])}{page}#event-{pk}")
