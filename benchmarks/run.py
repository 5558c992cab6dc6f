"""Benchmarks: print figures and ratios (no pass/fail). Last line is JSON.

    python benchmarks/run.py [--copies 40] [--repeat 30] [--database-url URL]

Measures, on the demo data with each service cloned `--copies` times:
- the performance table the Overview and CSV export use (p50/p95),
- a bare SQL GROUP BY of the same rows, written by hand here (p50/p95), and their ratio,
- the CSV export of a whole year.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, text

from benchmarks import scale
from dash_app.exports import build_export
from models.csv_export import performance_csv
from models.db import make_engine, make_sessionmaker, unit_of_work
from models.entities import Provider
from models.migrate import upgrade
from models.performance import build_performance_table

TODAY = dt.date(2026, 11, 25)
BARE_SQL = text("""
    SELECT rv.metric_id, p.quarter, SUM(rv.count), SUM(rv.numerator), SUM(rv.denominator)
    FROM return_value rv JOIN "return" r ON r.id = rv.return_id JOIN period p ON p.id = r.period_id
    WHERE p.year = :year AND r.status = 'approved'
    GROUP BY rv.metric_id, p.quarter
""")


def timed(fn, repeat: int) -> list[float]:  # noqa: ANN001
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url")
    parser.add_argument("--pdf-scope", choices=["provider", "all", "none"], default="provider",
                        help="time the PDF pack for one provider's services, all, or skip it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        factory = make_sessionmaker(make_engine(url))
        start = time.perf_counter()
        with unit_of_work(factory) as s:
            values = scale.build(s, args.copies, TODAY)
        build_s = time.perf_counter() - start
        with unit_of_work(factory) as s:
            table = lambda: build_performance_table(s, 2025, 2, TODAY)  # noqa: E731
            bare = lambda: s.execute(BARE_SQL, {"year": 2025}).all()  # noqa: E731
            table(), bare()  # warm caches
            t_table = timed(table, args.repeat)
            t_bare = timed(bare, args.repeat)
            start = time.perf_counter()
            body = performance_csv(build_performance_table(s, 2025, None, TODAY))
            csv_s = time.perf_counter() - start
            start = time.perf_counter()
            xlsx = build_export(s, "xlsx", 2025, None, TODAY, None, "benchmark")
            xlsx_s = time.perf_counter() - start
            pdf_s = pdf_pages = None
            if args.pdf_scope != "none":
                # The pack draws two charts per service; "provider" times one provider's pack.
                scope = None if args.pdf_scope == "all" else s.scalars(select(Provider.id)).first()
                start = time.perf_counter()
                pdf = build_export(s, "pdf", 2025, 3, TODAY, scope, "benchmark")
                pdf_s = time.perf_counter() - start
                pdf_pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
            services = len({r.service for r in build_performance_table(s, 2025, 2, TODAY).rows})
    figures = {
        "engine": url.split(":")[0],
        "services": services,
        "values": values,
        "load_s": round(build_s, 2),
        "table_p50_ms": round(p(t_table, 50), 2),
        "table_p95_ms": round(p(t_table, 95), 2),
        "bare_sql_p50_ms": round(p(t_bare, 50), 2),
        "bare_sql_p95_ms": round(p(t_bare, 95), 2),
        "table_vs_sql_ratio": round(p(t_table, 50) / p(t_bare, 50), 2),
        "export_csv_s": round(csv_s, 3),
        "csv_kb": round(len(body) / 1024, 1),
        "export_xlsx_s": round(xlsx_s, 3),
        "xlsx_kb": round(len(xlsx) / 1024, 1),
        "export_pdf_s": None if pdf_s is None else round(pdf_s, 2),
        "pdf_scope": args.pdf_scope,
        "pdf_pages": pdf_pages,
    }
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
