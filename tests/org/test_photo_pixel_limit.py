"""A staff photo with too many pixels is refused from its header, before it is decoded."""

from __future__ import annotations

import io

from PIL import Image

from survey_app.extensions import db
from survey_app.models import Staff
from tests.conftest import login, post_form


def huge_png(side: int = 13_000) -> bytes:
    """A blank side × side PNG: a few hundred kilobytes on disk, 169 million pixels once decoded."""
    buffer = io.BytesIO()
    Image.new("1", (side, side), 1).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def test_a_13000_pixel_square_png_is_refused_before_decoding(client, org):
    data = huge_png()
    assert len(data) < 2 * 1024 * 1024  # under the size limit: only the pixel count can refuse it
    login(client, "unit_admin1")
    url = f"/org/units/{org.centre.id}/staff/new"
    response = post_form(
        client,
        url,
        {"full_name": "Phạm Văn Lớn", "counter_id": 0, "photo": (io.BytesIO(data), "lon.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200  # the form again, with the reason
    body = response.get_data(as_text=True)
    assert "Ảnh quá lớn: tối đa 40 triệu điểm ảnh." in body
    assert db.session.query(Staff).filter_by(full_name="Phạm Văn Lớn").count() == 0


def test_the_pixel_count_is_read_from_the_header_alone(client, org):
    """A huge PNG cut short after its header: only a check that decodes nothing can name its size."""
    truncated = huge_png()[:200]
    login(client, "unit_admin1")
    response = post_form(
        client,
        f"/org/units/{org.centre.id}/staff/new",
        {"full_name": "Phạm Văn Cụt", "counter_id": 0, "photo": (io.BytesIO(truncated), "cut.png")},
        content_type="multipart/form-data",
    )
    assert "Ảnh quá lớn: tối đa 40 triệu điểm ảnh." in response.get_data(as_text=True)
    assert db.session.query(Staff).filter_by(full_name="Phạm Văn Cụt").count() == 0


def test_a_photo_just_under_the_limit_is_accepted(client, org, app, monkeypatch):
    monkeypatch.setitem(app.config, "STAFF_PHOTO_MAX_PIXELS", 640 * 480)
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 30, 30)).save(buffer, format="PNG")
    buffer.seek(0)
    login(client, "unit_admin1")
    response = post_form(
        client,
        f"/org/units/{org.centre.id}/staff/new",
        {"full_name": "Đỗ Thị Vừa", "counter_id": 0, "photo": (buffer, "vua.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert db.session.query(Staff).filter_by(full_name="Đỗ Thị Vừa").one().photo is not None
