"""Chart labels: long Vietnamese labels are shortened on the axis and kept whole in the hover."""

from __future__ import annotations

import json

from survey_app.dashboards import charts

LONG = "Công chức có thái độ giao tiếp lịch sự, tôn trọng khi hướng dẫn, tiếp nhận hồ sơ"


def test_a_long_label_is_cut_at_a_word_with_an_ellipsis():
    short = charts.short_label(LONG)
    assert short == "Công chức có thái độ giao tiếp lịch…"
    assert len(short) <= charts.LABEL_WIDTH
    assert charts.short_label("Phường Bưởi") == "Phường Bưởi"


def test_bars_show_short_unique_labels_and_the_full_text_on_hover(app):
    with app.test_request_context():
        figure = json.loads(
            charts.interval_bars(
                [f"S01. {LONG}", f"S02. {LONG}"], [90.0, None], [85.0, None], [95.0, None], "Chỉ số"
            )
        )
    trace = figure["data"][0]
    assert trace["y"] == ["S01. Công chức có thái độ giao tiếp…", "S02. Công chức có thái độ giao tiếp…"]
    assert trace["customdata"] == [f"S01. {LONG}", f"S02. {LONG}"]
    assert "%{customdata}" in trace["hovertemplate"]
    assert figure["layout"]["annotations"][0]["y"] == trace["y"][1]  # "not enough sample" beside its bar
