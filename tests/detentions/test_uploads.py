"""Uploaded photos and scans: the type comes from the content, images lose every piece of
metadata and stay upright, and nothing is stored under the name it was sent with."""

from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from detentions import uploads
from detentions.models import Attachment
from detentions.uploads import clean_upload, download_name, safe_name, store_attachment
from tests.factories import EventFactory, UserFactory
from tests.uploads import PDF, photo_with_location, png_with_text


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(content: bytes, name: str = "letter.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def rejection(file) -> str:
    with pytest.raises(ValidationError) as raised:
        clean_upload(file)
    return " ".join(raised.value.messages)


class TestPhotos:
    def test_location_camera_and_every_other_metadata_are_removed(self):
        cleaned = clean_upload(upload(photo_with_location()))

        image = Image.open(BytesIO(cleaned.content))
        assert cleaned.content_type == "image/jpeg"
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
        assert b"Secret Phone" not in cleaned.content
        assert b"PhoneMaker" not in cleaned.content
        assert b"taken at home" not in cleaned.content

    def test_a_photo_stored_sideways_is_turned_upright_before_its_orientation_is_dropped(self):
        # Orientation 6: the camera saved it 40×20 and asks viewers to turn it a quarter.
        cleaned = clean_upload(upload(photo_with_location(size=(40, 20), orientation=6)))

        image = Image.open(BytesIO(cleaned.content)).convert("RGB")
        assert image.size == (20, 40)
        # The red left half of the sensor is now the top.
        red, _green, blue = image.getpixel((10, 5))
        assert red > 200 and blue < 60

    def test_png_text_chunks_are_removed_and_transparency_kept(self):
        cleaned = clean_upload(upload(png_with_text(), "scan.png", "image/png"))

        image = Image.open(BytesIO(cleaned.content))
        assert cleaned.content_type == "image/png"
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0)) == (0, 128, 0, 200)
        assert not {"Author", "Location"} & set(image.info)
        assert b"Secret" not in cleaned.content


class TestTypeComesFromTheContent:
    def test_a_text_file_renamed_jpg_is_refused(self):
        message = rejection(upload(b"#!/bin/sh\nrm -rf /\n", "photo.jpg", "image/jpeg"))
        assert message == (
            "“photo.jpg” is not a photo or scan we can take: send a JPEG, PNG or PDF file."
        )

    def test_a_png_header_followed_by_garbage_is_refused(self):
        message = rejection(upload(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 50, "scan.png"))
        assert (
            message == "“scan.png” could not be opened as an image. It may be damaged; try again."
        )

    def test_a_truncated_photo_is_refused(self):
        photo = photo_with_location(size=(200, 200))
        message = rejection(upload(photo[: len(photo) // 2]))
        assert "could not be opened as an image" in message

    def test_a_pdf_is_kept_as_it_is(self):
        cleaned = clean_upload(upload(PDF, "reply.PDF", "application/octet-stream"))
        assert cleaned.content_type == "application/pdf"
        assert cleaned.content == PDF
        assert cleaned.original_name == "reply.PDF"

    def test_a_jpeg_sent_with_a_pdf_name_is_still_a_jpeg(self):
        cleaned = clean_upload(upload(photo_with_location(), "reply.pdf", "application/pdf"))
        assert cleaned.content_type == "image/jpeg"


class TestSize:
    def test_a_file_over_the_limit_is_refused(self, monkeypatch):
        monkeypatch.setattr(Attachment, "MAX_SIZE", 1024)
        message = rejection(upload(PDF + b"0" * 1024, "big.pdf"))
        # filesizeformat keeps the number and its unit together with a no-break space.
        assert message == "“big.pdf” is larger than 1.0\xa0KB. Send a smaller photo or scan."

    def test_a_file_at_the_limit_is_taken(self, monkeypatch):
        monkeypatch.setattr(Attachment, "MAX_SIZE", len(PDF))
        assert clean_upload(upload(PDF, "exact.pdf")).content == PDF

    def test_a_photo_over_the_pixel_limit_is_refused_before_it_is_decoded(self, monkeypatch):
        monkeypatch.setattr(uploads, "MAX_PIXELS", 40 * 20 - 1)
        message = rejection(upload(photo_with_location(size=(40, 20))))
        assert message == "“letter.jpg” has too many pixels. Send a smaller photo."
        monkeypatch.setattr(uploads, "MAX_PIXELS", 40 * 20)
        assert clean_upload(upload(photo_with_location(size=(40, 20))))

    def test_pillows_own_decompression_bomb_guard_also_refuses(self, monkeypatch):
        monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
        message = rejection(upload(photo_with_location(size=(40, 20))))
        assert message == "“letter.jpg” has too many pixels. Send a smaller photo."


class TestNames:
    @pytest.mark.parametrize(
        ("sent", "kept"),
        [
            ("../../etc/passwd.jpg", "passwd.jpg"),
            ("C:\\Users\\Aigul\\Desktop\\letter.jpg", "letter.jpg"),
            ("..", ""),
            ("re\x00ply\n.pdf", "reply.pdf"),
            ("", ""),
        ],
    )
    def test_only_the_files_own_name_is_kept(self, sent, kept):
        assert safe_name(sent) == kept

    @pytest.mark.django_db
    def test_a_path_in_the_name_cannot_choose_where_the_file_is_stored(self, media_root):
        event = EventFactory()
        file = upload(photo_with_location())
        # Django's multipart parser already drops folders; a name set in code must be safe too.
        file.name = "../../etc/passwd.jpg"

        attachment = store_attachment(
            event=event, upload=clean_upload(file), uploaded_by=UserFactory()
        )

        attachment.refresh_from_db()
        assert attachment.original_name == "passwd.jpg"
        assert attachment.file.name.startswith(f"attachments/{event.case_id}/")
        assert "passwd" not in attachment.file.name
        assert attachment.file.name.endswith(".jpg")
        stored = Path(attachment.file.path).resolve()
        assert stored.is_relative_to(media_root.resolve())
        assert stored.stat().st_size == attachment.size
        with Image.open(stored) as image:
            assert not image.getexif()
        assert download_name(attachment) == "passwd.jpg"

    def test_the_download_name_has_the_true_extension(self):
        attachment = Attachment(pk=7, content_type="image/png", original_name="photo.jpg")
        assert download_name(attachment) == "photo.png"
        assert download_name(Attachment(pk=7, content_type="application/pdf")) == (
            "attachment-7.pdf"
        )
