"""Staff photos: checked to be real images, shrunk and stripped of metadata."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from survey_app.org.services import OrgError

PHOTO_SIZE = (360, 360)


def normalise_photo(data: bytes) -> tuple[bytes, str]:
    """Decode an uploaded photo and re-encode it as a small JPEG; refuse anything else."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("JPEG", "PNG"):
                raise OrgError(_("Upload a JPEG or PNG image."))
            image.thumbnail(PHOTO_SIZE)
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise OrgError(_("The file is not a readable image.")) from exc
    return out.getvalue(), "image/jpeg"
