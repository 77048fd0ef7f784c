"""Fill an empty database with realistic, deterministic data for performance benchmarks."""

import random
import time
from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from detentions.bench_data import BenchData, make_plan
from detentions.models import Case, Detainee, Event, Facility, Institution, Source
from detentions.page_cache import note_public_change

# Any of these holding rows means a database in use: the command never adds to one.
IN_USE = [Case, Detainee, Event, Source, Institution, Facility]


class Command(BaseCommand):
    help = (
        "Fill an EMPTY database with realistic benchmark data: cases, people, a shared registry "
        "of bodies and places, and timelines with every kind of event, their details and "
        "sources. The same --seed gives the same data. The first case (lowest id) has the "
        "longest timeline. Written with bulk inserts: no history rows."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--cases", type=int, default=2000, help="Cases (default 2000).")
        parser.add_argument(
            "--people", type=int, default=100_000, help="Detainees (default 100,000)."
        )
        parser.add_argument(
            "--events", type=int, default=1_000_000, help="Events (default 1,000,000)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be created, and write nothing.",
        )

    def handle(
        self,
        *args: object,
        cases: int,
        people: int,
        events: int,
        seed: int,
        dry_run: bool,
        verbosity: int,
        **options: object,
    ) -> None:
        if cases < 1 or people < 0 or events < cases:
            raise CommandError(
                "Give at least one case, no negative counts, and at least one event per case."
            )
        used = [model._meta.label for model in IN_USE if model.objects.exists()]
        if used:
            raise CommandError(
                f"This database already has data ({', '.join(used)}). generate_bench_data only "
                "fills an empty database; use a new one (createdb, then migrate)."
            )

        # Reproducible benchmark data, not secrets.
        rng = random.Random(seed)  # noqa: S311
        plan = make_plan(rng, cases=cases, people=people, events=events)
        if dry_run:
            if verbosity >= 1:
                self.stdout.write(
                    f"Dry run, nothing written. Would create {plan.cases:,} cases, "
                    f"{sum(plan.people):,} detainees and {sum(plan.events):,} events "
                    f"(the first case's timeline: {plan.events[0]:,} events; the largest "
                    f"case: {max(plan.people):,} people), with the registry, sources, "
                    "citations, relatives and the details of every event."
                )
            return

        def log(message: str, level: int) -> None:
            if verbosity >= level:
                self.stdout.write(message)

        started = time.monotonic()
        generator = BenchData(rng=rng, log=log)
        try:
            counts = generator.generate(plan)
        except Exception as error:
            # Each table or batch is its own transaction: what was written stays.
            raise CommandError(
                f"Stopped: {error}. Part of the data was written; start again on a new database."
            ) from error
        finally:
            # bulk_create sends no signals: cached public pages learn of the change here.
            note_public_change()
        if verbosity >= 1:
            longest = Case.objects.order_by("pk").first()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wrote {sum(counts.values()):,} rows in {time.monotonic() - started:.0f} s. "
                    f"Longest timeline: {longest.slug} ({plan.events[0]:,} events)."
                )
            )
