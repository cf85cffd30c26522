"""The public scoreboard: no login, aggregates only, no free text, small cells suppressed."""

from __future__ import annotations

from survey_app.extensions import db
from survey_app.models.dialogue import DialogueComment


def test_scoreboard_shows_each_units_published_figures_without_login(
    client, kiosk_data, sipas_data, dialogue_data
):
    response = client.get("/public/003?month=01/2026")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    table = html[html.index('id="scoreboard"') :]
    bu_oi = table[table.index("Phường Bưởi") : table.index("</tr>", table.index("Phường Bưởi"))]
    # January 2026: 50 of 60 satisfied = 83,3%; SIPAS 2024 (the latest published) 24/30 = 80,00;
    # two conferences held in the twelve months up to January 2026
    assert "83,3%" in bu_oi and "80,00" in bu_oi and '<td class="num">2</td>' in bu_oi
    thuy_khue = table[table.index("Phường Thụy Khuê") : table.index("</tr>", table.index("Phường Thụy Khuê"))]
    assert "không đủ mẫu" in thuy_khue  # 10 ratings only
    assert 'data-testid="total-rate">78,6%' in html  # 55 of 70
    assert "Khảo sát 2024" in html and "Khảo sát 2025" not in html  # 2025 is closed, not published


def test_no_free_text_reaches_the_public(client, kiosk_data, dialogue_data):
    comment = db.session.query(DialogueComment).filter_by(number=9).one()
    comment.content = "SECRET-COMMENT <script>alert(1)</script>"
    comment.speaker_name = "Nguyễn Văn Bí Mật"
    db.session.commit()
    html = client.get("/public/003?month=01/2026").get_data(as_text=True)
    assert "SECRET-COMMENT" not in html and "Bí Mật" not in html and "Đối thoại quý I" not in html
    assert "<script>alert" not in html


def test_bad_month_and_unknown_unit(client, kiosk_data):
    html = client.get("/public/003?month=13/2026").get_data(as_text=True)
    assert "Hãy nhập tháng theo dạng mm/yyyy." in html
    assert client.get("/public/nope").status_code == 404


def test_other_month_changes_the_figures(client, kiosk_data):
    html = client.get("/public/003?month=12/2025").get_data(as_text=True)
    assert 'data-testid="total-rate">75,0%' in html  # December: 30 of 40


def test_the_scoreboard_links_to_the_boards_of_the_units_under_it(client, kiosk_data):
    html = client.get("/public/003?month=01/2026").get_data(as_text=True)
    assert 'href="/public/00109?month=01/2026"' in html
    child = client.get("/public/00109?month=01/2026")
    assert child.status_code == 200 and "Phường Bưởi" in child.get_data(as_text=True)
