"""Backup and restore: `export_data` writes every table and every attachment into one archive;
`import_data` restores it into an empty database; exporting the restored database gives the
same archive, file for file and row for row."""

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from campaigns.access_log import Action, log_access
from campaigns.backup import DATA, MANIFEST, archive_content, exported_models
from campaigns.demo import CASE_SLUG
from campaigns.models import AccessLogEntry
from detentions.models import Case, Detainee
from tests.factories import AttachmentFactory, CaseFactory, EntryFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 the prosecutor's reply, scanned\n"


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def data(media_root):
    """The demo case, a relative's entry with a scan, edits in the history, a staff account with
    an authenticator app, and an access log entry."""
    call_command("load_demo", verbosity=0)
    case = Case.objects.get(slug=CASE_SLUG)
    entry = EntryFactory(event__case=case, event__title="Aigul writes to the prosecutor")
    attachment = AttachmentFactory(
        event=entry.event, file=ContentFile(PDF, name="reply.pdf"), size=len(PDF)
    )
    detainee = Detainee.objects.filter(case=case).first()
    detainee.internal_notes = "Moved to another block, says his cellmate."
    detainee.save()
    staff = StaffUserFactory(username="aliya")
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    log_access(user=staff, action=Action.VIEWED_CONTACT, record=entry.relative)
    return attachment


def run(*args: str, database: Path, media: Path) -> subprocess.CompletedProcess:
    """manage.py in a process of its own, on another database and MEDIA_ROOT."""
    environment = os.environ | {
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(media),
    }
    return subprocess.run(  # noqa: S603 (our own manage.py, with arguments we chose)
        [sys.executable, "manage.py", *args],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_export_import_export_gives_the_same_archive(data, tmp_path):
    first = tmp_path / "first.zip"
    call_command("export_data", str(first), verbosity=0)
    database, media = tmp_path / "restored.sqlite3", tmp_path / "restored-media"

    steps = [
        ("migrate", "--verbosity=0"),
        # A dry run leaves the database empty: the import after it would refuse otherwise.
        ("import_data", "--dry-run", str(first)),
        ("import_data", str(first)),
        ("export_data", str(tmp_path / "second.tar.gz")),
        # The database is no longer empty: a second import is refused.
        ("import_data", str(first)),
    ]
    results = [run(*step, database=database, media=media) for step in steps]

    for step, result in zip(steps[:-1], results[:-1], strict=True):
        assert result.returncode == 0, (step, result.stderr)
    assert "Dry run, nothing written" in results[1].stdout
    refused = results[-1]
    assert refused.returncode != 0
    assert "The database is not empty, so nothing was imported" in refused.stderr
    # Same rows of every table, same files, byte for byte; only the time of writing differs.
    before, after = archive_content(first), archive_content(tmp_path / "second.tar.gz")
    assert sorted(before) == sorted(after)
    for name in before:
        assert before[name] == after[name], name
    assert (media / data.file.name).read_bytes() == PDF


def test_the_archive_holds_every_table_and_the_files(data, tmp_path):
    archive = tmp_path / "backup.zip"
    call_command("export_data", str(archive), verbosity=0)
    content = archive_content(archive)
    manifest = json.loads(content[MANIFEST])
    rows = json.loads(content[DATA])
    assert set(manifest["tables"]) == {model._meta.label_lower for model in exported_models()}
    labels = {row["model"] for row in rows}
    for table in (
        "auth.user",
        "auth.group",
        "otp_totp.totpdevice",
        "admin.logentry",
        "campaigns.accesslogentry",
        "campaigns.entry",
        "campaigns.historicalrelative",
        "detentions.attachment",
        "detentions.historicaldetainee",
        "detentions.event",
    ):
        assert table in manifest["tables"], table
    for table in ("detentions.case", "detentions.historicaldetainee", "campaigns.accesslogentry"):
        assert table in labels, table
    # Made by `migrate` everywhere: never exported, named by natural keys where rows point at them.
    assert not labels & {"contenttypes.contenttype", "auth.permission", "sessions.session"}
    group = next(row for row in rows if row["model"] == "auth.group")
    assert ["add_case", "detentions", "case"] in group["fields"]["permissions"]
    assert content[f"media/{data.file.name}"] == PDF
    assert manifest["files"] == {data.file.name: hashlib.sha256(PDF).hexdigest()}


def test_the_export_is_logged_after_it_is_written(data, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("export_data", str(archive), verbosity=0)
    entry = AccessLogEntry.objects.filter(action=Action.EXPORTED).get()
    assert (entry.user, entry.label) == (None, "backup.tar.gz")
    assert str(archive.resolve()) in entry.detail
    exported = json.loads(archive_content(archive)[DATA])
    assert not [
        row
        for row in exported
        if row["model"] == "campaigns.accesslogentry" and row["fields"]["action"] == "exported"
    ]


def test_an_existing_archive_is_kept_unless_forced(media_root, tmp_path):
    archive = tmp_path / "backup.zip"
    archive.write_bytes(b"yesterday's backup")
    with pytest.raises(CommandError, match="exists; pass --force"):
        call_command("export_data", str(archive), verbosity=0)
    assert archive.read_bytes() == b"yesterday's backup"
    call_command("export_data", str(archive), "--force", verbosity=0)
    assert zipfile.is_zipfile(archive)


def test_an_archive_name_says_its_format(media_root, tmp_path):
    with pytest.raises(CommandError, match=r"\.zip, \.tar\.gz or \.tgz"):
        call_command("export_data", str(tmp_path / "backup.rar"), verbosity=0)


def test_import_refuses_a_database_that_is_not_empty(media_root, tmp_path):
    archive = tmp_path / "backup.zip"
    call_command("export_data", str(archive), verbosity=0)
    CaseFactory(title="Already here")
    with pytest.raises(CommandError, match=r"not empty.*detentions\.case \(1\)"):
        call_command("import_data", str(archive), verbosity=0)
    assert Case.objects.count() == 1


def rewritten(archive: Path, tmp_path: Path, *, add: dict[str, bytes]) -> Path:
    """A copy of the archive with entries added, the manifest left as it was."""
    copy = tmp_path / "tampered.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(copy, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        for name, content in add.items():
            target.writestr(name, content)
    return copy


@pytest.mark.parametrize(
    "name", ["media/../../escaped.txt", "/etc/escaped.txt", "media\\..\\escaped.txt", "elsewhere"]
)
def test_import_refuses_entries_that_would_land_outside_media_root(media_root, tmp_path, name):
    archive = tmp_path / "backup.zip"
    call_command("export_data", str(archive), verbosity=0)
    tampered = rewritten(archive, tmp_path, add={name: b"not a backup's file"})

    with pytest.raises(CommandError, match="refusing the entry"):
        call_command("import_data", str(tampered), verbosity=0)

    assert not list(tmp_path.rglob("escaped.txt"))
    assert not Path(media_root).exists() or not any(Path(media_root).iterdir())


def test_import_refuses_files_the_manifest_does_not_list(media_root, tmp_path):
    archive = tmp_path / "backup.zip"
    call_command("export_data", str(archive), verbosity=0)
    tampered = rewritten(archive, tmp_path, add={"media/attachments/1/extra.pdf": PDF})
    with pytest.raises(CommandError, match="do not match the archive's manifest"):
        call_command("import_data", str(tampered), verbosity=0)


def test_import_refuses_what_is_not_a_backup(media_root, tmp_path):
    not_zip = tmp_path / "photo.zip"
    not_zip.write_bytes(b"\xff\xd8\xff\xe0 a photo")
    with pytest.raises(CommandError, match="not a readable archive"):
        call_command("import_data", str(not_zip), verbosity=0)
    other_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("notes.txt", "shopping list")
    with pytest.raises(CommandError, match=r"no manifest\.json in the archive"):
        call_command("import_data", str(other_zip), verbosity=0)
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_data", str(tmp_path / "missing.zip"), verbosity=0)


def test_the_same_database_gives_the_same_content(media_root, tmp_path):
    first, second = tmp_path / "a.tar.gz", tmp_path / "b.zip"
    call_command("export_data", str(first), verbosity=0)
    # The first export logged itself after writing; without that entry nothing changed.
    AccessLogEntry.objects.all().delete()
    call_command("export_data", str(second), verbosity=0)
    assert archive_content(first) == archive_content(second)
