"""Anyone may report a detention. It lands in a private queue for staff and is never published."""

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from campaigns.intake_forms import IntakeReportForm
from campaigns.models import IntakeReport

RATE_WINDOW = datetime.timedelta(hours=1)


def client_address(request: HttpRequest) -> str:
    """The sender's address, as the server or the one trusted reverse proxy in front of it saw it.

    Only the last address in a proxy's header is trusted: that is the one the proxy added itself,
    while anything before it came from the sender and may be made up.
    """
    header = settings.INTAKE_TRUSTED_PROXY_HEADER
    forwarded = request.headers.get(header, "") if header else ""
    if forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def address_hash(address: str) -> str:
    """A keyed hash of an address: it tells two reports from one sender apart from the rest, but
    without the secret key it cannot be turned back into the address."""
    return salted_hmac("campaigns.intake.address", address, algorithm="sha256").hexdigest()


def over_the_limit(sender: str) -> bool:
    since = timezone.now() - RATE_WINDOW
    recent = IntakeReport.objects.filter(address_hash=sender, created_at__gte=since)
    return recent.count() >= settings.INTAKE_REPORTS_PER_HOUR


# Never cached: the page posted back holds what someone typed about a detention.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_detention(request: HttpRequest) -> HttpResponse:
    form = IntakeReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.caught_a_bot:
            # Answer as if it worked, so that the program has nothing to learn from.
            return redirect("campaigns:report-received")
        sender = address_hash(client_address(request))
        if over_the_limit(sender):
            context = {"form": form, "over_the_limit": True}
            response = render(request, "campaigns/report_detention.html", context, status=429)
            response["Retry-After"] = str(int(RATE_WINDOW.total_seconds()))
            return response
        if form.is_valid():
            form.instance.address_hash = sender
            form.save()
            return redirect("campaigns:report-received")
    return render(request, "campaigns/report_detention.html", {"form": form})


@require_safe
def report_received(request: HttpRequest) -> HttpResponse:
    # Says what happens next and nothing of what was sent: someone else may look at the phone.
    return render(request, "campaigns/report_received.html")
