"""The Performance table page's view of the table's rows (callbacks/performance.grid_rows
computes them, as text in models.reporting.performance.COLUMNS order): found, filtered,
sorted and cut into pages, on the server, so the page draws one page of plain rows.

A measure's breakdown rows ("    Female", …) follow their measure and stay under it however
the table is sorted or filtered: the unit of sorting, filtering and paging is the measure
with its breakdowns (a *group*), sorted by its headline row. A page holds whole groups, up to
the page size in rows (a group longer than a page has a page of its own), so a breakdown is
never shown on a page without its measure.

Sorting reads what the cells say: a figure column sorts by the number its text starts with
("1,364" after "312"; "72% (18 of 25)" as 72), RAG by its order (Green first), the rest as
text, A–Z ignoring case. Cells with nothing to sort by (blank, "Withheld", "No one assessed")
come last whichever way the column is sorted; ties keep the table's own order."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from models.reporting.performance import COLUMNS
from models.rules.disclosure import WITHHELD
from models.rules.rag import RAG_ORDER
from models.rules.slugs import find_name, slugify
from models.rules.table_view import ColumnSort

Row = dict[str, str]
NUMERIC_COLUMNS = frozenset({"Baseline", "Quarter target", "Quarter actual", "Quarter % of target",
                             "YTD target", "YTD actual", "YTD % of target", "Annual target", "Forecast"})
RAG_CHOICES: tuple[str, ...] = (*RAG_ORDER, WITHHELD)  # the RAG filter's words, in order
PAGE_SIZES = (25, 50, 100)
MAX_FIND_TEXT = 100  # longer than any service or measure name: anything longer finds nothing
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def column_key(name: str) -> str:
    """A column's key in URLs and ids: "Quarter % of target" -> "quarter-pct-of-target"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("%", "pct")).strip("-")


COLUMN_KEYS: dict[str, str] = {name: column_key(name) for name in COLUMNS}
COLUMN_BY_KEY: dict[str, str] = {key: name for name, key in COLUMN_KEYS.items()}


@dataclass(frozen=True)
class PerfFilters:
    """What the table is narrowed to; None is "all". Filters only narrow the rows the user
    may see (grid_rows decided those), so no value from a URL can widen them."""

    rag: str | None = None  # a RAG word of RAG_CHOICES
    priority: str | None = None  # a priority's name, as the rows give it
    find: str = ""  # part of a service's or measure's name, any case; "" is every row


@dataclass(frozen=True)
class PerfPage:
    """One page of the view: its rows, where they are in the rows the filters keep (first
    and last, counted from 1), how many the filters keep, and the page's number of all."""

    rows: list[Row]
    first: int
    last: int
    shown: int
    page: int
    pages: int


def is_breakdown(row: Row) -> bool:
    return row.get("Kind") == "Breakdown"


def groups_of(rows: list[Row]) -> list[list[Row]]:
    """The rows as measures with their breakdowns, in the table's order."""
    out: list[list[Row]] = []
    for row in rows:
        if is_breakdown(row) and out:
            out[-1].append(row)
        else:
            out.append([row])
    return out


def number_in(text: str) -> float | None:
    """The number a figure's text starts with ("1,364" -> 1364, "72% (18 of 25)" -> 72,
    "-3.5" -> -3.5); None for text that does not start with one ("Withheld", "")."""
    found = _NUMBER.match(text.strip())
    return float(found.group().replace(",", "")) if found else None


def _sort_value(column: str) -> Callable[[Row], object | None]:
    """How a row sorts by a column: a value, or None for nothing to sort by."""
    if column in NUMERIC_COLUMNS:
        return lambda row: number_in(row.get(column, ""))
    if column == "RAG":
        rank = {word: i for i, word in enumerate(RAG_CHOICES)}
        return lambda row: rank.get(row.get("RAG", ""))
    return lambda row: row.get(column, "").strip().casefold() or None


def sort_groups(groups: list[list[Row]], order: ColumnSort) -> list[list[Row]]:
    """The groups by their headline row's cell in `order.column` (a column's key, COLUMN_KEYS);
    blanks last."""
    column = COLUMN_BY_KEY.get(order.column or "")
    if column is None:
        return list(groups)
    value = _sort_value(column)
    keyed = [(value(group[0]), group) for group in groups]
    valued = [pair for pair in keyed if pair[0] is not None]
    valued.sort(key=lambda pair: pair[0], reverse=order.descending)  # stable both ways
    return [group for _, group in valued] + [group for v, group in keyed if v is None]


def keeps(group: list[Row], chosen: PerfFilters) -> bool:
    """Whether a measure (with its breakdowns) is shown: the RAG and priority filters test its
    headline row; the text is looked for in any of its rows' service or measure."""
    head = group[0]
    if chosen.rag is not None and head.get("RAG") != chosen.rag:
        return False
    if chosen.priority is not None and head.get("Priority") != chosen.priority:
        return False
    text = chosen.find.casefold()
    return not text or any(text in row.get("Service", "").casefold()
                           or text in row.get("Metric", "").casefold() for row in group)


def page_spans(sizes: list[int], size: int) -> list[tuple[int, int]]:
    """Pages of whole groups: each page's (first group, past its last group), a page taking
    groups while they fit in `size` rows (a group bigger than a page is a page alone)."""
    spans: list[tuple[int, int]] = []
    start, rows = 0, 0
    for i, n in enumerate(sizes):
        if i > start and rows + n > size:
            spans.append((start, i))
            start, rows = i, 0
        rows += n
    if sizes:
        spans.append((start, len(sizes)))
    return spans or [(0, 0)]


def view_page(rows: list[Row], chosen: PerfFilters, order: ColumnSort, page: int, size: int) -> PerfPage:
    """Page `page` (from 1; past the end is the last) of the rows the filters keep, in the
    order asked, `size` rows a page at most."""
    groups = sort_groups([g for g in groups_of(rows) if keeps(g, chosen)], order)
    spans = page_spans([len(g) for g in groups], size)
    page = min(max(page, 1), len(spans))
    start, end = spans[page - 1]
    before = sum(len(g) for g in groups[:start])
    shown_rows = [row for group in groups[start:end] for row in group]
    shown = sum(len(g) for g in groups)
    return PerfPage(shown_rows, before + 1 if shown_rows else 0, before + len(shown_rows),
                    shown, page, len(spans))


def priority_choices(rows: list[Row]) -> list[str]:
    """The priorities the rows name, in the table's (the strategy's) order."""
    return list(dict.fromkeys(row["Priority"] for row in rows if row.get("Priority")))


def asked_filters(rag: object, priority: object, find: object) -> PerfFilters:
    """The filters from the browser before the rows are known (a national table still being
    worked out): the RAG only if it is one of RAG_CHOICES, a priority only if it is text no
    longer than any priority's name (chosen_filters checks it against the rows); anything
    else (blank, unknown, not text) is no filter. The text is trimmed and only compared."""
    text = find.strip() if isinstance(find, str) else ""
    return PerfFilters(
        rag if isinstance(rag, str) and rag in RAG_CHOICES else None,
        priority if isinstance(priority, str) and 0 < len(priority) <= MAX_FIND_TEXT else None,
        text if len(text) <= MAX_FIND_TEXT else "",
    )


def chosen_filters(rows: list[Row], rag: object, priority: object, find: object) -> PerfFilters:
    """The filters from the browser, each kept only if it is one offered; anything else
    (blank, "all", unknown, not text) is no filter. A priority comes as its slug (the select
    and the address: priority_value) or, from links made before slugs, its name."""
    asked = asked_filters(rag, priority, find)
    return PerfFilters(asked.rag, find_name(asked.priority, priority_choices(rows)), asked.find)


def priority_value(priority: str | None) -> str | None:
    """A priority's value in the filter and the address: its slug, as the Overview's (the
    priorities' names make distinct slugs)."""
    return slugify(priority) if priority else None


def size_of(value: object) -> int:
    """A page size from the URL or the select: one of PAGE_SIZES, else the first."""
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    return int(text) if text in {str(n) for n in PAGE_SIZES} else PAGE_SIZES[0]
