"""Writes behind the staff case-work forms: events with their details and citations, detainees,
sources, archiving and restoring them, and restoring an earlier version from the change history.

Edits are optimistic: a form carries the `version` it was read at, and a save first claims the
row with a conditional UPDATE on that version. If someone else saved in between, nothing is
written and `VersionConflict` says so; the claim's row lock holds until the transaction ends, so
two saves racing on the same version cannot both win.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.db.models import F
from django.forms import BaseInlineFormSet, ModelForm
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from detentions.models import Case, Detainee, Event, Source
from detentions.models.archive import Archivable

# What the change history may put back: models whose rows carry a `version`.
RESTORABLE: dict[str, type[models.Model]] = {
    model._meta.label_lower: model for model in (Case, Detainee, Event)
}


class VersionConflict(Exception):
    """Someone saved the record after this form was read; nothing was written."""


def _claim(model: type[models.Model], *, pk: int, read_version: int) -> int:
    """Bump the version if it is still the one read; return the new version."""
    claimed = model.objects.filter(pk=pk, version=read_version).update(version=F("version") + 1)
    if not claimed:
        raise VersionConflict
    return read_version + 1


@transaction.atomic
def save_event(
    *,
    event: Event,
    read_version: int | None,
    detail_form: ModelForm | None,
    citations: BaseInlineFormSet,
    user: AbstractBaseUser,
) -> Event:
    """Save a validated event form's instance, its details and citations, all or nothing.

    A new event (no pk) is recorded by `user`; an existing one is saved only if its version is
    still `read_version`.
    """
    if event.pk is None:
        event.recorded_by = user
    else:
        event.version = _claim(Event, pk=event.pk, read_version=read_version or 0)
    event.save()
    if detail_form is not None:
        detail = detail_form.save(commit=False)
        detail.event = event
        detail.save()
        detail_form.save_m2m()
    citations.instance = event
    citations.save()
    return event


@transaction.atomic
def save_detainee(*, detainee: Detainee, read_version: int | None) -> Detainee:
    if detainee.pk is not None:
        detainee.version = _claim(Detainee, pk=detainee.pk, read_version=read_version or 0)
    detainee.save()
    return detainee


@transaction.atomic
def add_source(*, source: Source) -> Source:
    source.save()
    return source


@transaction.atomic
def restore_version(*, record: models.Model) -> models.Model:
    """Put back the record's state as a new version; the restore is itself a history entry."""
    model = record.instance_type
    instance = record.instance
    current = (
        model.objects.select_for_update().filter(pk=instance.pk).values_list("version", flat=True)
    )
    instance.version = (current.first() or 0) + 1
    instance._change_reason = _("Restored the version of %(date)s") % {
        "date": formats.date_format(record.history_date, "DATETIME_FORMAT")
    }
    instance.save()
    return instance


# What staff screens archive instead of deleting, by the name used in their addresses.
ARCHIVABLE: dict[str, type[Archivable]] = {"case": Case, "detainee": Detainee, "event": Event}


@transaction.atomic
def archive(*, record: Archivable, user: AbstractBaseUser) -> Archivable:
    """Put the record aside: gone from public pages, the relatives' workspace and staff lists,
    kept whole (and in the change history) until it is restored. Archiving twice does nothing.

    The version moves on, so a form still open on the record refuses to save over it.
    """
    record = type(record).objects.select_for_update().get(pk=record.pk)
    if record.archived_at is None:
        record.archived_at = timezone.now()
        record.archived_by = user
        record.version += 1
        record._change_reason = _("Archived")
        record._history_user = user
        record.save()
    return record


@transaction.atomic
def unarchive(*, record: Archivable, user: AbstractBaseUser) -> Archivable:
    """Put an archived record back where it was; the change history shows both steps."""
    record = type(record).objects.select_for_update().get(pk=record.pk)
    if record.archived_at is not None:
        record.archived_at = None
        record.archived_by = None
        record.version += 1
        record._change_reason = _("Restored from the archive")
        record._history_user = user
        record.save()
    return record
