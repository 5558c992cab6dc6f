"""The returns home's filters, on rows written by hand: what each filter keeps, the choices
offered, that a value the page did not offer is no filter at all, and the pages the grid
asks for (sorted and sliced on the server), and the grid's filter and sort models read back."""

from __future__ import annotations

import datetime as dt

import pytest

from layouts.returns_home import count_text, filter_model, filter_values, grid_rows, sort_of
from models.returns.lists import (
    HANDED_IN,
    TO_DO,
    HomeFilters,
    HomeRow,
    HomeSort,
    filter_home_rows,
    home_choices,
    home_filters,
    home_page,
    provider_choices,
    quarter_choices,
)


def row(service: str, provider: tuple[int, str], label: str, due: str, status: str, comment: str = "") -> HomeRow:
    return HomeRow(len(service), service, int(due[-2:]), label, dt.date.fromisoformat(due), status,
                   comment, provider[0], provider[1])


ALPHA, BETA = (1, "Alpha"), (2, "beta trust")
ROWS = [
    row("Outreach", ALPHA, "Q2 2026/27", "2026-10-20", "overdue"),
    row("Outreach", ALPHA, "Q1 2026/27", "2026-07-20", "returned", "Check the total"),
    row("Boxing", BETA, "Q2 2026/27", "2026-10-20", "submitted"),
    row("Boxing", BETA, "Q1 2026/27", "2026-07-20", "approved"),
    row("Outreach", ALPHA, "Q3 2026/27", "2027-01-20", "not_started"),
]


def names(rows: list[HomeRow]) -> list[tuple[str, str]]:
    return [(r.service, r.label) for r in rows]


@pytest.mark.parametrize("chosen, expected", [
    (HomeFilters(), [(r.service, r.label) for r in ROWS]),
    (HomeFilters(provider_id=2), [("Boxing", "Q2 2026/27"), ("Boxing", "Q1 2026/27")]),
    (HomeFilters(quarter="Q2 2026/27"), [("Outreach", "Q2 2026/27"), ("Boxing", "Q2 2026/27")]),
    (HomeFilters(status=TO_DO), [("Outreach", "Q2 2026/27"), ("Outreach", "Q1 2026/27"),
                                 ("Outreach", "Q3 2026/27")]),
    (HomeFilters(status=HANDED_IN), [("Boxing", "Q2 2026/27"), ("Boxing", "Q1 2026/27")]),
    (HomeFilters(status="returned"), [("Outreach", "Q1 2026/27")]),
    (HomeFilters(provider_id=1, quarter="Q1 2026/27", status=HANDED_IN), []),
    (HomeFilters(provider_id=2, quarter="Q1 2026/27", status="approved"), [("Boxing", "Q1 2026/27")]),
    # Part of a service's name, any case.
    (HomeFilters(service_text="BOX"), [("Boxing", "Q2 2026/27"), ("Boxing", "Q1 2026/27")]),
    (HomeFilters(service_text="reach", status="returned"), [("Outreach", "Q1 2026/27")]),
    (HomeFilters(service_text="%"), []),
])
def test_each_filter_keeps_what_matches_in_order(chosen, expected):
    assert names(filter_home_rows(ROWS, chosen)) == expected


def test_the_choices_come_from_the_rows():
    # By name, ignoring case; newest quarter first.
    assert provider_choices(ROWS) == [(1, "Alpha"), (2, "beta trust")]
    assert quarter_choices(ROWS) == ["Q3 2026/27", "Q2 2026/27", "Q1 2026/27"]
    choices = home_choices(ROWS)
    assert (choices.total, choices.with_comments) == (5, True)
    assert not home_choices(ROWS[2:]).with_comments


def test_values_not_offered_are_no_filter():
    choices = home_choices(ROWS)
    assert home_filters(choices, "2", "Q1 2026/27", "to_do") == HomeFilters(2, "Q1 2026/27", TO_DO)
    # Provider 3 is not among the rows (a provider user's rows are its own, so another
    # provider's id is simply unknown here); a quarter or status the page never offered.
    assert home_filters(choices, "3", "Q4 1999/00", "deleted") == HomeFilters()
    assert home_filters(choices, "-1", None, "") == HomeFilters()
    assert home_filters(choices, "1 OR 1=1", "all", "all") == HomeFilters()
    # Not text at all (a crafted request): no filter, no error.
    assert home_filters(choices, 2, ["Q1 2026/27"], {"to_do": 1}, 7) == HomeFilters()  # type: ignore[arg-type]
    # The service text is trimmed; text longer than any name is no filter.
    assert home_filters(choices, None, None, None, "  box ") == HomeFilters(service_text="box")
    assert home_filters(choices, None, None, None, "x" * 101) == HomeFilters()


# Sorted by a column, ties keep the list's own order (urgency); a page is a slice of that.
@pytest.mark.parametrize("order, expected", [
    (HomeSort(), [("Outreach", "Q2 2026/27"), ("Outreach", "Q1 2026/27"), ("Boxing", "Q2 2026/27"),
                  ("Boxing", "Q1 2026/27"), ("Outreach", "Q3 2026/27")]),
    (HomeSort("due"), [("Outreach", "Q1 2026/27"), ("Boxing", "Q1 2026/27"), ("Outreach", "Q2 2026/27"),
                       ("Boxing", "Q2 2026/27"), ("Outreach", "Q3 2026/27")]),
    (HomeSort("due", descending=True), [("Outreach", "Q3 2026/27"), ("Outreach", "Q2 2026/27"),
                                        ("Boxing", "Q2 2026/27"), ("Outreach", "Q1 2026/27"),
                                        ("Boxing", "Q1 2026/27")]),
    (HomeSort("service"), [("Boxing", "Q2 2026/27"), ("Boxing", "Q1 2026/27"), ("Outreach", "Q2 2026/27"),
                           ("Outreach", "Q1 2026/27"), ("Outreach", "Q3 2026/27")]),
    # Alpha before "beta trust", whatever the case.
    (HomeSort("provider", descending=True), [("Boxing", "Q2 2026/27"), ("Boxing", "Q1 2026/27"),
                                             ("Outreach", "Q2 2026/27"), ("Outreach", "Q1 2026/27"),
                                             ("Outreach", "Q3 2026/27")]),
    # By urgency, not by the status's word: overdue, returned, not started, submitted, approved.
    (HomeSort("status", descending=True), [("Boxing", "Q1 2026/27"), ("Boxing", "Q2 2026/27"),
                                           ("Outreach", "Q3 2026/27"), ("Outreach", "Q1 2026/27"),
                                           ("Outreach", "Q2 2026/27")]),
])
def test_a_page_is_sorted_then_sliced(order, expected):
    page, shown = home_page(ROWS, HomeFilters(), order, 0, 50)
    assert names(page) == expected and shown == 5
    assert names(home_page(ROWS, HomeFilters(), order, 1, 3)[0]) == expected[1:3]
    assert home_page(ROWS, HomeFilters(), order, 5, 10) == ([], 5)


def test_a_page_of_filtered_rows_counts_the_filtered_rows():
    page, shown = home_page(ROWS, HomeFilters(status=TO_DO), HomeSort("due", True), 1, 2)
    assert names(page) == [("Outreach", "Q2 2026/27")] and shown == 3
    # Odd ranges are empty pages, not errors.
    assert home_page(ROWS, HomeFilters(), HomeSort(), -5, 1)[0] == ROWS[:1]
    assert home_page(ROWS, HomeFilters(), HomeSort(), 3, 1) == ([], 5)


def test_the_grid_s_filter_model_carries_the_filters_and_reads_back():
    chosen = HomeFilters(12, "Q1 2026/27", TO_DO, "box")
    model = filter_model(chosen)
    assert model == {"provider": {"filterType": "text", "type": "equals", "filter": "12"},
                     "quarter": {"filterType": "text", "type": "equals", "filter": "Q1 2026/27"},
                     "status": {"filterType": "text", "type": "equals", "filter": "to_do"},
                     "service": {"filterType": "text", "type": "contains", "filter": "box"}}
    assert filter_values(model) == ("12", "Q1 2026/27", "to_do", "box")
    assert filter_model(HomeFilters()) == {}
    # Whatever else the browser sends is no filter (home_filters then drops what is unknown).
    for odd in (None, [], "status", {"status": "to_do"}, {"status": {"filter": 3}}, {"quarter": None}):
        assert filter_values(odd) == (None, None, None, None)


@pytest.mark.parametrize("sort_model, expected", [
    ([{"colId": "due", "sort": "desc"}], HomeSort("due", True)),
    ([{"colId": "service", "sort": "asc"}, {"colId": "due", "sort": "desc"}], HomeSort("service")),
    ([], HomeSort()), (None, HomeSort()), ("due", HomeSort()),
    ([{"colId": "quarter", "sort": "asc"}], HomeSort()),  # not a sortable column
    ([{"colId": "due", "sort": "sideways"}], HomeSort()),
    ([{"colId": "__class__", "sort": "asc"}], HomeSort()), ([7], HomeSort()),
    ([{"colId": {"x": 1}, "sort": "asc"}], HomeSort()), ([{"colId": "due", "sort": ["asc"]}], HomeSort()),
])
def test_the_sort_model_read_back(sort_model, expected):
    assert sort_of(sort_model) == expected


def test_grid_rows_carry_words_and_links_not_colours():
    rows = grid_rows(ROWS[:2], may_edit=True)
    assert rows[0] == {"sid": 8, "pid": 20, "service": "Outreach", "provider": "Alpha",
                       "quarter": "Q2 2026/27", "due": "2026-10-20", "status": "Overdue",
                       "action": "Continue"}
    assert rows[1]["action"] == "Make changes" and rows[1]["comment"] == "Check the total"
    assert {r["action"] for r in grid_rows(ROWS, may_edit=False)} == {"View"}


@pytest.mark.parametrize("shown, total, words", [
    (0, 0, "There are no returns for you to see yet."),
    (0, 12, "No returns match these filters. Choose “All” in a filter to see more."),
    (9264, 9264, "9,264 returns."),
    (40, 9264, "40 of 9,264 returns match these filters."),
])
def test_the_count_in_words(shown, total, words):
    assert count_text(shown, total) == words
