"""Static files: content-hashed URLs, pre-compressed, cached for good (survey_app/core/assets.py)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest
from flask import url_for

from survey_app.core import assets
from survey_app.extensions import db
from tests.conftest import Org, build_app, empty_tables, login

STATIC = Path(__file__).resolve().parents[2] / "static"
PLOTLY = STATIC / "vendor" / "plotly-cartesian.min.js"


@pytest.fixture(scope="module")
def built_app(tmp_path_factory):
    """An app serving a fresh build of the real static/ folder (as `make assets` makes it)."""
    if not PLOTLY.exists():
        pytest.fail("static/vendor/plotly-cartesian.min.js is missing: run `make assets`")
    folder = tmp_path_factory.mktemp("static-build")
    assets.build(STATIC, folder)
    return build_app("sqlite", tmp_path_factory, STATIC_BUILD_DIR=str(folder))


def test_build_names_files_by_their_content_and_compresses_them(tmp_path):
    source, target = tmp_path / "src", tmp_path / "out"
    (source / "js").mkdir(parents=True)
    (source / "js" / "app.js").write_text("console.log('bonjour');\n" * 200)
    manifest = assets.build(source, target)
    hashed = manifest["js/app.js"]
    assert re.fullmatch(r"js/app\.[0-9a-f]{12}\.js", hashed)
    for name in ("js/app.js", hashed):
        assert (target / f"{name}.br").exists() and (target / f"{name}.gz").exists()
    (source / "js" / "app.js").write_text("console.log('xin chào');\n" * 200)
    assert assets.build(source, target)["js/app.js"] != hashed  # new content, new URL


def test_plotly_is_sent_compressed_under_a_hashed_url_with_an_immutable_cache(built_app):
    client = built_app.test_client()
    with built_app.test_request_context():
        url = url_for("static", filename="vendor/plotly-cartesian.min.js")
    assert re.fullmatch(r"/static/vendor/plotly-cartesian\.min\.[0-9a-f]{12}\.js", url)
    original = PLOTLY.read_bytes()

    response = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert len(response.data) < len(original) / 3
    assert brotli.decompress(response.data) == original

    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data) == original

    # the unhashed name still works (old bookmarks, printed pages), but is not kept for good
    plain = client.get("/static/vendor/plotly-cartesian.min.js")
    assert plain.status_code == 200 and "immutable" not in plain.headers.get("Cache-Control", "")


def test_a_dashboard_page_references_the_hashed_plotly(built_app):
    with built_app.app_context():
        Org()
        client = built_app.test_client()
        assert login(client, "leader1").status_code == 302
        html = client.get("/dashboards/kiosk").get_data(as_text=True)
        db.session.remove()
    empty_tables(built_app)
    manifest = built_app.extensions["static_manifest"]
    assert f'src="/static/{manifest["vendor/plotly-cartesian.min.js"]}"' in html
    assert f'href="/static/{manifest["css/app.css"]}"' in html
    assert 'src="/static/vendor/plotly-cartesian.min.js"' not in html


def test_the_kiosk_service_worker_caches_the_hashed_assets_the_screen_loads(built_app):
    client = built_app.test_client()
    screen = client.get("/kiosk").get_data(as_text=True)
    worker = client.get("/kiosk/sw.js").get_data(as_text=True)
    manifest = built_app.extensions["static_manifest"]
    for name in ("js/kiosk.js", "css/kiosk.css", "css/app.css"):
        url = f"/static/{manifest[name]}"
        assert url in screen and f'"{url}"' in worker, name
