"""Staff photos: checked to be real images, shrunk and stripped of metadata."""

from __future__ import annotations

import io
import warnings

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from survey_app.org.services import OrgError

PHOTO_SIZE = (360, 360)


def normalise_photo(data: bytes) -> tuple[bytes, str]:
    """Decode an uploaded photo and re-encode it as a small JPEG; refuse anything else.

    The pixel count is checked from the header, before anything is decoded: a 13,000 × 13,000 PNG is
    half a megabyte on disk and 500 MB or more once decoded.
    """
    limit = int(current_app.config["STAFF_PHOTO_MAX_PIXELS"])
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 million pixels; the limit below refuses far smaller images itself.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
        with image:
            if image.format not in ("JPEG", "PNG"):
                raise OrgError(_("Upload a JPEG or PNG image."))
            width, height = image.size
            if width * height > limit:
                raise OrgError(
                    _("The image is too large: at most %(limit)d million pixels.", limit=limit // 1_000_000)
                )
            image.thumbnail(PHOTO_SIZE)
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise OrgError(_("The file is not a readable image.")) from exc
    return out.getvalue(), "image/jpeg"
