"""One row that says when anything the public could see last changed.

Public pages are cached under keys that include this moment, so a publish or an edit anywhere
gives every page a new key at once, in every process and on every machine: the row is read from
the database, which they all share, not from a cache that might be local to one process.
"""

import datetime

from django.db import connection, models
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SINGLE_ROW = 1


class ContentVersion(models.Model):
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("content version")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=SINGLE_ROW), name="content_version_single")
        ]

    def __str__(self) -> str:
        return self.changed_at.isoformat()

    @classmethod
    def current(cls) -> datetime.datetime:
        """When public content last changed: one small query, on every public page read, so
        written out rather than built by the ORM each time (a cached page is served in about a
        millisecond, and building the query took a fifth of it)."""
        version = cls._read()
        if version is None:  # a database emptied by hand (or by a test's flush)
            cls.bump()
            version = cls._read()
        return version

    @classmethod
    def _read(cls) -> datetime.datetime | None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT changed_at FROM {cls._meta.db_table} WHERE id = %s",  # noqa: S608
                [SINGLE_ROW],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        value = row[0]
        if isinstance(value, str):  # SQLite keeps it as text, in UTC
            value = datetime.datetime.fromisoformat(value)
        if timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
        return value

    @classmethod
    def bump(cls) -> datetime.datetime:
        """Record a change now: one UPDATE. The new moment is strictly later than the last, so
        two changes within the clock's resolution still give two versions."""
        now = timezone.now()
        later = Greatest(F("changed_at") + datetime.timedelta(microseconds=1), Value(now))
        if not cls.objects.filter(pk=SINGLE_ROW).update(changed_at=later):
            cls.objects.get_or_create(pk=SINGLE_ROW, defaults={"changed_at": now})
        return now
