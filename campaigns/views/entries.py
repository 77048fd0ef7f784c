"""Relatives log what they did, change it until staff verify it, and open its attachments.

"Log what you did" is a wizard with no server-side state: every step posts all earlier answers
back as hidden inputs. It works without JavaScript, survives an expired session (the answers are
kept across signing in again), and a double tap on "Send" creates one entry.
"""

import uuid
from collections.abc import Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from campaigns import entry_services
from campaigns.access import attachment_for, case_of, entry_of, relative_of
from campaigns.entry_forms import (
    CorrectionForm,
    StepForm,
    Wizard,
    answers_from,
    carried,
    data_from,
)
from campaigns.entry_services import CONTACTS, Action, EntryLocked, answers_of, compose_title
from campaigns.models import Entry, Relative
from detentions.models import Attachment, Case, OfficialContact
from detentions.uploads import download_name

# Where answers posted after the session expired wait while the relative signs in again.
KEPT_ANSWERS = "campaigns:kept-entry-answers"


def _submission_key(data: Mapping) -> uuid.UUID:
    try:
        return uuid.UUID(str(data.get("submission_key", "")))
    except ValueError:
        # Missing or mangled: a new key still protects every submit from here on.
        return uuid.uuid4()


def _keep_answers(request: HttpRequest, slug: str) -> None:
    """Put the posted answers (files cannot be kept) in the anonymous session.

    `django.contrib.auth.login` keeps session data when it cycles the key, so they are still
    there once the relative has signed in.
    """
    kept = request.session.get(KEPT_ANSWERS, {})
    kept[slug] = {
        "data": carried(request.POST),
        "step": request.POST.get("step", ""),
        "action": request.POST.get("action", ""),
        "submission_key": str(_submission_key(request.POST)),
    }
    request.session[KEPT_ANSWERS] = kept


def _forget_answers(request: HttpRequest, slug: str) -> None:
    kept = request.session.get(KEPT_ANSWERS, {})
    if kept.pop(slug, None) is not None:
        request.session[KEPT_ANSWERS] = kept


def _review_rows(known: Mapping) -> list[tuple[str, str, str]]:
    """(question, answer, step to change it) for the review step."""
    answers = answers_from(known)
    rows = [(_("What you did"), str(Action(answers.what).label), "what")]
    if answers.what in entry_services.ADDRESSED:
        whom = answers.addressee
        if answers.institution is None and answers.official is None:
            whom = _("%(name)s (new name: staff will match it)") % {"name": whom}
        rows.append((_("To whom"), whom, "whom"))
    rows.append((_("When"), str(answers.date), "when"))
    if answers.what in CONTACTS:
        channel = OfficialContact.Channel(answers.channel).label
        rows.append((_("How"), capfirst(channel), "outcome"))
    if answers.outcome:
        rows.append((_("What came of it"), capfirst(answers.outcome_label), "outcome"))
    if answers.reason:
        rows.append((_("What they said"), answers.reason, "outcome"))
    if answers.place:
        rows.append((_("Where"), answers.place, "outcome"))
    if answers.details:
        rows.append((_("Details"), answers.details, "outcome"))
    if answers.what in CONTACTS:
        due = answers.reply_due_on
        shown = formats.date_format(due) if due else _("no date given")
        rows.append((_("Reply expected by"), shown, "reply"))
    return rows


def _render_step(
    request: HttpRequest,
    case: Case,
    wizard: Wizard,
    step: str,
    *,
    key: uuid.UUID,
    form: StepForm | None = None,
    known: dict | None = None,
    resumed: bool = False,
) -> HttpResponse:
    """Show one step: `form` when it was checked and has errors, else the step filled in from
    the answers so far (`known`, when the caller has just checked the steps before it). An
    earlier step that no longer checks out is shown instead."""
    if form is not None:
        known = dict(form.known)
    else:
        invalid = None
        if known is None:
            invalid, known = wizard.check(wizard.before(step))
        form = invalid or wizard.form(step, bound=False, known=known)
    step = form.step
    position = wizard.steps.index(step)
    context = {
        "case": case,
        "form": form,
        "step": step,
        "hidden": wizard.hidden(form),
        "submission_key": key,
        "step_number": position + 1,
        "step_count": len(wizard.steps),
        "is_first": position == 0,
        "resumed": resumed,
    }
    if step == "review":
        context["rows"] = _review_rows(known)
        context["title"] = compose_title(answers_from(known))
    return render(request, "campaigns/entry_log.html", context)


def _send(
    request: HttpRequest, case: Case, relative: Relative, wizard: Wizard, key: uuid.UUID
) -> HttpResponse:
    existing = Entry.objects.filter(submission_key=key).first()
    if existing is not None:
        # A second tap, or the form sent again from the browser's history.
        return redirect("campaigns:edit-entry", pk=entry_of(relative, existing.pk).pk)
    invalid, known = wizard.check(wizard.steps)
    if invalid is not None:
        return _render_step(request, case, wizard, invalid.step, key=key, form=invalid)
    entry = entry_services.record_entry(
        relative=relative,
        case=case,
        answers=answers_from(known),
        files=known["files"],
        submission_key=key,
    )
    _forget_answers(request, case.slug)
    messages.success(request, _("Thank you: your entry was sent. The staff will check it."))
    return redirect("campaigns:edit-entry", pk=entry_of(relative, entry.pk).pk)


def _respond(
    request: HttpRequest,
    case: Case,
    relative: Relative,
    wizard: Wizard,
    *,
    step: str,
    action: str,
    key: uuid.UUID,
    resumed: bool = False,
) -> HttpResponse:
    """Move through the wizard as the button pressed on `step` asks."""
    if step not in wizard.steps:
        step = wizard.steps[0]
    if action == "back":
        return _render_step(request, case, wizard, wizard.previous(step), key=key)
    if action == "search":
        return _render_step(request, case, wizard, step, key=key)
    if action.startswith("change-") and action[7:] in wizard.before(step):
        return _render_step(request, case, wizard, action[7:], key=key)
    if step == "review":
        if action == "send" and not resumed:
            return _send(request, case, relative, wizard, key)
        # Files cannot survive a sign-in: show the answers and ask for the files again.
        return _render_step(request, case, wizard, "review", key=key, resumed=resumed)
    invalid, known = wizard.check([*wizard.before(step), step])
    if invalid is not None:
        return _render_step(request, case, wizard, invalid.step, key=key, form=invalid)
    return _render_step(
        request, case, wizard, wizard.following(step), key=key, known=known, resumed=resumed
    )


@require_http_methods(["GET", "POST"])
def log_entry(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        if request.method == "POST":
            # The session expired while they were typing: keep the text, not the trouble.
            _keep_answers(request, slug)
            return redirect_to_login(f"{request.path}?resume=1")
        return redirect_to_login(request.get_full_path())
    relative = relative_of(request.user)
    case = case_of(relative, slug)
    if request.method == "POST":
        return _respond(
            request,
            case,
            relative,
            Wizard(request.POST, request.FILES),
            step=request.POST.get("step", ""),
            action=request.POST.get("action", ""),
            key=_submission_key(request.POST),
        )
    kept = request.session.get(KEPT_ANSWERS, {}).get(slug) if request.GET.get("resume") else None
    if kept:
        return _respond(
            request,
            case,
            relative,
            Wizard(kept["data"]),
            step=kept["step"],
            action=kept["action"],
            key=_submission_key(kept),
            resumed=True,
        )
    return _render_step(request, case, Wizard({}), "what", key=uuid.uuid4())


def _locked(request: HttpRequest, entry: Entry, *, status: int = 200) -> HttpResponse:
    """The entry's page once the relative can no longer change it."""
    context = {
        "entry": entry,
        "case": entry.event.case,
        "attachments": entry.event.attachments.all(),
        "corrections": entry.corrections.all(),
        "may_ask_correction": entry.state != Entry.State.WITHDRAWN,
    }
    return render(request, "campaigns/entry_locked.html", context, status=status)


def _edit_forms(wizard: Wizard, *, bound: bool) -> tuple[list[StepForm], dict, bool]:
    # What was done is fixed once logged; it is not asked again.
    steps = [step for step in wizard.steps if step != "what"]
    return wizard.all_forms(steps, bound=bound)


@login_required
@require_http_methods(["GET", "POST"])
def edit_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """The entry's own page: its review status, and while it awaits review, the edit form."""
    relative = relative_of(request.user)
    entry = entry_of(relative, pk)
    if not entry.is_editable:
        return _locked(request, entry, status=409 if request.method == "POST" else 200)
    answers = answers_of(entry)
    if request.method == "POST":
        data = request.POST.copy()
        data["what"] = answers.what
        wizard = Wizard(data, request.FILES)
        searching = request.POST.get("action") == "search"
        forms, known, valid = _edit_forms(wizard, bound=not searching)
        if valid and not searching:
            try:
                entry_services.update_entry(
                    entry=entry,
                    answers=answers_from(known),
                    files=known["files"],
                    user=request.user,
                )
            except EntryLocked:
                entry.refresh_from_db()
                return _locked(request, entry, status=409)
            messages.success(request, _("Your changes were saved."))
            return redirect("campaigns:edit-entry", pk=entry.pk)
    else:
        forms, _known, _valid = _edit_forms(Wizard(data_from(answers)), bound=False)
    context = {
        "entry": entry,
        "case": entry.event.case,
        "what": Action(answers.what).label,
        "forms": forms,
        "attachments": entry.event.attachments.all(),
    }
    return render(request, "campaigns/entry_edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_entry(request: HttpRequest, pk: int) -> HttpResponse:
    relative = relative_of(request.user)
    entry = entry_of(relative, pk)
    if not entry.is_editable:
        return _locked(request, entry, status=409 if request.method == "POST" else 200)
    if request.method == "POST":
        try:
            entry_services.withdraw_entry(entry=entry)
        except EntryLocked:
            entry.refresh_from_db()
            return _locked(request, entry, status=409)
        messages.success(request, _("You withdrew this entry."))
        return redirect("campaigns:edit-entry", pk=entry.pk)
    return render(request, "campaigns/entry_withdraw.html", {"entry": entry})


@login_required
@require_http_methods(["GET", "POST"])
def request_correction(request: HttpRequest, pk: int) -> HttpResponse:
    """Once staff have verified (or declined) an entry, the relative asks them to correct it."""
    relative = relative_of(request.user)
    entry = entry_of(relative, pk)
    if entry.is_editable or entry.state == Entry.State.WITHDRAWN:
        # Still theirs to change, or withdrawn: the entry's page says what they can do.
        return redirect("campaigns:edit-entry", pk=entry.pk)
    form = CorrectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        entry_services.request_correction(entry=entry, text=form.cleaned_data["text"])
        messages.success(request, _("Your request was sent to the staff."))
        return redirect("campaigns:edit-entry", pk=entry.pk)
    return render(request, "campaigns/entry_correction.html", {"entry": entry, "form": form})


@require_safe
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve a file to those who may see its event; 404 to everyone else."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    item = attachment_for(request.user, pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=item.content_type,
        # A PDF can carry scripts and forms; it is downloaded, never shown in the page.
        as_attachment=item.content_type == Attachment.ContentType.PDF,
        filename=download_name(item),
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Scans of letters about a detention: not for shared caches, nor left on a shared phone.
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
