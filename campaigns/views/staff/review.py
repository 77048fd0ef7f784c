"""Staff review a relative's entry (verify, publish, keep internal, decline, match a typed
name) and a report from the public intake form (new case, attach to a case, reject)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaigns import review_services
from campaigns.access_log import Action, log_access
from campaigns.models import Entry, IntakeReport
from campaigns.review_forms import (
    AttachForm,
    DeclineForm,
    MatchForm,
    NewCaseForm,
    RejectForm,
    VerifyForm,
)
from campaigns.review_services import ReviewConflict
from campaigns.staff_access import cases_for_staff, staff_required
from campaigns.staff_selectors import (
    detail_rows,
    entry_for_staff,
    intake_for_staff,
    sources_for_staff,
)

# The verify form's buttons: whether the event becomes public, stays internal, or keeps its flag.
VISIBILITY = {"publish": True, "keep_internal": False, "verify": None}
# The verify form's other button: list the sources whose title contains what was typed.
FIND_SOURCE = "find_source"


def _entry_forms(request: HttpRequest, entry: Entry, data=None, action: str = "") -> dict:
    event = entry.event
    initial = {"version": event.version}
    verify_args = {"event": event, "sources": sources_for_staff(request.user), "prefix": "verify"}
    return {
        "verify_form": (
            VerifyForm.as_typed(data, **verify_args)
            if action == FIND_SOURCE
            else VerifyForm(data if action in VISIBILITY else None, **verify_args)
        ),
        "decline_form": DeclineForm(
            data if action == "decline" else None, initial=initial, prefix="decline"
        ),
        "match_form": MatchForm(
            data if action == "match" else None, initial=initial, prefix="match"
        ),
    }


def _conflict(request: HttpRequest) -> None:
    messages.error(
        request,
        _(
            "Someone changed this entry while you were reviewing it, or it was already reviewed. "
            "Here it is as it stands now."
        ),
    )


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_for_staff(request.user, pk)
    event = entry.event
    contact = getattr(event, "official_contact", None)
    can_match = contact is not None and bool(contact.addressee_as_given)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and (
        action not in [*VISIBILITY, FIND_SOURCE, "decline", "match"]
        or (action == "match" and not can_match)
    ):
        return HttpResponseBadRequest(_("Unknown action."))
    forms = _entry_forms(request, entry, request.POST, action)
    if action:
        try:
            if action in VISIBILITY and forms["verify_form"].is_valid():
                form = forms["verify_form"]
                review_services.verify_entry(
                    entry=entry,
                    changes=form.changes(),
                    source=form.chosen_source(),
                    is_public=VISIBILITY[action],
                    version=form.cleaned_data["version"],
                )
                messages.success(request, _("The entry is verified."))
                return redirect("staff:review-entry", pk=entry.pk)
            if action == "decline" and forms["decline_form"].is_valid():
                data = forms["decline_form"].cleaned_data
                review_services.decline_entry(
                    entry=entry, reason=data["reason"], version=data["version"]
                )
                messages.success(request, _("The entry is declined; the relative is told why."))
                return redirect("staff:review-entry", pk=entry.pk)
            if action == "match" and forms["match_form"].is_valid():
                data = forms["match_form"].cleaned_data
                review_services.match_addressee(
                    entry=entry,
                    institution=data["institution"],
                    official=data["official"],
                    version=data["version"],
                )
                messages.success(request, _("The name is matched."))
                return redirect("staff:review-entry", pk=entry.pk)
        except ReviewConflict:
            _conflict(request)
            return redirect("staff:review-entry", pk=entry.pk)
    context = {
        "entry": entry,
        "event": event,
        "details": detail_rows(event),
        "kinships": entry.relative.kinships.filter(case_id=event.case_id).select_related(
            "detainee"
        ),
        "is_open": entry.state == Entry.State.SUBMITTED,
        "can_match": can_match,
        **forms,
    }
    # Finding a source only shows the form again; any other action that gets here failed.
    status = 200 if action in ("", FIND_SOURCE) else 400
    return render(request, "staff/review_entry.html", context, status=status)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_intake(request: HttpRequest, pk: int) -> HttpResponse:
    report = intake_for_staff(request.user, pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and action not in ("new_case", "attach", "reject"):
        return HttpResponseBadRequest(_("Unknown action."))
    cases = cases_for_staff(request.user)
    data = request.POST
    new_case_form = (
        NewCaseForm(data, prefix="case")
        if action == "new_case"
        else NewCaseForm.prefilled(report, prefix="case")
    )
    attach_form = AttachForm(data if action == "attach" else None, cases=cases, prefix="attach")
    reject_form = RejectForm(data if action == "reject" else None, prefix="reject")
    try:
        if action == "new_case" and new_case_form.is_valid():
            case = review_services.open_case_from_report(
                report=report, case=new_case_form.save(commit=False), accepted_by=request.user
            )
            messages.success(
                request, _("The case “%(case)s” is opened, unpublished.") % {"case": case.title}
            )
            return redirect("staff:review-intake", pk=report.pk)
        if action == "attach" and attach_form.is_valid():
            case = attach_form.cleaned_data["case"]
            review_services.attach_report(report=report, case=case, accepted_by=request.user)
            messages.success(
                request,
                _("The report is added to “%(case)s” as an internal note.") % {"case": case.title},
            )
            return redirect("staff:review-intake", pk=report.pk)
        if action == "reject" and reject_form.is_valid():
            review_services.reject_report(
                report=report, staff_notes=reject_form.cleaned_data["staff_notes"]
            )
            messages.success(request, _("The report is marked as not taken up."))
            return redirect("staff:review-intake", pk=report.pk)
    except ReviewConflict:
        messages.error(request, _("Someone else already reviewed this report."))
        return redirect("staff:review-intake", pk=report.pk)
    # The page shows how to reach the person who reported it.
    log_access(
        user=request.user,
        action=Action.VIEWED_CONTACT,
        record=report,
        label=report.reporter_name,
    )
    context = {
        "report": report,
        "is_open": report.state == IntakeReport.State.NEW,
        "new_case_form": new_case_form,
        "attach_form": attach_form,
        "reject_form": reject_form,
    }
    return render(request, "staff/review_intake.html", context, status=400 if action else 200)
