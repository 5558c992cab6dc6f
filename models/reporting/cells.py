"""Turn the performance table into the text people read (UI table, CSV)."""

from __future__ import annotations

from models.reporting.performance import COLUMNS, SMALL_COHORT_NOTE, Figure, PerformanceRow
from models.reporting.publication import OPEN, RowMask
from models.rules.disclosure import WITHHELD
from models.rules.formats import format_number, format_percent, format_target

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Stop spreadsheet software reading user text as a formula (CSV/XLSX injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def format_figure(figure: Figure, marker: str | None = None) -> str:
    """A count or a rate as text, or the disclosure marker that stands in for it."""
    if marker is not None:
        return marker
    if figure.rate is not None:
        return figure.rate.describe()
    return format_number(figure.count)


def _forecast(row: PerformanceRow) -> str:
    if row.unit != "percent" and row.forecast is not None:
        return format_number(round(row.forecast))  # a forecast of people is whole people
    return format_target(row.forecast, row.unit)


def row_notes(row: PerformanceRow, mask: RowMask = OPEN) -> str:
    # In publication mode a note that the cohort is small would narrow a withheld rate down.
    notes = [n for n in row.notes if not (mask.published and n.startswith(SMALL_COHORT_NOTE))]
    return "; ".join(notes)


def row_cells(row: PerformanceRow, mask: RowMask = OPEN) -> list[str]:
    """The row's cells in COLUMNS order, as text, with what `mask` hides withheld."""
    unit = row.unit
    cells = [
        row.priority,
        row.service,
        row.provider,
        row.metric,
        row.kind,
        format_target(row.baseline, unit),
        row.baseline_period or "",
        format_target(row.quarter_target, unit),
        format_figure(row.quarter_actual, mask.quarter),
        "" if mask.quarter else format_percent(row.quarter_pct),
        format_target(row.ytd_target, unit),
        format_figure(row.ytd_actual, mask.ytd),
        "" if mask.ytd else format_percent(row.ytd_pct),
        format_target(row.annual_target, unit),
        WITHHELD if mask.ytd and row.forecast is not None else _forecast(row),
        "" if row.is_breakdown else (WITHHELD if mask.rag_withheld else row.rag_word),
        row.status,
        row_notes(row, mask),
    ]
    assert len(cells) == len(COLUMNS)
    return cells
