"""How a long table drawn on the server is sorted: the column and which way, as a URL and a
page's store keep them. One place for these rules, shared by every sortable paged table (the
Returns list, the Performance table); which page is layouts/paging.py's (page_of). Values from
a browser are checked here: anything unreadable is the table's own order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MAX_SORT_TEXT = 40  # longer than any column's key: anything longer is the table's own order


@dataclass(frozen=True)
class ColumnSort:
    """A column's key, or None for the table's own order; and which way."""

    column: str | None = None
    descending: bool = False


def sort_text(order: ColumnSort) -> str | None:
    """A sort as the URL keeps it: "due", "-due" (descending); None for the table's own order."""
    if order.column is None:
        return None
    return f"-{order.column}" if order.descending else order.column


def parse_sort(text: object, keys: Iterable[str]) -> ColumnSort:
    """A sort from the URL or a page's store ("due", "-service"); a column not in `keys`, or
    anything else, is the table's own order."""
    if not isinstance(text, str) or len(text) > MAX_SORT_TEXT:
        return ColumnSort()
    column, descending = (text[1:], True) if text.startswith("-") else (text, False)
    return ColumnSort(column, descending) if column in set(keys) else ColumnSort()


def next_sort(current: ColumnSort, column: str) -> ColumnSort:
    """A heading's button pressed: ascending, then descending, then the table's own order."""
    if current.column != column:
        return ColumnSort(column, False)
    if not current.descending:
        return ColumnSort(column, True)
    return ColumnSort()


def sort_state(order: ColumnSort, column: str) -> str | None:
    """A heading's aria-sort: "ascending"/"descending" for the sorted column, none for the
    others (the table's own order sorts by no one column)."""
    if order.column != column:
        return None
    return "descending" if order.descending else "ascending"

