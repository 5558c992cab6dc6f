"""The one dispatcher: an export of the performance table in any format, for the CLI and the routes."""

from __future__ import annotations

import datetime as dt

from exports.context import export_context
from exports.csv_table import performance_csv
from models.reporting.performance import build_performance_table


def build_export(session, fmt: str, year: int, quarter: int | None, today: dt.date,  # noqa: ANN001
                 scope: int | None, user_email: str, *, include_submitted: bool = False,
                 publish: bool = False) -> bytes:
    table = build_performance_table(session, year, quarter, today, provider_id=scope,
                                    include_submitted=include_submitted)
    ctx = export_context(session, table, user_email, dt.datetime.now(), publish, scope)
    if fmt == "csv":
        return performance_csv(table, ctx.masks())
    if fmt == "xlsx":
        from exports.xlsx_workbook import performance_xlsx  # openpyxl loads on first use

        return performance_xlsx(ctx)
    if fmt == "pdf":
        from exports.pdf_pack import performance_pdf

        return performance_pdf(session, ctx, scope)
    raise ValueError(f"Unknown format '{fmt}'; use csv, xlsx or pdf.")

