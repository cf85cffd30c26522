"""The dashboards' data tables and pickers: numbers the house way, text escaped, withheld cells marked."""

from __future__ import annotations

from flask_babel import force_locale

from survey_app.dashboards.formatting import cell, select_options, table_rows


def test_data_table_rows_escape_text_and_write_numbers(app):
    with app.test_request_context("/"):
        html = table_rows([["<b>Phường</b> & co", 6100, None, 21.65]], ["text", "int", "pct", "pct"], [True])
    assert html.startswith('<tr class="below-target"><th scope="row">&lt;b&gt;Phường&lt;/b&gt; &amp; co</th>')
    assert '<td class="num">6.100</td>' in html
    assert '<td class="num">21,6%</td>' in html
    assert 'class="suppressed"' in html  # a withheld figure, not "None"


def test_cells_follow_the_ui_language(app):
    with app.test_request_context("/"):
        assert cell(3.6, "pp") == "+3,6" and cell(84.888, "num") == "84,89" and cell(None, "pp") == "–"
        with force_locale("en"):
            assert cell(3.6, "pp") == "+3.6" and cell(1234, "int") == "1,234"
            assert "not enough sample" in cell(None, "pct")


def test_long_pickers_escape_their_options(app):
    options = select_options([("003", "Quận <Tây Hồ>"), ("00109", "Phường Bưởi")], "00109")
    assert options == (
        '<option value="003">Quận &lt;Tây Hồ&gt;</option><option value="00109" selected>Phường Bưởi</option>'
    )


def test_a_score_not_assessed_a_share_of_nothing_and_a_withheld_rate_read_differently(app):
    with app.test_request_context("/"):
        assert cell(None, "score") == '<span class="not-assessed">Chưa đánh giá</span>'
        assert cell(None, "pct") == '<span class="suppressed">không đủ mẫu</span>'
        assert cell(None, "share") == "–" and cell(None, "given") == "–" and cell(None, "diff") == "–"
        assert cell(5 / 3, "score") == "1,67" and cell(16.5, "given") == "16,50"
        assert cell(35 / 6, "diff") == "+5,83" and cell(-1 / 6, "diff") == "-0,17"
        assert cell(0.0, "diff") == "0,00"
        assert cell(75.0, "share") == "75,0%"
        with force_locale("en"):
            assert cell(None, "score") == '<span class="not-assessed">Not assessed</span>'
        html = table_rows([["Phường Bưởi", None, None, None]], ["text", "score", "pct", "diff"], [])
    assert html == (
        '<tr><th scope="row">Phường Bưởi</th>'
        '<td class="num"><span class="not-assessed">Chưa đánh giá</span></td>'
        '<td class="num"><span class="suppressed">không đủ mẫu</span></td><td class="num">–</td></tr>'
    )
