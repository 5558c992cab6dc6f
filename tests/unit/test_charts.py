"""Charts that cannot mislead (issue #17 item 5): the rules they follow, hand-worked, and the
Plotly figures inspected as data — where the baseline is drawn, which trace lies on top,
where the labels go and which toolbar buttons are left."""

from __future__ import annotations

import json

import plotly
import pytest

from charts.overview import INSIDE_FROM, PercentPoint, label_position, percent_of_target_figure
from charts.service import cumulative_count_figure, quarterly_count_figure, rate_figure
from charts.theme import GRAPH_CONFIG, graph_config, text_colour_on
from layouts.overview import overview_page
from layouts.service_charts import metric_section
from models.reporting.service_figures import MetricSeries, QuarterPoint
from models.rules.formats import against_target, baseline_label
from models.rules.measures import Rate, baseline_comparable_quarter, percent_of_target

# -- the rules ------------------------------------------------------------------------------


def test_a_rate_reads_against_its_target_not_as_a_percent_of_a_percent() -> None:
    # 72% against 75%: 72 / 75 = 0.96, the "96% of target" that reads like a rate of 96%.
    assert percent_of_target(72, 75) == 96
    assert against_target(72, 75, "percent", 96) == "72% against a target of 75%"
    assert against_target(72, None, "percent", None) == ""
    assert against_target(None, 75, "percent", None) == ""


def test_a_count_reads_as_its_percent_of_target() -> None:
    # 731 of a target of 744: 731 / 744 = 0.9825 -> 98%.
    assert against_target(731, 744, "count", percent_of_target(731, 744)) == "98%"
    assert against_target(12_500, 10_000, "count", 125) == "125%"
    assert against_target(None, 744, "count", None) == ""


def test_a_counts_baseline_is_comparable_only_with_the_whole_year() -> None:
    assert baseline_comparable_quarter("count") == 4
    assert baseline_comparable_quarter("percent") is None  # a level: every quarter


def test_the_baseline_says_what_it_is_in_words() -> None:
    assert baseline_label(1200, "2018/19", "count") == "Baseline (2018/19, full year): 1,200"
    assert baseline_label(65, "2018/19", "percent") == "Baseline (2018/19): 65%"
    assert baseline_label(1200, None, "count") == "Baseline (full year): 1,200"


def test_labels_inside_bars_have_the_stronger_contrast() -> None:
    assert text_colour_on("#c96a00") == "#000000"  # amber: black 5.5:1, white only 3.8:1
    assert text_colour_on("#c0311a") == "#ffffff"
    assert text_colour_on("#1a7d4b") == "#ffffff"


# -- the service page's figures -------------------------------------------------------------


def _counts(baseline: float | None = 1200, cumulative_equals_target: bool = False) -> MetricSeries:
    actual = [300, 300, 300, 300]
    targets = [300, 300, 300, 300] if cumulative_equals_target else [250, 250, 250, 250]
    points, running, running_target = [], 0, 0
    for q in range(1, 5):
        running += actual[q - 1]
        running_target += targets[q - 1]
        points.append(QuarterPoint(q, f"Q{q} 2025/26", actual[q - 1], targets[q - 1],
                                   cumulative=running, cumulative_target=running_target))
    return MetricSeries(1, "Women supported", "output", "count", True, baseline, "2018/19", None,
                        points, 1000, 1200, None, 4, None)


def _rates(baseline: float | None = 65) -> MetricSeries:
    points = [QuarterPoint(q, f"Q{q} 2025/26", 72, 75, rate=Rate(72, 100), interval=(62.5, 80.0))
              for q in range(1, 5)]
    return MetricSeries(2, "Improved wellbeing", "outcome", "percent", True, baseline, "2018/19",
                        None, points, 75, None, Rate(288, 400), 4, None)


def _traces(fig, name_part: str) -> list:
    return [t for t in fig.data if name_part in (t.name or "")]


def test_a_counts_baseline_is_one_point_at_q4_of_the_cumulative_chart() -> None:
    fig = cumulative_count_figure(_counts(), "2025/26")
    (baseline,) = _traces(fig, "Baseline")
    assert list(baseline.x) == ["Q4"] and list(baseline.y) == [1200]
    assert baseline.name == "Baseline (2018/19, full year): 1,200"
    # No flat line across Q1–Q3: neither a shape nor a line annotation.
    assert not fig.layout.shapes and not fig.layout.annotations


def test_a_counts_baseline_is_not_drawn_without_a_q4_to_compare() -> None:
    m = _counts()
    m.points = m.points[:3]
    assert not _traces(cumulative_count_figure(m, "2025/26"), "Baseline")
    assert not _traces(quarterly_count_figure(_counts(), "2025/26"), "Baseline")


def test_a_rates_baseline_is_its_level_across_the_quarters() -> None:
    fig = rate_figure(_rates(), "2025/26")
    (baseline,) = _traces(fig, "Baseline")
    assert list(baseline.y) == [65] * 4 and len(baseline.x) == 4
    assert baseline.name == "Baseline (2018/19): 65%"
    assert baseline.line.dash == "dot"


def test_year_to_date_shows_on_top_of_an_equal_target_trajectory() -> None:
    fig = cumulative_count_figure(_counts(baseline=None, cumulative_equals_target=True), "2025/26")
    names = [t.name for t in fig.data]
    target, ytd = fig.data[names.index("Target trajectory")], fig.data[names.index("Year to date")]
    assert list(target.y) == list(ytd.y)  # the case that hid the year to date
    assert names.index("Target trajectory") < names.index("Year to date")  # drawn beneath
    # Told apart by line style and marker, not colour alone; both in the legend.
    assert target.line.dash == "dash" and ytd.line.dash in (None, "solid")
    assert target.marker.symbol == "square-open" and ytd.marker.symbol == "circle"
    assert target.marker.size > ytd.marker.size  # the open square rings the circle
    assert target.showlegend is not False and ytd.showlegend is not False


def test_the_service_page_states_the_baseline_in_words() -> None:
    text = str(metric_section(_counts(), "2025/26").to_plotly_json())
    assert "Baseline (2018/19, full year): 1,200" in text


# -- the Overview's figure ------------------------------------------------------------------


def _point(percent: float | None, word: str, unit_words: str = "") -> PercentPoint:
    return PercentPoint("Service", percent, word, "x of y", unit_words)


@pytest.mark.parametrize(("percent", "where"), [
    (98, "inside"), (100, "inside"), (60, "inside"), (INSIDE_FROM, "inside"),
    (101, "from start"), (130, "from start"), (20, "outside"), (0, "outside"), (None, "outside"),
])
def test_label_positions_keep_labels_off_the_100_percent_line(percent, where) -> None:
    assert label_position(_point(percent, "Amber")) == where


def test_overview_figure_labels_and_the_target_line() -> None:
    points = [_point(98, "Amber"), _point(130, "Green"), _point(20, "Red"), _point(None, "No data"),
              _point(96, "Amber", against_target(72, 75, "percent", 96))]
    fig = percent_of_target_figure(points, "Headline outputs")
    bars, past = fig.data  # labels anchored at the bar's end, and at its start
    assert list(bars.text) == ["98% · Amber", "", "20% · Red", "",
                               "72% against a target of 75% · Amber"]
    assert list(past.text) == ["", "130% · Green", "", "", ""]
    assert list(past.x) == [None, 130, None, None, None] and bars.x[1] is None
    assert (bars.insidetextanchor, past.insidetextanchor, fig.layout.barmode) == ("end", "start", "overlay")
    # No figure, no bar: the word is written where its bar would start, well before the line
    # (at 100 of an axis running to 125 or more) and so never off a phone's screen.
    (word,) = fig.layout.annotations
    assert (word.text, word.x, word.xanchor, word.xshift) == ("No data", 0, "left", 6)
    assert fig.layout.xaxis.range[1] >= 125 and fig.layout.margin.r == 30
    # Between the bar's start and the line: inside, ending at the bar's end; past the line:
    # inside from the bar's start; too short: outside.
    assert list(bars.textposition) == ["inside", "inside", "outside", "outside", "inside"]
    assert bars.constraintext == "inside"  # shrinks to fit the bar rather than cross the line
    # The 100% line is named at the bottom (the axis title), not in an annotation at the top
    # where the toolbar sits; it lies beneath the bars and labels.
    (line,) = fig.layout.shapes
    assert line.x0 == line.x1 == 100 and line.layer == "below"
    assert fig.layout.xaxis.title.text == "% of the quarter's target<br>(dashed line: the target)"
    assert bars.textangle == 0 and fig.layout.uniformtext.minsize == 10
    assert "72% against a target of 75%" in bars.customdata[4][1]


# -- the toolbar ----------------------------------------------------------------------------


def test_every_chart_has_the_trimmed_toolbar() -> None:
    assert GRAPH_CONFIG["modeBarButtons"] == [["toImage", "resetScale2d"]]
    assert GRAPH_CONFIG["displaylogo"] is False
    assert graph_config("cwp-overview")["toImageButtonOptions"]["filename"] == "cwp-overview"
    graphs = []

    def collect(node) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Graph":
                graphs.append(node["props"])
            elif isinstance(node.get("props"), dict) and "data-config" in node["props"]:
                # A service page's chart drawn near the screen (assets/lazy_charts.js): its
                # config travels as JSON text.
                graphs.append({"config": json.loads(node["props"]["data-config"])})
            for value in node.values():
                collect(value)
        elif isinstance(node, list | tuple):
            for value in node:
                collect(value)

    for component in (overview_page([], "2025/26", "Q1", {"priority": [], "workstream": [],
                                                            "provider": []},
                                    {"priority": "all", "workstream": "all", "provider": "all"},
                                    False, True),
                      metric_section(_counts(), "2025/26"), metric_section(_rates(), "2025/26")):
        collect(json.loads(json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder)))
    assert len(graphs) == 4  # the Overview's, a count's two, a rate's one
    for props in graphs:
        assert props["config"]["modeBarButtons"] == [["toImage", "resetScale2d"]]


# -- the performance table's columns (item 2) -----------------------------------------------


def test_the_table_leads_with_the_answer() -> None:
    from layouts.performance import TRUNCATED, column_class, column_order, table_rows
    from models.reporting.performance import COLUMNS

    order = column_order()
    assert sorted(order) == sorted(COLUMNS)  # every column of the table, once
    assert order[:6] == ["Service", "Metric", "RAG", "Quarter actual", "Quarter target",
                         "Quarter % of target"]
    # Priority and Provider last, and marked as the columns the switch shows.
    assert order[-2:] == ["Priority", "Provider"]
    assert [n for n in order if "col-group" in column_class(n).split()] == ["Priority", "Provider"]
    assert "num" in column_class("Quarter actual").split() and "num" not in column_class("Metric").split()
    # A long text's full words are its cell's title; a breakdown's indent is its row's class.
    row = dict.fromkeys(COLUMNS, "")
    row.update({"Service": "A very long service name", "Metric": "    Female", "Kind": "Breakdown"})
    (tr,) = table_rows([row])  # as layouts/table_body.TableBody draws it
    cells = dict(zip(order, tr["cells"], strict=True))
    assert tr["className"] == "breakdown-row"
    assert cells["Metric"]["text"] == "Female" and cells["Metric"]["title"] == "Female"
    assert cells["Service"]["title"] == "A very long service name"
    assert {"Service", "Metric", "Note", "Status"} <= TRUNCATED
    assert "title" not in cells["RAG"]


def test_year_to_date_labels_sit_away_from_the_target_markers() -> None:
    behind = cumulative_count_figure(_counts(baseline=None), "2025/26")  # 300 a quarter v 250
    (ytd,) = _traces(behind, "Year to date")
    assert list(ytd.textposition) == ["top left"] * 4  # ahead: above the line, target below
    m = _counts(baseline=None)
    m.points[0].cumulative = 200  # behind a target of 250
    (ytd,) = _traces(cumulative_count_figure(m, "2025/26"), "Year to date")
    assert ytd.textposition[0] == "bottom right"


def test_quarter_bar_labels_sit_at_the_foot_away_from_the_target_marker() -> None:
    fig = quarterly_count_figure(_counts(), "2025/26")
    (bars,) = _traces(fig, "Actual")
    assert bars.textposition == "inside" and bars.insidetextanchor == "start"
    assert bars.insidetextfont.color == "#ffffff"  # on the blue bar, 5:1


def test_quarters_on_the_axis_are_short_enough_for_a_phone() -> None:
    for fig in (cumulative_count_figure(_counts(), "2025/26"), quarterly_count_figure(_counts(), "2025/26"),
                rate_figure(_rates(), "2025/26")):
        assert list(fig.data[0].x) == ["Q1", "Q2", "Q3", "Q4"]
        assert "2025/26" in fig.layout.title.text  # the year is in the title instead
