"""Merging a record entered twice: the record to keep, a name search to pick its duplicate, then
what will move, confirmed with a POST (`campaigns.merge_services`).

Detainees and relatives are found only in the cases this person may see (404 otherwise);
facilities, institutions and officials are shared by every case.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaigns import merge_services
from campaigns.models import Kinship, Relative
from campaigns.staff_access import cases_for_staff, staff_required
from campaigns.staff_selectors import sees_all_cases
from detentions.models import Detainee, Official
from detentions.search import Match, find


@dataclass
class Candidate:
    """A search result on the merge page: a record that may be the duplicate, or why not."""

    match: Match
    url: str
    refused: str = ""


def records_for_staff(user: AbstractBaseUser, model: type[Model]) -> QuerySet:
    """The records of `model` this staff member may merge, with what their names are shown with."""
    if model is Detainee:
        return (
            Detainee.objects.current().filter(case__in=cases_for_staff(user)).select_related("case")
        )
    if model is Relative:
        relatives = Relative.objects.prefetch_related("cases")
        if sees_all_cases(user):
            return relatives
        kinships = Kinship.objects.filter(relative=OuterRef("pk"), case__in=cases_for_staff(user))
        return relatives.filter(Exists(kinships))
    if model is Official:
        return Official.objects.select_related("institution")
    return model._default_manager.all()


def record_url(record: Model) -> str:
    """Where staff edit the record: the staff page for detainees, the admin for the rest."""
    if isinstance(record, Detainee):
        return reverse("staff:detainee-edit", kwargs={"pk": record.pk})
    return reverse(admin_urlname(record._meta, "change"), args=[record.pk])


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def merge(request: HttpRequest, model: str, pk: int) -> HttpResponse:
    model_class = merge_services.MERGEABLE.get(model)
    if model_class is None:
        raise Http404
    records = records_for_staff(request.user, model_class)
    survivor = get_object_or_404(records, pk=pk)
    others = records.exclude(pk=survivor.pk)
    context = {
        "record": survivor,
        "record_url": record_url(survivor),
        "model": model,
        "verbose_name": model_class._meta.verbose_name,
    }
    chosen = (request.POST if request.method == "POST" else request.GET).get("duplicate")
    if chosen is None:
        if request.method == "POST":
            raise Http404
        query = request.GET.get("q", "").strip()
        context |= {"query": query, "candidates": _candidates(survivor, others, query)}
        return render(request, "staff/merge.html", context)

    # "²" is a digit to isdigit() but not to int(), nor are 5,000 digits: only a plausible id.
    if not (chosen.isascii() and chosen.isdigit() and len(chosen) <= 18):
        raise Http404
    duplicate = get_object_or_404(others, pk=chosen)
    context |= {"duplicate": duplicate, "duplicate_url": record_url(duplicate)}
    try:
        if request.method == "POST":
            merge_services.merge(survivor, duplicate, user=request.user)
            messages.success(
                request,
                _(
                    "“%(duplicate)s” was merged into “%(record)s”: its links and history are "
                    "now this record's."
                )
                % {"duplicate": duplicate, "record": survivor},
            )
            return redirect(record_url(survivor))
        context["plan"] = merge_services.plan(survivor, duplicate)
    except merge_services.MergeRefused as refused:
        context["refused"] = str(refused)
        status = 409 if request.method == "POST" else 200
        return render(request, "staff/merge.html", context, status=status)
    return render(request, "staff/merge.html", context)


def _candidates(survivor: Model, others: QuerySet, query: str) -> list[Candidate]:
    candidates = []
    for match in find(others, query) if query else []:
        try:
            merge_services.check_mergeable(survivor, match.record)
            refused = ""
        except merge_services.MergeRefused as error:
            refused = str(error)
        candidates.append(Candidate(match, record_url(match.record), refused))
    return candidates
