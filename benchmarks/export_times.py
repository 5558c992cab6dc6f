"""Exports, each in a fresh process: seconds and the process's peak memory (issue 20).

    python benchmarks/export_times.py --database-url URL --what csv,xlsx --repeat 3
    python benchmarks/export_times.py --database-url URL --what pdf --user provider --repeat 3
    python benchmarks/export_times.py --root /path/to/older/checkout ...   # the same, older code

Every run is a new Python process that imports the app, then times one export of a whole
year (every service the user sees) as build_export makes it for the CLI; with the streamed
CSV (`csv-stream`), as the web route sends it: chunk by chunk to a sink, never joined.
Peak memory is the process's own high-water mark (getrusage's ru_maxrss, which covers the
whole process: the app's imports, the table and the file), and a sampler thread's highest
RSS while the export runs. `pdf` is timed three times in one process: the first pack
(Chromium starts), the next with the browser open and no cached pictures, and the same
pack again with its pictures cached (code without a chart cache: each is a cold start).
Figures are printed as medians of `--repeat` processes; the last line is JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 25)
YEAR = 2025


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def cpu_s() -> float:
    """CPU seconds used so far by this process and its children (Chromium's processes, alive
    or already ended): on a loaded machine a steadier figure than the wall clock."""
    import resource

    import psutil

    used = time.process_time()
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    used += ended.ru_utime + ended.ru_stime
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:  # ended meanwhile
            continue
        used += times.user + times.system
    return used


class PeakSampler:
    """The highest RSS seen every 10 ms while running (ru_maxrss covers the whole process)."""

    def __init__(self) -> None:
        self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, _rss_mb())

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


def _reader(session, who: str):  # noqa: ANN001, ANN202
    """The admin, or a user of the provider with the most services (made when it has none)."""
    from sqlalchemy import func, select

    from models.access import require_active
    from models.store.entities import Provider, Service, User
    from models.store.users import create_user, find_user

    if who == "admin":
        return require_active(find_user(session, "admin@demo.local"))
    provider = session.scalars(select(Service.provider_id).where(Service.provider_id.is_not(None))
                               .group_by(Service.provider_id)
                               .order_by(func.count().desc(), Service.provider_id)).first()
    user = session.scalars(select(User).where(User.provider_id == provider, User.active)).first()
    if user is None:
        user = create_user(session, f"benchmark-provider-{provider}@example.org", "benchmark-password",
                           "provider", session.get(Provider, provider))
        session.commit()
    return user


def one(args: argparse.Namespace) -> dict:
    """One export in this process (called in a child, with the code under --root first on the path)."""
    import resource

    from sqlalchemy.orm import Session

    from exports.build import build_export
    from models.store.db import make_engine

    engine = make_engine(args.database_url)
    out: dict = {"what": args.what}
    with Session(engine) as s:
        reader = _reader(s, args.user)
        services = None
        if args.what == "pdf":
            from sqlalchemy import func, select

            from models.access import visible_services
            from models.store.entities import Service

            services = s.scalar(select(func.count()).select_from(Service).where(visible_services(reader)))
        out["rss_before_mb"] = round(_rss_mb(), 1)
        if args.what == "csv-stream":
            from exports.build import csv_export

            start, cpu = time.perf_counter(), cpu_s()
            with PeakSampler() as peak:
                size = 0
                for chunk in csv_export(s, reader, YEAR, None, TODAY):
                    size += len(chunk)  # the sink: a socket in the route
            out["s"] = round(time.perf_counter() - start, 3)
            out["cpu_s"] = round(cpu_s() - cpu, 2)
            out["kb"] = round(size / 1024)
        elif args.what in ("csv", "xlsx"):
            start, cpu = time.perf_counter(), cpu_s()
            with PeakSampler() as peak:
                body = build_export(s, reader, args.what, YEAR, None, TODAY)
            out["s"] = round(time.perf_counter() - start, 3)
            out["cpu_s"] = round(cpu_s() - cpu, 2)
            out["kb"] = round(len(body) / 1024)
        else:  # pdf: first pack, browser open, pictures cached
            out["services"] = services
            try:
                from exports.chart_cache import ChartCache, MemoryStore
            except ImportError:  # older code: no cache, a browser per pack
                ChartCache = None
            with PeakSampler() as peak:
                store = None
                for label in ("first", "warm_browser", "cached"):
                    kwargs = {}
                    if ChartCache is not None:  # a fresh store for the first two; the second's again
                        store = MemoryStore(256 * 2**20) if label != "cached" else store
                        kwargs["chart_store"] = counted = ChartCache(store)
                    start, cpu = time.perf_counter(), cpu_s()
                    body = build_export(s, reader, "pdf", YEAR, None, TODAY, **kwargs)
                    out[f"{label}_s"] = round(time.perf_counter() - start, 2)
                    out[f"{label}_cpu_s"] = round(cpu_s() - cpu, 2)
                    if ChartCache is not None:
                        out[f"{label}_hits"], out[f"{label}_misses"] = counted.hits, counted.misses
            out["pages"] = body.count(b"/Type /Page") - body.count(b"/Type /Pages")
            out["kb"] = round(len(body) / 1024)
    out["peak_rss_mb"] = round(peak.peak, 1)
    out["maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    engine.dispose()
    return out


def median_of(runs: list[dict]) -> dict:
    keys = [k for k, v in runs[0].items() if isinstance(v, (int, float))]
    out = {k: round(statistics.median(r[k] for r in runs), 3) for k in keys}
    out["what"] = runs[0]["what"]
    out["runs"] = len(runs)
    return out


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--what", default="csv,csv-stream,xlsx",
                        help="comma-separated: csv, csv-stream, xlsx, pdf")
    parser.add_argument("--user", choices=["admin", "provider"], default="admin")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose code is timed")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        sys.path.insert(0, str(args.root))
        print(json.dumps(one(args)))
        return
    results = []
    for what in args.what.split(","):
        runs = []
        for _ in range(args.repeat):
            load = load_average()
            done = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--child", "--what", what,
                 "--database-url", args.database_url, "--user", args.user, "--root", str(args.root)],
                cwd=args.root, capture_output=True, text=True,
                env={**os.environ, "PYTHONPATH": str(args.root)})
            if done.returncode != 0:
                sys.stdout.write(done.stderr[-2000:])
                raise SystemExit(f"{what} failed")
            run = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"  {what}: {run}  (load average before: {load})", flush=True)
            runs.append(run)
        results.append(median_of(runs))
    for r in results:
        print(r)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
