"""The one guard every admin callback goes through, and the parsing of the forms' values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callbacks.common import require_user, transaction
from dash_app.database import sessions
from layouts.admin import NEW, message
from models.access import AccessRefused, record_id, require_admin
from models.admin.common import AdminError
from models.rules.formats import UK_DATE_EXAMPLE, format_date_entry, parse_uk_date
from models.store.audit import record_refusal
from models.store.users import UserError


def run_admin(what: str, work: Callable[[Session, Any], Any]) -> tuple[bool, Any]:
    """(True, result) or (False, a message component). Refusals are audited."""
    try:
        user = require_user()
    except AccessRefused as exc:
        return False, message(str(exc), ok=False)
    try:
        # The role first, before anything from the browser is even parsed.
        require_admin(user, "use the administration pages")
        with transaction() as session:
            return True, work(session, user)
    except AccessRefused as exc:
        record_refusal(sessions(), user.id, what, exc.entity or "admin", exc.entity_id)
        return False, message(str(exc), ok=False)
    except (AdminError, UserError, ValueError) as exc:
        return False, message(str(exc), ok=False)
    except IntegrityError:
        # Two admins saving the same name at once: the database's unique rule decides.
        return False, message("That name is already in use; choose another.", ok=False)


def run_admin_job(what: str, work: Callable[[Session, Any], Any],
                  signed_out: str = "You are signed out. Sign in again, then try once more.") -> tuple[bool, Any]:
    """run_admin inside a background job (dash_app/jobs.py): the user is the one whose session
    the job was handed, checked as it starts and again before its work is committed (signed
    out or deactivated meanwhile: nothing is kept). Refusals are audited."""
    from dash_app.jobs import job_user, still_signed_in

    try:
        with job_user() as user:
            try:
                require_admin(user, "use the administration pages")
                with transaction() as session:
                    result = work(session, user)
                    if not still_signed_in(user):
                        raise AccessRefused(signed_out)
                    return True, result
            except AccessRefused as exc:
                record_refusal(sessions(), user.id, what, exc.entity or "admin", exc.entity_id)
                return False, message(str(exc), ok=False)
    except AccessRefused:
        return False, message(signed_out, ok=False)
    except (AdminError, UserError, ValueError) as exc:
        return False, message(str(exc), ok=False)


def picked_id(value: object) -> int | None:
    """An id from a picker; None for "new", "none" or anything that is not an id (record_id)."""
    try:
        return record_id(value) if value not in (None, "", NEW) else None
    except ValueError:
        return None


def number(value: str | None, label: str, example: str = "1200", whole: bool = False) -> float | None:
    """A typed figure (commas and £ allowed), None when blank, or an AdminError naming the
    field as the form labels it: "The Q2 target for X must be a whole number, like 12".
    `whole`: decimals are refused (a count); otherwise they are allowed."""
    text = (value or "").strip().replace(",", "").replace("£", "")
    if not text:
        return None
    try:
        parsed = float(text)
    except ValueError:
        parsed = None
    if parsed is None or parsed != parsed or parsed in (float("inf"), float("-inf")) or (
            whole and not parsed.is_integer()):
        kind = "a whole number" if whole else "a number"
        raise AdminError(f"{label[:1].upper()}{label[1:]} must be {kind}, like {example}")
    return parsed


def optional_date(value: str | None, label: str) -> dt.date | None:
    """A date typed day/month/year (04/01/2027 is 4 January), None when blank, or an
    AdminError naming the field: "Enter the contract start as day/month/year, …"."""
    try:
        return parse_uk_date(value)
    except ValueError:
        raise AdminError(f"Enter the {label} as a real date, day/month/year, {UK_DATE_EXAMPLE}") from None


def date_value(day: dt.date | None) -> str | None:
    """A stored date as the form shows it: 04/01/2027."""
    return format_date_entry(day) if day else None
