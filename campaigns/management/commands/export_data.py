"""Write the whole database and the attachment files into one archive (campaigns.backup)."""

import getpass
from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaigns.access_log import Action, log_access
from campaigns.backup import BackupError, export_archive


class Command(BaseCommand):
    help = (
        "Write everything (every table: cases, people, events, relatives, entries, accounts, "
        "two-factor devices, the change history, the admin's log and the access log) and every "
        "attachment file (MEDIA_ROOT, or the storage STORAGES['default'] names) into one "
        "archive, .zip or .tar.gz. `import_data` restores it into an empty database. The export "
        "is logged in the access log."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "archive", help="Where to write it: a path ending .zip, .tar.gz or .tgz."
        )
        parser.add_argument(
            "--force", action="store_true", help="Replace the archive if the file exists."
        )

    def handle(self, *args: object, archive: str, force: bool, verbosity: int, **options) -> None:
        path = Path(archive)
        if path.exists() and not force:
            raise CommandError(f"{path} exists; pass --force to replace it.")
        try:
            summary = export_archive(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        # Logged once the archive is written, so that it does not hold its own export's entry.
        log_access(
            user=None,
            action=Action.EXPORTED,
            label=path.name,
            detail=f"manage.py export_data {path.resolve()} (run as {getpass.getuser()})",
        )
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wrote {path}: {summary.rows} rows of {len(summary.tables)} tables, "
                    f"{len(summary.files)} files."
                )
            )
        if verbosity >= 2:
            for label, count in summary.tables.items():
                self.stdout.write(f"  {label}: {count}")
