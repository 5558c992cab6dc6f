"""Exports as the user gets them through HTTP, made afresh and kept (issue 20):

    python benchmarks/kept_exports.py --database-url postgresql+psycopg://…/copy_of_national

Starts `python -m dash_app serve` on the database (a copy: the run approves a return) with
its own EXPORT_CACHE_DIR and the background preparation on (dash_app/export_files.py), signs
in as the lead officer (benchmarks/scale_db.py's account) and times, each with the server's
CPU seconds and its highest RSS while the request ran (sampled every 10 ms), and the load
average:
1. the preparation the server starts on its own once it has seen the data version (the
   whole partnership's files for the default quarter's year: `prepared_choices`);
2. a whole year's CSV and XLSX (2025/26) cold — not kept: streamed, or built in the request —
   then the same again, kept;
3. a return approved (the data version bumped): how long until the server has prepared the
   files again, the preparing process's CPU seconds and peak RSS;
4. the default view's files (the quarter the Performance page opens on, open), kept.
The last line is JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scale_db import ADMIN, PASSWORD  # noqa: E402

TODAY = dt.date(2026, 11, 25)


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def login(url: str) -> requests.Session:
    import re

    browser = requests.Session()
    page = browser.get(url + "/login", timeout=60).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = browser.post(url + "/login", data={"csrf_token": token, "email": ADMIN,
                                                "password": PASSWORD}, timeout=60,
                          allow_redirects=False)
    assert answer.status_code == 302, answer.text[:300]
    return browser


class Watched:
    """The server's CPU seconds over a span, and its highest RSS (every 10 ms)."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, self.process.memory_info().rss / 2**20)

    def __enter__(self) -> Watched:
        times = self.process.cpu_times()
        self.cpu0, self.wall0 = times.user + times.system, time.perf_counter()
        self.peak = self.process.memory_info().rss / 2**20
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self._stop.set()
        self._thread.join()
        times = self.process.cpu_times()
        self.cpu = times.user + times.system - self.cpu0


def download(browser: requests.Session, url: str, server: int, fmt: str, query: str) -> dict:
    with Watched(server) as watched:
        first = None
        size = 0
        started = time.perf_counter()
        with browser.get(f"{url}/export/performance.{fmt}?{query}", stream=True, timeout=900) as answer:
            assert answer.status_code == 200, answer.text[:300]
            for piece in answer.iter_content(256 * 1024):
                first = first or time.perf_counter() - started
                size += len(piece)
    return {"what": f"{fmt} {query}", "first_byte_s": round(first or 0, 2),
            "wall_s": round(watched.wall, 2), "server_cpu_s": round(watched.cpu, 2),
            "server_peak_mb": round(watched.peak), "bytes": size, "load": load()}


def preparing(server: int) -> list[psutil.Process]:
    """The server's preparing process, while it runs (an ended one waiting to be reaped by
    the server's watcher counts as ended)."""
    found = []
    for child in psutil.Process(server).children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "prepare-exports" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


def wait_for_preparation(server: int, store: Path, since: float, limit_s: float = 1200) -> dict:
    """Until the server's preparing process has started and ended: when, its CPU and RSS."""
    cpu = peak = 0.0
    began = ended = None
    while time.perf_counter() - since < limit_s:
        children = preparing(server)
        if children:
            began = began or time.perf_counter()
            for child in children:
                try:
                    times = child.cpu_times()
                    cpu = max(cpu, times.user + times.system)
                    peak = max(peak, child.memory_info().rss / 2**20)
                except psutil.Error:
                    pass
        elif began is not None:
            ended = time.perf_counter()
            break
        time.sleep(0.2)
    files = sorted(p.name.split(".")[-1] for p in store.glob("*/*.*.*"))
    return {"started_after_s": round((began or since) - since, 1),
            "ready_after_s": round((ended or time.perf_counter()) - since, 1),
            "working_s": round((ended or time.perf_counter()) - (began or since), 1),
            "cpu_s": round(cpu, 1), "peak_mb": round(peak), "files": files, "load": load()}


def approve_one(database_url: str) -> int:
    from sqlalchemy import select

    from models.returns.saving import review_return
    from models.store.db import make_engine, make_sessionmaker, unit_of_work
    from models.store.entities import Return
    from models.store.users import find_user

    engine = make_engine(database_url)
    try:
        with unit_of_work(make_sessionmaker(engine)) as s:
            ret = s.scalars(select(Return).where(Return.status == "submitted").order_by(Return.id)).first()
            review_return(s, find_user(s, ADMIN), ret.id, "approve", "", ret.version, TODAY)
            return ret.id
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--skip-cold-xlsx", action="store_true")
    parser.add_argument("--store", type=Path,
                        help="a kept-exports folder to start from (default: a new, empty one); "
                             "with this version's files already there, nothing is prepared at start")
    args = parser.parse_args(argv)
    store = args.store or Path(tempfile.mkdtemp(prefix="cwp-bench-kept-"))
    env = dict(os.environ, DATABASE_URL=args.database_url, MONITOR_TODAY=TODAY.isoformat(),
               EXPORT_CACHE_DIR=str(store), SECRET_KEY="b" * 40)
    log = (store.parent / f"{store.name}.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "dash_app", "serve", "--port", str(args.port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{args.port}"
    results: dict[str, object] = {}
    try:
        for _ in range(300):
            try:
                if requests.get(url + "/healthz", timeout=5).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        started = time.perf_counter()
        browser = login(url)  # the first request: the server's watcher starts
        if args.store is None:
            results["prepared_at_start"] = wait_for_preparation(proc.pid, store, started)
            print("prepared at start", results["prepared_at_start"], flush=True)
        else:  # the watcher has looked twice and found every file kept: nothing starts
            time.sleep(35)
            assert not preparing(proc.pid), "the server is preparing files it should have"
        year = "year=2025/26&quarter=year"
        runs = []
        for fmt in ("csv", "xlsx"):
            if fmt == "xlsx" and args.skip_cold_xlsx:
                continue
            for label in ("cold", "kept"):
                run = {"kind": label, **download(browser, url, proc.pid, fmt, year)}
                print(run, flush=True)
                runs.append(run)
        results["year"] = runs
        changed = time.perf_counter()
        results["approved_return"] = approve_one(args.database_url)
        results["prepared_after_change"] = wait_for_preparation(proc.pid, store, changed)
        print("prepared after a change", results["prepared_after_change"], flush=True)
        default = []
        for fmt in ("csv", "xlsx"):
            for query in ("year=2026/27&quarter=Q2", "year=2026/27&quarter=year"):
                run = {"kind": "prepared", **download(browser, url, proc.pid, fmt, query)}
                print(run, flush=True)
                default.append(run)
        results["default"] = default
    finally:
        proc.terminate()
        proc.wait(30)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
