"""The one pager's arithmetic (layouts/paging.py), shared by the Returns list, the review
queue and What needs attention: expectations worked out by hand."""

import pytest

from layouts.paging import (
    PAGE_SIZE,
    clamp_page,
    page_count,
    page_of,
    pager,
    pager_text,
    row_range,
    turned,
)


def test_a_page_is_25_rows():
    assert PAGE_SIZE == 25


@pytest.mark.parametrize(("shown", "pages"), [(0, 1), (1, 1), (25, 1), (26, 2), (50, 2), (51, 3),
                                              (2250, 90), (2251, 91)])
def test_page_count(shown, pages):
    assert page_count(shown) == pages


def test_page_count_and_ranges_for_another_size():
    assert page_count(101, 50) == 3
    assert row_range(3, 50) == (100, 150)


@pytest.mark.parametrize(("page", "rows"), [(1, (0, 25)), (2, (25, 50)), (90, (2225, 2250))])
def test_row_range_counts_from_nought(page, rows):
    assert row_range(page) == rows


@pytest.mark.parametrize(("page", "shown", "kept"), [(1, 0, 1), (0, 100, 1), (-3, 100, 1), (4, 100, 4),
                                                     (5, 100, 4), (999, 2250, 90)])
def test_a_page_past_the_end_is_the_last(page, shown, kept):
    assert clamp_page(page, shown) == kept


@pytest.mark.parametrize(("value", "page"), [
    ("3", 3), (3, 3), ("0", 1), (0, 1), (-2, 1), ("", 1), (None, 1), ("x", 1), ("2.5", 1),
    (True, 1), ("٣", 1), ("1000000", 1), ("999999", 999999), (10 ** 6, 1), ([2], 1)])
def test_a_page_number_from_the_url_or_store_is_checked(value, page):
    assert page_of(value) == page


@pytest.mark.parametrize(("page", "action", "after"), [(3, "previous", 2), (1, "previous", 1),
                                                       (3, "next", 4), (3, None, 1), (3, "sort", 1)])
def test_turning_a_page(page, action, after):
    assert turned(page, action) == after


def test_where_a_page_is_in_words():
    assert pager_text(1, 2250, "Items") == "Items 1 to 25 of 2,250"
    assert pager_text(90, 2250, "Items") == "Items 2,226 to 2,250 of 2,250"
    assert pager_text(2, 30) == "Rows 26 to 30 of 30"
    assert pager_text(1, 0, nothing="No returns to show.") == "No returns to show."


def test_the_pager_says_where_it_is_and_marks_the_ends():
    nav = pager(1, 30, previous_id="p", next_id="n", status_id="s", label="Pages of things",
                noun="Items").to_plotly_json()["props"]
    previous, status, following = (c.to_plotly_json()["props"] for c in nav["children"])
    assert nav["aria-label"] == "Pages of things"
    assert previous["aria-disabled"] == "true" and following["aria-disabled"] == "false"
    assert status["role"] == "status" and status["children"] == "Items 1 to 25 of 30"
    last = pager(2, 30, previous_id="p", next_id="n", status_id="s", label="x").to_plotly_json()
    assert [c.to_plotly_json()["props"].get("aria-disabled") for c in last["props"]["children"]] == [
        "false", None, "true"]
