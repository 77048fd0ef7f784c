"""Archiving a case, a person or an event instead of deleting it, and restoring it.

Both are confirmed: the address shows what will happen (GET) and a POST does it. An archived
record is gone from public pages, the relatives' workspace and staff lists; its case page lists
it (an archived case: the list of archived cases) with a way to restore it. Only a superuser
deletes for good, in the admin.
"""

from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from campaigns import casework_services
from campaigns.staff_access import cases_for_staff, staff_required
from detentions.models import Case
from detentions.models.archive import Archivable


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
    return redirect("staff:case", slug=_case_of(record).slug)


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
    return render(request, "staff/archived.html", {"cases": cases})
