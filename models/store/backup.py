"""Backup and restore of a SQLite database with SQLite's online backup API (safe while the
app runs). PostgreSQL has its own tools: pg_dump and pg_restore (see the README)."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message is one plain sentence."""


def sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite"):
        raise BackupError("Backup and restore here are for SQLite; for PostgreSQL use pg_dump "
                          "and pg_restore (see the README).")
    return Path(url.split("///", 1)[-1])


def backup(url: str, out: Path) -> int:
    """Copy the live database to `out`; returns the number of pages copied."""
    source = sqlite3.connect(sqlite_path(url))
    target = sqlite3.connect(out)
    try:
        with target:
            source.backup(target)
        return target.execute("PRAGMA page_count").fetchone()[0]
    finally:
        source.close()
        target.close()


def restore(url: str, backup_file: Path) -> None:
    """Replace the database's contents with the backup's, after checking the backup."""
    if not backup_file.exists():
        raise BackupError(f"There is no file at {backup_file}.")
    try:
        source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
        tables = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        ok = source.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        raise BackupError(f"{backup_file} is not a SQLite database.") from None
    if "alembic_version" not in tables or "return" not in tables:
        source.close()
        raise BackupError(f"{backup_file} is not a backup of this app's database.")
    if not ok:
        source.close()
        raise BackupError(f"{backup_file} fails SQLite's integrity check; it cannot be restored.")
    target = sqlite3.connect(sqlite_path(url))
    try:
        with target:
            source.backup(target)
        with target:
            # Running workers cached views by (token, version); the restored data must not
            # match a version they saw before the restore.
            if "data_version" in tables:
                target.execute("UPDATE data_version SET token = ?", (uuid.uuid4().hex,))
    finally:
        source.close()
        target.close()
