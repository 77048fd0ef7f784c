"""Case work outside the admin: a case's timeline and people a page at a time, and quick forms
for events (with their details and citations), detainees and sources.

Edit forms carry the version they were read at. If someone else saved in between, the save is
refused with 409: the page shows what they changed and keeps what this person typed, now at the
new version, so they can re-apply it knowingly; nothing is silently overwritten.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from campaigns import casework_selectors, casework_services
from campaigns.casework_forms import (
    DetaineeForm,
    EventForm,
    SourceForm,
    citation_formset,
    detail_form,
    kind_or_none,
    show_as_typed,
)
from campaigns.staff_access import case_for_staff, cases_for_staff, staff_required
from campaigns.staff_selectors import sources_for_staff
from campaigns.views.staff.history import changes_since
from detentions.models import Detainee, Event, EventKind
from detentions.views.public import page_number


@require_safe
@staff_required
def case(request: HttpRequest, slug: str) -> HttpResponse:
    case = case_for_staff(request.user, slug, with_archived=True)
    if case.is_archived:
        # Nothing is worked on in an archived case: it shows only how to restore it.
        return render(request, "staff/case_detail.html", {"case": case})
    page = casework_selectors.staff_case_page(
        case,
        page=page_number(request),
        people_page=page_number(request, "people_page"),
    )
    if page is None:
        raise Http404
    context = {
        "case": case,
        "page": page,
        "links": _page_links(request, page),
        "kinds": EventKind.choices,
    }
    return render(request, "staff/case_detail.html", context)


def _page_links(request: HttpRequest, page: casework_selectors.StaffCasePage) -> dict:
    """The addresses of the neighbouring pages of events and of people; each keeps the page of
    the other list, so that paging through one does not lose one's place in the other."""

    def address(events: int, people: int, anchor: str) -> str:
        numbers = {"page": events, "people_page": people}
        query = urlencode({name: number for name, number in numbers.items() if number > 1})
        return f"{request.path}{'?' if query else ''}{query}#{anchor}"

    timeline, people = page.timeline, page.people
    return {
        "later_events": timeline.later and address(timeline.later, people.number, "timeline"),
        "earlier_events": timeline.earlier and address(timeline.earlier, people.number, "timeline"),
        "previous_people": people.previous and address(timeline.number, people.previous, "people"),
        "next_people": people.next and address(timeline.number, people.next, "people"),
    }


def _on_case_page(event: Event) -> str:
    """Where the case page lists the event: back there after saving it, however long the
    timeline."""
    number = casework_selectors.staff_timeline_page_of(event)
    query = f"?page={number}" if number > 1 else ""
    return f"{reverse('staff:case', kwargs={'slug': event.case.slug})}{query}#event-{event.pk}"


# The event form's other button: list in the citations' selects the sources whose title
# contains what was typed, and show the page again, saving nothing.
FIND_SOURCE = "find_source"


def _finding(data) -> bool:
    return data is not None and data.get("action") == FIND_SOURCE


def _event_forms(request: HttpRequest, event: Event, data=None) -> dict:
    """The event page's forms, bound to `data`; when finding a source, unbound and showing what
    was typed, so that nothing is checked or saved yet."""
    typed = data if _finding(data) else None
    bound = None if typed is not None else data
    forms = {
        "form": EventForm(bound, instance=event),
        "detail_form": detail_form(event.kind, event=event, data=bound),
        "citations": citation_formset(
            event=event, sources=sources_for_staff(request.user), data=bound, typed=typed
        ),
    }
    if typed is not None:
        for form in (forms["form"], forms["detail_form"]):
            if form is not None:
                show_as_typed(form, typed)
    return forms


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
    data = request.POST if request.method == "POST" else None
    forms = _event_forms(request, event, data)
    if data is None or _finding(data) or not _all_valid(forms):
        context = {"case": case, "event": event, "finding": _finding(data), **forms}
        return render(request, "staff/event_form.html", context)
    casework_services.save_event(
        event=event,
        read_version=None,
        detail_form=forms["detail_form"],
        citations=forms["citations"],
        user=request.user,
    )
    messages.success(request, _("The event was added."))
    return redirect(_on_case_page(event))


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    events = (
        Event.objects.current()
        .select_related("case")
        .filter(case__in=cases_for_staff(request.user))
    )
    event = get_object_or_404(events, pk=pk)
    data = request.POST if request.method == "POST" else None
    forms = _event_forms(request, event, data)
    if data is None or _finding(data) or not _all_valid(forms):
        context = {"case": event.case, "event": event, "finding": _finding(data), **forms}
        return render(request, "staff/event_form.html", context)
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
        data = data.copy()
        data["version"] = current.version
        forms = _event_forms(request, current, data)
        context = {"case": current.case, "event": current, **forms}
        return _conflict(request, "staff/event_form.html", context, changes)
    messages.success(request, _("The event was saved."))
    return redirect(_on_case_page(event))


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
