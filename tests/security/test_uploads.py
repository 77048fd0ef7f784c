"""Hostile uploads through the relatives' forms, as raw multipart requests (the test client would
clean a file's name before sending it; an attacker's client does not).

Wrong types, executables renamed as photos, files that claim to be images but are not, files
over the limit, names with folders, absolute paths, NUL bytes or thousands of characters: a clear
error next to the field and nothing stored; a good file with a hostile name is stored under a
random name inside MEDIA_ROOT only. (The checks themselves: tests/detentions/test_uploads.py.)
"""

import datetime
import uuid
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains

from campaigns.entry_services import Action, Answers, record_entry
from campaigns.models import Entry
from detentions.dates import DatePrecision
from detentions.models import Attachment, Event
from tests.factories import CaseFactory, KinshipFactory, RelativeWithAccountFactory
from tests.uploads import PDF, photo_with_location

pytestmark = pytest.mark.django_db

BOUNDARY = "hostile-upload-boundary"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)
NOT_TAKEN = "is not a photo or scan we can take: send a JPEG, PNG or PDF file."
UNREADABLE = "could not be opened as an image. It may be damaged; try again."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def case():
    return CaseFactory(slug="nukus-27")


@pytest.fixture
def relative(case):
    relative = RelativeWithAccountFactory()
    KinshipFactory(relative=relative, detainee__case=case)
    return relative


@pytest.fixture
def client(relative) -> Client:
    client = Client()
    client.force_login(relative.user)
    return client


def multipart(fields: dict[str, str], files: list[tuple[str, bytes]]) -> bytes:
    """A multipart body with each file's name exactly as given."""
    parts = []
    for name, value in fields.items():
        head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for filename, content in files:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def send_entry(client: Client, case, *files: tuple[str, bytes]):
    """The last step of "Log what you did" (an interview given), sent with `files`."""
    answers = {
        "what": "media",
        "when": "day",
        "day": "2009-05-01",
        "details": "An interview with the regional paper.",
        "step": "review",
        "action": "send",
        "submission_key": str(uuid.uuid4()),
    }
    return client.post(
        reverse("campaigns:log-entry", kwargs={"slug": case.slug}),
        multipart(answers, list(files)),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )


def stored_files(media_root: Path) -> list[Path]:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def assert_refused(response, message: str, media_root: Path) -> None:
    assert response.status_code == 200
    assertContains(response, 'id="id_files_error"')
    assertContains(response, escape(message).replace("&#x27;", "'"))
    assert not Entry.objects.exists()
    assert not Event.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", EXE, NOT_TAKEN),
        ("holiday-photo.jpg", EXE, NOT_TAKEN),  # a program renamed as a photo
        ("reply.pdf", b"<html><script>alert(1)</script></html>", NOT_TAKEN),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', NOT_TAKEN),
        # The first bytes of a photo, then anything but a photo.
        ("photo.jpg", b"\xff\xd8\xff\xe0" + EXE, UNREADABLE),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"<script>alert(1)</script>", UNREADABLE),
    ],
)
def test_a_file_that_is_not_a_photo_or_scan_is_refused(
    client, case, media_root, name, content, message
):
    response = send_entry(client, case, (name, content))
    assert_refused(response, f"“{name}” {message}", media_root)


def test_an_empty_file_is_refused(client, case, media_root):
    response = send_entry(client, case, ("empty.jpg", b""))
    assert_refused(response, "The submitted file is empty.", media_root)


def test_a_file_over_the_limit_is_refused_before_anything_is_kept(client, case, media_root):
    # Over 2.5 MB, Django spools an upload to a temporary file: that path is taken too.
    big = PDF + b"0" * Attachment.MAX_SIZE
    response = send_entry(client, case, ("whole-archive.pdf", big))
    assert_refused(response, "“whole-archive.pdf” is larger than 10.0\xa0MB.", media_root)


def test_one_bad_file_among_good_ones_keeps_them_all_out(client, case, media_root):
    response = send_entry(
        client, case, ("letter.jpg", photo_with_location()), ("virus.jpg", EXE), ("reply.pdf", PDF)
    )
    assert_refused(response, f"“virus.jpg” {NOT_TAKEN}", media_root)


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("/etc/passwd.jpg", "passwd.jpg"),
        ("C:\\Windows\\System32\\evil.jpg", "evil.jpg"),
        ("re\x00ply.jpg", "reply.jpg"),
        ("<script>alert(1)</script>.jpg", "script>.jpg"),  # folders end at each "/"
        ("x" * 800 + ".jpg", "x" * 251 + ".jpg"),
    ],
)
def test_a_hostile_name_is_neither_a_path_nor_markup_in_the_error(
    client, case, media_root, sent, shown
):
    response = send_entry(client, case, (sent, EXE))
    assert_refused(response, f"“{shown}” {NOT_TAKEN}", media_root)
    page = response.content.decode()
    assert "<script>alert(1)" not in page
    assert "etc/passwd" not in page and "System32" not in page


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../../../tmp/owned.jpg", "owned.jpg"),
        ("/var/www/static/owned.jpg", "owned.jpg"),
        ("..\\..\\owned.jpg", "owned.jpg"),
        ("own\x00ed.jpg", "owned.jpg"),
        ("\u202egpj.exe", "gpj.exe"),  # right-to-left override: shown as "exe.jpg"
        ("x" * 800 + ".jpg", "x" * 251 + ".jpg"),
    ],
)
def test_a_good_file_with_a_hostile_name_is_kept_under_a_random_name(
    client, case, media_root, sent, kept
):
    response = send_entry(client, case, (sent, photo_with_location()))

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == kept
    assert attachment.file.name.startswith(f"attachments/{case.pk}/")
    assert attachment.file.name.endswith(".jpg")
    assert "owned" not in attachment.file.name and "x" * 20 not in attachment.file.name
    (stored,) = stored_files(media_root)
    assert stored.resolve().is_relative_to(media_root.resolve())
    assert stored.resolve() == Path(attachment.file.path).resolve()


def test_a_name_too_long_for_a_request_is_refused_whole(client, case, media_root):
    # Django reads at most 1 KB of each part's headers: the request is refused as malformed.
    response = send_entry(client, case, ("x" * 5000 + ".jpg", photo_with_location()))
    assert response.status_code == 400
    assert not Entry.objects.exists() and not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_a_bad_file_added_to_an_entry_later_changes_nothing(client, relative, case, media_root):
    entry = record_entry(
        relative=relative,
        case=case,
        answers=Answers(
            what=Action.MEDIA,
            date_precision=DatePrecision.DAY,
            date_start=datetime.date(2009, 5, 1),
            details="An interview.",
        ),
        files=[],
        submission_key=uuid.uuid4(),
    )
    fields = {"when": "day", "day": "2009-05-01", "details": "Changed text.", "action": "save"}
    response = client.post(
        reverse("campaigns:edit-entry", kwargs={"pk": entry.pk}),
        multipart(fields, [("../../evil.jpg", EXE)]),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )

    assert response.status_code == 200
    assertContains(response, 'id="id_files_error"')
    assertContains(response, f"“evil.jpg” {NOT_TAKEN}")
    entry.event.refresh_from_db()
    assert entry.event.description == "An interview."
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []
