"""Browser journeys of the dashboards: charts drawn without console errors, filters in the URL change the
figures (and the back button restores them), small units suppressed, the public page without free text."""

from __future__ import annotations

import pytest

from survey_app.extensions import db
from survey_app.models.dialogue import DialogueComment
from tests.browser.conftest import assert_accessible, screenshot, sign_in, wait_until
from tests.conftest import PASSWORD
from tests.factories import dashboard_dialogue_data, dashboard_kiosk_data, dashboard_sipas_data

pytestmark = pytest.mark.browser


@pytest.fixture
def dash_org(live_org):
    """The dashboards' test data in the live server's database."""
    dashboard_kiosk_data(live_org)
    dashboard_sipas_data(live_org)
    dashboard_dialogue_data(live_org)
    comment = db.session.query(DialogueComment).filter_by(number=9).one()
    comment.content = "SECRET-COMMENT from a citizen"
    db.session.commit()
    return live_org


def all_charts_drawn(page) -> int:
    """Wait until every Plotly figure on the page is drawn; return how many there are."""
    count = page.locator("main .plot").count()
    if count:
        wait_until(
            page,
            "document.querySelectorAll('main .plot.drawn').length"
            " === document.querySelectorAll('main .plot').length",
        )
    assert page.locator("main .plot .main-svg").count() >= count
    return count


def test_kiosk_filters_change_the_figures_and_live_in_the_url(page, live_server, dash_org):
    sign_in(page, live_server.url, "leader1", PASSWORD)
    page.goto(f"{live_server.url}/dashboards/kiosk?unit=003&start=01/01/2026&end=31/01/2026")
    assert all_charts_drawn(page) >= 5
    rate = page.locator("[data-testid=kiosk-rate]")
    assert rate.inner_text() == "78,6%"
    screenshot(page, "dashboards-kiosk-district")
    assert_accessible(page)

    page.select_option("main #unit", "00109")
    with page.expect_navigation():
        page.click("main form.filters button[type=submit]")
    assert "unit=00109" in page.url
    assert rate.inner_text() == "83,3%"
    all_charts_drawn(page)
    assert_accessible(page)

    page.select_option("main #unit", "00112")  # Thụy Khuê: 10 ratings
    with page.expect_navigation():
        page.click("main form.filters button[type=submit]")
    assert rate.inner_text() == "không đủ mẫu"
    screenshot(page, "dashboards-kiosk-small-unit")
    assert_accessible(page)

    page.go_back()
    assert page.locator("[data-testid=kiosk-rate]").inner_text() == "83,3%"
    assert_accessible(page)

    page.goto(f"{live_server.url}/dashboards/kiosk?unit=003&start=31/02/2026&end=31/01/2026")
    assert page.locator("main form.filters .errors").count() == 1  # the impossible date, beside its field
    all_charts_drawn(page)
    assert_accessible(page)


def test_clicking_a_units_bar_opens_that_units_dashboard(page, live_server, dash_org):
    sign_in(page, live_server.url, "leader1", PASSWORD)
    page.goto(f"{live_server.url}/dashboards/kiosk?unit=003&start=01/01/2026&end=31/01/2026")
    all_charts_drawn(page)
    assert_accessible(page)
    chart = page.locator("main .plot").filter(has=page.locator("text=Phường Bưởi")).first
    chart.scroll_into_view_if_needed()
    box = chart.locator(".bars .point path").first.bounding_box()
    with page.expect_navigation():  # Plotly takes clicks on its drag layer, over the bar's place
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert "unit=00109" in page.url and "start=01" in page.url
    assert page.locator("[data-testid=kiosk-rate]").inner_text() == "83,3%"
    assert_accessible(page)


def test_sipas_dialogue_and_report_views_render(page, live_server, dash_org):
    sign_in(page, live_server.url, "leader1", PASSWORD)
    page.goto(f"{live_server.url}/dashboards/sipas?unit=003")
    assert all_charts_drawn(page) >= 4
    assert page.locator("[data-testid=sipas-overall]").inner_text() == "84,89"
    screenshot(page, "dashboards-sipas")
    assert_accessible(page)

    page.select_option("main #campaign", "C2024")
    with page.expect_navigation():
        page.click("main form.filters button[type=submit]")
    assert page.locator("[data-testid=sipas-overall]").inner_text() == "80,00"
    assert_accessible(page)

    page.goto(f"{live_server.url}/dashboards/dialogue?unit=003&start=01/01/2025&end=31/12/2025")
    assert all_charts_drawn(page) >= 3
    assert page.locator("[data-testid=overdue]").inner_text() == "2"
    screenshot(page, "dashboards-dialogue")
    assert_accessible(page)

    page.goto(f"{live_server.url}/dashboards/report?unit=003&start=01/01/2026&end=31/01/2026")
    assert page.locator("main article svg").count() >= 3
    screenshot(page, "dashboards-report")
    assert_accessible(page)


def test_public_scoreboard_without_login_shows_no_free_text(page, live_server, dash_org):
    page.goto(f"{live_server.url}/public/003?month=01/2026")
    assert all_charts_drawn(page) == 2
    body = page.locator("main").inner_text()
    assert "SECRET-COMMENT" not in body and "Đối thoại quý I" not in body
    assert "83,3%" in body and "không đủ mẫu" in body
    screenshot(page, "dashboards-public")
    assert_accessible(page)
    page.goto(f"{live_server.url}/public/003?month=13/2026")
    assert page.locator("#month-err").is_visible()
    all_charts_drawn(page)
    assert_accessible(page)
    page.goto(f"{live_server.url}/public/01")  # the city's board: its units listed, figures withheld or not
    all_charts_drawn(page)
    assert_accessible(page)


def test_a_leader_reaches_every_dashboard_from_home_and_the_top_menu(page, live_server, dash_org):
    sign_in(page, live_server.url, "leader1", PASSWORD)
    assert page.url.endswith("/leader")
    tiles = page.locator("main .tiles a.tile")
    for name in ("Bảng điều khiển đánh giá qua kiosk", "Bảng điều khiển SIPAS", "Báo cáo lãnh đạo"):
        assert tiles.filter(has_text=name).count() == 1, name
    screenshot(page, "leader-home")
    assert_accessible(page)

    with page.expect_navigation():
        page.click("main .tiles a.tile:has-text('Bảng điều khiển SIPAS')")
    assert "/dashboards/sipas" in page.url
    all_charts_drawn(page)
    assert_accessible(page)

    menu = page.locator("header .mainnav")
    menu.locator("summary", has_text="Kết quả").click()
    with page.expect_navigation():
        menu.locator("a", has_text="Bảng công khai kết quả").click()
    assert page.url.endswith("/public/003")
    all_charts_drawn(page)
    assert_accessible(page)


@pytest.mark.parametrize("username", ["admin1", "unit_admin1", "official1", "leader1"])
def test_the_top_menu_fits_one_row(page, live_server, live_org, username):
    sign_in(page, live_server.url, username, PASSWORD)
    bar = page.locator("header.topbar").bounding_box()
    brand = page.locator("header.topbar .brand").bounding_box()
    assert bar["height"] < brand["height"] * 2 + 24, "the top bar wraps onto a second row"
    if username == "admin1":
        screenshot(page, "top-menu-admin")


def test_charts_speak_vietnamese_offer_no_cloud_and_download_under_their_title(page, live_server, dash_org):
    sign_in(page, live_server.url, "leader1", PASSWORD)
    page.goto(f"{live_server.url}/dashboards/kiosk?unit=003&start=01/01/2026&end=31/01/2026")
    all_charts_drawn(page)
    chart = page.locator("main .plot").first
    chart.hover()
    titles = chart.locator(".modebar-btn").evaluate_all("buttons => buttons.map(b => b.dataset.title)")
    assert "Tải biểu đồ dạng ảnh PNG" in titles and "Đặt lại trục" in titles, titles
    assert not any("Share" in t or "Plotly" in t for t in titles), titles
    assert page.locator("main .modebar-btn--logo, main .modebar-btn[data-title*='Share']").count() == 0
    assert_accessible(page)

    title = chart.get_attribute("aria-label")
    with page.expect_download() as download:
        chart.locator(".modebar-btn[data-title='Tải biểu đồ dạng ảnh PNG']").click()
    assert download.value.suggested_filename == f"{title}.png"  # "Tỷ lệ hài lòng theo thời gian.png"

    page.goto(f"{live_server.url}/dashboards/sipas?unit=003")
    all_charts_drawn(page)
    ticks = page.locator("#chart-criteria .plot .yaxislayer-above text")
    criteria = ticks.evaluate_all("texts => texts.map(t => t.textContent)")
    assert criteria and all(". " in label and len(label) <= 38 for label in criteria), criteria
    assert any(label.endswith("…") for label in criteria), criteria
    screenshot(page, "dashboards-sipas-criteria")
    assert_accessible(page)
