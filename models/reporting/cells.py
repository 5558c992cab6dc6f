"""Turn the performance table into the text people read (UI table, PDF) or a machine reads
(CSV: `grouped=False`, so a figure is "1364", not "1,364")."""

from __future__ import annotations

from collections import Counter

from models.reporting.performance import COLUMNS, SMALL_COHORT_NOTE, Figure, PerformanceRow
from models.reporting.publication import OPEN, RowMask
from models.rules.disclosure import WITHHELD
from models.rules.formats import format_number, format_rate, format_target
from models.rules.rag import RAG_ORDER

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Stop spreadsheet software reading user text as a formula (CSV/XLSX injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def format_figure(figure: Figure, marker: str | None = None, *, grouped: bool = True) -> str:
    """A count or a rate as text, or the disclosure marker that stands in for it (as it is)."""
    if marker is not None:
        return marker
    if figure.rate is not None:
        return format_rate(figure.rate, grouped=grouped)
    return format_number(figure.count, grouped=grouped)


def _forecast(row: PerformanceRow, grouped: bool) -> str:
    if row.unit != "percent" and row.forecast is not None:
        # a forecast of people is whole people
        return format_number(round(row.forecast), grouped=grouped)
    return format_target(row.forecast, row.unit, grouped=grouped)


def row_notes(row: PerformanceRow, mask: RowMask = OPEN) -> str:
    # In publication mode a note that the cohort is small would narrow a withheld rate down.
    notes = [n for n in row.notes if not (mask.published and n.startswith(SMALL_COHORT_NOTE))]
    return "; ".join(notes)


def row_cells(row: PerformanceRow, mask: RowMask = OPEN, *, grouped: bool = True) -> list[str]:
    """The row's cells in COLUMNS order, as text, with what `mask` hides withheld; figures
    with thousands separators unless `grouped` is False (for machines)."""
    unit = row.unit

    def target(value: float | None) -> str:
        return format_target(value, unit, grouped=grouped)

    cells = [
        row.priority,
        row.service,
        row.provider,
        row.metric,
        row.kind,
        target(row.baseline),
        row.baseline_period or "",
        target(row.quarter_target),
        format_figure(row.quarter_actual, mask.quarter, grouped=grouped),
        "" if mask.quarter else row.quarter_words(grouped=grouped),
        target(row.ytd_target),
        format_figure(row.ytd_actual, mask.ytd, grouped=grouped),
        "" if mask.ytd else row.ytd_words(grouped=grouped),
        target(row.annual_target),
        WITHHELD if mask.ytd and row.forecast is not None else _forecast(row, grouped),
        "" if row.is_breakdown else rag_shown(row, mask),
        row.status,
        row_notes(row, mask),
    ]
    assert len(cells) == len(COLUMNS)
    return cells


def rag_shown(row: PerformanceRow, mask: RowMask = OPEN) -> str:
    """A measure's RAG as every output shows it: its word, or Withheld when publication mode
    hides the figure it is judged on."""
    return WITHHELD if mask.rag_withheld else row.rag_word


class RagTally:
    """Measures by the RAG shown for them, by priority (breakdowns have no RAG): the summary
    a PDF pack prints, and a national workbook in place of its What needs attention lines.
    Counted from the rows as they are written, so it agrees with the table cell for cell."""

    def __init__(self) -> None:
        self.by_priority: dict[str, Counter[str]] = {}

    def add(self, row: PerformanceRow, mask: RowMask = OPEN) -> None:
        if not row.is_breakdown:
            self.by_priority.setdefault(row.priority, Counter())[rag_shown(row, mask)] += 1

    def words(self) -> list[str]:
        """The columns: every RAG word in the one order, then Withheld when a measure's is
        (a breakdown's hidden figures withhold no RAG: it has none, so no column of noughts)."""
        withheld = any(WITHHELD in counts for counts in self.by_priority.values())
        return [*RAG_ORDER, *([WITHHELD] if withheld else [])]
