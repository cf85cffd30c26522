"""The hand-written number formatting writes exactly what Babel writes, in both languages."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from flask_babel import force_locale

from survey_app.core.formatting import number, percent

# Halves at every position (Babel rounds half to even on the decimal text of a float), negatives, zero
# crossings, thousands separators and floats whose binary value lies just off the half.
WHOLE = [0, 1, -1, -5, 999, 1000, -1000, 6100, 999_999, 1_234_567, -1_234_567, 10**12]
HALVES = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.05, 0.15, 0.25, -0.05, -0.25, 0.125, 0.135, -0.125]
AWKWARD = [2.675, 1.005, 21.65, 21.75, -21.65, 99.95, 99.995, 100.0, 1234.5, 1234.45, -1234.5, -0.35]
TINY_AND_LONG = [-0.04, 0.0001, 1e-7, 0.1 + 0.2, 83.33333333333333, 66.66666666666667, 123456.785]
EDGES = WHOLE + HALVES + AWKWARD + TINY_AND_LONG


def babel(value, decimals: int, locale: str) -> str:
    return format_decimal(value, format="#,##0" + ("." + "0" * decimals if decimals else ""), locale=locale)


def samples(seed: int) -> list:
    rng = random.Random(seed)
    return (
        EDGES
        + [rng.randint(-(10**9), 10**9) for _ in range(500)]
        + [rng.uniform(-1e6, 1e6) for _ in range(500)]
        + [rng.randint(-(10**6), 10**6) / 1000 for _ in range(500)]  # exact halves at two decimals
        + [round(rng.uniform(0, 100), 3) for _ in range(500)]
        + [Decimal(rng.randint(-(10**6), 10**6)) / 200 for _ in range(100)]
    )


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("decimals", [0, 1, 2, 3])
def test_numbers_match_babel(locale, decimals):
    english = locale == "en"
    for value in samples(decimals):
        assert number(value, decimals, english=english) == babel(value, decimals, locale), value


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_percentages_match_babel(locale):
    english = locale == "en"
    for value in samples(7):
        for decimals in (1, 2):
            assert percent(value, decimals, english=english) == babel(value, decimals, locale) + "%", value


def test_the_ui_language_picks_the_separators(app):
    with app.test_request_context("/"):
        assert number(6100) == "6.100" and percent(21.65) == "21,6%" and number(1234.5, 1) == "1.234,5"
        with force_locale("en"):
            assert number(6100) == "6,100" and percent(21.65) == "21.6%" and number(1234.5, 1) == "1,234.5"


def test_nothing_to_show():
    assert number(None) == "–" and percent(None) == "–"
