"""The relatives' workspace: their cases, what is new, and where their entries stand."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from campaigns import selectors
from campaigns.access import case_of, relative_of
from campaigns.models import Relative
from detentions.selectors import by_month, number_sources


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
    events = selectors.relative_timeline(relative, case)
    context = {
        "case": case,
        "months": by_month(events),
        "sources": number_sources(events),
    }
    return render(request, "campaigns/relative_case.html", context)
