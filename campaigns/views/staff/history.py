"""Every change to a case, its detainees, events, their details and citations: who, when, what
changed from what to what, newest first. And putting an earlier version back.

The list is one UNION over the history tables (paged in the database), then one query per kind of
record on the page: the count of queries does not grow with the length of the history.
"""

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import models
from django.db.models import CharField, Value
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from campaigns import casework_services
from campaigns.staff_access import case_for_staff, cases_for_staff, staff_required
from detentions.models import Case, Citation, Detainee, Event
from detentions.models.timeline import DETAIL_ACCESSORS

PER_PAGE = 50

# Details of every kind: one history table each.
DETAIL_MODELS = [
    Event._meta.get_field(accessor).related_model for accessor in DETAIL_ACCESSORS.values()
]


@dataclass
class Change:
    name: str
    label: str
    before: str
    after: str
    yours: str = ""


@dataclass
class Entry:
    record: models.Model
    what: str
    kind: str
    changes: list[Change] = field(default_factory=list)
    restorable: bool = False

    @property
    def label(self) -> str:
        return self.record.instance_type._meta.label_lower


def shown(model: type[models.Model], name: str, value: object) -> str:
    """A stored value as staff read it: choice labels, yes/no, dates; never raw None."""
    model_field = model._meta.get_field(name)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return formats.date_format(value)
    if isinstance(value, models.Model):
        return str(value)
    if model_field.is_relation:
        return _("no. %(pk)s") % {"pk": value}
    return str(value)


def diff(new: models.Model, old: models.Model | None) -> list[Change]:
    """What `new` changed from `old`; for a first record, every field it set."""
    model = new.instance_type
    if old is None:
        return [
            Change(f.name, str(f.verbose_name), "—", shown(model, f.name, getattr(new, f.attname)))
            for f in new.tracked_fields
            if f.editable and not f.primary_key and getattr(new, f.attname) not in (None, "")
        ]
    return [
        Change(
            change.field,
            str(model._meta.get_field(change.field).verbose_name),
            shown(model, change.field, change.old),
            shown(model, change.field, change.new),
        )
        for change in new.diff_against(old).changes
        # Search keys and versions are kept by the code, not typed: not a change to show.
        # Archiving is not typed either, but it is a step staff must see.
        if model._meta.get_field(change.field).editable or change.field == "archived_at"
    ]


def _case_histories(case: Case) -> list[tuple[type[models.Model], models.QuerySet]]:
    """Each history table, filtered to this case, with what labelling its records needs."""
    event_ids = Event.history.filter(case_id=case.pk).values("id")
    tables = [
        (Case, Case.history.filter(id=case.pk), []),
        (Detainee, Detainee.history.filter(case_id=case.pk), []),
        (Event, Event.history.filter(case_id=case.pk), []),
        *(
            (model, model.history.filter(event_id__in=event_ids), ["event"])
            for model in DETAIL_MODELS
        ),
        (Citation, Citation.history.filter(event_id__in=event_ids), ["event", "source"]),
    ]
    return [
        (model, rows.select_related("history_user", *related)) for model, rows, related in tables
    ]


def _what(record: models.Model) -> str:
    model = record.instance_type
    if model is Citation:
        return _("%(source)s, cited for “%(event)s”") % {
            "source": record.source or _("deleted source"),
            "event": record.event.title if record.event else "—",
        }
    if model in DETAIL_MODELS:
        return record.event.title if record.event else "—"
    if model is Detainee:
        return str(record.instance)
    return record.title


def case_changes(case: Case, page_number: str | None):
    """A page of the case's history, newest first, each entry with its changes."""
    histories = _case_histories(case)
    union = None
    for model, rows in histories:
        keyed = (
            rows.annotate(model_label=Value(model._meta.label_lower, output_field=CharField()))
            .order_by()
            .values_list("history_date", "history_id", "model_label")
        )
        union = keyed if union is None else union.union(keyed, all=True)
    page = Paginator(union.order_by("-history_date", "-history_id"), PER_PAGE).get_page(page_number)
    entries = []
    by_model = {
        label: [row[1] for row in rows]
        for label, rows in groupby(
            sorted(page.object_list, key=lambda row: row[2]), key=lambda row: row[2]
        )
    }
    records: dict[tuple[str, int], models.Model] = {}
    previous: dict[tuple[str, int], models.Model | None] = {}
    newest: set[tuple[str, int]] = set()
    for model, rows in histories:
        label = model._meta.label_lower
        if label not in by_model:
            continue
        # The records on the page and, for each, its object's earlier ones to diff against.
        pk = model._meta.pk.attname
        objects = rows.filter(history_id__in=by_model[label]).values(pk)
        ordered = rows.filter(**{f"{pk}__in": objects}).order_by(pk, "history_date", "history_id")
        for _pk, versions in groupby(ordered, key=lambda record: getattr(record, pk)):
            before = None
            for record in versions:
                records[(label, record.history_id)] = record
                previous[(label, record.history_id)] = before
                before = record
            newest.add((label, before.history_id))
    for _date, history_id, label in page.object_list:
        record = records[(label, history_id)]
        entries.append(
            Entry(
                record=record,
                what=_what(record),
                kind=str(record.instance_type._meta.verbose_name),
                changes=diff(record, previous[(label, history_id)])
                if record.history_type != "-"
                else [],
                restorable=label in casework_services.RESTORABLE
                and record.history_type != "-"
                and (label, history_id) not in newest,
            )
        )
    return page, entries


@require_safe
@staff_required
def case_history(request: HttpRequest, slug: str) -> HttpResponse:
    # History keeps every step, archived cases' included.
    case = case_for_staff(request.user, slug, with_archived=True)
    page, entries = case_changes(case, request.GET.get("page"))
    return render(request, "staff/history.html", {"case": case, "page": page, "entries": entries})


@require_POST
@staff_required
def restore(request: HttpRequest) -> HttpResponse:
    model = casework_services.RESTORABLE.get(request.POST.get("model", ""))
    history_id = request.POST.get("history_id", "")
    # "²" is a digit to isdigit() but not to int(), nor are 5,000 digits: only a plausible id.
    if model is None or not (history_id.isascii() and history_id.isdigit()) or len(history_id) > 18:
        raise Http404
    record = model.history.filter(history_id=history_id).first()
    if record is None or record.history_type == "-":
        raise Http404
    case_id = record.id if model is Case else record.case_id
    case = cases_for_staff(request.user, with_archived=True).filter(pk=case_id).first()
    if case is None:
        raise Http404
    casework_services.restore_version(record=record)
    messages.success(request, _("The earlier version was put back; the change history shows it."))
    return redirect("staff:case-history", slug=case.slug)


def changes_since(instance: models.Model, *, read_version: int, yours: dict) -> list[Change]:
    """What others saved to `instance` (and its details) after the form was read at
    `read_version`: before, their value, and what this person typed (`yours`, by field name)."""
    later = instance.history.filter(version__gte=read_version).order_by(
        "history_date", "history_id"
    )
    read = [record for record in later if record.version == read_version]
    since = read[-1].history_date if read else None
    changes = []
    tables = [instance]
    details = getattr(instance, DETAIL_ACCESSORS.get(getattr(instance, "kind", None), ""), None)
    if details is not None:
        tables.append(details)
    for table in tables:
        history = table.history.order_by("-history_date", "-history_id")
        newest = history.first()
        base = history.filter(history_date__lte=since).first() if since else None
        if newest is None or (base is not None and newest.history_id == base.history_id):
            continue
        model = newest.instance_type
        for change in diff(newest, base):
            if change.name in yours:
                change.yours = shown(model, change.name, yours[change.name])
            changes.append(change)
    return changes
