"""HTTP load on gunicorn on 127.0.0.1: a bounded number of requests, a browser's mix.

Each simulated visit is what a browser sends when someone opens the Overview with its
bundles already cached: the page, Dash's layout and dependencies, the router callback and
the Overview callback (for one of eight quarters, so views repeat as in a meeting).

Two instances (issue 20): `python -m benchmarks.load --two-instances --database-url URL`
starts a throwaway redis-server and two gunicorn processes bound to the same loopback port
with SO_REUSEPORT (the kernel shares the connections between them, as a load balancer
would), with the same DATABASE_URL, CACHE_URL and SECRET_KEY, loads the county scale's data
into an empty database, and reports requests per second, errors, and the CPU time each
instance spent (both must have served)."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import brotli

from benchmarks.timing import pct
from tests.helpers.dash_calls import encode, overview_payload, page_csrf_token, router_payload

ROOT = Path(__file__).resolve().parent.parent
VIEWS = [("2025/26", q) for q in (1, 2)] + [("2024/25", q) for q in (1, 2, 3, 4)] + [
    ("2023/24", q) for q in (3, 4)]


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(proc: subprocess.Popen, port: int) -> Iterator[int]:
    """The gunicorn just started as `proc`, once it answers /healthz on `port`; stopped after."""
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def gunicorn(database_url: str, today: str, workers: int, threads: int):  # noqa: ANN201
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "MONITOR_TODAY": today,
           "SECRET_KEY": "benchmark-" + "k" * 40, "MONITOR_ENV": "development"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:server"],
        cwd=ROOT, env=env)
    with serving(proc, port):
        yield port


@contextmanager
def two_instances(database_url: str, today: str, workers: int, threads: int,
                  cache_url: str) -> Iterator[tuple[int, list[subprocess.Popen]]]:
    """Two gunicorn processes on one port (--reuse-port), one database, one Redis."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "MONITOR_TODAY": today, "CACHE_URL": cache_url,
           "SECRET_KEY": "benchmark-" + "k" * 40, "MONITOR_ENV": "development"}
    procs = [subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
         "--reuse-port", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:server"],
        cwd=ROOT, env=env) for _ in range(2)]
    try:
        with serving(procs[0], port), serving(procs[1], port):
            yield port, procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)


def cpu_seconds(proc: subprocess.Popen) -> float:
    """CPU time of a gunicorn master and its workers so far."""
    import psutil

    master = psutil.Process(proc.pid)
    return sum(p.cpu_times().user + p.cpu_times().system for p in [master, *master.children(recursive=True)])


class Client:
    """One keep-alive connection with a cookie jar of one session cookie."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None,
                content_type: str | None = None) -> tuple[int, bytes]:
        status, data, _ = self.request_sizes(method, path, body, content_type)
        return status, data

    def request_sizes(self, method: str, path: str, body: bytes | None = None,
                      content_type: str | None = None) -> tuple[int, bytes, int]:
        """Status, decoded body, and bytes on the wire (compressed body and headers)."""
        headers = {"Accept-Encoding": "gzip, br"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise
        data = response.read()
        wire = len(data) + len(str(response.headers))
        encoding = response.headers.get("Content-Encoding")
        if encoding == "br":
            data = brotli.decompress(data)
        elif encoding == "gzip":
            data = gzip.decompress(data)
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data, wire

    def sign_in(self, email: str, password: str) -> None:
        _, page = self.request("GET", "/login")
        token = page_csrf_token(page.decode())
        form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
        status, _ = self.request("POST", "/login", form.encode(), "application/x-www-form-urlencoded")
        if status != 302:
            raise RuntimeError(f"sign-in failed ({status})")


def run_load(port: int, requests: int, clients: int, email: str, password: str) -> LoadResult:
    first = Client(port)
    first.sign_in(email, password)
    _, deps = first.request("GET", "/_dash-dependencies")
    dependencies = json.loads(deps)
    router = encode(router_payload(dependencies))
    views = [encode(overview_payload(dependencies, y, q)) for y, q in VIEWS]
    visit = [("GET", "/", None), ("GET", "/_dash-layout", None), ("GET", "/_dash-dependencies", None),
             ("POST", "/_dash-update-component", router)]
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(requests))

    def user(number: int) -> None:
        nonlocal errors
        client = Client(port)
        client.cookies = dict(first.cookies)
        visits = 0
        while True:
            steps = [*visit, ("POST", "/_dash-update-component", views[(number + visits) % len(views)])]
            visits += 1
            for method, path, body in steps:
                if next(counter, None) is None:
                    return
                start = time.perf_counter()
                try:
                    status, _ = client.request(method, path, body,
                                               "application/json" if body else None)
                    ok = status == 200
                except (OSError, http.client.HTTPException):
                    ok = False
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    latencies.append(elapsed)
                    errors += 0 if ok else 1

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(user, range(clients)))
    seconds = time.perf_counter() - start
    return LoadResult(len(latencies), errors, round(seconds, 2), round(len(latencies) / seconds, 1),
                      round(pct(latencies, 50), 1), round(pct(latencies, 95), 1))


def main(argv: list[str] | None = None) -> None:
    import argparse
    import shutil
    import tempfile

    from benchmarks.scale_db import ADMIN, PASSWORD, TODAY, prepare

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--two-instances", action="store_true", required=True)
    parser.add_argument("--also-one", action="store_true",
                        help="first, for comparison: one instance with twice the workers, no Redis")
    parser.add_argument("--database-url", required=True, help="an empty database, or one with the scale's data")
    parser.add_argument("--scale", default="county")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers in each instance")
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)
    counts, load_s = prepare(args.database_url, args.scale)
    if args.also_one:
        with gunicorn(args.database_url, TODAY.isoformat(), 2 * args.workers, args.threads) as port:
            one = run_load(port, args.requests, args.clients, ADMIN, PASSWORD)
        print(json.dumps({"setup": f"1 gunicorn instance, {2 * args.workers} workers x {args.threads} threads, "
                                   f"{args.clients} clients, per-worker cache",
                          "requests": one.requests, "errors": one.errors, "seconds": one.seconds,
                          "rps": one.rps, "p50_ms": one.p50_ms, "p95_ms": one.p95_ms}), flush=True)
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (Debian package redis-server).")
    redis_port = free_port()
    log = Path(tempfile.mkdtemp(prefix="bench-redis-")) / "redis.log"
    redis = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(redis_port), "--save", "",
                              "--appendonly", "no"], stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        time.sleep(0.5)
        with two_instances(args.database_url, TODAY.isoformat(), args.workers, args.threads,
                           f"redis://127.0.0.1:{redis_port}/0") as (port, procs):
            idle = [cpu_seconds(p) for p in procs]
            result = run_load(port, args.requests, args.clients, ADMIN, PASSWORD)
            busy = [round(cpu_seconds(p) - before, 1) for p, before in zip(procs, idle, strict=True)]
    finally:
        redis.terminate()
        redis.wait(timeout=10)
    print(json.dumps({"scale": args.scale, "services": counts.get("services"), "load_s": load_s,
                      "setup": f"2 gunicorn instances on one port (--reuse-port), {args.workers} worker(s) "
                               f"x {args.threads} threads each, {args.clients} clients, Redis cache",
                      "requests": result.requests, "errors": result.errors, "seconds": result.seconds,
                      "rps": result.rps, "p50_ms": result.p50_ms, "p95_ms": result.p95_ms,
                      "cpu_s_per_instance": busy}))


if __name__ == "__main__":
    main()
