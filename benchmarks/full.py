"""`make bench`: every configuration in its own process, then a Markdown table in README.md.

County scale on SQLite and PostgreSQL, national scale on PostgreSQL. PostgreSQL comes from
BENCH_DATABASE_URL (a server where we may create databases), else a throwaway cluster
started with .ci/start-postgres.sh; with neither, national scale runs on SQLite instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.timing import machine

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"

ROWS = [  # (label, key, unit)
    ("services / return values", None, ""),
    ("loading the scale data", "load_s", "s"),
    ("dashboard aggregation p50 / p95", ("aggregation_p50_ms", "aggregation_p95_ms"), "ms"),
    ("bare SQL GROUP BY p50 / p95", ("bare_sql_p50_ms", "bare_sql_p95_ms"), "ms"),
    ("aggregation ÷ bare SQL (p50)", "dashboard_vs_sql_ratio", "×"),
    ("whole performance table p50 / p95", ("table_p50_ms", "table_p95_ms"), "ms"),
    ("Overview callback, cold cache, p50 / p95", ("dashboard_p50_ms", "dashboard_p95_ms"), "ms"),
    ("Overview callback, warm cache, p50 / p95", ("dashboard_warm_p50_ms", "dashboard_warm_p95_ms"), "ms"),
    ("Overview for one provider, cold, p50 / p95",
     ("dashboard_provider_p50_ms", "dashboard_provider_p95_ms"), "ms"),
    ("Overview callback response (uncompressed)", "overview_response_kb", "KB"),
    ("CSV of a year", ("export_csv_s", "export_csv_kb"), ("s", "KB")),
    ("CSV of a year, streamed as the route sends it", "export_csv_stream_s", "s"),
    ("XLSX of a year", ("export_xlsx_s", "export_xlsx_kb"), ("s", "KB")),
    ("process memory (RSS) at its peak: CSV / streamed CSV / XLSX",
     ("export_csv_peak_mb", "export_csv_stream_peak_mb", "export_xlsx_peak_mb"), "MB"),
    ("PDF pack of a year, one provider", ("export_pdf_s", "pdf_pages"), ("s", "pages")),
    ("PDF pack again: browser open / pictures cached", ("export_pdf_warm_browser_s", "export_pdf_cached_s"),
     "s"),
    ("HTTP load: requests, errors", ("load_requests", "load_errors"), ("requests", "errors")),
    ("HTTP load: requests per second", "load_rps", "/s"),
    ("HTTP load: p50 / p95", ("load_p50_ms", "load_p95_ms"), "ms"),
    ("first page: transferred (compressed) / uncompressed", ("page_kb_gzip", "page_kb_uncompressed"),
     "KB"),
    ("import time of the app", "import_s", "s"),
]


def _postgres_server() -> str | None:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    script = ROOT / ".ci" / "start-postgres.sh"
    try:
        done = subprocess.run(["bash", str(script)], capture_output=True, text=True, check=True,
                              env={**os.environ, "PGPORT_TEST": "56432"})
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"No PostgreSQL for the benchmark ({exc}); national scale runs on SQLite.")
        return None
    return done.stdout.strip().splitlines()[-1]


def _fresh_database(server: str, name: str) -> str:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _run(scale: str, url: str | None, extra: list[str]) -> dict:
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--scale", scale, *extra]
    if url:
        command += ["--database-url", url]
    print("$", " ".join(command[1:]), flush=True)
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    sys.stdout.write(done.stdout)
    if done.returncode != 0:
        sys.stdout.write(done.stderr[-3000:])
        return {"scale": scale, "error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _number(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"
    return str(value)


def _cell(figures: dict, key: object, unit: str | tuple[str, ...]) -> str:
    if "error" in figures:
        return "failed"
    if key is None:
        return f"{figures['services']:,} / {figures['values']:,}"
    keys = key if isinstance(key, tuple) else (key,)
    values = [figures.get(k) for k in keys]
    if all(v is None for v in values):
        return "not measured"
    if isinstance(unit, tuple):  # a unit for each value
        return " / ".join(f"{_number(v)} {u}" for v, u in zip(values, unit, strict=True))
    return f"{' / '.join(_number(v) for v in values)} {unit}".strip()


def table(results: list[dict], machine: str) -> str:
    heads = [f"{r['scale']}, {r.get('engine', '?')}" for r in results]
    lines = [f"Measured {dt.date.today():%d %B %Y} on {machine}.", "",
             "| figure | " + " | ".join(heads) + " |", "| --- |" + " --- |" * len(results)]
    for label, key, unit in ROWS:
        lines.append(f"| {label} | " + " | ".join(_cell(r, key, unit) for r in results) + " |")
    setup = next((r.get("load_setup") for r in results if r.get("load_setup")), None)
    if setup:
        lines += ["", f"Load: {setup}; a visit is the page, Dash's layout and dependencies, the "
                      "router callback and the Overview callback for one of eight quarters."]
    return "\n".join(lines)


def write_readme(markdown: str) -> None:
    text_ = README.read_text()
    if START in text_ and END in text_:
        before, rest = text_.split(START, 1)
        after = rest.split(END, 1)[1]
        text_ = f"{before}{START}\n{markdown}\n{END}{after}"
    else:
        text_ += f"\n{START}\n{markdown}\n{END}\n"
    README.write_text(text_)


def run_full(args: argparse.Namespace) -> None:
    server = _postgres_server()
    results = [_run("county", None, [])]
    if server:
        results.append(_run("county", _fresh_database(server, "cwp_bench_county"), []))
        results.append(_run("national", _fresh_database(server, "cwp_bench_national"),
                            ["--repeat", "20", "--load-requests", "2000"]))
    else:
        results.append(_run("national", None, ["--repeat", "20", "--load-requests", "2000"]))
    markdown = table(results, machine())
    print(markdown)
    if args.write_readme:
        write_readme(markdown)
        print(f"Wrote the table to {README.relative_to(ROOT)}.")
    print(json.dumps(results))
