"""The full lists of work behind the staff home, a page at a time: the home shows only the most
urgent rows of each."""

from django.conf import settings
from django.core.paginator import InvalidPage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from campaigns import staff_selectors
from campaigns.staff_access import staff_required
from detentions.views.public import page_number

# Each list's rows, as the staff home shows them too.
ROWS_TEMPLATES = {
    staff_selectors.ENTRIES: "staff/_entry_rows.html",
    staff_selectors.INTAKE: "staff/_intake_rows.html",
    staff_selectors.OVERDUE_REPLIES: "staff/_overdue_rows.html",
    staff_selectors.NO_CONSULAR_ACCESS: "staff/_consular_rows.html",
    staff_selectors.WHEREABOUTS_UNKNOWN: "staff/_whereabouts_rows.html",
}


def title(name: str) -> str:
    """The list's heading, worded as where the staff home shows or links to it."""
    if name == staff_selectors.ENTRIES:
        return _("Relatives' entries waiting for review")
    if name == staff_selectors.INTAKE:
        return _("Reports from the public form waiting for review")
    if name == staff_selectors.OVERDUE_REPLIES:
        return _("Replies overdue")
    if name == staff_selectors.NO_CONSULAR_ACCESS:
        days = settings.CONSULAR_ACCESS_ALERT_DAYS
        return ngettext(
            "No consular access for more than %(days)s day",
            "No consular access for more than %(days)s days",
            days,
        ) % {"days": days}
    return _("Whereabouts unknown")


@staff_required
@require_safe
def worklist(request: HttpRequest, name: str) -> HttpResponse:
    try:
        page = staff_selectors.worklist_page(
            request.user, name, page_number(request), today=timezone.localdate()
        )
    except InvalidPage:
        # As on the public lists: a page past the end does not exist.
        raise Http404 from None
    return render(
        request,
        "staff/worklist.html",
        {"title": title(name), "rows_template": ROWS_TEMPLATES[name], "page": page},
    )
