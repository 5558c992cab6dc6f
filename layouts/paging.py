"""Pages of a long list: the one pager (Previous and Next, and where the page is, in words)
and the arithmetic behind it, shared by the Returns list, the Performance table, the review
queue and What needs attention. A page number comes from the URL or a page's store, so it is
checked here: anything that is not a small whole number is the first page, and a page past
the end is the last."""

from __future__ import annotations

from dash import html

PAGE_SIZE = 25  # rows a page: one screen on a laptop, a short scroll on a phone
MAX_PAGE_DIGITS = 6  # more pages than any list will have; longer "numbers" are the first page
PREVIOUS, NEXT = "previous", "next"  # the pager's buttons, as a page's callback names them


def page_of(value: object) -> int:
    """A page number from the URL or the page's store (1 is the first); anything that is not
    a small whole number is the first page."""
    if isinstance(value, bool):
        return 1
    if isinstance(value, int):
        return value if 1 <= value < 10 ** MAX_PAGE_DIGITS else 1
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= MAX_PAGE_DIGITS:
        return max(int(value), 1)
    return 1


def page_count(shown: int, size: int = PAGE_SIZE) -> int:
    """How many pages `shown` rows fill (one, empty, for none)."""
    return max(1, -(-shown // size))


def clamp_page(page: int, shown: int, size: int = PAGE_SIZE) -> int:
    """A page past the end (the list has shrunk, an old link) is the last page."""
    return min(max(page, 1), page_count(shown, size))


def row_range(page: int, size: int = PAGE_SIZE) -> tuple[int, int]:
    """The rows of a page, counting from 0: [start, end)."""
    start = (page - 1) * size
    return start, start + size


def turned(page: int, action: object) -> int:
    """The page after Previous (PREVIOUS) or Next (NEXT) was pressed on `page`; the first
    page for anything else (a filter changed)."""
    if action == PREVIOUS:
        return max(page - 1, 1)
    if action == NEXT:
        return page + 1
    return 1


def span_text(first: int, last: int, shown: int, noun: str = "Rows",
              nothing: str = "No rows to show.") -> str:
    """"Rows 26 to 50 of 312": where a page's rows (first and last, counted from 1) are in
    the list."""
    if shown == 0:
        return nothing
    return f"{noun} {first:,} to {last:,} of {shown:,}"


def pager_text(page: int, shown: int, noun: str = "Rows", size: int = PAGE_SIZE,
               nothing: str = "No rows to show.") -> str:
    """"Rows 26 to 50 of 312": where this page is in the list."""
    start, end = row_range(page, size)
    return span_text(start + 1, min(end, shown), shown, noun, nothing)


def pager(page: int, shown: int, *, previous_id: str, next_id: str, status_id: str, label: str,
          noun: str = "Rows", size: int = PAGE_SIZE, nothing: str = "No rows to show.",
          pages: int | None = None, text: str | None = None) -> html.Nav:
    """Previous and Next, and where the page is, in words (role=status: read out when it
    changes). A button at the end of the list is marked aria-disabled rather than disabled,
    so it keeps the keyboard's focus (pressed, it changes nothing). `label` names the
    navigation landmark ("Pages of returns"). A list whose pages are not all `size` long
    (the Performance table's pages of whole measures) gives its `pages` and the page's
    `text` (span_text)."""
    last = page_count(shown, size) if pages is None else pages
    return html.Nav([
        html.Button("Previous", id=previous_id, type="button", n_clicks=0,
                    className="btn btn-outline-primary btn-sm",
                    **{"aria-disabled": "true" if page <= 1 else "false"}),
        html.P(pager_text(page, shown, noun, size, nothing) if text is None else text,
               id=status_id, role="status", className="mb-0", **{"aria-live": "polite"}),
        html.Button("Next", id=next_id, type="button", n_clicks=0,
                    className="btn btn-outline-primary btn-sm",
                    **{"aria-disabled": "true" if page >= last else "false"}),
    ], className="returns-pager d-flex align-items-center gap-3 flex-wrap my-2",
        **{"aria-label": label})
