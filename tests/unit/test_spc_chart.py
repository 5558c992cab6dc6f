"""The XmR chart (charts/spc.py) and its reading in words (models/rules/spc_words.py), from
hand-made SpcResults: which traces there are, each meaning's colour AND marker shape AND words,
limits drawn or not, the change marker, and a withheld quarter in publication mode. Then the
service page's "Over the years" section shaped from a hand-made MetricTrend."""

from __future__ import annotations

import math

import pytest

from charts.spc import (
    COMMON_COLOUR,
    CONCERN_COLOUR,
    IMPROVEMENT_COLOUR,
    format_level,
    spc_figure,
)
from layouts.service_trends import trend_section
from models.reporting.trends import AnnualFigure, MetricTrend
from models.rules.measures import Rate
from models.rules.spc import (
    COMMON,
    COMMON_CAUSE,
    CONCERN,
    CONCERNING,
    HIT_AND_MISS,
    IMPROVEMENT,
    IMPROVING,
    NOT_JUDGED,
    OUTSIDE,
    SHIFT,
    TREND,
    SpcPoint,
    SpcResult,
)
from models.rules.spc_words import assurance_icon, point_meaning, variation_detail, variation_icon

LABELS = [f"Q{q} {y}/{str(y + 1)[-2:]}" for y in (2020, 2021, 2022, 2023) for q in (1, 2, 3, 4)]


def _point(i: int, value: float, mean: float | None = 10.0, lower: float | None = 4.0,
           upper: float | None = 16.0, cause: str = "", variation: str = COMMON) -> SpcPoint:
    return SpcPoint(LABELS[i], value, mean, lower, upper, cause, variation)


def _result(points: list[SpcPoint], variation: str = COMMON_CAUSE, assurance: str | None = None,
            has_limits: bool = True) -> SpcResult:
    return SpcResult(tuple(points), variation, assurance, has_limits, "")


def _steady() -> list[SpcPoint]:
    """Twelve quarters about a mean of 10 with limits 4 to 16 (mean ± 2.66 × a mean moving
    range of 2.2556: 10 ± 6.0 — the figures are set, not worked out, for the chart to draw)."""
    return [_point(i, 10.0 + (1 if i % 2 else -1)) for i in range(12)]


def _traces(fig, name: str) -> list:
    return [t for t in fig.data if t.name == name]


def test_limits_and_mean_are_drawn_and_named_in_words_with_their_line_styles() -> None:
    fig = spc_figure(_result(_steady()), unit="count")
    mean = _traces(fig, "Mean")
    limits = _traces(fig, "Lower and upper process limits")
    assert len(mean) == 1 and mean[0].line.dash == "solid" and set(mean[0].y) == {10.0}
    assert sorted(t.meta[0] for t in limits) == ["lower", "upper"]
    assert all(t.line.dash == "dash" for t in limits)
    assert {t.meta[0]: t.y[0] for t in limits} == {"lower": 4.0, "upper": 16.0}
    # One legend entry for both limits, one for the mean; the hover names each limit.
    assert [t.showlegend for t in limits] == [True, False]
    assert "Upper process limit: 16" in limits[0].hovertemplate
    assert "Lower process limit: 4" in limits[1].hovertemplate
    series = _traces(fig, "Quarterly value")[0]
    assert list(series.y) == [p.value for p in _steady()]


def test_each_meaning_has_its_own_colour_shape_and_words() -> None:
    points = _steady()
    points[3] = _point(3, 17.0, cause=OUTSIDE, variation=IMPROVEMENT)
    points[7] = _point(7, 3.0, cause=OUTSIDE, variation=CONCERN)
    fig = spc_figure(_result(points), unit="count")
    common = _traces(fig, "Common cause")[0]
    better = _traces(fig, "Special cause: improvement")[0]
    worse = _traces(fig, "Special cause: concern")[0]
    assert (common.marker.color, common.marker.symbol) == (COMMON_COLOUR, "circle")
    assert (better.marker.color, better.marker.symbol) == (IMPROVEMENT_COLOUR, "diamond")
    assert (worse.marker.color, worse.marker.symbol) == (CONCERN_COLOUR, "square")
    assert list(better.x) == [LABELS[3]] and list(better.y) == [17.0]
    assert list(worse.x) == [LABELS[7]] and list(worse.y) == [3.0]
    assert len(common.x) == 10
    # The meaning is in the hover, in words.
    assert better.customdata[0][0] == "Improvement: outside limits"
    assert "Q4 2020/21: 17" in better.hovertemplate[0]
    assert worse.customdata[0][0] == "Concern: outside limits"
    assert common.customdata[0][0] == "Common cause"
    # Three colours, three shapes: neither alone tells the meanings apart.
    traces = (common, better, worse)
    assert len({t.marker.color for t in traces}) == 3 and len({t.marker.symbol for t in traces}) == 3


def test_fewer_than_twelve_points_draw_the_series_without_limits() -> None:
    points = [_point(i, 5.0 + i, mean=None, lower=None, upper=None) for i in range(8)]
    fig = spc_figure(_result(points, NOT_JUDGED, has_limits=False), unit="count", target=9.0)
    assert not _traces(fig, "Mean") and not _traces(fig, "Lower and upper process limits")
    assert list(_traces(fig, "Quarterly value")[0].y) == [5.0 + i for i in range(8)]
    assert len(_traces(fig, "Common cause")[0].x) == 8
    assert _traces(fig, "Latest quarter's target (9)")  # the target, named with its value


def test_a_marked_change_draws_a_line_and_new_limits_from_its_quarter() -> None:
    # Twelve quarters about 10 (limits 4 to 16), then a change at Q1 2023/24 and four more
    # quarters: too few for limits of their own (they have none).
    points = _steady() + [_point(i, 20.0, mean=None, lower=None, upper=None) for i in range(12, 16)]
    fig = spc_figure(_result(points, NOT_JUDGED, has_limits=False), unit="count",
                     changes=[(12, "New contract")])
    change = _traces(fig, "Change marked: limits recalculated")
    assert len(change) == 1 and list(change[0].x) == ["Q1 2023/24"] * 2
    assert change[0].line.dash == "dashdot"
    assert change[0].hovertemplate.startswith(
        "Change marked: limits recalculated from Q1 2023/24: New contract")
    # The mean is drawn over the first twelve quarters only.
    mean = _traces(fig, "Mean")
    assert len(mean) == 1 and list(mean[0].x) == LABELS[:12]


def test_two_processes_each_with_limits_break_the_lines_at_the_change() -> None:
    first = _steady()
    second = [_point(i, 21.0 if i % 2 else 19.0, mean=20.0, lower=14.0, upper=26.0)
              for i in range(12, 16)]
    # Not twelve, but the chart draws whatever limits the points carry.
    fig = spc_figure(_result(first + second), unit="count", changes=[(12, "")])
    means = _traces(fig, "Mean")
    assert [(t.x[0], t.y[0]) for t in means] == [(LABELS[0], 10.0), (LABELS[12], 20.0)]
    assert [t.showlegend for t in means] == [True, False]  # one legend entry, two lines


def test_a_rates_limits_beyond_100_percent_are_drawn_at_its_edge_and_said() -> None:
    points = [_point(i, 80.0 + (10 if i % 2 else -10), mean=80.0, lower=30.0, upper=130.0)
              for i in range(12)]
    fig = spc_figure(_result(points), unit="percent")
    upper = next(t for t in fig.data if t.meta and t.meta[0] == "upper")
    assert set(upper.y) == {100.0}
    assert "Upper process limit: 130.0% (drawn at 100.0%" in upper.hovertemplate
    assert fig.layout.yaxis.range[1] <= 100 + 0.08 * 100 and fig.layout.yaxis.ticksuffix == "%"


def test_a_withheld_quarter_shows_its_marker_not_a_value() -> None:
    points = [_point(i, 10.0, mean=None, lower=None, upper=None) for i in range(6)]
    points[2] = _point(2, math.nan, mean=None, lower=None, upper=None)
    fig = spc_figure(_result(points, NOT_JUDGED, has_limits=False), unit="count",
                     markers=[None, None, "<5", None, None, None])
    assert _traces(fig, "Quarterly value")[0].y[2] is None
    assert LABELS[2] not in _traces(fig, "Common cause")[0].x
    assert [(a.x, a.text) for a in fig.layout.annotations] == [(LABELS[2], "&lt;5")]


def test_ticks_name_each_year_once() -> None:
    fig = spc_figure(_result(_steady()), unit="count")
    assert list(fig.layout.xaxis.ticktext) == ["2020/21", "2021/22", "2022/23"]
    assert list(fig.layout.xaxis.tickvals) == ["Q1 2020/21", "Q1 2021/22", "Q1 2022/23"]


@pytest.mark.parametrize(("value", "unit", "text"), [
    (11.25, "count", "11.3"), (1364.0, "count", "1,364"), (66.666, "percent", "66.7%"),
    (70.0, "percent", "70.0%"), (None, "count", ""), (math.nan, "percent", ""),
    # A small count's limit to two places: 3.9691 is not "4.0", which a quarter of 4 marked
    # outside the limits would seem to sit on; a whole number stays whole.
    (3.9691, "count", "3.97"), (2.6923, "count", "2.69"), (4.0, "count", "4"), (-0.5, "count", "-0.50")])
def test_levels_as_text(value, unit, text) -> None:
    assert format_level(value, unit) == text


# -- the reading in words ---------------------------------------------------------------------

def test_a_shift_below_the_mean_is_described_from_its_start() -> None:
    points = _steady()[:5] + [_point(i, 8.0, cause=SHIFT, variation=CONCERN) for i in range(5, 12)]
    result = _result(points, CONCERNING)
    assert variation_detail(result) == "a shift below the mean since Q2 2021/22 (7 quarters)"
    icon = variation_icon(result)
    assert (icon.letter, icon.look) == ("L", "concern")
    assert icon.words == "Special cause concerning: a shift below the mean since Q2 2021/22 (7 quarters)"


def test_a_rising_trend_and_a_point_above_the_limit() -> None:
    rising = _steady()[:5] + [_point(i, 5.0 + i, cause=TREND, variation=IMPROVEMENT)
                              for i in range(5, 12)]
    assert variation_detail(_result(rising, IMPROVING)) == "rising 7 quarters in a row since Q2 2021/22"
    assert variation_icon(_result(rising, IMPROVING)).letter == "H"
    above = [*_steady()[:11], _point(11, 17.0, cause=OUTSIDE, variation=CONCERN)]
    assert variation_detail(_result(above, CONCERNING)) == \
        "the latest quarter is above the upper process limit"
    assert point_meaning(above[-1]) == "Concern: outside limits"


def test_assurance_and_common_cause_icons_carry_words() -> None:
    icon = assurance_icon(_result(_steady(), assurance=HIT_AND_MISS))
    assert icon.letter == "?" and icon.words.startswith("Hit and miss")
    assert assurance_icon(_result(_steady())).words == "Assurance not judged: no target set"
    short = _result(_steady()[:5], NOT_JUDGED, has_limits=False)
    assert assurance_icon(short).words == "Assurance not judged: no limits to judge it by yet"
    assert variation_icon(short).words == NOT_JUDGED
    assert variation_icon(_result(_steady())).words == COMMON_CAUSE


# -- the section on the service page ----------------------------------------------------------

def _trend(points: list[SpcPoint], unit: str = "count") -> MetricTrend:
    annual = (
        AnnualFigure(2020, "2020/21", 4, 88.0, None, None, "up 16% on the 2018/19 baseline",
                     in_strategy=True),
        AnnualFigure(2024, "2024/25", 2, 40.0, None, None, "", in_strategy=False),
    )
    return MetricTrend(
        service_id=1, service_name="Alpha", metric_id=7, metric_name="People supported",
        kind="output", unit=unit, higher_is_better=True,
        spc=_result(points, COMMON_CAUSE, HIT_AND_MISS),
        markers=tuple(None for _ in points), quarters=tuple((2020, 1) for _ in points),
        target=12.0, annual=annual, baseline=76.0, baseline_period="2018/19", priority="P",
        note="Some note.")


def _texts(component) -> str:
    return str(component.to_plotly_json()) if hasattr(component, "to_plotly_json") else str(component)


def test_the_section_has_its_words_chart_data_table_and_annual_table() -> None:
    section = trend_section(_trend(_steady()))
    text = _texts(section)
    assert "Common cause" in text and "Hit and miss" in text
    # The data table: one row per quarter, with the quarter, value, mean and limits.
    assert "'Lower process limit'" in text and "'Upper process limit'" in text
    assert "Q1 2020/21" in text and "Q4 2022/23" in text
    assert "up 16% on the 2018/19 baseline" in text and "Strategy year" in text
    assert "2 of 4 quarters" in text and "Not comparable: not a whole year" in text
    assert "Some note." in text


def test_a_rate_trends_annual_table_has_its_interval() -> None:
    points = [_point(i, 60.0 + (5 if i % 2 else -5), mean=60.0, lower=40.0, upper=80.0)
              for i in range(12)]
    t = _trend(points, unit="percent")
    t = MetricTrend(**{**t.__dict__, "annual": (AnnualFigure(
        2021, "2021/22", 4, 60.0, Rate(30, 50), (46.2, 72.3), "down 8 percentage points on the "
        "2018/19 baseline", in_strategy=True),)})
    text = _texts(trend_section(t))
    assert "95% interval" in text and "46% to 72%" in text and "60% (30 of 50)" in text
    assert "60.0%" in text  # the mean, to one decimal place
    assert "drawn at the edge" not in text  # limits 40% to 80%


def test_a_rate_section_says_when_a_limit_is_beyond_100_percent() -> None:
    points = [_point(i, 80.0, mean=80.0, lower=30.0, upper=130.0) for i in range(12)]
    text = _texts(trend_section(_trend(points, unit="percent")))
    assert ("The upper process limit (130.0%) is above 100%: drawn at the edge of what a rate "
            "can be.") in text
