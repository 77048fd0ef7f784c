"""Backups: the whole database and the attachment files in one archive, and back.

An archive (.zip, or .tar.gz / .tgz) holds:

- `manifest.json`: the format, when it was written, how many rows of each table and the SHA-256
  of each file;
- `data.json`: every row of every table, in Django's JSON fixture format, table by table and row
  by row in key order, so that the same database always gives the same file;
- `media/...`: every file of the attachments' storage (`default_storage`: MEDIA_ROOT, or the
  object storage that STORAGES["default"] names), under its own name there.

Every table is exported (the apps', accounts, groups, two-factor devices, login records, the
admin's log, the access log and every change history) except what `migrate` makes in every
database (content types and permissions: rows point at them by their natural keys, which are the
same everywhere), sessions and the page cache's version. A new model is exported without a
change here.

Restoring needs an empty database, freshly migrated: rows already there would clash with the
archive's, or silently mix with them.
"""

import datetime
import gzip
import hashlib
import json
import posixpath
import shutil
import tarfile
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JsonSerializer
from django.db import connection, models, transaction

FORMAT = "detained-abroad-backup/1"
DATA = "data.json"
MANIFEST = "manifest.json"
MEDIA = "media"

# Made by `migrate` in every database, and found again there by natural key.
MADE_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}
# Only while someone is logged in; and the moment public content last changed, which only names
# cached pages (a restore is itself a change).
NOT_KEPT = {"sessions.session", "detentions.contentversion"}
# Made by a migration (the "case worker" group): replaced by the archive's on restore.
REPLACED_ON_RESTORE = {"auth.group"}

# Archive entries carry no time of their own, so that the same content gives the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class BackupError(Exception):
    """What is wrong with the archive or the database, in words for whoever runs the command."""


def exported_models() -> list[type[models.Model]]:
    """Every table that a backup holds, in a fixed order."""
    return sorted(
        (
            model
            for model in apps.get_models()
            if model._meta.label_lower not in MADE_BY_MIGRATE | NOT_KEPT
            and model._meta.managed
            and not model._meta.proxy
        ),
        key=lambda model: model._meta.label_lower,
    )


class FullPrecisionEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a restore must give back what was there."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupSerializer(JsonSerializer):
    """Django's JSON fixtures, with two differences: content types and permissions are named by
    their natural keys (their numbers differ between databases), and many-to-many values are
    read one table at a time (not one query per row) and sorted."""

    def start_serialization(self):
        super().start_serialization()
        self._natural: dict[tuple[type, int], list] = {}
        self._links: dict[models.ManyToManyField, dict[int, list[int]]] = {}

    def _natural_key(self, model: type[models.Model], pk: int) -> list:
        if (model, pk) not in self._natural:
            if model is ContentType:
                key = ContentType.objects.get_for_id(pk).natural_key()
            else:
                key = model._base_manager.get(pk=pk).natural_key()
            self._natural[(model, pk)] = list(key)
        return self._natural[(model, pk)]

    def _linked(self, model_field: models.ManyToManyField) -> dict[int, list[int]]:
        if model_field not in self._links:
            through = model_field.remote_field.through
            source = through._meta.get_field(model_field.m2m_field_name()).attname
            target = through._meta.get_field(model_field.m2m_reverse_field_name()).attname
            links = defaultdict(list)
            for from_pk, to_pk in through._base_manager.values_list(source, target):
                links[from_pk].append(to_pk)
            self._links[model_field] = links
        return self._links[model_field]

    def handle_fk_field(self, obj, model_field):
        remote = model_field.remote_field.model
        value = getattr(obj, model_field.attname)
        if remote in (ContentType, Permission) and value is not None:
            self._current[model_field.name] = self._natural_key(remote, value)
        else:
            self._current[model_field.name] = value

    def handle_m2m_field(self, obj, model_field):
        if not model_field.remote_field.through._meta.auto_created:
            return  # a table of its own (kinships, citations): exported as rows
        remote = model_field.remote_field.model
        linked = sorted(self._linked(model_field).get(obj.pk, []))
        if remote in (ContentType, Permission):
            values = sorted(self._natural_key(remote, pk) for pk in linked)
        else:
            values = linked
        self._current[model_field.name] = values


def _rows() -> Iterator[models.Model]:
    for model in exported_models():
        yield from model._base_manager.order_by("pk").iterator(chunk_size=2000)


def _stored_files() -> list[str]:
    """Every file's name in the attachments' storage, through the storage API, so that a backup
    reads object storage as it reads MEDIA_ROOT."""

    def walk(folder: str) -> Iterator[str]:
        try:
            folders, files = default_storage.listdir(folder)
        except FileNotFoundError:  # no MEDIA_ROOT yet: nothing was ever uploaded
            return
        for name in files:
            yield posixpath.join(folder, name)
        for name in folders:
            yield from walk(posixpath.join(folder, name))

    return sorted(walk(""))


def _sha256(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Summary:
    tables: dict[str, int] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _is_zip(path: Path) -> bool:
    return path.suffix.lower() == ".zip"


def _is_tar(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(".tar.gz") or name.endswith(".tgz")


def check_archive_name(path: Path) -> None:
    if not (_is_zip(path) or _is_tar(path)):
        raise BackupError(f"{path}: name the archive .zip, .tar.gz or .tgz.")


class _Writer:
    """Entries added in order, each without a time or an owner of its own."""

    def __init__(self, path: Path, *, as_zip: bool) -> None:
        self.as_zip = as_zip
        if as_zip:
            self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
        else:
            self.raw = path.open("wb")
            self.gzip = gzip.GzipFile(filename="", fileobj=self.raw, mode="wb", mtime=0)
            # Closed by close(), with the gzip stream under it.
            self.tar = tarfile.open(  # noqa: SIM115
                fileobj=self.gzip, mode="w", format=tarfile.PAX_FORMAT
            )

    def add(self, name: str, source: Path) -> None:
        with source.open("rb") as file:
            self._add(name, file, source.stat().st_size)

    def add_stored(self, name: str, stored: str) -> None:
        with default_storage.open(stored, "rb") as file:
            self._add(name, file, default_storage.size(stored))

    def _add(self, name: str, file: BinaryIO, size: int) -> None:
        if self.as_zip:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with self.zip.open(info, "w") as entry:
                shutil.copyfileobj(file, entry)
        else:
            info = tarfile.TarInfo(name)
            info.size = size
            info.mode = 0o644
            self.tar.addfile(info, file)

    def close(self) -> None:
        if self.as_zip:
            self.zip.close()
        else:
            self.tar.close()
            self.gzip.close()
            self.raw.close()


def export_archive(path: Path) -> Summary:
    """Write the database and the stored files to `path`; return what it holds."""
    check_archive_name(path)
    summary = Summary()
    with tempfile.TemporaryDirectory() as work:
        data = Path(work) / DATA
        # One transaction: the rows of every table as they were at one moment.
        outermost = not connection.in_atomic_block
        with transaction.atomic(), data.open("w", encoding="utf-8") as stream:
            if outermost and connection.vendor == "postgresql":
                # PostgreSQL reads each statement at its own moment unless asked otherwise.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            for model in exported_models():
                summary.tables[model._meta.label_lower] = model._base_manager.count()
            BackupSerializer().serialize(_rows(), stream=stream, cls=FullPrecisionEncoder)
        files = _stored_files()
        summary.files = {name: _sha256(name) for name in files}
        manifest = Path(work) / MANIFEST
        manifest.write_text(
            json.dumps(
                {
                    "format": FORMAT,
                    "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
                    "tables": summary.tables,
                    "files": summary.files,
                },
                indent=1,
                sort_keys=True,
            ),
            encoding="utf-8",
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        writer = _Writer(partial, as_zip=_is_zip(path))
        try:
            writer.add(MANIFEST, manifest)
            writer.add(DATA, data)
            for name in files:
                writer.add_stored(f"{MEDIA}/{name}", name)
        finally:
            writer.close()
        # Only a finished archive takes the name: a failure halfway leaves no half backup.
        partial.replace(path)
    return summary


def _safe_media_name(name: str) -> str | None:
    """The name in the storage (the path under MEDIA_ROOT) of a `media/...` entry; None for
    anything that could land elsewhere (absolute, `..`, backslashes)."""
    posix = PurePosixPath(name)
    if "\\" in name or posix.is_absolute() or ".." in posix.parts or len(posix.parts) < 2:
        return None
    if posix.parts[0] != MEDIA:
        return None
    return PurePosixPath(*posix.parts[1:]).as_posix()


class _Reader:
    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise BackupError(f"{path}: no such file.")
        self.path = path
        try:
            if _is_zip(path):
                self.zip = zipfile.ZipFile(path)
                self.names = {info.filename: info for info in self.zip.infolist()}
            else:
                self.tar = tarfile.open(path, mode="r:gz")  # noqa: SIM115 (closed by close())
                self.names = {member.name: member for member in self.tar.getmembers()}
        except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(f"{path}: not a readable archive ({error}).") from error

    def read(self, name: str) -> bytes:
        entry = self.names.get(name)
        if entry is None:
            raise BackupError(f"{self.path}: no {name} in the archive; is it a backup?")
        if _is_zip(self.path):
            return self.zip.read(entry)
        extracted = self.tar.extractfile(entry)
        if extracted is None:
            raise BackupError(f"{self.path}: {name} is not a plain file.")
        return extracted.read()

    def media(self) -> dict[str, str]:
        """Each file's name in the storage, by its name in the archive."""
        files = {}
        for name, entry in self.names.items():
            if name in (DATA, MANIFEST) or name.endswith("/"):
                continue
            target = _safe_media_name(name)
            regular = entry.isfile() if hasattr(entry, "isfile") else not entry.is_dir()
            if target is None or not regular:
                raise BackupError(
                    f"{self.path}: refusing the entry {name!r}: not a file under media/."
                )
            files[name] = target
        return files

    def close(self) -> None:
        (self.zip if _is_zip(self.path) else self.tar).close()


def database_holdings() -> dict[str, int]:
    """The tables that already hold rows, other than what migrations make."""
    held = {}
    for model in exported_models():
        if model._meta.label_lower in REPLACED_ON_RESTORE:
            continue
        count = model._base_manager.count()
        if count:
            held[model._meta.label_lower] = count
    return held


def import_archive(path: Path, *, dry_run: bool = False) -> Summary:
    """Restore an archive written by `export_archive` into this (empty) database and the
    attachments' storage. All or nothing: on any error the database is left as it was, and so
    is the storage."""
    check_archive_name(path)
    reader = _Reader(path)
    try:
        manifest = json.loads(reader.read(MANIFEST))
        if manifest.get("format") != FORMAT:
            raise BackupError(
                f"{path}: format {manifest.get('format')!r}, this version reads {FORMAT!r}."
            )
        files = reader.media()
        expected = manifest.get("files", {})
        if set(files.values()) != set(expected):
            raise BackupError(f"{path}: the files do not match the archive's manifest.")
        held = database_holdings()
        if held:
            found = [f"{label} ({count})" for label, count in sorted(held.items())]
            listed = ", ".join(found[:5]) + (
                f" and {len(found) - 5} more" if len(found) > 5 else ""
            )
            raise BackupError(
                "The database is not empty, so nothing was imported: import_data restores only "
                "into an empty database (create one, run `manage.py migrate`, then import). "
                f"Rows found in: {listed}."
            )
        clashes = sorted(target for target in files.values() if default_storage.exists(target))
        if clashes:
            raise BackupError(
                f"The attachments' storage (MEDIA_ROOT) already holds {clashes[0]}"
                + (f" and {len(clashes) - 1} more" if len(clashes) > 1 else "")
                + ": restore into an empty one."
            )
        summary = Summary(tables=manifest.get("tables", {}), files=expected)
        written: list[str] = []
        with tempfile.TemporaryDirectory() as work, transaction.atomic():
            data = Path(work) / DATA
            data.write_bytes(reader.read(DATA))
            # The archive holds the groups (the migration's "case worker" group among them).
            Group.objects.all().delete()
            call_command("loaddata", str(data), verbosity=0)
            _check_counts(summary.tables)
            if dry_run:
                transaction.set_rollback(True)
                return summary
            try:
                for name, target in sorted(files.items()):
                    content = reader.read(name)
                    if hashlib.sha256(content).hexdigest() != expected[target]:
                        raise BackupError(f"{path}: {name} is damaged (its checksum differs).")
                    saved = default_storage.save(target, ContentFile(content))
                    written.append(saved)
                    if saved != target:
                        # Another process stored a file of that name since the check above.
                        raise BackupError(f"The attachments' storage already holds {target}.")
            except BaseException:
                for name in written:
                    default_storage.delete(name)
                raise
        return summary
    finally:
        reader.close()


def _check_counts(expected: dict[str, int]) -> None:
    for model in exported_models():
        label = model._meta.label_lower
        count = model._base_manager.count()
        if count != expected.get(label, 0):
            raise BackupError(
                f"After loading, {label} holds {count} rows; the archive says "
                f"{expected.get(label, 0)}. Nothing was imported."
            )


def archive_content(path: Path) -> dict[str, bytes]:
    """Every entry of an archive but the manifest's time: what two backups are compared by."""
    reader = _Reader(path)
    try:
        content = {name: reader.read(name) for name in reader.names if not name.endswith("/")}
    finally:
        reader.close()
    manifest = json.loads(content.pop(MANIFEST))
    manifest.pop("created_at", None)
    content[MANIFEST] = json.dumps(manifest, sort_keys=True).encode()
    return content
