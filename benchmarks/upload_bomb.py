"""The upload bomb of issue 14: how long the return template reader takes to refuse a small
.xlsx holding a million rows, and its peak memory. A figure, not a test.

    .venv/bin/python benchmarks/upload_bomb.py                   # this checkout
    .venv/bin/python benchmarks/upload_bomb.py --code /tmp/old   # another checkout's reader

Each run is a fresh Python process (so peak memory is the reader's own), reading the file
once; the last line printed is JSON."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_READ = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from exports.return_template import TemplateError, read_template
data = open(sys.argv[2], "rb").read()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    read_template(data)
    outcome = "accepted"
except TemplateError as exc:
    outcome = str(exc)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": round(seconds, 3), "peak_rss_mb": round(peak / 1024, 1),
                  "growth_mb": round((peak - base) / 1024, 1), "outcome": outcome[:80]}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", default=str(ROOT), help="checkout whose models/ is measured")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    from tests.helpers.hostile_files import million_row_workbook

    bomb = million_row_workbook(args.rows)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        handle.write(bomb)
        handle.flush()
        result = subprocess.run([sys.executable, "-c", _READ, args.code, handle.name],
                                capture_output=True, text=True, check=True, cwd=args.code)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures.update(rows=args.rows, file_kb=round(len(bomb) / 1024, 1), code=args.code)
    print(f"{args.rows:,} rows in {figures['file_kb']} KB: {figures['seconds']} s, peak "
          f"{figures['peak_rss_mb']} MB ({figures['growth_mb']} MB while reading): "
          f"{figures['outcome']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
