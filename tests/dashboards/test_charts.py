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


def test_the_heatmap_runs_from_red_at_its_lowest_rate_to_blue_at_its_highest(app):
    with app.test_request_context():
        figure = json.loads(charts.heatmap([[60.0, 95.0]], ["8", "9"], ["Thứ Hai"], "%"))
    scale = figure["data"][0]["colorscale"]
    assert isinstance(scale, list)  # a name plotly.js does not know would silently become RdBu
    assert scale[0] == [0.0, "#d73027"] and scale[-1] == [1.0, "#4575b4"]


def test_a_bar_chart_of_a_few_counts_ticks_whole_numbers_only(app):
    with app.test_request_context():
        few = json.loads(charts.value_bars(["Chứng thực bản sao"], [1], "Hồ sơ trễ hạn"))
        many = json.loads(charts.value_bars(["A", "B"], [1200, 45], "Lượt đánh giá", horizontal=False))
        indices = json.loads(charts.value_bars(["A", "B"], [72.5, None], "Chỉ số"))
    # one late dossier: the axis reads 0, 1 (Plotly's own ticks read 0, 0.2, 0.4 … 1)
    assert (few["layout"]["xaxis"]["dtick"], few["layout"]["xaxis"]["tickformat"]) == (1, ",d")
    assert many["layout"]["yaxis"]["tickformat"] == ",d" and "dtick" not in many["layout"]["yaxis"]
    assert "tickformat" not in indices["layout"]["xaxis"]  # an index keeps its decimals
