"""The one dispatcher: an export of the performance table in any format, for the CLI and the routes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from exports.chart_cache import ChartStore
from exports.context import export_context, pack_attention
from exports.csv_table import csv_chunks
from models.access import Actor
from models.reporting.performance import performance_table

if TYPE_CHECKING:  # the PDF's module (and ReportLab) loads only when a pack is made
    from exports.pdf_pack import Progress


def csv_export(session: Session, actor: Actor, year: int, quarter: int | None, today: dt.date, *,
               include_submitted: bool = False, publish: bool = False) -> Iterator[bytes]:
    """The CSV in pieces, for a streamed download. Everything that reads the database or
    checks access happens here, before the first byte (so a refusal is still a 403); the
    pieces are then made from the table in memory, with no session needed."""
    table = performance_table(session, actor, year, quarter, today, include_submitted=include_submitted)
    ctx = export_context(session, actor, table, dt.datetime.now(), publish)
    return csv_chunks(table, ctx.masks())


def build_export(session: Session, actor: Actor, fmt: str, year: int, quarter: int | None,
                 today: dt.date, *, include_submitted: bool = False, publish: bool = False,
                 progress: Progress | None = None, chart_store: ChartStore | None = None) -> bytes:
    """The table in `fmt`, built as `actor` — the signed-in user, or the user the CLI names:
    it holds what that user may see (a provider user's own services), and names them.
    `chart_store`: where the PDF keeps the pictures it has drawn (exports.chart_cache), if anywhere."""
    if fmt == "csv":
        return b"".join(csv_export(session, actor, year, quarter, today,
                                   include_submitted=include_submitted, publish=publish))
    if fmt not in ("xlsx", "pdf"):
        raise ValueError(f"Unknown format '{fmt}'; use csv, xlsx or pdf.")
    table = performance_table(session, actor, year, quarter, today,
                              include_submitted=include_submitted)
    ctx = export_context(session, actor, table, dt.datetime.now(), publish,
                         with_trends=fmt == "xlsx")
    ctx.attention = pack_attention(session, actor, ctx, today)
    if fmt == "xlsx":
        from exports.xlsx_workbook import performance_xlsx  # XlsxWriter loads on first use

        return performance_xlsx(ctx)
    from exports.pdf_pack import performance_pdf

    return performance_pdf(session, actor, ctx, progress=progress, chart_store=chart_store)
