"""The one dispatcher: an export of the performance table in any format, for the CLI, the
routes and the Performance page's background jobs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy.orm import Session

from exports.chart_cache import ChartStore
from exports.context import (
    SERIES_MAX_MEASURES,
    export_context,
    masked_rows,
    measures_in_scope,
    pack_attention,
    streamed_context,
)
from exports.csv_table import csv_pieces
from exports.progress import Progress, quiet
from models.access import Actor
from models.reporting.performance import performance_table, performance_table_chunks
from models.rules.periods import year_label
from models.store.db import one_snapshot

MEDIA_TYPES = {
    "csv": "text/csv",  # Flask adds "; charset=utf-8" to text types
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def csv_export(session: Session, actor: Actor, year: int, quarter: int | None, today: dt.date, *,
               include_submitted: bool = False, publish: bool = False) -> Iterator[bytes]:
    """The CSV in pieces, for a streamed download, read a chunk of services at a time (a
    national year: 9,000 services) so its memory stays bounded. Access is checked here, when
    called (so a refusal is still a 403); the session must stay open while the pieces are
    made, in one transaction: on PostgreSQL it reads one snapshot (`one_snapshot`)."""
    one_snapshot(session)
    chunks = performance_table_chunks(session, actor, year, quarter, today,
                                      include_submitted=include_submitted)
    return csv_pieces(masked_rows(session, chunks, publish))


def build_export(session: Session, actor: Actor, fmt: str, year: int, quarter: int | None,
                 today: dt.date, *, include_submitted: bool = False, publish: bool = False,
                 progress: Progress | None = None, chart_store: ChartStore | None = None) -> bytes:
    """The table in `fmt`, built as `actor` — the signed-in user, or the user the CLI names:
    it holds what that user may see (a provider user's own services), and names them.
    `progress`, if given, is told each stage as it starts; `chart_store`: where the PDF keeps
    the pictures it has drawn (exports.chart_cache), if anywhere."""
    progress = progress or quiet
    if fmt not in ("csv", "xlsx", "pdf"):
        raise ValueError(f"Unknown format '{fmt}'; use csv, xlsx or pdf.")
    progress("Reading the figures", 0, 0)
    if fmt == "pdf":
        from exports.pdf_pack import start_drawing  # ReportLab loads only when a pack is made

        start_drawing()
    if fmt == "csv":
        chunks = csv_export(session, actor, year, quarter, today,
                            include_submitted=include_submitted, publish=publish)
        progress("Writing the CSV file", 0, 0)
        return b"".join(chunks)
    if fmt == "xlsx" and (measures := measures_in_scope(session, actor, year, include_submitted)
                          ) > SERIES_MAX_MEASURES:
        # A national workbook: the table streams into its sheet a chunk of services at a
        # time, and the series sheets are left out (exports.context says why).
        one_snapshot(session)
        chunks = performance_table_chunks(session, actor, year, quarter, today,
                                          include_submitted=include_submitted)
        ctx = streamed_context(session, actor, chunks, dt.datetime.now(), publish, measures)
        from exports.xlsx_workbook import performance_xlsx

        progress("Writing the workbook", 0, 0)
        return performance_xlsx(ctx)
    table = performance_table(session, actor, year, quarter, today,
                              include_submitted=include_submitted)
    ctx = export_context(session, actor, table, dt.datetime.now(), publish,
                         with_trends=fmt == "xlsx")
    ctx.attention = pack_attention(session, actor, ctx, today)
    if fmt == "xlsx":
        from exports.xlsx_workbook import performance_xlsx  # XlsxWriter loads on first use

        progress("Writing the workbook", 0, 0)
        return performance_xlsx(ctx)
    from exports.pdf_pack import performance_pdf  # ReportLab loads only when a pack is made

    return performance_pdf(session, actor, ctx, progress=progress, chart_store=chart_store)


def export_filename(fmt: str, year: int, quarter: int | None) -> str:
    """'cwp-performance-2026-27-Q2.pdf', or '…-year.pdf' for the whole year."""
    return f"cwp-performance-{year_label(year).replace('/', '-')}-{f'Q{quarter}' if quarter else 'year'}.{fmt}"
