"""Case work outside the admin: a case's whole timeline, and quick forms for events (with their
details and citations), detainees and sources.

Edit forms carry the version they were read at. If someone else saved in between, the save is
refused with 409: the page shows what they changed and keeps what this person typed, now at the
new version, so they can re-apply it knowingly; nothing is silently overwritten.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from campaigns import casework_services
from campaigns.casework_forms import (
    DetaineeForm,
    EventForm,
    SourceForm,
    citation_formset,
    detail_form,
    kind_or_none,
)
from campaigns.staff_access import case_for_staff, cases_for_staff, staff_required
from campaigns.views.staff.history import changes_since
from detentions.models import Detainee, Event, EventKind


@require_safe
@staff_required
def case(request: HttpRequest, slug: str) -> HttpResponse:
    case = case_for_staff(request.user, slug, with_archived=True)
    if case.is_archived:
        # Nothing is worked on in an archived case: it shows only how to restore it.
        return render(request, "staff/case_detail.html", {"case": case})
    events = (
        Event.objects.current()
        .filter(case=case)
        .with_details()
        .with_sources(public_only=False)
        .with_people()
        .in_date_order()
    )
    detainees = case.detainees.current().select_related("facility")
    archived = {
        "detainees": case.detainees.archived().select_related("archived_by"),
        "events": Event.objects.archived()
        .filter(case=case)
        .select_related("archived_by")
        .order_by("-archived_at", "-pk"),
    }
    return render(
        request,
        "staff/case_detail.html",
        {
            "case": case,
            "events": events,
            "detainees": detainees,
            "archived": archived,
            "kinds": EventKind.choices,
        },
    )


def _event_forms(request: HttpRequest, event: Event, data=None) -> dict:
    return {
        "form": EventForm(data, instance=event),
        "detail_form": detail_form(event.kind, event=event, data=data),
        "citations": citation_formset(event=event, data=data),
    }


def _all_valid(forms: dict) -> bool:
    # The event form first: the citations' check reads the verification chosen on it.
    return all([form.is_valid() for form in forms.values() if form is not None])


def _conflict(request: HttpRequest, template: str, context: dict, changes: list) -> HttpResponse:
    context |= {"form_template": template, "changes": changes}
    return render(request, "staff/conflict.html", context, status=409)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def event_add(request: HttpRequest, slug: str) -> HttpResponse:
    case = case_for_staff(request.user, slug)
    kind = kind_or_none(request.GET.get("kind"))
    if kind is None:
        return render(request, "staff/event_form.html", {"case": case, "kinds": EventKind.choices})
    event = Event(case=case, kind=kind)
    forms = _event_forms(request, event, request.POST if request.method == "POST" else None)
    if request.method == "POST" and _all_valid(forms):
        casework_services.save_event(
            event=event,
            read_version=None,
            detail_form=forms["detail_form"],
            citations=forms["citations"],
            user=request.user,
        )
        messages.success(request, _("The event was added."))
        return redirect("staff:case", slug=case.slug)
    return render(request, "staff/event_form.html", {"case": case, "event": event, **forms})


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    events = (
        Event.objects.current()
        .select_related("case")
        .filter(case__in=cases_for_staff(request.user))
    )
    event = get_object_or_404(events, pk=pk)
    if request.method != "POST":
        forms = _event_forms(request, event)
        return render(
            request, "staff/event_form.html", {"case": event.case, "event": event, **forms}
        )
    forms = _event_forms(request, event, request.POST)
    if _all_valid(forms):
        read_version = forms["form"].cleaned_data["version"]
        try:
            casework_services.save_event(
                event=event,
                read_version=read_version,
                detail_form=forms["detail_form"],
                citations=forms["citations"],
                user=request.user,
            )
        except casework_services.VersionConflict:
            yours = {**forms["form"].cleaned_data}
            if forms["detail_form"] is not None:
                yours |= forms["detail_form"].cleaned_data
            current = get_object_or_404(events, pk=pk)
            changes = changes_since(current, read_version=read_version, yours=yours)
            data = request.POST.copy()
            data["version"] = current.version
            forms = _event_forms(request, current, data)
            context = {"case": current.case, "event": current, **forms}
            return _conflict(request, "staff/event_form.html", context, changes)
        messages.success(request, _("The event was saved."))
        return redirect("staff:case", slug=event.case.slug)
    return render(request, "staff/event_form.html", {"case": event.case, "event": event, **forms})


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def detainee_add(request: HttpRequest, slug: str) -> HttpResponse:
    case = case_for_staff(request.user, slug)
    detainee = Detainee(case=case)
    form = DetaineeForm(request.POST or None, instance=detainee)
    # Until confirmed, a name matching someone already recorded is shown, not saved.
    form.duplicate_candidates = (
        Detainee.objects.current()
        .filter(case__in=cases_for_staff(request.user))
        .select_related("case")
    )
    if request.method == "POST" and form.is_valid():
        casework_services.save_detainee(detainee=form.instance, read_version=None)
        messages.success(request, _("The detainee was added."))
        return redirect("staff:case", slug=case.slug)
    return render(request, "staff/detainee_form.html", {"case": case, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def detainee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    detainees = (
        Detainee.objects.current()
        .select_related("case")
        .filter(case__in=cases_for_staff(request.user))
    )
    detainee = get_object_or_404(detainees, pk=pk)
    form = DetaineeForm(request.POST or None, instance=detainee)
    context = {"case": detainee.case, "detainee": detainee, "form": form}
    if request.method == "POST" and form.is_valid():
        read_version = form.cleaned_data["version"]
        try:
            casework_services.save_detainee(detainee=form.instance, read_version=read_version)
        except casework_services.VersionConflict:
            current = get_object_or_404(detainees, pk=pk)
            changes = changes_since(current, read_version=read_version, yours=form.cleaned_data)
            data = request.POST.copy()
            data["version"] = current.version
            context |= {"detainee": current, "form": DetaineeForm(data, instance=current)}
            return _conflict(request, "staff/detainee_form.html", context, changes)
        messages.success(request, _("The detainee was saved."))
        return redirect("staff:case", slug=detainee.case.slug)
    return render(request, "staff/detainee_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def source_add(request: HttpRequest) -> HttpResponse:
    # Sources are shared by every case; a case given in the address is where to go back to.
    slug = request.GET.get("case")
    back_to = case_for_staff(request.user, slug) if slug else None
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        source = casework_services.add_source(source=form.instance)
        messages.success(request, _("The source “%(title)s” was added.") % {"title": source})
        if back_to is not None:
            return redirect("staff:case", slug=back_to.slug)
        return redirect("staff:source-add")
    return render(request, "staff/source_form.html", {"form": form, "case": back_to})
