"""Folders of files kept for re-use (the chart pictures, the kept exports), bounded in size."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def trim_oldest(paths: Iterable[Path], max_bytes: int) -> None:
    """Past `max_bytes` in all, remove the least recently used of `paths` (their modification
    time, which each use touches) until under three quarters of it: trimming is then rare,
    not on every new file. A file another process removed meanwhile is skipped, and one
    being sent meanwhile is still sent whole (its handle is open)."""
    entries = []
    for path in paths:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        entries.append((stat.st_mtime, stat.st_size, path))
    total = sum(size for _, size, _ in entries)
    if total <= max_bytes:
        return
    for _, size, path in sorted(entries):
        path.unlink(missing_ok=True)
        total -= size
        if total <= max_bytes * 3 // 4:
            break
