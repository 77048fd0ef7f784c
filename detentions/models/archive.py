"""Archiving instead of deleting: staff screens put a case, a person or an event aside, and it
can be put back. The row, its history and everything pointing at it stay; what reads the public,
the relatives' and the staff lists leaves archived rows out through these querysets."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from detentions.models.labels import QuickChoiceLabels


class ArchivableQuerySet(models.QuerySet):
    def current(self) -> "ArchivableQuerySet":
        """Not archived: what every list shows."""
        return self.filter(archived_at__isnull=True)

    def archived(self) -> "ArchivableQuerySet":
        return self.filter(archived_at__isnull=False)


class Archivable(QuickChoiceLabels):
    # Not editable on forms: archiving and restoring are their own confirmed steps.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archived by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None
