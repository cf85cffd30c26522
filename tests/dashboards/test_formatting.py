"""The dashboards' fast number formatting writes exactly what Babel writes, in both languages."""

from __future__ import annotations

import random

import pytest
from babel.numbers import format_decimal

from survey_app.dashboards.formatting import number, percent, table_rows

SAMPLES = [0, 1, -5, 999, 1000, 6100, 1_234_567, 0.05, 0.125, 2.675, 21.65, 21.75, 99.95, 1234.5, -0.35]


@pytest.mark.parametrize("english", [False, True])
@pytest.mark.parametrize("decimals", [0, 1, 2])
def test_numbers_match_babel(english, decimals):
    locale = "en" if english else "vi"
    rng = random.Random(decimals)
    values = (
        SAMPLES
        + [rng.randint(-(10**7), 10**7) for _ in range(200)]
        + [rng.uniform(-1e5, 1e5) for _ in range(200)]
    )
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    for value in values:
        assert number(value, decimals, english=english) == format_decimal(
            value, format=pattern, locale=locale
        )


def test_vietnamese_percent_uses_a_decimal_comma():
    assert percent(21.7, english=False) == "21,7%"
    assert number(6100, english=False) == "6.100"
    assert number(None) == "–"


def test_data_table_rows_escape_text_and_write_numbers(app):
    with app.test_request_context("/"):
        html = table_rows([["<b>Phường</b> & co", 6100, None, 21.65]], ["text", "int", "pct", "pct"], [True])
    assert html.startswith('<tr class="below-target"><th scope="row">&lt;b&gt;Phường&lt;/b&gt; &amp; co</th>')
    assert '<td class="num">6.100</td>' in html
    assert '<td class="num">21,6%</td>' in html
    assert 'class="suppressed"' in html  # a withheld figure, not "None"
