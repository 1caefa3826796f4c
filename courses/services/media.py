"""Diagram uploads: type sniffed, size capped, re-encoded without metadata (DESIGN 10)."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..models import LessonImage, Module
from ._common import require

IMAGE_MAX_BYTES = 2 * 1024 * 1024
IMAGE_MAX_SIDE = 4000
# Pillow format -> (content type, extension). No GIF, SVG or anything that can carry script.
IMAGE_FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "WEBP": ("image/webp", "webp"),
}


def image_clean_bytes(raw: bytes) -> tuple[bytes, str, int, int]:
    """Sniff the real type from the bytes (never the name or the browser's claim), check it,
    and re-encode the pixels alone, so EXIF (GPS position, camera serial, author) and any
    other metadata are dropped. Returns (bytes, format, width, height)."""
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            fmt = image.format
            if fmt not in IMAGE_FORMATS:
                raise ValidationError(_("Upload a PNG, JPEG or WebP image."))
            if max(image.size) > IMAGE_MAX_SIDE:
                raise ValidationError(
                    _("The image is too large (at most %(n)s pixels a side).")
                    % {"n": IMAGE_MAX_SIDE}
                )
            upright = ImageOps.exif_transpose(image)  # keep the intended orientation
            mode = "RGBA" if upright.mode in ("RGBA", "LA", "P") and fmt != "JPEG" else "RGB"
            pixels = upright.convert(mode)
            clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not an image we can read.")) from None
    out = io.BytesIO()
    save_options: dict[str, object] = {"optimize": True}
    if fmt == "JPEG":
        save_options["quality"] = 88
    clean.save(out, format=fmt, **save_options)
    return out.getvalue(), fmt, clean.width, clean.height


@transaction.atomic
def lesson_image_upload(*, actor, module: Module, upload, alt_text: str) -> LessonImage:
    """Store a diagram for `module`'s lessons. Preconditions: `actor` may edit the course;
    the file is a PNG, JPEG or WebP of at most 2 MB; a text alternative is given."""
    require(actor, "courses.edit_course", module.course)
    alt_text = " ".join((alt_text or "").split())
    if not alt_text:
        raise ValidationError({"alt_text": _("Describe the diagram for people who cannot see it.")})
    if upload.size > IMAGE_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 2 MB.")})
    raw = upload.read(IMAGE_MAX_BYTES + 1)
    if len(raw) > IMAGE_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 2 MB.")})
    data, fmt, width, height = image_clean_bytes(raw)
    content_type, extension = IMAGE_FORMATS[fmt]
    image = LessonImage(
        module=module,
        content_type=content_type,
        extension=extension,
        width=width,
        height=height,
        size=len(data),
        alt_text=alt_text[:300],
        uploaded_by=actor,
    )
    image.file.save(f"{image.uuid}.{extension}", ContentFile(data), save=False)
    image.full_clean()
    image.save()
    return image


@transaction.atomic
def lesson_image_delete(*, actor, image: LessonImage) -> None:
    """Remove a diagram. Lessons that still show it will show the text alternative only."""
    require(actor, "courses.edit_course", image.module.course)
    storage, name = image.file.storage, image.file.name
    image.delete()
    transaction.on_commit(lambda: storage.delete(name))
