"""What every admin command shares: the error it raises and the checks of names and ids."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from models.rules.validation import clean_text


class AdminError(ValueError):
    """A change that cannot be made; the message says why and what to do instead."""


def existing(session: Session, model: type, record_id: int | None, what: str) -> Any:
    """The record, or an AdminError saying it does not exist."""
    row = session.get(model, record_id) if record_id is not None else None
    if row is None:
        raise AdminError(f"That {what} does not exist")
    return row


def same_name(session: Session, stmt: Select, name: str) -> Any:
    """The row of `stmt` whose name matches `name` ignoring case, compared in Python:
    SQLite's lower() leaves non-ASCII letters alone."""
    wanted = name.casefold()
    return next((row for row in session.scalars(stmt) if row.name.casefold() == wanted), None)


def clean_name(text: str | None, label: str, limit: int = 160) -> str:
    """A name or label on one line, or an AdminError asking for it (or for a shorter one)."""
    value = " ".join(clean_text(text).split())  # one line: no control characters or runs of spaces
    if not value:
        raise AdminError(f"Enter the {label}")
    if len(value) > limit:
        raise AdminError(f"The {label} must be {limit} characters or fewer")
    return value
