"""Lighthouse 12 over every page, signed in, desktop and mobile profiles, on the demo data.

    npm i --prefix benchmarks/.lighthouse -E lighthouse@12.2.3    # once (the dir is gitignored)
    python benchmarks/lighthouse.py                     # this code
    python benchmarks/lighthouse.py --before a3c9ef7    # also the code at that ref, same data
    python benchmarks/lighthouse.py --pages overview,performance --profiles desktop
    python benchmarks/lighthouse.py --runs 3            # the median of three runs per cell

A fresh demo database (`seed-demo`, the date fixed) is served by gunicorn on a free port from
this checkout or, for --before, from a `git archive` of the ref (the database stepped down to
that code's newest migration, as benchmarks/returns_page.py does). Before each Lighthouse run
the script signs in through /login with requests (the form's csrf_token) and hands the
session cookie to Lighthouse with --extra-headers. Headless Chromium (CHROME_PATH, default
/usr/bin/chromium). Lighthouse's own throttling: the desktop preset, and the default mobile
profile (a slow 4G and a 4× slower CPU, simulated). Prints a table per run: performance score,
Cumulative Layout Shift, Total Blocking Time, Largest Contentful Paint, accessibility score
(and the failing accessibility audits). Figures, never pass/fail; not part of `make test`.
The last line is JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import free_port, serving  # noqa: E402
from benchmarks.returns_page import head_of, unpack  # noqa: E402

TODAY = "2026-11-25"
PASSWORD = "lighthouse-demo-password"
OFFICER, MEMBER = "admin@demo.local", "viewer@demo.local"
LIGHTHOUSE = ROOT / "benchmarks" / ".lighthouse" / "node_modules" / ".bin" / "lighthouse"

# (name, who signs in, path); "{return_form}" is filled in from the database.
PAGES: list[tuple[str, str, str]] = [
    ("overview", OFFICER, "/"),
    ("attention", OFFICER, "/attention"),
    ("service", OFFICER, "/service"),
    ("priorities", OFFICER, "/priorities"),
    ("progress", OFFICER, "/progress"),
    ("submissions", OFFICER, "/submissions"),
    ("performance", OFFICER, "/performance"),
    ("returns-officer", OFFICER, "/returns"),
    ("returns-member", MEMBER, "/returns"),
    ("return-form", OFFICER, "{return_form}"),
    ("review", OFFICER, "/review"),
    ("admin", OFFICER, "/admin"),
    ("account", MEMBER, "/account"),
]
PROFILES = ("desktop", "mobile")
# The audits this script reports (their errors are reported with them).
METRICS = ("cumulative-layout-shift", "total-blocking-time", "largest-contentful-paint")


def server_env(root: Path, database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "MONITOR_TODAY": TODAY,
            "SECRET_KEY": "lighthouse-" + "k" * 40, "MONITOR_ENV": "development",
            "LOGIN_RATE_LIMIT": "1000 per minute", "PYTHONPATH": str(root)}


def demo_database(url: str) -> None:
    """Migrate and seed the demo data with this checkout's CLI (the same data for every ref)."""
    env = server_env(ROOT, url)
    for args in (["init-db"], ["seed-demo", "--demo-password", PASSWORD]):
        subprocess.run([sys.executable, "-m", "dash_app", *args], cwd=ROOT, env=env, check=True,
                       capture_output=True)


def return_form_path(url: str) -> str:
    """A return the lead officer can open: the newest submitted one (else any)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from models.store.db import make_engine
    from models.store.entities import Return

    engine = make_engine(url)
    with Session(engine) as s:
        found = (s.scalars(select(Return).where(Return.status == "submitted").order_by(Return.id.desc())).first()
                 or s.scalars(select(Return).order_by(Return.id.desc())).first())
        path = f"/returns/edit?service={found.service_id}&period={found.period_id}"
    engine.dispose()
    return path


@contextlib.contextmanager
def serve(root: Path, database_url: str) -> Iterator[int]:
    """Gunicorn running the app found in `root` (2 workers × 4 threads, as in production)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4", "--timeout", "120",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:server"],
        cwd=root, env=server_env(root, database_url))
    with serving(proc, port):
        yield port


def sign_in(base: str, email: str) -> str:
    """The Cookie header of a signed-in session: the form's CSRF token, then the POST."""
    import requests

    with requests.Session() as http_session:
        page = http_session.get(f"{base}/login", timeout=30)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', page.text)
        if token is None:
            raise RuntimeError("No csrf_token on /login")
        answer = http_session.post(f"{base}/login", data={
            "csrf_token": token.group(1), "email": email, "password": PASSWORD}, timeout=30,
            allow_redirects=False)
        if answer.status_code not in (302, 303):
            raise RuntimeError(f"Sign-in as {email} answered {answer.status_code}")
        return "; ".join(f"{c.name}={c.value}" for c in http_session.cookies)


def lighthouse(url: str, cookie: str, profile: str, out: Path) -> dict:
    """One Lighthouse run; the figures this script reports, from its JSON."""
    args = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={out}", "--quiet",
            "--only-categories=performance,accessibility",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            "--extra-headers=" + json.dumps({"Cookie": cookie}),
            "--max-wait-for-load=60000"]
    if profile == "desktop":
        args.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH") or shutil.which("chromium")
           or "/usr/bin/chromium"}
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or not out.exists():
        return {"error": (done.stderr or done.stdout).strip().splitlines()[-1:]}
    report = json.loads(out.read_text())
    audits, categories = report["audits"], report["categories"]
    if report.get("runtimeError"):
        return {"error": report["runtimeError"].get("message")}

    def score(name: str) -> int | None:
        value = categories.get(name, {}).get("score")
        return None if value is None else round(value * 100)

    def numeric(audit: str, scale: float = 1, digits: int | None = 0) -> float | None:
        """An audit's figure; None when Lighthouse could not work it out (NO_LCP on a page
        whose renderer was too busy to paint its largest element before Lighthouse gave up)."""
        value = audits[audit].get("numericValue")
        return None if value is None else round(value / scale, digits) if digits else round(value / scale)

    # Compressed JavaScript the page fetched: steadier than the timings on a shared machine.
    requests = audits["network-requests"].get("details", {}).get("items", [])
    script_bytes = sum(r.get("transferSize") or 0 for r in requests if r.get("resourceType") == "Script")
    failing = sorted(ref["id"] for ref in categories["accessibility"]["auditRefs"]
                     if ref.get("weight") and audits[ref["id"]].get("score") == 0)
    return {
        "performance": score("performance"),
        "cls": numeric("cumulative-layout-shift", digits=3),
        "tbt_ms": numeric("total-blocking-time"),
        "lcp_s": numeric("largest-contentful-paint", 1000, 1),
        "js_kb": round(script_bytes / 1024),
        "errors": sorted({a["errorMessage"] for a in audits.values() if a.get("errorMessage")
                          and a["id"] in METRICS}),
        "accessibility": score("accessibility"),
        "a11y_failing": failing,
        "final_url": report.get("finalDisplayedUrl") or report.get("finalUrl"),
    }


def run(root: Path, url: str, pages: list[tuple[str, str, str]], profiles: list[str],
        form_path: str, tmp: Path, label: str, runs: int = 1) -> dict[str, dict]:
    results: dict[str, dict] = {}
    with serve(root, url) as port:
        base = f"http://127.0.0.1:{port}"
        for name, who, path in pages:
            for profile in profiles:
                found_each = []
                for attempt in range(1, runs + 1):
                    # A fresh sign-in each run: the idle timeout slides with the session cookie,
                    # which Lighthouse's fixed header would not carry forward.
                    cookie = sign_in(base, who)
                    suffix = f"-{attempt}" if runs > 1 else ""
                    found = lighthouse(base + path.format(return_form=form_path), cookie, profile,
                                       tmp / f"{label}-{name}-{profile}{suffix}.json")
                    found_each.append(found)
                    print(f"{label:<8} {name:<16} {profile:<8} {line(found)}", flush=True)
                results[f"{name}/{profile}"] = median_of(found_each)
    return results


def median_of(found_each: list[dict]) -> dict:
    """The run with the median performance score (its own figures, not a mix of runs'); the
    score of every run alongside, so the spread shows."""
    done = [f for f in found_each if "error" not in f and f.get("performance") is not None]
    if not done:
        return found_each[-1]
    done.sort(key=lambda f: f["performance"])
    middle = dict(done[(len(done) - 1) // 2])
    if len(found_each) > 1:
        middle["runs"] = [f.get("performance") for f in found_each]
    return middle


def line(found: dict) -> str:
    if "error" in found:
        return f"error: {found['error']}"
    failing = ", ".join(found["a11y_failing"]) or "-"
    errors = f"  errors: {', '.join(found['errors'])}" if found.get("errors") else ""
    return (f"perf {show(found['performance']):>3}  CLS {show(found['cls']):<6} "
            f"TBT {show(found['tbt_ms']):>5} ms  LCP {show(found['lcp_s']):>4} s  "
            f"JS {show(found.get('js_kb')):>5} KB  "
            f"a11y {show(found['accessibility']):>3} (failing: {failing}){errors}")


def show(value: object) -> str:
    return "–" if value is None else str(value)


def table(figures: dict[str, dict[str, dict]], profiles: list[str], names: list[str]) -> str:
    """A Markdown table: a row per page, the refs side by side for each profile."""
    labels = list(figures)
    head = ["page"] + [f"{p}: {lab}" for p in profiles for lab in labels]
    rows = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for name in names:
        cells = [name]
        for profile in profiles:
            for lab in labels:
                found = figures[lab].get(f"{name}/{profile}", {})
                spread = f" ({'/'.join(show(r) for r in found['runs'])})" if found.get("runs") else ""
                cells.append("error" if "error" in found or not found else
                             f"{show(found['performance'])}{spread} · {show(found['cls'])} · "
                             f"{show(found['tbt_ms'])} ms · {show(found['lcp_s'])} s · "
                             f"{show(found.get('js_kb'))} KB · {show(found['accessibility'])}")
        rows.append("| " + " | ".join(cells) + " |")
    return ("\n".join(rows) + "\n(performance (each run's, when more than one: the row is the "
            "median run) · CLS · TBT · LCP · compressed JavaScript · accessibility)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--before", action="append", default=[],
                        help="a git ref to measure too (may be given more than once)")
    parser.add_argument("--pages", help="comma-separated page names (default: all): "
                        + ", ".join(name for name, _, _ in PAGES))
    parser.add_argument("--profiles", default=",".join(PROFILES), help="desktop,mobile")
    parser.add_argument("--only-before", action="store_true", help="measure the --before refs only")
    parser.add_argument("--keep", help="a folder to keep Lighthouse's JSON reports in")
    parser.add_argument("--runs", type=int, default=1,
                        help="runs per page and profile; the median run is reported (3 on a "
                             "shared machine: the timings move from run to run)")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"No Lighthouse at {LIGHTHOUSE}: run "
                         "`npm i --prefix benchmarks/.lighthouse -E lighthouse@12.2.3`.")
    wanted = set(args.pages.split(",")) if args.pages else None
    pages = [p for p in PAGES if wanted is None or p[0] in wanted]
    profiles = [p for p in args.profiles.split(",") if p in PROFILES]
    figures: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(args.keep) if args.keep else Path(tmp_name)
        tmp.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{tmp_name}/lighthouse.db"
        demo_database(url)
        form_path = return_form_path(url)
        from models.store.migrate import downgrade, upgrade

        for ref in args.before:
            old = unpack(ref, Path(tmp_name) / f"before-{ref.replace('/', '-')}")
            # The older code refuses a database migrated past its own newest migration:
            # step the same data down to it for that run, and back up afterwards.
            downgrade(url, head_of(old))
            figures[ref] = run(old, url, pages, profiles, form_path, tmp, ref, args.runs)
            upgrade(url)
        if not args.only_before:
            figures["this code"] = run(ROOT, url, pages, profiles, form_path, tmp,
                                       "now", args.runs)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(table(figures, profiles, [name for name, _, _ in pages]))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
