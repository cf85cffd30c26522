"""The one rates module: satisfaction rate, shares, Wilson interval, the small-sample rule."""

from survey_app.analytics.rates import difference, level_shares, satisfaction_rate, wilson_interval


def test_satisfaction_rate_counts_the_satisfied_levels_over_every_valid_rating():
    rate = satisfaction_rate({"a": 3, "b": 4, "c": 1}, {"a", "b"}, min_n=1)
    assert (rate.value, rate.n, rate.satisfied) == (87.5, 8, 7)
    assert satisfaction_rate({}, {"a"}, min_n=1).value is None


def test_a_rate_below_the_minimum_sample_is_withheld_with_its_interval():
    rate = satisfaction_rate({"a": 20, "c": 9}, {"a"}, min_n=30)
    assert rate.suppressed and rate.n == 29 and rate.interval is None
    shown = satisfaction_rate({"a": 21, "c": 9}, {"a"}, min_n=30)
    assert shown.value == 70.0 and shown.interval is not None


def test_shares_and_differences():
    assert level_shares({"a": 1, "b": 3}, ["a", "b", "c"], min_n=1) == {"a": 25.0, "b": 75.0, "c": 0.0}
    assert level_shares({"a": 1}, ["a"], min_n=2) == {"a": None}
    assert difference(80.0, 75.5) == 4.5
    assert difference(None, 75.5) is None


def test_wilson_interval_matches_the_textbook_value():
    low, high = wilson_interval(7, 8)
    assert round(low, 1) == 52.9 and round(high, 1) == 97.8
    assert wilson_interval(0, 0) is None
