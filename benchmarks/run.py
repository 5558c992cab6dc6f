"""Benchmarks: print figures and ratios, never pass/fail. The last line printed is JSON.

    python benchmarks/run.py --quick                 # county scale, SQLite, under a minute
    python benchmarks/run.py --scale national --database-url postgresql+psycopg://...
    python benchmarks/run.py --full --write-readme   # what `make bench` runs

One run loads (or reuses) synthetic scale data and measures side by side: the dashboard's
aggregation against a bare SQL GROUP BY written here; the whole performance table; the
Overview callback through Dash's HTTP endpoint (cold cache and warm); XLSX, CSV and PDF
exports of a year; HTTP load on gunicorn; the first page's transferred size.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks.scale_db import ADMIN, PASSWORD, TODAY, prepare  # noqa: E402
from benchmarks.timing import summary, timed  # noqa: E402
from models.catalogue import scale  # noqa: E402
from tests.helpers.dash_calls import overview_payload, page_csrf_token  # noqa: E402

YEAR, QUARTER = 2025, 2

# The same three aggregates the dashboard needs, written by hand against the driver.
BARE_SQL = [
    """SELECT rv.metric_id, p.quarter, SUM(rv.count), SUM(rv.numerator), SUM(rv.denominator)
       FROM return_value rv JOIN "return" r ON r.id = rv.return_id JOIN period p ON p.id = r.period_id
       WHERE p.year = {year} AND r.status = 'approved' GROUP BY rv.metric_id, p.quarter""",
    """SELECT b.category_id, p.quarter, SUM(b.count)
       FROM return_breakdown_value b JOIN "return" r ON r.id = b.return_id
       JOIN period p ON p.id = r.period_id
       WHERE p.year = {year} AND r.status = 'approved' GROUP BY b.category_id, p.quarter""",
    "SELECT metric_id, quarter, value FROM target WHERE year = {year}",
]


def bare_sql(session: Session, year: int) -> list:
    cursor = session.connection().connection.driver_connection.cursor()
    out = []
    for sql in BARE_SQL:
        cursor.execute(sql.format(year=int(year)))
        out.append(cursor.fetchall())
    return out


def in_process(url: str, args: argparse.Namespace) -> dict:
    """Aggregation, table, Overview callback and exports, in this process."""
    from dash_app.factory import create_app
    from dash_app.runtime import tune_gc
    from dash_app.settings import load_settings
    from exports.build import build_export
    from exports.errors import ExportUnavailable
    from models.access import require_active
    from models.reporting.aggregation import COUNTED_STATES, year_figures
    from models.reporting.performance import build_performance_table
    from models.store.db import make_engine
    from models.store.entities import Provider, Service, User
    from models.store.users import create_user, find_user

    try:
        from models.store.data_version import bump_data_version
    except ImportError:  # before the cache existed
        bump_data_version = None

    app = create_app(load_settings(database_url=url, today=TODAY.isoformat(), secret_key="b" * 40))
    tune_gc()  # as wsgi.py does for gunicorn's workers
    client = app.server.test_client()
    token = page_csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": ADMIN, "password": PASSWORD, "csrf_token": token})
    dependencies = client.get("/_dash-dependencies").get_json()
    engine = make_engine(url)
    out: dict = {}
    with Session(engine) as s:
        agg = lambda: year_figures(s, YEAR, COUNTED_STATES)  # noqa: E731
        bare = lambda: bare_sql(s, YEAR)  # noqa: E731
        table = lambda: build_performance_table(s, YEAR, QUARTER, TODAY)  # noqa: E731
        agg(), bare(), table()  # warm the database's own caches
        t_agg, t_bare = [], []
        for _ in range(args.repeat):  # interleaved, so drift hits both alike
            t_agg += timed(agg, 1)
            t_bare += timed(bare, 1)
        t_table = timed(table, max(5, args.repeat // 3))
        out["aggregation_p50_ms"], out["aggregation_p95_ms"] = summary(t_agg)
        out["bare_sql_p50_ms"], out["bare_sql_p95_ms"] = summary(t_bare)
        out["dashboard_vs_sql_ratio"] = round(out["aggregation_p50_ms"] / out["bare_sql_p50_ms"], 2)
        out["table_p50_ms"], out["table_p95_ms"] = summary(t_table)
        out["table_vs_sql_ratio"] = round(out["table_p50_ms"] / out["bare_sql_p50_ms"], 2)
        # The provider with the most services: a partnership's own view.
        provider = s.scalars(select(Service.provider_id).where(Service.provider_id.is_not(None))
                             .group_by(Service.provider_id)
                             .order_by(func.count().desc(), Service.provider_id)).first()

    def overview(provider_id: int | None = None, cold: bool = False):  # noqa: ANN202
        if cold and bump_data_version is not None:
            with Session(engine) as s, s.begin():
                bump_data_version(s)
        body = overview_payload(dependencies, f"{YEAR}/{str(YEAR + 1)[2:]}", QUARTER, provider_id)
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code == 200, response.status_code
        return response

    out["overview_response_kb"] = round(len(overview().data) / 1024, 1)
    runs = max(5, args.repeat // 2)
    out["dashboard_p50_ms"], out["dashboard_p95_ms"] = summary(timed(lambda: overview(cold=True), runs))
    out["dashboard_warm_p50_ms"], out["dashboard_warm_p95_ms"] = summary(timed(overview, runs))
    out["dashboard_provider_p50_ms"], out["dashboard_provider_p95_ms"] = summary(
        timed(lambda: overview(provider, cold=True), runs))

    with Session(engine) as s:
        # Exports run as a real user: the admin sees everything; a user of the provider with
        # the most services, its own (made here when the scale's provider has none).
        admin = require_active(find_user(s, ADMIN))
        reader = admin
        if args.pdf_scope == "provider":
            reader = s.scalars(select(User).where(User.provider_id == provider, User.active)).first() or (
                create_user(s, f"benchmark-provider-{provider}@example.org", PASSWORD, "provider",
                            s.get(Provider, provider)))
            s.commit()
        from benchmarks.export_times import PeakSampler

        for fmt in ("csv", "xlsx"):
            start = time.perf_counter()
            with PeakSampler() as peak:
                body = build_export(s, admin, fmt, YEAR, None, TODAY)
            out[f"export_{fmt}_s"] = round(time.perf_counter() - start, 3)
            out[f"export_{fmt}_kb"] = round(len(body) / 1024, 1)
            out[f"export_{fmt}_peak_mb"] = round(peak.peak, 1)  # this process's RSS, all of it
            del body
        try:
            from exports.build import csv_export
        except ImportError:  # before issue 20: no streamed CSV
            csv_export = None
        if csv_export is not None:  # as the route sends it: piece by piece, never joined
            start = time.perf_counter()
            with PeakSampler() as peak:
                sent = sum(len(piece) for piece in csv_export(s, admin, YEAR, None, TODAY))
            out["export_csv_stream_s"] = round(time.perf_counter() - start, 3)
            out["export_csv_stream_peak_mb"] = round(peak.peak, 1)
            assert sent // 1024 == int(out["export_csv_kb"]), "the streamed CSV is the CLI's"
        if args.pdf_scope != "none":
            try:
                from exports.chart_cache import ChartCache, MemoryStore
            except ImportError:  # before issue 20: no chart cache
                ChartCache = None
            # The first pack opens Chromium; the next, with no pictures cached, finds it open;
            # the third is the second again, its pictures cached.
            store = None
            for label in ("", "_warm_browser", "_cached"):
                kwargs: dict = {}
                if ChartCache is not None:
                    store = MemoryStore(256 * 2**20) if label != "_cached" else store
                    kwargs["chart_store"] = ChartCache(store)
                start = time.perf_counter()
                try:
                    pdf = build_export(s, reader, "pdf", YEAR, None, TODAY, **kwargs)
                except ExportUnavailable as exc:  # no Chromium for the charts on this machine
                    print(f"PDF not measured: {exc}")
                    break
                out[f"export_pdf{label}_s"] = round(time.perf_counter() - start, 2)
                if not label:
                    out["pdf_pages"] = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
                    out["pdf_scope"] = args.pdf_scope
                if ChartCache is None:
                    break
    engine.dispose()
    return out


def over_http(url: str, args: argparse.Namespace) -> dict:
    from benchmarks.load import gunicorn, run_load
    from benchmarks.page_size import crawled_page_bytes, first_page_bytes

    out: dict = {}
    with gunicorn(url, TODAY.isoformat(), args.workers, args.threads) as port:
        result = run_load(port, args.load_requests, args.clients, ADMIN, PASSWORD)
        out.update(load_requests=result.requests, load_rps=result.rps, load_p50_ms=result.p50_ms,
                   load_p95_ms=result.p95_ms, load_errors=result.errors,
                   load_setup=f"gunicorn {args.workers} workers x {args.threads} threads, "
                              f"{args.clients} clients")
        size = None if args.no_browser else first_page_bytes(port, ADMIN, PASSWORD)
        out["page_measured_by"] = "headless Chromium" if size else "HTTP crawl (no browser)"
        size = size or crawled_page_bytes(port, ADMIN, PASSWORD)
        out["page_kb_gzip"] = size["kb_transferred"]
        out["page_kb_uncompressed"] = size["kb_decoded"]
        out["page_requests"] = size["requests"]
    return out


def import_seconds(url: str) -> float:
    """Seconds to import the app as gunicorn does (nothing heavy should load at import)."""
    code = "import time; t = time.perf_counter(); import wsgi; print(time.perf_counter() - t)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={"SECRET_KEY": "b" * 40, "PATH": "/usr/bin:/bin",
                               "DATABASE_URL": url, "MONITOR_TODAY": TODAY.isoformat()})
    try:
        return round(float(done.stdout.strip().splitlines()[-1]), 2)
    except (ValueError, IndexError):
        return float("nan")


def one(args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        counts, load_s = prepare(url, args.scale)
        figures: dict = {"scale": args.scale, "engine": url.split(":")[0].split("+")[0],
                         "services": counts["services"],
                         "values": counts["values"] + counts["breakdown values"],
                         "load_s": load_s}
        figures.update(in_process(url, args))
        if not args.no_load:
            figures.update(over_http(url, args))
        figures["import_s"] = import_seconds(url)
    figures["total_s"] = round(time.perf_counter() - started, 1)
    return figures


def show(figures: dict) -> None:
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(figures))
    sys.stdout.flush()


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--scale", choices=list(scale.SCALES), default="county")
    parser.add_argument("--database-url", help="an empty database (or one holding this scale's data)")
    parser.add_argument("--quick", action="store_true", help="county on SQLite, fewer repeats")
    parser.add_argument("--full", action="store_true", help="every configuration (make bench)")
    parser.add_argument("--write-readme", action="store_true", help="with --full: update the README table")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--load-requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--pdf-scope", choices=["provider", "all", "none"], default="provider")
    parser.add_argument("--no-load", action="store_true", help="skip gunicorn and the browser")
    parser.add_argument("--no-browser", action="store_true", help="skip the page-size measurement")
    args = parser.parse_args(argv)
    if args.quick:
        args.scale, args.database_url = "county", None
        args.repeat, args.load_requests, args.pdf_scope = 20, 800, "provider"
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    if args.full:
        from benchmarks.full import run_full
        run_full(args)
        return
    show(one(args))


if __name__ == "__main__":
    main()
