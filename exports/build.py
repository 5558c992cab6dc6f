"""The one dispatcher: an export of the performance table in any format, for the CLI, the
routes and the Performance page's background jobs."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

from sqlalchemy.orm import Session

from exports.chart_cache import ChartStore
from exports.context import (
    SERIES_MAX_MEASURES,
    export_context,
    masked_rows,
    measures_in_scope,
    pack_attention,
    scope_words,
    services_in_scope,
    streamed_context,
)
from exports.csv_table import csv_pieces
from exports.progress import Progress, quiet
from exports.stored import ExportChoice, FileStore, stored_key
from models.access import Actor
from models.reporting.performance import performance_table, performance_table_chunks
from models.rules.periods import year_label
from models.store.db import one_snapshot

log = logging.getLogger(__name__)

MEDIA_TYPES = {
    "csv": "text/csv",  # Flask adds "; charset=utf-8" to text types
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


# The most services whose meeting pack a download link draws within its own request. Chromium
# starts in about 2 s and each service's charts take a few tenths of a second more: measured on
# an idle 2-core machine, the demo partnership's 8 services (12 charts) take 1.2-3.8 s, one
# county provider's 9 (14 charts) 5.4-6.8 s, over the 5 s no request may exceed. A larger pack
# is made by the Performance page's background job, with its progress, or the command line.
PACK_LINK_SERVICES = 8


def pack_too_long_for_a_link(session: Session, actor: Actor, email: str, year: int,
                             quarter: int | None, include_submitted: bool, publish: bool,
                             page_address: str) -> str | None:
    """Why a link may not draw this pack in its request (more than PACK_LINK_SERVICES
    services), in words that say where to make the same pack; None when it may."""
    services = services_in_scope(session, actor, year, include_submitted)
    if services <= PACK_LINK_SERVICES:
        return None
    command = (f"python -m dash_app export --format pdf --user {email} --year {year_label(year)}"
               + (f" --quarter Q{quarter}" if quarter else "")
               + (" --provisional" if include_submitted else "")
               + (" --publish" if publish else "") + " --out pack.pdf")
    return (f"This meeting pack covers {services:,} services: drawing their charts takes longer than "
            f"a download link waits. Make it from the Performance page, which shows its progress "
            f"and offers the file when it is ready: {page_address} (choose \"PDF meeting pack\"). "
            f"On the server: {command}")


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
                 progress: Progress | None = None, chart_store: ChartStore | None = None,
                 now: dt.datetime | None = None) -> bytes:
    """The table in `fmt`, built as `actor` — the signed-in user, or the user the CLI names:
    it holds what that user may see (a provider user's own services). The PDF names who
    exported it; the workbook names whose services it covers instead, so one workbook serves
    everyone who may see the same (exports.stored), and the CSV names no one.
    `progress`, if given, is told each stage as it starts; `chart_store`: where the PDF keeps
    the pictures it has drawn (exports.chart_cache), if anywhere; `now`: when it is made (a
    workbook says so; by default the present second)."""
    progress = progress or quiet
    now = now or dt.datetime.now().replace(microsecond=0)
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
        ctx = streamed_context(session, actor, chunks, now, publish, measures)
        ctx.exported_for = scope_words(session, actor)
        from exports.xlsx_workbook import performance_xlsx

        progress("Writing the workbook", 0, 0)
        return performance_xlsx(ctx)
    table = performance_table(session, actor, year, quarter, today,
                              include_submitted=include_submitted)
    ctx = export_context(session, actor, table, now, publish, with_trends=fmt == "xlsx")
    ctx.attention = pack_attention(session, actor, ctx, today)
    if fmt == "xlsx":
        ctx.exported_for = scope_words(session, actor)
        from exports.xlsx_workbook import performance_xlsx  # XlsxWriter loads on first use

        progress("Writing the workbook", 0, 0)
        return performance_xlsx(ctx)
    from exports.pdf_pack import performance_pdf  # ReportLab loads only when a pack is made

    return performance_pdf(session, actor, ctx, progress=progress, chart_store=chart_store)


def stored_export(session: Session, actor: Actor, fmt: str, year: int, quarter: int | None,
                  today: dt.date, store: FileStore, *, include_submitted: bool = False,
                  publish: bool = False, progress: Progress | None = None) -> bytes:
    """`build_export`'s CSV or XLSX, from `store` when a file with exactly this content is
    kept there (exports.stored), else built and kept. One transaction: the data version is
    read first, in the snapshot the figures are read from."""
    progress = progress or quiet
    one_snapshot(session)
    key = stored_key(session, actor, ExportChoice(fmt, year, quarter, include_submitted, publish),
                     today)
    found = store.open(key) if key else None
    if found is not None:
        handle, _ = found
        progress("Sending the file already made from these figures", 0, 0)
        with handle:
            return handle.read()
    now = dt.datetime.now().replace(microsecond=0)
    body = build_export(session, actor, fmt, year, quarter, today,
                        include_submitted=include_submitted, publish=publish, progress=progress,
                        now=now)
    if key is not None:
        try:
            store.put(key, now, body)
        except OSError as exc:  # not kept: the next asker builds it again
            log.warning("An export could not be kept (%s).", exc)
    return body


def export_filename(fmt: str, year: int, quarter: int | None) -> str:
    """'cwp-performance-2026-27-Q2.pdf', or '…-year.pdf' for the whole year."""
    return f"cwp-performance-{year_label(year).replace('/', '-')}-{f'Q{quarter}' if quarter else 'year'}.{fmt}"
