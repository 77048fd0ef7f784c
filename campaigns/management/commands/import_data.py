"""Restore an archive written by `export_data` into an empty database (campaigns.backup)."""

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaigns.backup import BackupError, import_archive


class Command(BaseCommand):
    help = (
        "Restore an archive written by `export_data`: every table into this database, which must "
        "be empty (create it and run `manage.py migrate` first), and the files into the "
        "attachments' storage (MEDIA_ROOT), which must not hold them yet. All or nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("archive", help="The .zip, .tar.gz or .tgz that export_data wrote.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the archive and load it inside a transaction, then roll it back; "
            "no file is written.",
        )

    def handle(self, *args: object, archive: str, dry_run: bool, verbosity: int, **options) -> None:
        try:
            summary = import_archive(Path(archive), dry_run=dry_run)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if verbosity >= 1:
            prefix = "Dry run, nothing written. Would restore" if dry_run else "Restored"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{prefix} {summary.rows} rows of {len(summary.tables)} tables and "
                    f"{len(summary.files)} files from {archive}."
                )
            )
