"""A case's dossier for meetings with officials, its contact log as CSV, and the bulk import of
detainees. Staff only: every case is read through `case_for_staff`."""

import datetime
from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from campaigns.access_log import Action, log_access
from campaigns.dossier_forms import DetaineeImportForm
from campaigns.import_services import ImportRow, import_detainees, importing_detainees
from campaigns.models import Participation
from campaigns.staff_access import case_for_staff, staff_required
from detentions.models import Case, Event, EventKind
from detentions.models.timeline import EventQuerySet
from detentions.selectors import ContactRow, contact_rows, headline, headline_events
from detentions.spreadsheets import CsvDownload

# The dossier reads its facts this many at a time: a worker never holds a long case whole.
DOSSIER_CHUNK = 500
# An import of more rows than this is streamed, with a line of progress after each this many rows.
PROGRESS_EVERY = 500
# Where the streamed import page takes its progress lines and outcome.
PROGRESS_MARKER = "<!--progress-->"


def _staff_participations() -> Prefetch:
    return Prefetch(
        "participations",
        queryset=Participation.objects.select_related("relative", "organisation").order_by("id"),
        to_attr="listed_participations",
    )


def _made_by(event: Event) -> list[str]:
    """Who made the contact, by full name: staff see what the public pages withhold."""
    return [
        p.relative.full_name if p.relative_id else p.organisation.name
        for p in event.listed_participations
    ]


def _staff_contact_rows(events: list[Event], *, today: datetime.date) -> list[ContactRow]:
    return contact_rows(events, today=today, made_by=_made_by)


def _contacts_with_makers(events: EventQuerySet) -> list[Event]:
    """The official contacts among `events`, in date order, with who made each."""
    return list(
        events.filter(kind=EventKind.OFFICIAL_CONTACT)
        .in_date_order()
        .with_details(with_case=False)
        .prefetch_related(_staff_participations())
    )


def dossier_timeline(case: Case, *, public_only: bool) -> EventQuerySet:
    """The case's verified events, internal ones too unless `public_only`."""
    events = Event.objects.current().filter(case=case, verification=Event.Verification.VERIFIED)
    return events.filter(is_public=True) if public_only else events


class ReadInChunks:
    """A queryset for a template's `{% for %}` that is read `chunk_size` rows at a time (with
    its prefetches done per chunk) as the loop reaches them, and counted by the database.

    `{% for %}` makes a list of anything without a length; this has one, so the loop never
    holds every row at once. Holding the 22,416 events of the longest case's dossier at once
    doubled the memory the page takes to build."""

    def __init__(self, queryset: QuerySet, *, chunk_size: int) -> None:
        self.queryset = queryset
        self.chunk_size = chunk_size

    def __len__(self) -> int:
        return self.queryset.count()

    def __iter__(self) -> Iterator:
        return self.queryset.iterator(chunk_size=self.chunk_size)


@require_safe
@staff_required
def dossier(request: HttpRequest, slug: str) -> HttpResponse:
    case = case_for_staff(request.user, slug)
    public_only = request.GET.get("public_only") == "1"
    # A printable page of internal facts and full names: an export, as the CSV is.
    log_access(
        user=request.user, action=Action.EXPORTED, record=case, detail=request.get_full_path()
    )
    today = timezone.localdate()
    timeline = dossier_timeline(case, public_only=public_only)
    contacts = _contacts_with_makers(timeline)
    # The facts show each event's own fields and sources, never its details.
    facts = timeline.in_date_order().with_sources(
        public_only=public_only, to_attr="listed_citations"
    )
    context = {
        "case": case,
        "public_only": public_only,
        "today": today,
        # Read as the template reaches them. Not streamed: the page is built whole before it
        # is sent, so a failure gives an error page, never a dossier cut short.
        "events": ReadInChunks(facts, chunk_size=DOSSIER_CHUNK),
        "headline": headline([*headline_events(timeline, today=today), *contacts], today=today),
        "detainees": list(case.detainees.current().select_related("facility")),
        "contacts": _staff_contact_rows(contacts, today=today),
    }
    return render(request, "staff/dossier.html", context)


CONTACT_LOG_COLUMNS = [
    gettext_lazy("date"),
    gettext_lazy("body"),
    gettext_lazy("official"),
    gettext_lazy("addressee as given"),
    gettext_lazy("by"),
    gettext_lazy("channel"),
    gettext_lazy("what was asked"),
    gettext_lazy("outcome"),
    gettext_lazy("reason or answer given"),
    gettext_lazy("reply due on"),
    gettext_lazy("replied on"),
    gettext_lazy("days waiting"),
    gettext_lazy("public or internal"),
    gettext_lazy("verification"),
]


def _iso(date: datetime.date | None) -> str:
    return date.isoformat() if date else ""


def _contact_log_row(row: ContactRow) -> list:
    event, contact = row.event, row.contact
    body = contact.body
    official = contact.official
    return [
        str(event.date),
        body.name if body else "",
        f"{official.name} ({official.role})" if official else "",
        contact.addressee_as_given,
        # Not commas: names may hold them.
        " / ".join(row.made_by),
        contact.get_channel_display(),
        contact.request,
        contact.get_outcome_display(),
        contact.reason_given,
        _iso(contact.reply_due_on),
        _iso(contact.replied_on),
        "" if row.days_waiting is None else row.days_waiting,
        _("public") if event.is_public else _("internal"),
        event.get_verification_display(),
    ]


@require_safe
@staff_required
def contact_log_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Every official contact of the case, verified or not, public or internal, each marked."""
    case = case_for_staff(request.user, slug)
    events = _contacts_with_makers(Event.objects.current().filter(case=case))
    log_access(
        user=request.user, action=Action.EXPORTED, record=case, detail=request.get_full_path()
    )
    download = CsvDownload(f"{case.slug}-contact-log.csv")
    download.writerow([str(column) for column in CONTACT_LOG_COLUMNS])
    for row in _staff_contact_rows(events, today=timezone.localdate()):
        download.writerow(_contact_log_row(row))
    return download.response


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def import_detainees_view(request: HttpRequest, slug: str) -> HttpResponse | StreamingHttpResponse:
    case = case_for_staff(request.user, slug)
    form = DetaineeImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        rows = form.cleaned_data["file"]
        if len(rows) > PROGRESS_EVERY:
            return _streamed_import(request, case=case, rows=rows)
        result = import_detainees(case=case, rows=rows, user=request.user)
        if result.ok:
            return render(request, "staff/import_done.html", {"case": case, "result": result})
        context = {"case": case, "form": DetaineeImportForm(), "result": result}
        return render(request, "staff/import_detainees.html", context, status=422)
    status = 422 if form.errors else 200
    context = {"case": case, "form": form, "result": None}
    return render(request, "staff/import_detainees.html", context, status=status)


def _streamed_import(
    request: HttpRequest, *, case: Case, rows: list[ImportRow]
) -> StreamingHttpResponse:
    """The result page sent while the rows are checked, so that the staff member sees the count
    of checked rows grow (browsers show HTML as it arrives; no JavaScript needed).

    The status is sent before the outcome is known, so it is 200 even when the file has errors.
    """
    page = render_to_string(
        "staff/import_progress.html", {"case": case, "total": len(rows)}, request=request
    )
    start, end = page.split(PROGRESS_MARKER)
    user = request.user
    # The generator runs after the middleware has finished with the request.
    language = translation.get_language()

    def chunks() -> Iterator[str]:
        yield start
        with translation.override(language):
            steps = importing_detainees(
                case=case, rows=rows, user=user, progress_every=PROGRESS_EVERY
            )
            while True:
                try:
                    progress = next(steps)
                except StopIteration as done:
                    result = done.value
                    break
                message = _("Checked %(checked)d of %(total)d rows…") % {
                    "checked": progress.checked,
                    "total": progress.total,
                }
                yield format_html('<p class="progress">{}</p>\n', message)
            outcome = "staff/_import_done.html" if result.ok else "staff/_import_errors.html"
            yield render_to_string(outcome, {"result": result})
        yield end

    # Proxies such as nginx would otherwise hold the page back until it is complete.
    return StreamingHttpResponse(chunks(), headers={"X-Accel-Buffering": "no"})
