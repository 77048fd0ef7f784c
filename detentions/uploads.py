"""Checking and cleaning uploaded photos and scans before they are stored as attachments.

A relative's phone photo of a letter carries more than the letter: EXIF GPS coordinates of their
home, the camera model, editing history. Images are therefore decoded and written out afresh from
their pixels alone. The type is decided from the content, never from the name or the browser's
claim, so a renamed script cannot pass as a photo.
"""

import os
import unicodedata
import warnings
from dataclasses import dataclass
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from detentions.models import Attachment, Event

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PDF_MAGIC = b"%PDF-"

# A 50-megapixel photo takes about 150 MB to decode; phones save 12 to 50 by default.
MAX_PIXELS = 50_000_000

# What Pillow calls each image type; `Image.open` is told to try only the one the content claims.
PILLOW_FORMATS = {Attachment.ContentType.JPEG: "JPEG", Attachment.ContentType.PNG: "PNG"}


@dataclass(frozen=True)
class CleanedUpload:
    """A file that passed the checks: its bytes (re-encoded for images), type and a safe name."""

    content: bytes
    content_type: str
    original_name: str


def sniff_content_type(head: bytes) -> str | None:
    """The attachment type the first bytes announce, or None for anything else."""
    if head.startswith(JPEG_MAGIC):
        return Attachment.ContentType.JPEG
    if head.startswith(PNG_MAGIC):
        return Attachment.ContentType.PNG
    if head.startswith(PDF_MAGIC):
        return Attachment.ContentType.PDF
    return None


def safe_name(name: str) -> str:
    """The file's own name without any folder part or control characters, for display only.

    Browsers send names like "C:\\Users\\...\\scan.jpg"; a crafted request can send
    "../../etc/passwd". Stored files get a random name anyway (see `attachment_path`); this is
    only what staff and the relative see.
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if base in {"", ".", ".."}:
        return ""
    stem, ext = os.path.splitext(base)
    return stem[: 255 - len(ext[:16])] + ext[:16]


def reencode_image(data: bytes, content_type: str) -> bytes:
    """The image drawn upright and saved again with no metadata at all.

    Raises ValueError (or what Pillow raises) for anything that is not a complete, readable
    image of the announced type.
    """
    pillow_format = PILLOW_FORMATS[content_type]
    # A few kilobytes can claim to be a gigapixel image and exhaust memory when decoded.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(BytesIO(data), formats=[pillow_format]) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise Image.DecompressionBombError(f"{width}×{height} pixels")
            probe.verify()
        # verify() leaves the image unusable; decoding every pixel needs a fresh one.
        with Image.open(BytesIO(data), formats=[pillow_format]) as image:
            image.load()
            # Phones store photos sideways and rely on the EXIF orientation, which is dropped
            # below: turn the pixels first so the photo stays upright.
            upright = ImageOps.exif_transpose(image)
    # Savers fall back to `info` for some metadata (PNG text and ICC, JPEG comments): keep
    # only the transparency, which is part of the picture.
    upright.info = {k: v for k, v in upright.info.items() if k == "transparency"}
    out = BytesIO()
    if pillow_format == "JPEG":
        upright.save(out, format="JPEG", quality=90, optimize=True)
    else:
        upright.save(out, format="PNG", optimize=True)
    return out.getvalue()


def clean_upload(upload: UploadedFile) -> CleanedUpload:
    """Check one uploaded file and return what may be stored; ValidationError says what is wrong.

    The messages name the file, so that with several files the relative knows which one to fix.
    """
    name = safe_name(upload.name or "")
    shown = name or _("The file")
    limit = filesizeformat(Attachment.MAX_SIZE)
    if upload.size is not None and upload.size > Attachment.MAX_SIZE:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s. Send a smaller photo or scan.")
            % {"name": shown, "limit": limit},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(Attachment.MAX_SIZE + 1)
    if len(data) > Attachment.MAX_SIZE:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s. Send a smaller photo or scan.")
            % {"name": shown, "limit": limit},
            code="too_large",
        )
    content_type = sniff_content_type(data[:8])
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not a photo or scan we can take: send a JPEG, PNG or PDF file.")
            % {"name": shown},
            code="wrong_type",
        )
    if content_type != Attachment.ContentType.PDF:
        try:
            data = reencode_image(data, content_type)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValidationError(
                _("“%(name)s” has too many pixels. Send a smaller photo.") % {"name": shown},
                code="too_many_pixels",
            ) from None
        # Malformed images make Pillow raise many different exception types (OSError,
        # SyntaxError, struct.error, IndexError...); for untrusted input each one means the same.
        except Exception:
            raise ValidationError(
                _("“%(name)s” could not be opened as an image. It may be damaged; try again.")
                % {"name": shown},
                code="unreadable",
            ) from None
        if len(data) > Attachment.MAX_SIZE:
            raise ValidationError(
                _("“%(name)s” is larger than %(limit)s. Send a smaller photo or scan.")
                % {"name": shown, "limit": limit},
                code="too_large",
            )
    return CleanedUpload(content=data, content_type=content_type, original_name=name)


def store_attachment(*, event: Event, upload: CleanedUpload, uploaded_by) -> Attachment:
    """Save a cleaned file through the storage API under a random name (see `attachment_path`)."""
    attachment = Attachment(
        event=event,
        content_type=upload.content_type,
        size=len(upload.content),
        original_name=upload.original_name,
        uploaded_by=uploaded_by,
    )
    # The name passed here only matters to `upload_to`, which ignores it.
    attachment.file.save("upload", ContentFile(upload.content), save=False)
    attachment.save()
    return attachment


def download_name(attachment: Attachment) -> str:
    """The name a browser saves the file under: the original stem with the true extension."""
    stem = os.path.splitext(attachment.original_name)[0] or f"attachment-{attachment.pk}"
    return f"{stem}{attachment.extension}"
