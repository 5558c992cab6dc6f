"""The Performance table's view (models/reporting/performance_view.py), worked by hand on a
small table: measures keep their breakdowns under them however they are sorted, filtered and
paged; figures sort as numbers, RAG by its order, text A–Z; bad values are defaults."""

from __future__ import annotations

import pytest

from models.reporting.performance import COLUMNS
from models.reporting.performance_view import (
    PerfFilters,
    chosen_filters,
    column_key,
    groups_of,
    number_in,
    page_spans,
    priority_choices,
    size_of,
    sort_groups,
    view_page,
)
from models.rules.table_view import ColumnSort


def _row(service: str, metric: str, actual: str = "", rag: str = "", kind: str = "Count",
         priority: str = "Safety") -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    row.update({"Priority": priority, "Service": service, "Metric": metric, "Kind": kind,
                "Quarter actual": actual, "RAG": rag})
    return row


# The table's own order: three measures, the first with two breakdowns.
REFUGE = _row("Refuge", "People supported", "1,364", "Amber")
FEMALE = _row("Refuge", "    Female", "1,200", kind="Breakdown")
MALE = _row("Refuge", "    Male", "164", kind="Breakdown")
OUTREACH = _row("Outreach", "Sessions", "312", "Green", priority="Youth")
ADVICE = _row("advice line", "Calls", "Withheld", "Withheld")
ROWS = [REFUGE, FEMALE, MALE, OUTREACH, ADVICE]


def _services(rows):
    return [(r["Service"], r["Metric"].strip()) for r in rows]


def test_breakdowns_belong_to_the_measure_above_them():
    assert groups_of(ROWS) == [[REFUGE, FEMALE, MALE], [OUTREACH], [ADVICE]]
    assert groups_of([FEMALE, REFUGE]) == [[FEMALE], [REFUGE]]  # none above: a group of its own
    assert groups_of([]) == []


@pytest.mark.parametrize(("text", "number"), [
    ("1,364", 1364), ("312", 312), ("72% (18 of 25)", 72), ("96%", 96), ("-3.5", -3.5),
    ("12.5", 12.5), ("Withheld", None), ("", None), ("No one assessed", None), ("  7 ", 7),
])
def test_a_figure_sorts_by_the_number_it_starts_with(text, number):
    assert number_in(text) == number


def test_numbers_sort_as_numbers_with_groups_whole_and_blanks_last():
    key = column_key("Quarter actual")
    assert key == "quarter-actual"
    up = [r for g in sort_groups(groups_of(ROWS), ColumnSort(key)) for r in g]
    # 312 before 1,364 (as text "1,364" < "312"); the breakdowns under their measure;
    # "Withheld" has no number: last.
    assert _services(up) == [("Outreach", "Sessions"), ("Refuge", "People supported"),
                             ("Refuge", "Female"), ("Refuge", "Male"), ("advice line", "Calls")]
    down = [r for g in sort_groups(groups_of(ROWS), ColumnSort(key, True)) for r in g]
    assert _services(down)[0] == ("Refuge", "People supported")
    assert _services(down)[-1] == ("advice line", "Calls")  # still last


def test_rag_sorts_by_its_order_and_text_a_to_z_ignoring_case():
    by_rag = sort_groups(groups_of(ROWS), ColumnSort("rag"))
    assert [g[0]["RAG"] for g in by_rag] == ["Green", "Amber", "Withheld"]
    by_service = sort_groups(groups_of(ROWS), ColumnSort("service"))
    assert [g[0]["Service"] for g in by_service] == ["advice line", "Outreach", "Refuge"]
    by_service_down = sort_groups(groups_of(ROWS), ColumnSort("service", True))
    assert [g[0]["Service"] for g in by_service_down] == ["Refuge", "Outreach", "advice line"]
    # No column, or one that is not the table's: its own order.
    assert sort_groups(groups_of(ROWS), ColumnSort()) == groups_of(ROWS)
    assert sort_groups(groups_of(ROWS), ColumnSort("__class__")) == groups_of(ROWS)


def test_filters_test_the_measure_and_keep_its_breakdowns():
    amber = view_page(ROWS, PerfFilters(rag="Amber"), ColumnSort(), 1, 25)
    assert amber.rows == [REFUGE, FEMALE, MALE] and amber.shown == 3
    youth = view_page(ROWS, PerfFilters(priority="Youth"), ColumnSort(), 1, 25)
    assert youth.rows == [OUTREACH]
    # A breakdown's words find its whole measure; the service's name finds any case.
    assert view_page(ROWS, PerfFilters(find="male"), ColumnSort(), 1, 25).rows == [REFUGE, FEMALE, MALE]
    assert view_page(ROWS, PerfFilters(find="ADVICE"), ColumnSort(), 1, 25).rows == [ADVICE]
    nothing = view_page(ROWS, PerfFilters(find="zzz"), ColumnSort(), 1, 25)
    assert (nothing.rows, nothing.first, nothing.last, nothing.shown, nothing.pages) == ([], 0, 0, 0, 1)


def test_pages_hold_whole_measures():
    # Groups of 3, 1 and 1 rows, pages of 2 rows: the 3-row measure is a page alone.
    assert page_spans([3, 1, 1], 2) == [(0, 1), (1, 3)]
    assert page_spans([1, 1, 1], 2) == [(0, 2), (2, 3)]
    assert page_spans([], 25) == [(0, 0)]
    first = view_page(ROWS, PerfFilters(), ColumnSort(), 1, 2)
    second = view_page(ROWS, PerfFilters(), ColumnSort(), 2, 2)
    assert (first.rows, first.first, first.last, first.shown, first.pages) == ([REFUGE, FEMALE, MALE], 1, 3, 5, 2)
    assert (second.rows, second.first, second.last) == ([OUTREACH, ADVICE], 4, 5)
    # Past the end is the last page; before the start the first.
    assert view_page(ROWS, PerfFilters(), ColumnSort(), 99, 2).page == 2
    assert view_page(ROWS, PerfFilters(), ColumnSort(), -1, 2).page == 1


def test_values_from_the_browser_are_checked():
    assert priority_choices(ROWS) == ["Safety", "Youth"]
    assert chosen_filters(ROWS, "Green", "Youth", "  out ") == PerfFilters("Green", "Youth", "out")
    assert chosen_filters(ROWS, "Purple", "Nobody", None) == PerfFilters()
    assert chosen_filters(ROWS, ["Green"], {"p": 1}, 7) == PerfFilters()
    assert chosen_filters(ROWS, "all", "all", "x" * 101) == PerfFilters()
    assert [size_of(v) for v in ("50", 100, "25", "26", None, True, "1e2", "")] == [50, 100, 25, 25, 25, 25, 25, 25]
