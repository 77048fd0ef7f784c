"""A case's public timeline as files: JSON for programs, CSV for spreadsheets.

Both read only what `selectors.public_timeline_for_download()` returns, the case page's public
events with their relations as lists, so they can never show more than the case page. The JSON
schema is documented in docs/timeline-json.md; change the two together.
"""

import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from detentions import selectors
from detentions.dates import FuzzyDate
from detentions.models import Case, Event, EventKind, Facility, Official
from detentions.page_cache import cached_public_page
from detentions.spreadsheets import CsvDownload
from detentions.views.public import page_number

SCHEMA = "timeline/1"


# A long timeline is written in chunks, so that memory does not grow with the case.
CSV_CHUNK = 1000


def _page_url(request: HttpRequest, case: Case, number: int | None) -> str | None:
    if number is None:
        return None
    url = reverse("detentions:case-timeline-json", kwargs={"slug": case.slug})
    return request.build_absolute_uri(f"{url}?page={number}" if number > 1 else url)


def _date(date: FuzzyDate) -> dict[str, Any]:
    """The first and last day the fact can have happened on, how precise it is, and in words."""
    return {
        "start": date.start,
        "end": date.last_day,
        "precision": date.precision,
        "text": str(date),
    }


def _name(body: Model | None) -> str | None:
    return body.name if body is not None else None


def _facility(facility: Facility | None) -> dict[str, str] | None:
    if facility is None:
        return None
    return {
        "name": facility.name,
        "town": facility.town,
        "region": facility.region,
        "country": facility.country.code,
    }


def _official(official: Official | None) -> dict[str, str] | None:
    # Officials are named publicly in their official role.
    if official is None:
        return None
    return {"name": official.name, "role": official.role, "institution": official.institution.name}


def _choice(detail: Model, field: str) -> dict[str, str]:
    """A choice as its stable code, and its label in words."""
    label = getattr(detail, f"get_{field}_display")()
    return {field: getattr(detail, field), f"{field}_label": label}


def _people(details: Model) -> list[str]:
    """The people the details name (the detainees, or those the consul saw), archived ones left
    out: see `public_timeline_for_download()`."""
    return [detainee.public_name for detainee in details.named_people]


def _participants(event: Event) -> list[str]:
    return [participation.public_name for participation in event.listed_participations]


def _details(event: Event) -> dict[str, Any]:
    """The public fields of the event's typed details; see docs/timeline-json.md for each kind."""
    d = event.details
    if d is None:
        return {}
    if event.kind == EventKind.STATUS_CHANGE:
        return {**_choice(d, "status"), "detainees": _people(d)}
    if event.kind == EventKind.LEGAL_PROCEEDING:
        return {
            **_choice(d, "stage"),
            "court": _name(d.court),
            "charges": [str(charge) for charge in d.listed_charges],
            "detainees": _people(d),
            "outcome": d.outcome,
            "next_hearing_on": d.next_hearing_on,
        }
    if event.kind == EventKind.CONSULAR_VISIT:
        return {
            "consul": _official(d.consul),
            "consulate": _name(d.consulate),
            "facility": _facility(d.facility),
            **_choice(d, "outcome"),
            "detainees_seen": _people(d),
            "people_seen_count": d.people_seen_count,
            "consul_report": d.consul_report,
            "follow_up": d.follow_up,
        }
    if event.kind == EventKind.ACCESS_ATTEMPT:
        return {
            **_choice(d, "attempted_by"),
            "participants": _participants(event),
            **_choice(d, "access_type"),
            "facility": _facility(d.facility),
            "decided_by": _name(d.decided_by),
            **_choice(d, "outcome"),
            "reason_given": d.reason_given,
            "detainees": _people(d),
        }
    if event.kind == EventKind.OFFICIAL_CONTACT:
        return {
            "institution": _name(d.institution),
            "official": _official(d.official),
            "participants": _participants(event),
            **_choice(d, "channel"),
            "request": d.request,
            "legal_basis_cited": d.legal_basis_cited,
            **_choice(d, "outcome"),
            "reason_given": d.reason_given,
            "referred_to": _name(d.referred_to),
            "reply_due_on": d.reply_due_on,
            "replied_on": d.replied_on,
        }
    if event.kind == EventKind.CAMPAIGN_ACTION:
        return {
            **_choice(d, "action_type"),
            "place": d.place,
            "target": _name(d.target),
            "outlet": _name(d.outlet),
            "participants": _participants(event),
            "participants_text": d.participants,
            "participant_count": d.participant_count,
        }
    if event.kind == EventKind.REPORTED_FIGURE:
        return {**_choice(d, "measure"), "value": d.value, "statement": d.statement}
    return {}


def _sources(event: Event) -> list[dict[str, Any]]:
    # Prefetched with public sources only; checked again so that no path can leak one.
    return [
        {
            "title": source.title,
            "outlet": _name(source.outlet),
            "url": source.url or None,
            "published_on": source.published_on,
        }
        for source in (citation.source for citation in event.public_citations)
        if source.is_public
    ]


def _case_url(request: HttpRequest, case: Case) -> str:
    return request.build_absolute_uri(case.get_absolute_url())


def _event_url(case_url: str, event: Event) -> str:
    return f"{case_url}#event-{event.pk}"


def timeline_document(
    request: HttpRequest, case: Case, page: selectors.TimelinePage
) -> dict[str, Any]:
    """The `timeline/1` document: the case's public facts and a page of its public events in
    date order, the newest page first, as on the case page."""
    case_url = _case_url(request, case)
    return {
        "schema": SCHEMA,
        "page": {
            "number": page.number,
            "count": page.count,
            "size": selectors.TIMELINE_PAGE_SIZE,
            "events": case.public_event_count,
            "earlier": _page_url(request, case, page.earlier),
            "later": _page_url(request, case, page.later),
        },
        "case": {
            "slug": case.slug,
            "title": case.title,
            "summary": case.summary,
            "url": case_url,
            "status": case.derived_status,
            "status_label": case.status_label,
            "detaining_country": case.detaining_country.code,
            "detainees_country": case.detainees_country.code,
            "began": _date(case.began),
            "people": {
                "held": case.held_count,
                "located": case.located_count,
                "whereabouts_unknown": case.whereabouts_unknown_count,
                "released": case.freed_count,
                "escaped": case.escaped_count,
            },
        },
        "events": [
            {
                "id": event.pk,
                "url": _event_url(case_url, event),
                "kind": event.kind,
                "kind_label": event.get_kind_display(),
                "date": _date(event.date),
                "title": event.title,
                "description": event.description,
                "updated_at": event.updated_at,
                "details": _details(event),
                "sources": _sources(event),
            }
            for event in page.events
        ],
    }


@require_safe
@cached_public_page
def case_timeline_json(request: HttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(selectors.public_cases_with_timeline_counts(), slug=slug)
    page = selectors.timeline_page(
        selectors.public_timeline_for_download(case),
        page_number(request),
        events=case.public_event_count,
    )
    if page is None:
        raise Http404
    response = JsonResponse(
        timeline_document(request, case, page),
        encoder=DjangoJSONEncoder,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"{case.slug}-timeline.json"
    )
    return response


# --- CSV ---

CSV_COLUMNS = [
    "id",
    "date_start",
    "date_end",
    "date_precision",
    "date_text",
    "kind",
    "title",
    "description",
    "details",
    "sources",
    "url",
]

# Keys that are not a field of the details' model, or whose field name would mislead.
_SUMMARY_LABELS = {
    "participants": _("by"),
    "participants_text": _("who took part"),
}


def _summary_value(value: Any) -> str:
    if isinstance(value, dict) and "role" in value:  # an official
        return f"{value['name']} ({value['role']}, {value['institution']})"
    if isinstance(value, dict):  # a facility
        return ", ".join(filter(None, [value["name"], value["town"], value["country"]]))
    if isinstance(value, list):
        # Not commas: public names contain them ("Detainee 04, name withheld").
        return " / ".join(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _summary(event: Event, details: dict[str, Any]) -> str:
    """The details in one line of words: "Outcome: refused; facility: …". Labels replace codes."""
    model = type(event.details)
    parts = []
    for key, value in details.items():
        if key.endswith("_label"):
            continue
        value = details.get(f"{key}_label", value)
        if value in (None, "", []):
            continue
        if key in _SUMMARY_LABELS:
            label = _SUMMARY_LABELS[key]
        else:
            label = model._meta.get_field(key).verbose_name
        parts.append(f"{label}: {_summary_value(value)}")
    return capfirst("; ".join(parts))


def _sources_text(sources: list[dict[str, Any]]) -> str:
    return " | ".join(
        f"{source['title']} ({source['url']})" if source["url"] else source["title"]
        for source in sources
    )


@require_safe
@cached_public_page
def case_timeline_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole public timeline, for spreadsheets: read in chunks, a few queries per chunk."""
    case = get_object_or_404(selectors.public_cases(), slug=slug)
    events = selectors.public_timeline_for_download(case)
    case_url = _case_url(request, case)
    download = CsvDownload(f"{case.slug}-timeline.csv")
    download.writerow(CSV_COLUMNS)
    for event in events.iterator(chunk_size=CSV_CHUNK):
        date = _date(event.date)
        row = [
            event.pk,
            date["start"].isoformat() if date["start"] else "",
            date["end"].isoformat() if date["end"] else "",
            date["precision"],
            date["text"],
            event.kind,
            event.title,
            event.description,
            _summary(event, _details(event)),
            _sources_text(_sources(event)),
            _event_url(case_url, event),
        ]
        download.writerow(row)
    return download.response
