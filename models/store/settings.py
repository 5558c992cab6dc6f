"""App-wide settings kept in the database: RAG thresholds and the demo-data flag."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.rules.disclosure import DEFAULT_THRESHOLD
from models.rules.rag import RagThresholds
from models.store.entities import AppSetting

DEMO_KEY = "demo_data"
DISCLOSURE_KEY = "disclosure_threshold"


def get_setting(session: Session, key: str, default: str | None = None) -> str | None:
    row = session.get(AppSetting, key)
    return row.value if row else default


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(AppSetting, key)
    if row is None:
        session.add(AppSetting(key=key, value=value))
    elif row.value != value:
        row.value = value


def is_demo(session: Session) -> bool:
    return get_setting(session, DEMO_KEY) == "yes"


def rag_thresholds(session: Session) -> RagThresholds:
    green = get_setting(session, "rag_green")
    amber = get_setting(session, "rag_amber")
    return RagThresholds(
        green=float(green) if green else RagThresholds.green,
        amber=float(amber) if amber else RagThresholds.amber,
    )


def disclosure_threshold(session: Session) -> int:
    """Counts below this are hidden in publication mode (DESIGN §3; the admin sets it)."""
    value = get_setting(session, DISCLOSURE_KEY)
    return int(value) if value else DEFAULT_THRESHOLD
