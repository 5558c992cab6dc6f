"""The returns home's filters, on rows written by hand: what each filter keeps, the choices
offered, and that a value the page did not offer is no filter at all."""

from __future__ import annotations

import datetime as dt

import pytest

from layouts.returns_home import count_text, grid_rows
from models.returns.lists import (
    HANDED_IN,
    TO_DO,
    HomeFilters,
    HomeRow,
    filter_home_rows,
    home_filters,
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
])
def test_each_filter_keeps_what_matches_in_order(chosen, expected):
    assert names(filter_home_rows(ROWS, chosen)) == expected


def test_the_choices_come_from_the_rows():
    # By name, ignoring case; newest quarter first.
    assert provider_choices(ROWS) == [(1, "Alpha"), (2, "beta trust")]
    assert quarter_choices(ROWS) == ["Q3 2026/27", "Q2 2026/27", "Q1 2026/27"]


def test_values_not_offered_are_no_filter():
    assert home_filters(ROWS, "2", "Q1 2026/27", "to_do") == HomeFilters(2, "Q1 2026/27", TO_DO)
    # Provider 3 is not among the rows (a provider user's rows are its own, so another
    # provider's id is simply unknown here); a quarter or status the page never offered.
    assert home_filters(ROWS, "3", "Q4 1999/00", "deleted") == HomeFilters()
    assert home_filters(ROWS, "-1", None, "") == HomeFilters()
    assert home_filters(ROWS, "1 OR 1=1", "all", "all") == HomeFilters()


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
