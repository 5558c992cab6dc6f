"""Turn the performance table into the text people read (UI table, CSV)."""

from __future__ import annotations

from models.performance import COLUMNS, Figure, PerformanceRow

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


def format_figure(figure: Figure) -> str:
    if figure.rate is not None:
        return figure.rate.describe()
    return format_number(figure.count)


def row_cells(row: PerformanceRow) -> list[str]:
    """The row's cells in COLUMNS order, as text."""
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
        format_figure(row.quarter_actual),
        format_percent(row.quarter_pct),
        format_target(row.ytd_target, unit),
        format_figure(row.ytd_actual),
        format_percent(row.ytd_pct),
        format_target(row.annual_target, unit),
        format_target(row.forecast, unit),
        "" if row.is_breakdown else row.rag_word,
        row.status,
        "; ".join(row.notes),
    ]
    assert len(cells) == len(COLUMNS)
    return cells
