"""The units page: a collapsible tree of the user's scope and an accent-insensitive search with paths."""

from __future__ import annotations

import re

from survey_app.org.browse import fold
from tests.conftest import login


def units_page(client, query: str | None = None) -> str:
    url = "/org/units" + (f"?q={query}" if query is not None else "")
    response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return page[page.index("<main") :]  # the page's own content, not the top menu's groups


def test_fold_ignores_case_and_vietnamese_accents():
    assert fold("Phường  Bưởi") == "phuong buoi"
    assert fold("ĐÌNH Thụy Khuê") == "dinh thuy khue"


def test_the_tree_opens_the_scope_one_level_and_collapses_the_rest(app, org, client):
    login(client, "admin1")
    html = units_page(client)
    opened = re.findall(r"<details open>\s*<summary>.*?Đơn vị trực thuộc ([^<]+)</span>", html, re.S)
    closed = re.findall(r"<details>\s*<summary>.*?Đơn vị trực thuộc ([^<]+)</span>", html, re.S)
    assert opened == ["Thành phố Hà Nội"]
    assert set(closed) == {"Quận Tây Hồ", "Quận Thanh Xuân", "Phường Bưởi"}
    # every unit is on the page once, the leaves without a toggle
    assert html.count('class="unit-name"') == 7
    assert html.count("<summary>") == 4  # the leaves have no toggle
    assert "6 đơn vị trực thuộc" in html  # the city's sub-units, counted on its line


def test_the_tree_keeps_to_the_users_subtree(app, org, client):
    login(client, "unit_admin1")
    html = units_page(client)
    assert re.search(r"<details open>\s*<summary>.*?Đơn vị trực thuộc Quận Tây Hồ", html, re.S)
    assert "Phường Bưởi" in html and "Thành phố Hà Nội" not in html
    assert "Quận Thanh Xuân" not in html and "Phường Khương Đình" not in html


def test_search_ignores_accents_and_shows_each_match_with_its_path(app, org, client):
    login(client, "admin1")
    html = units_page(client, "phuong BUOI")
    assert "2 đơn vị khớp với “phuong BUOI”" in html  # the ward and its one-stop centre
    assert "Thành phố Hà Nội › Quận Tây Hồ</div>" in html
    assert "Thành phố Hà Nội › Quận Tây Hồ › Phường Bưởi</div>" in html
    assert "<details" not in html  # results, not the tree
    by_code = units_page(client, "00367")
    assert "Phường Khương Đình" in by_code and "Phường Bưởi" not in by_code


def test_search_stays_in_scope_and_says_when_nothing_matches(app, org, client):
    login(client, "unit_admin1")
    html = units_page(client, "khuong dinh")
    assert "Không có đơn vị nào khớp với “khuong dinh”." in html
    assert "Phường Khương Đình" not in html


def test_a_blank_or_overlong_search_is_harmless(app, org, client):
    login(client, "admin1")
    assert "<details open>" in units_page(client, "%20%20")
    assert "Không có đơn vị nào khớp" in units_page(client, "x" * 500)
