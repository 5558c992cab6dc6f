"""The one dispatcher: an export of the performance table in any format, for the CLI and the routes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from exports.context import export_context, pack_attention
from exports.csv_table import performance_csv
from models.access import Actor
from models.reporting.performance import performance_table


def build_export(session: Session, actor: Actor, fmt: str, year: int, quarter: int | None,
                 today: dt.date, *, include_submitted: bool = False, publish: bool = False) -> bytes:
    """The table in `fmt`, built as `actor` — the signed-in user, or the user the CLI names:
    it holds what that user may see (a provider user's own services), and names them."""
    table = performance_table(session, actor, year, quarter, today,
                              include_submitted=include_submitted)
    ctx = export_context(session, actor, table, dt.datetime.now(), publish,
                         with_trends=fmt == "xlsx")
    if fmt == "csv":
        return performance_csv(table, ctx.masks())
    if fmt in ("xlsx", "pdf"):
        ctx.attention = pack_attention(session, actor, ctx, today)
    if fmt == "xlsx":
        from exports.xlsx_workbook import performance_xlsx  # openpyxl loads on first use

        return performance_xlsx(ctx)
    if fmt == "pdf":
        from exports.pdf_pack import performance_pdf

        return performance_pdf(session, actor, ctx)
    raise ValueError(f"Unknown format '{fmt}'; use csv, xlsx or pdf.")
