"""Personal API tokens' rules (issue 21), with no database: their form, their limits, and a
token as its owner sees it listed (models/store/api_tokens.py keeps them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PREFIX = "cwp_"  # says what a token is, if one turns up in a log or a paste
DEFAULT_DAYS = 90
MAX_DAYS = 365
MAX_NAME = 80
MAX_LIVE = 10  # tokens a user may have at once: enough for every tool, few to audit


@dataclass(frozen=True)
class TokenRow:
    """A token as its owner sees it listed: never the token itself."""

    id: int
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    live: bool
