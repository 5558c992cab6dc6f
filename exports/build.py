"""The one dispatcher: an export of the performance table in any format, for the CLI and the routes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

from exports.context import export_context, pack_attention
from exports.csv_table import performance_csv
from models.access import Actor
from models.reporting.performance import performance_table
from models.rules.periods import year_label

MEDIA_TYPES = {
    "csv": "text/csv",  # Flask adds "; charset=utf-8" to text types
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}

# Told how far a build has got: (the stage in words, how many done, out of how many). A
# background job (callbacks/performance.py) shows it as "Drawing charts: 12 of 80".
Progress = Callable[[str, int, int], None]


def _quiet(_stage: str, _done: int, _total: int) -> None:
    """No one is watching (the CLI, the export route)."""


def build_export(session: Session, actor: Actor, fmt: str, year: int, quarter: int | None,
                 today: dt.date, *, include_submitted: bool = False, publish: bool = False,
                 progress: Progress | None = None) -> bytes:
    """The table in `fmt`, built as `actor` — the signed-in user, or the user the CLI names:
    it holds what that user may see (a provider user's own services), and names them.
    `progress`, if given, is told each stage as it starts."""
    progress = progress or _quiet
    progress("Reading the figures", 0, 0)
    table = performance_table(session, actor, year, quarter, today,
                              include_submitted=include_submitted)
    ctx = export_context(session, actor, table, dt.datetime.now(), publish,
                         with_trends=fmt == "xlsx")
    if fmt == "csv":
        progress("Writing the CSV file", 0, 0)
        return performance_csv(table, ctx.masks())
    if fmt in ("xlsx", "pdf"):
        ctx.attention = pack_attention(session, actor, ctx, today)
    if fmt == "xlsx":
        from exports.xlsx_workbook import performance_xlsx  # openpyxl loads on first use

        progress("Writing the workbook", 0, 0)
        return performance_xlsx(ctx)
    if fmt == "pdf":
        from exports.pdf_pack import performance_pdf

        return performance_pdf(session, actor, ctx, progress)
    raise ValueError(f"Unknown format '{fmt}'; use csv, xlsx or pdf.")


def export_filename(fmt: str, year: int, quarter: int | None) -> str:
    """'cwp-performance-2026-27-Q2.pdf', or '…-year.pdf' for the whole year."""
    return f"cwp-performance-{year_label(year).replace('/', '-')}-{f'Q{quarter}' if quarter else 'year'}.{fmt}"
