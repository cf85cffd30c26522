"""Calendar arithmetic of the reporting periods."""

from __future__ import annotations

from datetime import date

from survey_app.analytics.periods import (
    months_back,
    months_touching,
    next_month,
    previous_period,
    split_period,
)


def test_months_forward_and_back():
    assert next_month(date(2025, 12, 31)) == date(2026, 1, 1) and next_month(date(2026, 1, 31)) == date(
        2026, 2, 1
    )
    assert months_back(date(2026, 3, 2), 11) == date(2025, 4, 1) and months_back(
        date(2026, 1, 15), 1
    ) == date(2025, 12, 1)
    assert months_touching(date(2026, 1, 12), date(2026, 3, 2)) == (date(2026, 1, 1), date(2026, 3, 1))


def test_a_period_splits_into_whole_months_and_edge_days():
    months, edges = split_period(date(2025, 12, 15), date(2026, 3, 2))
    assert months == [date(2026, 1, 1), date(2026, 2, 1)]
    assert edges == [(date(2025, 12, 15), date(2025, 12, 31)), (date(2026, 3, 1), date(2026, 3, 2))]
    assert split_period(date(2026, 1, 10), date(2026, 1, 20)) == (
        [],
        [(date(2026, 1, 10), date(2026, 1, 20))],
    )


def test_the_previous_period_has_the_same_length():
    assert previous_period(date(2026, 1, 1), date(2026, 1, 31)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert previous_period(date(2026, 3, 1), date(2026, 3, 1)) == (date(2026, 2, 28), date(2026, 2, 28))
