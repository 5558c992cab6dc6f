"""The returns home's filters, on rows written by hand: what each filter keeps, the choices
offered, that a value the page did not offer is no filter at all, the pages the table shows
(sorted and sliced on the server), and the sort, page and rows as the table draws them."""

from __future__ import annotations

import datetime as dt

import pytest

from layouts.returns_home import (
    PAGE_SIZE,
    caption_text,
    clamp_page,
    columns,
    count_text,
    next_sort,
    page_count,
    page_of,
    pager_text,
    row_range,
    sort_of,
    sort_state,
    sort_text,
    table_rows,
)
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
from tests.helpers.components import words


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


@pytest.mark.parametrize("text, expected", [
    ("due", HomeSort("due")), ("-due", HomeSort("due", True)), ("service", HomeSort("service")),
    ("-status", HomeSort("status", True)), ("provider", HomeSort("provider")),
    (None, HomeSort()), ("", HomeSort()), ("-", HomeSort()), ("--due", HomeSort()),
    ("quarter", HomeSort()),  # not a sortable column
    ("action", HomeSort()), ("__class__", HomeSort()), ("due" * 100, HomeSort()),
    (["due"], HomeSort()), ({"due": 1}, HomeSort()), (7, HomeSort()),
])
def test_the_sort_read_from_the_url_or_store(text, expected):
    assert sort_of(text) == expected
    if expected.column:
        assert sort_of(sort_text(expected)) == expected


def test_a_provider_user_cannot_sort_by_the_provider_column_it_does_not_have():
    assert sort_of("provider", own_only=True) == HomeSort()
    assert sort_of("-due", own_only=True) == HomeSort("due", True)


def test_a_heading_s_button_goes_ascending_descending_then_back_to_the_list_s_own_order():
    assert next_sort(HomeSort(), "due") == HomeSort("due")
    assert next_sort(HomeSort("due"), "due") == HomeSort("due", True)
    assert next_sort(HomeSort("due", True), "due") == HomeSort()
    assert next_sort(HomeSort("due", True), "service") == HomeSort("service")
    assert sort_text(HomeSort()) is None
    assert [sort_state(HomeSort("due", True), c) for c in ("due", "service")] == ["descending", None]
    assert sort_state(HomeSort("service"), "service") == "ascending"
    assert caption_text(HomeSort(), False) == "Returns, overdue and returned first"
    assert caption_text(HomeSort("due", True), True) == "Your organisation's returns, by due date, latest first"


@pytest.mark.parametrize("value, page", [
    ("1", 1), ("2", 2), (3, 3), ("0", 1), ("-2", 1), (0, 1), (-4, 1), ("x", 1), (None, 1),
    ("1.5", 1), (1.5, 1), (True, 1), ("9" * 7, 1), (10 ** 9, 1), ("٣", 1), ("", 1), ([2], 1),
])
def test_a_page_number_from_the_url_or_store(value, page):
    assert page_of(value) == page


def test_pages_and_where_a_page_is_in_words():
    assert PAGE_SIZE == 25
    assert [page_count(n) for n in (0, 1, 25, 26, 312)] == [1, 1, 1, 2, 13]
    assert row_range(1) == (0, 25) and row_range(3) == (50, 75)
    assert [clamp_page(p, 312) for p in (1, 13, 14, 999)] == [1, 13, 13, 13]
    assert clamp_page(5, 0) == 1
    assert pager_text(1, 312) == "Rows 1 to 25 of 312"
    assert pager_text(13, 312) == "Rows 301 to 312 of 312"
    assert pager_text(1, 9264) == "Rows 1 to 25 of 9,264"
    assert pager_text(1, 0) == "No rows to show."



def test_table_rows_carry_words_and_links_not_colours():
    cols = columns(own_only=False, with_comments=True)
    assert [c.heading for c in cols] == ["Service", "Status", "Quarter", "Due", "Provider",
                                         "Lead officer's comment", "Open"]
    assert [c.key for c in cols if c.sortable] == ["service", "status", "due", "provider"]
    rows = table_rows(ROWS[:2], cols, may_edit=True)
    first = rows[0].children
    assert type(first[0]).__name__ == "Th" and first[0].scope == "row" and first[0].children == "Outreach"
    assert [words(c) for c in first[1:6]] == ["Overdue", "Q2 2026/27", "20 October 2026", "Alpha", ""]
    assert "rag-red" in first[1].className  # the word is written; the colour only adds to it
    link = first[6].children
    assert link.href == "/returns/edit?service=8&period=20"
    assert words(link) == "Continue, Outreach, Q2 2026/27"
    assert words(rows[1].children[6]).startswith("Make changes")
    assert words(rows[1].children[5]) == "Check the total"
    viewer = table_rows(ROWS, cols, may_edit=False)
    assert {words(r.children[6]).split(",")[0] for r in viewer} == {"View"}
    # A provider's table: no provider column; no comment column when nothing has one.
    own = columns(own_only=True, with_comments=False)
    assert [c.key for c in own] == ["service", "status", "quarter", "due", "action"]
    assert len(table_rows(ROWS[:1], own, may_edit=True)[0].children) == 5
    # No rows: one line in words across the table.
    [empty] = table_rows([], own, may_edit=True)
    assert empty.children.children == "No returns match these filters." and empty.children.colSpan == 5


@pytest.mark.parametrize("shown, total, words", [
    (0, 0, "There are no returns for you to see yet."),
    (0, 12, "No returns match these filters. Choose “All” in a filter to see more."),
    (9264, 9264, "9,264 returns."),
    (40, 9264, "40 of 9,264 returns match these filters."),
])
def test_the_count_in_words(shown, total, words):
    assert count_text(shown, total) == words
