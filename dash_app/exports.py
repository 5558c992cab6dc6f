"""Build an export of the performance table in any format, for the CLI and the routes."""

from __future__ import annotations

import datetime as dt

from dash_app.database import transaction
from models.csv_export import performance_csv
from models.export_context import export_context
from models.performance import performance_table


class ExportUnavailable(RuntimeError):
    """The export cannot be made on this machine; the message says why in one sentence."""


def build_export(session, fmt: str, year: int, quarter: int | None, today: dt.date,  # noqa: ANN001
                 scope: int | None, user_email: str, *, include_submitted: bool = False,
                 publish: bool = False) -> bytes:
    table = performance_table(session, year, quarter, today, provider_id=scope,
                              include_submitted=include_submitted)
    ctx = export_context(session, table, user_email, dt.datetime.now(), publish, scope)
    if fmt == "csv":
        return performance_csv(table, ctx.masks())
    if fmt == "xlsx":
        from models.xlsx_export import performance_xlsx  # openpyxl loads on first use

        return performance_xlsx(ctx)
    if fmt == "pdf":
        from dash_app.pdf_pack import performance_pdf

        return performance_pdf(session, ctx, scope)
    raise ValueError(f"Unknown format '{fmt}'; use csv, xlsx or pdf.")


def render_export(fmt: str, year: int, quarter: int | None, today: dt.date, scope: int | None,
                  user_email: str, **options: bool) -> bytes:
    """An export inside a request, using the app's database."""
    with transaction() as session:
        return build_export(session, fmt, year, quarter, today, scope, user_email, **options)
