"""Writing the access log: who viewed a relative's contact details, exported, deleted or erased
what, and when. Superusers read it in the admin (AccessLogEntry)."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from campaigns.models import AccessLogEntry

Action = AccessLogEntry.Action

LABEL_LENGTH = AccessLogEntry._meta.get_field("label").max_length


def _entry(
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    action: str,
    record: models.Model | None,
    label: str,
    detail: str,
) -> AccessLogEntry:
    account = user if user is not None and user.is_authenticated else None
    return AccessLogEntry(
        user=account,
        username=account.get_username() if account is not None else "",
        action=action,
        record_type=record._meta.label_lower if record is not None else "",
        object_id=str(record.pk) if record is not None else "",
        label=(label or str(record))[:LABEL_LENGTH],
        detail=detail,
    )


def log_access(
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    action: str,
    record: models.Model | None = None,
    label: str = "",
    detail: str = "",
) -> AccessLogEntry:
    """One entry about `record` (or, without one, about what `label` names). `user` is None for
    a command run on the server; `detail` says what else matters (the file written, say)."""
    entry = _entry(user=user, action=action, record=record, label=label, detail=detail)
    entry.save()
    return entry


def log_deletions(
    *, user: AbstractBaseUser | None, records: Iterable[models.Model], detail: str = ""
) -> None:
    """One entry per record about to be deleted for good: called before the delete, while the
    records still have their numbers and names."""
    AccessLogEntry.objects.bulk_create(
        _entry(user=user, action=Action.DELETED, record=record, label="", detail=detail)
        for record in records
    )


def log_admin_deletions(sender, *, user: AbstractBaseUser, records: list, **kwargs) -> None:
    """Receives `detentions.signals.deleting_in_admin`."""
    log_deletions(user=user, records=records)
