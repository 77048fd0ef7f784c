"""Archiving a case, a person or an event instead of deleting it, and restoring it.

Both are confirmed: the address shows what will happen (GET) and a POST does it. An archived
record is gone from public pages, the relatives' workspace and staff lists; its case page lists
the latest ones, and the case's lists of archived people and events all of them, a page at a
time (an archived case: the list of archived cases), each with a way to restore it. Only a
superuser deletes for good, in the admin.
"""

from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from campaigns import casework_selectors, casework_services
from campaigns.staff_access import case_for_staff, cases_for_staff, staff_required
from detentions.models import Case, Detainee, Event
from detentions.models.archive import Archivable
from detentions.views.public import page_number

# The lists of what was archived from a case, by the word in their address: the kind of record
# each lists, as `unarchive` names it, and its model.
ARCHIVED_FROM_CASE = {"detainees": ("detainee", Detainee), "events": ("event", Event)}
# A restore button on one of those lists sends this, to come back to the list.
BACK_TO_LIST = "archived-list"


def _record(user: AbstractBaseUser, kind: str, pk: int, *, archived: bool) -> Archivable:
    """The record of `kind` a staff member may archive (or restore), or 404."""
    model = casework_services.ARCHIVABLE.get(kind)
    if model is None:
        raise Http404
    if model is Case:
        records = cases_for_staff(user, with_archived=True)
    else:
        # A person or event of an archived case comes back with its case, not alone.
        records = model.objects.select_related("case").filter(case__in=cases_for_staff(user))
    records = records.archived() if archived else records.current()
    record = records.filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def _case_of(record: Archivable) -> Case:
    return record if isinstance(record, Case) else record.case


def _context(kind: str, record: Archivable) -> dict:
    return {
        "kind": kind,
        "record": record,
        "case": _case_of(record),
        "verbose_name": record._meta.verbose_name,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def archive(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = _record(request.user, kind, pk, archived=False)
    if request.method != "POST":
        return render(request, "staff/archive_confirm.html", _context(kind, record))
    casework_services.archive(record=record, user=request.user)
    messages.success(
        request,
        _("“%(record)s” was archived. It can be restored from the list of archived records.")
        % {"record": record},
    )
    if isinstance(record, Case):
        return redirect("staff:archived")
    return redirect("staff:case", slug=record.case.slug)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def unarchive(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = _record(request.user, kind, pk, archived=True)
    if request.method != "POST":
        return render(request, "staff/unarchive_confirm.html", _context(kind, record))
    casework_services.unarchive(record=record, user=request.user)
    messages.success(request, _("“%(record)s” was restored.") % {"record": record})
    case = _case_of(record)
    if request.POST.get("back") == BACK_TO_LIST and not isinstance(record, Case):
        # The list's first page: the one the user was on may be gone now.
        return redirect("staff:case-archived", slug=case.slug, kind=f"{kind}s")
    return redirect("staff:case", slug=case.slug)


def _page(records: QuerySet, request: HttpRequest) -> Page:
    """The page `?page=` asks for, ARCHIVED_PER_PAGE records; 404 past the end."""
    paginator = Paginator(records, casework_selectors.ARCHIVED_PER_PAGE)
    try:
        return paginator.page(page_number(request))
    except InvalidPage:
        raise Http404 from None


@require_safe
@staff_required
def archived(request: HttpRequest) -> HttpResponse:
    """The archived cases this staff member may see, latest archived first. Archived people and
    events are listed on their case's page."""
    cases = (
        cases_for_staff(request.user, with_archived=True)
        .archived()
        .select_related("archived_by")
        .order_by("-archived_at", "-pk")
    )
    return render(request, "staff/archived.html", {"page": _page(cases, request)})


@require_safe
@staff_required
def case_archived(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """Every person or every event archived from a case, latest archived first, a page at a
    time: the case page lists only the latest. Not for an archived case, whose records come
    back with it."""
    if kind not in ARCHIVED_FROM_CASE:
        raise Http404
    record_kind, model = ARCHIVED_FROM_CASE[kind]
    case = case_for_staff(request.user, slug)
    page = _page(casework_selectors.archived_from_case(case, model), request)
    context = {
        "case": case,
        "page": page,
        "kind": kind,
        "record_kind": record_kind,
        "back": BACK_TO_LIST,
    }
    return render(request, "staff/case_archived.html", context)
