"""Rewrite every record's search key, after a change to how names are normalised or spelled."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from detentions.models.searchable import Searchable, bulk_search_keys

BATCH = 2000


class Command(BaseCommand):
    help = "Recomputes the name search keys of every searchable record (cases, people, bodies)."

    def handle(self, *args, verbosity: int, **options) -> None:
        for model in apps.get_models():
            if not issubclass(model, Searchable):
                continue
            fields = model.search_key_fields()
            total = 0
            with transaction.atomic():
                for start in range(0, model.objects.count(), BATCH):
                    batch = list(model.objects.order_by("pk")[start : start + BATCH])
                    model.objects.bulk_update(bulk_search_keys(batch), fields)
                    total += len(batch)
            if verbosity >= 1:
                self.stdout.write(f"{model._meta.label}: {total} search keys rewritten.")
