"""Erasing a relative's personal data on their request, without breaking any case's timeline.

The relative's row stays, nameless and unreachable ("a relative"), so that their entries, the
events they took part in and their kinships keep an author. What goes: their names and other
spellings, contact details, consent notes and search key, in the row and in every row of its
change history (and of the records merged into it); their account's name, address and password
(the account is switched off and unlinked); their two-factor devices and login records; and their
name wherever the admin's log, the access log, a change note or the text of her own entries
(their events, details, attachments' names and correction requests) quoted it.

Who may: staff with the "erase a relative's personal data" permission (`ERASE_PERMISSION`),
which no group is given: superusers, and anyone a superuser grants it to by name.
"""

import json
import uuid

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaigns.access_log import Action, log_access
from campaigns.models import AccessLogEntry, CorrectionRequest, Relative
from detentions.models import Attachment, Event
from detentions.models.timeline import DETAIL_ACCESSORS
from detentions.page_cache import note_public_change

ERASE_PERMISSION = "campaigns.erase_relative"

# Every field that says who the relative is or how to reach them, and what it becomes.
ERASED_VALUES = {
    "given_name": "",
    "family_name": "",
    "name_original": "",
    "other_names": "",
    "name_display": Relative.NameDisplay.WITHHELD,
    "phone": "",
    "email": "",
    "messenger": "",
    "address": "",
    "consent_notes": "",
    "search_key": "",
    "last_seen_at": None,
}

# The notes simple-history and the merge leave on rows; they quote names.
MERGE_NOTES = ["Merged into %(record)s", "Merged with %(record)s"]


def may_erase(user: AbstractBaseUser) -> bool:
    return user.is_active and user.is_staff and user.has_perm(ERASE_PERMISSION)


def _names(relative: Relative) -> set[str]:
    """Every form of the relative's name that `str()` ever wrote into a log or a note: the full
    name of each version in their history (records merged into them included), and now."""
    rows = Relative.history.filter(id=relative.pk).values_list("given_name", "family_name")
    names = {f"{given} {family}".strip() for given, family in rows}
    names.add(f"{relative.given_name} {relative.family_name}".strip())
    # Too short to tell apart from other words: a name that short is not searched for.
    return {name for name in names if len(name) >= 3}


def _merge_notes(names: set[str]) -> set[str]:
    notes = set()
    for language, _label in settings.LANGUAGES:
        with translation.override(language):
            templates = [_(template) for template in MERGE_NOTES]
        notes |= {(template % {"record": name})[:100] for template in templates for name in names}
    return notes


def _replace(text: str, names: set[str], by: str) -> str:
    # Longest first, so that "Aigul Sadykova" goes whole before "Aigul" could.
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, by)
    return text


def _replace_in_json(text: str, names: set[str], by: str) -> str:
    """The admin's change messages are JSON, with names escaped: replaced in the values."""
    try:
        data = json.loads(text)
    except ValueError:
        return _replace(text, names, by)

    def walk(value):
        if isinstance(value, str):
            return _replace(value, names, by)
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        return value

    return json.dumps(walk(data))


def _scrub_logs(names: set[str], by: str) -> None:
    """The name, wherever the admin's log or the access log quoted it."""
    if not names:
        return
    quoting = models.Q()
    for name in names:
        quoting |= models.Q(object_repr__contains=name) | models.Q(change_message__contains=name)
        # Non-Latin names are stored escaped in the JSON change messages.
        escaped = json.dumps(name)[1:-1]
        quoting |= models.Q(change_message__contains=escaped)
    for entry in LogEntry.objects.filter(quoting):
        entry.object_repr = _replace(entry.object_repr, names, by)
        entry.change_message = _replace_in_json(entry.change_message, names, by)
        entry.save(update_fields=["object_repr", "change_message"])
    quoting = models.Q()
    for name in names:
        quoting |= models.Q(label__contains=name) | models.Q(detail__contains=name)
    for entry in AccessLogEntry.objects.filter(quoting):
        entry.label = _replace(entry.label, names, by)
        entry.detail = _replace(entry.detail, names, by)
        entry.save(update_fields=["label", "detail"])


def _scrub_history(relative: Relative, names: set[str], by: str) -> None:
    """Every earlier version of the relative, and of the records merged into them (their
    deletion rows stay under their own numbers, noted "Merged into <name>")."""
    history = Relative.history.model
    merged_away = history.objects.filter(
        history_type="-", history_change_reason__in=_merge_notes(names)
    ).values_list("id", flat=True)
    rows = history.objects.filter(models.Q(id=relative.pk) | models.Q(id__in=list(merged_away)))
    # The newest row is the erasure itself, already blank: its note says what happened.
    newest = relative.history.values_list("history_id", flat=True).first()
    rows.exclude(history_id=newest).update(**ERASED_VALUES, user=None, history_change_reason=None)
    if not names:
        return
    # Other tables' notes may quote the name too (a merge note on a kinship's row, say).
    for model in apps.get_models():
        if getattr(model, "instance_type", None) is None or model is history:
            continue
        for row in model.objects.filter(
            models.Q(
                *[("history_change_reason__contains", name) for name in names], _connector="OR"
            )
        ):
            row.history_change_reason = _replace(row.history_change_reason, names, by)[:100]
            row.save(update_fields=["history_change_reason"])


def _close_account(account: AbstractBaseUser) -> None:
    """The account stays (records point at it) but says nothing of its owner and opens nothing."""
    old_username = account.get_username()
    account.username = f"erased-{uuid.uuid4().hex[:12]}"
    account.email = ""
    account.first_name = ""
    account.last_name = ""
    account.is_active = False
    account.set_unusable_password()
    account.save()
    if apps.is_installed("django_otp"):
        from django_otp import devices_for_user

        for device in devices_for_user(account, confirmed=None):
            device.delete()
    if apps.is_installed("axes"):
        # Login attempts and logins name the account and where it logged in from.
        for name in ("AccessAttempt", "AccessFailureLog", "AccessLog"):
            apps.get_model("axes", name).objects.filter(username=old_username).delete()


def _text_fields(model: type[models.Model]) -> dict[str, int | None]:
    """The fields where free text is written (text, not a choice), with their longest length."""
    return {
        field.attname: field.max_length
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and not field.choices
    }


def _scrub_rows(rows: models.QuerySet, names: set[str], by: str) -> None:
    """The name, wherever the rows' free text quotes it. Written with `update()`: nothing else
    about the record changes (no new version, no new history row to scrub in turn)."""
    fields = _text_fields(rows.model)
    for row in rows:
        before = {field: getattr(row, field) for field in fields}
        # "a relative" may be longer than a short name: cut to what the column holds.
        after = {
            field: _replace(text, names, by)[: fields[field]]
            for field, text in before.items()
            if text
        }
        changed = {field: text for field, text in after.items() if text != before[field]}
        if changed:
            rows.model._base_manager.filter(pk=row.pk).update(**changed)


def _scrub_own_writing(relative: Relative, names: set[str], by: str) -> None:
    """Her name, where the text of her own entries quotes it: each event she logged, its
    details and attachments, her correction requests, and every earlier version of them."""
    if not names:
        return
    events = Event.objects.filter(entry__relative=relative)
    event_ids = list(events.values_list("pk", flat=True))
    details = [Event._meta.get_field(name).related_model for name in DETAIL_ACCESSORS.values()]
    written = [
        events,
        *(model._base_manager.filter(event__in=event_ids) for model in details),
        Attachment.objects.filter(event__in=event_ids),
        CorrectionRequest.objects.filter(entry__relative=relative),
    ]
    for rows in written:
        _scrub_rows(rows, names, by)
        model = rows.model
        if not hasattr(model, "history"):  # correction requests keep none
            continue
        ids = list(rows.values_list("pk", flat=True))
        history = model.history.model.objects.filter(**{f"{model._meta.pk.attname}__in": ids})
        _scrub_rows(history, names, by)
    # A public event may have quoted her: cached pages must not.
    note_public_change()


@transaction.atomic
def erase_relative(*, relative: Relative, user: AbstractBaseUser) -> Relative:
    """Erase the relative's personal data (see the module's notes), log it, and return the
    relative as it is now: "a relative", with their entries and kinships untouched."""
    relative = Relative.objects.select_for_update().get(pk=relative.pk)
    names = _names(relative)
    account = relative.user
    for field, value in ERASED_VALUES.items():
        setattr(relative, field, value)
    relative.user = None
    relative.erased_at = timezone.now()
    relative._history_user = user
    relative._change_reason = _("Personal data erased on request")
    relative.save()
    if account is not None:
        _close_account(account)
    by = str(relative)
    _scrub_history(relative, names, by)
    _scrub_logs(names, by)
    _scrub_own_writing(relative, names, by)
    log_access(user=user, action=Action.ERASED, record=relative, label=by)
    return relative
