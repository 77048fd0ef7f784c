"""Load the founding case, nukus-27, so a fresh install has a real-looking case to show."""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand
from django.db import transaction

from campaigns.demo import CASE_SLUG, load_founding_case
from campaigns.models import Participation
from detentions.models import Case, Citation, Event


class Command(BaseCommand):
    help = (
        f"Load the founding case ({CASE_SLUG}: 27 Kazakhstan citizens held in Nukus, 2009) as demo "
        "data. Running it again deletes and rebuilds that case and updates the records it shares "
        "(institutions, officials, facility, KIBHR, sources, demo relatives) in place."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Build the case inside a transaction, report what it holds, then roll it back.",
        )

    def handle(self, *args: object, dry_run: bool, verbosity: int, **options: object) -> None:
        # All or nothing: a validation error halfway must not leave half a case behind.
        with transaction.atomic():
            case = load_founding_case()
            summary = self.summary(case)
            events = list(Event.objects.filter(case=case).in_date_order())
            if dry_run:
                transaction.set_rollback(True)

        if verbosity >= 1:
            prefix = "Dry run, nothing written. Would load" if dry_run else "Loaded"
            self.stdout.write(self.style.SUCCESS(f"{prefix} case {CASE_SLUG}: {summary}."))
        if verbosity >= 2:
            for event in events:
                hidden = "" if event.is_public and event.is_verified else " [internal]"
                self.stdout.write(
                    f"  {event.date}: {event.get_kind_display()}: {event.title}{hidden}"
                )

    @staticmethod
    def summary(case: Case) -> str:
        counted = Case.objects.with_people_counts().get(pk=case.pk)
        events = Event.objects.filter(case=case)
        parts = [
            f"{counted.people_count} detainees "
            f"({counted.located_count} located, "
            f"{counted.whereabouts_unknown_count} whereabouts unknown)",
            f"{events.count()} events ({events.public().count()} public)",
            f"{Citation.objects.filter(event__case=case).count()} citations",
            f"{case.relatives.distinct().count()} relatives",
            f"{Participation.objects.filter(event__case=case).count()} participations",
        ]
        return ", ".join(parts)
