"""Turn the performance table into the text people read (UI table, CSV)."""

from __future__ import annotations

from models.performance import COLUMNS, Figure, PerformanceRow
from models.publication import SUPPRESSED, WITHHELD, suppress_count, suppress_rate

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Stop spreadsheet software reading user text as a formula (CSV/XLSX injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def format_number(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.1f}"


def format_percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}%"


def format_target(value: float | None, unit: str) -> str:
    return format_percent(value) if unit == "percent" else format_number(value)


def format_figure(figure: Figure, publish: bool = False) -> str:
    if figure.rate is not None:
        if publish and suppress_rate(figure.rate):
            return WITHHELD
        return figure.rate.describe()
    if publish and suppress_count(figure.count):
        return SUPPRESSED
    return format_number(figure.count)


def is_suppressed(figure: Figure) -> bool:
    return suppress_rate(figure.rate) if figure.rate is not None else suppress_count(figure.count)


def _pct(row_pct: float | None, figure: Figure, publish: bool) -> str:
    """% of target, blanked when the figure behind it is suppressed."""
    return "" if publish and is_suppressed(figure) else format_percent(row_pct)


def _forecast(row: PerformanceRow, publish: bool) -> str:
    if publish and row.unit != "percent" and suppress_count(row.forecast):
        return SUPPRESSED
    if publish and row.unit == "percent" and is_suppressed(row.ytd_actual):
        return ""
    if row.unit != "percent" and row.forecast is not None:
        return format_number(round(row.forecast))  # a forecast of people is whole people
    return format_target(row.forecast, row.unit)


def row_cells(row: PerformanceRow, publish: bool = False) -> list[str]:
    """The row's cells in COLUMNS order, as text; `publish` suppresses small numbers."""
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
        format_figure(row.quarter_actual, publish),
        _pct(row.quarter_pct, row.quarter_actual, publish),
        format_target(row.ytd_target, unit),
        format_figure(row.ytd_actual, publish),
        _pct(row.ytd_pct, row.ytd_actual, publish),
        format_target(row.annual_target, unit),
        _forecast(row, publish),
        "" if row.is_breakdown else row.rag_word,
        row.status,
        "; ".join(row.notes),
    ]
    assert len(cells) == len(COLUMNS)
    return cells
