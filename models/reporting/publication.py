"""The performance table as a published output: its figures as disclosure-control groups
(categories to their total, quarters to the year to date) and, per row, what may be shown.
The reader's arithmetic itself is in models.rules.disclosure."""

from __future__ import annotations

from dataclasses import dataclass

from models.reporting.performance import Figure, PerformanceTable
from models.rules.disclosure import (
    DEFAULT_THRESHOLD,
    CellValue,
    Disclosure,
    Group,
    Key,
    components,
    control,
)
from models.rules.measures import Rate


def span_of(quarter: int) -> str:
    return f"q{quarter}"


def figure_value(figure: Figure) -> CellValue:
    return figure.rate if figure.rate is not None else (
        None if figure.count is None else int(figure.count))


def table_disclosure(table: PerformanceTable, threshold: int = DEFAULT_THRESHOLD,
                     charted: dict[int, dict[int, Figure]] | None = None) -> Disclosure:
    """What to hide in an output made of `table` (its quarter and year-to-date columns) and,
    for the PDF, the quarters `charted[row index]` drawn for some of its rows (every quarter
    a chart shows, empty ones included)."""
    charted = charted or {}
    values: dict[Key, CellValue] = {}
    groups: list[Group] = []
    quarter_span = span_of(table.quarter) if table.quarter else None
    parent: int | None = None
    children: dict[int, list[int]] = {}
    for i, row in enumerate(table.rows):
        if row.is_breakdown and parent is not None:
            children[parent].append(i)
        elif not row.is_breakdown:
            parent = i
            children[i] = []
        if not row.ytd_actual.empty:
            values[(i, "ytd")] = figure_value(row.ytd_actual)
        # A quarter printed empty ("no figure") is published too: a reader knows it as nought.
        published: dict[int, Figure] = dict(charted.get(i, {}))
        if table.quarter:
            published[table.quarter] = row.quarter_actual
        for q, figure in published.items():
            if not figure.empty:
                values[(i, span_of(q))] = figure_value(figure)
        through = range(1, table.through + 1)
        parts = [(i, span_of(q)) for q in through if q in published]
        if parts and (i, "ytd") in values:
            groups.append(_year_to_date_group(i, values, parts, len(parts) < len(through)))
    for total, rows in children.items():
        spans = ["ytd"] + ([quarter_span] if quarter_span else [])
        for span in spans:
            if rows:
                groups.append(Group((total, span), [(r, span) for r in rows]))
    return control(values, groups, threshold)


def _year_to_date_group(row: int, values: dict[Key, CellValue], parts: list[Key],
                        has_unpublished: bool) -> Group:
    total = values[(row, "ytd")]
    unpublished: CellValue = None
    if has_unpublished:
        shown = [components(values.get(p)) for p in parts]
        n, d, _ = (sum(c[i] for c in shown) for i in range(3))
        if isinstance(total, Rate):
            unpublished = Rate(int(total.numerator - n), int(total.denominator - d))
        else:
            unpublished = int((total or 0) - n)
    return Group((row, "ytd"), parts, unpublished, has_unpublished)


@dataclass(frozen=True)
class RowMask:
    """What one table row may show: a marker in place of each hidden actual, and whether the
    figures derived from them (% of target, forecast, RAG) are withheld."""

    quarter: str | None = None
    ytd: str | None = None
    rag_withheld: bool = False
    published: bool = False  # publication mode: notes that hint at a cohort's size are left out


OPEN = RowMask()


def row_masks(table: PerformanceTable, disclosure: Disclosure | None) -> list[RowMask]:
    """One mask per row of `table`; every row open when nothing is being published."""
    if disclosure is None:
        return [OPEN] * len(table.rows)
    masks = []
    for i, _ in enumerate(table.rows):
        quarter = disclosure.marker((i, span_of(table.quarter))) if table.quarter else None
        ytd = disclosure.marker((i, "ytd"))
        judged = quarter if table.quarter else ytd
        masks.append(RowMask(quarter, ytd, judged is not None, True))
    return masks

