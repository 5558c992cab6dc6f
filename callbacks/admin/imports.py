"""Importing returns from a file on the admin page (issue 21): the file is checked and what it
would do shown (nothing written); "Import these returns" then imports it, all or nothing,
only if the file and the choices are the ones previewed. The rules are the command line's
(models/returns/bulk_import.py); the upload limit is the return template's."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from typing import Any

from dash import Dash, Input, Output, State, no_update
from sqlalchemy.orm import Session

from callbacks.admin.guard import run_admin, run_admin_job
from callbacks.common import today
from exports.return_template import MAX_BYTES
from exports.returns_file import PAGE_MAX_ROWS, ReturnsFileError, read_returns_file
from layouts import ids
from layouts.admin import import_preview, import_problems, message
from models.admin.common import AdminError
from models.returns.bulk_import import STATUSES, ImportPlan, apply_import, plan_import, problem_lines

TOO_BIG = (f"The file is larger than {MAX_BYTES // 1_000_000} MB, the most this page takes. Import "
           "it with the command line (import-returns), or split it into several files.")


def _file(contents: object, filename: object) -> tuple[bytes, str]:
    """The uploaded file's bytes and name, or an AdminError in words."""
    if not isinstance(contents, str) or "," not in contents or not isinstance(filename, str):
        raise AdminError("Choose a file to import.")
    encoded = contents.split(",", 1)[1]
    if len(encoded) > MAX_BYTES * 4 // 3 + 4:
        raise AdminError(TOO_BIG)
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise AdminError("This file could not be read; choose it again.") from None
    if len(data) > MAX_BYTES:
        raise AdminError(TOO_BIG)
    return data, filename[:200]


def _choices(status: object, replace: object, reason: object) -> tuple[str, bool, str]:
    return (status if status in STATUSES else "approved", replace is True,
            reason.strip()[:500] if isinstance(reason, str) else "")


def _fingerprint(data: bytes, status: str, replace: bool, reason: str) -> str:
    """What was previewed: the file and the choices. Import refuses anything else."""
    digest = hashlib.sha256(data)
    digest.update(f"\0{status}\0{replace}\0{reason}".encode())
    return digest.hexdigest()


def _plan(session: Session, user: Any, data: bytes, filename: str, replace: bool) -> ImportPlan:
    try:
        contents = read_returns_file(data, filename, max_rows=PAGE_MAX_ROWS, too_many=(
            "import it with the command line (import-returns), or split it into several files"))
    except ReturnsFileError as exc:
        raise AdminError(str(exc)) from None
    return plan_import(session, user, contents.headings, contents.rows, today(), replace=replace,
                       row_numbers=contents.row_numbers)


def preview_import(contents: object, filename: object, status: object, replace: object,
                   reason: object) -> tuple:
    """The preview, the fingerprint to confirm, whether Import is off, and the last result
    cleared. Reads only. Asked again when a choice changes, so what is shown is always what
    the button would do."""
    chosen = _choices(status, replace, reason)

    def work(session: Session, user: Any) -> tuple:
        if contents is None:  # a choice made before any file: nothing to show yet
            return None, None
        data, name = _file(contents, filename)
        plan = _plan(session, user, data, name, chosen[1])
        if not plan.ok:
            return import_problems(name, problem_lines(plan.problems), len(plan.problems)), None
        if plan.replaced() and not chosen[2]:
            return message("Some of these returns are already in the app: say why they are replaced, "
                           "then choose the file again.", ok=False), None
        rows = [(p.service.name, p.quarter.label, p.existing.status.capitalize() if p.existing else "")
                for p in plan.returns]
        return import_preview(name, chosen[0], rows), _fingerprint(data, *chosen)

    ok, result = run_admin("preview an import of returns", work)
    if not ok:
        return result, None, True, ""
    shown, checked = result
    return shown, checked, checked is None, ""


def confirm_import(set_progress: Callable[[list], None], _clicks: object, contents: object,
                   filename: object, status: object, replace: object, reason: object,
                   checked: object) -> tuple:
    """A background job (dash_app/jobs.py), as the lead officer whose session started it:
    import what was previewed, all or nothing, with its stage in words; the button is then
    off until another file. Cancelled, nothing is written (the transaction never commits)."""
    chosen = _choices(status, replace, reason)

    def report(done: int, total: int) -> None:
        set_progress([str(round(100 * done / max(total, 1))), f"Writing returns: {done:,} of {total:,}"])

    def work(session: Session, user: Any) -> str:
        set_progress(["0", "Checking the file again"])
        data, name = _file(contents, filename)
        if not isinstance(checked, str) or _fingerprint(data, *chosen) != checked:
            raise AdminError("The file or the choices changed after the check: choose the file "
                             "again to see what it would import.")
        plan = _plan(session, user, data, name, chosen[1])
        if not plan.ok:  # the app changed since the preview (another import, a return saved)
            raise AdminError("Something in the app changed since the check, so nothing was "
                             "imported: choose the file again to see why.")
        result = apply_import(session, user, plan, status=chosen[0], reason=chosen[2],
                              source=f"{name} (administration page)", progress=report)
        total = result.created + result.replaced
        return (f"Imported {total:,} return{'s' if total != 1 else ''} from {name} as {chosen[0]}: "
                f"{result.created:,} new, {result.replaced:,} replaced."
                + (f" {result.periods_created:,} quarters were added." if result.periods_created else ""))

    ok, result = run_admin_job("import returns", work, SIGNED_OUT)
    if not ok:
        return result, no_update, True
    return message(result), None, True


SIGNED_OUT = ("You were signed out, so nothing was imported. Sign in again and choose the file "
              "once more.")


def register(app: Dash) -> None:
    app.callback(
        Output(ids.ADM_IMP_PREVIEW, "children"),
        Output(ids.ADM_IMP_CHECKED, "data", allow_duplicate=True),
        Output(ids.ADM_IMP_CONFIRM, "disabled", allow_duplicate=True),
        Output(ids.ADM_IMP_RESULT, "children", allow_duplicate=True),
        Input(ids.ADM_IMP_UPLOAD, "contents"), State(ids.ADM_IMP_UPLOAD, "filename"),
        Input(ids.ADM_IMP_STATUS, "value"), Input(ids.ADM_IMP_REPLACE, "value"),
        Input(ids.ADM_IMP_REASON, "value"), prevent_initial_call=True)(preview_import)
    # The import: a background job; this request returns at once (dash_app/jobs.py).
    app.callback(
        Output(ids.ADM_IMP_RESULT, "children"), Output(ids.ADM_IMP_CHECKED, "data"),
        Output(ids.ADM_IMP_CONFIRM, "disabled"),
        Input(ids.ADM_IMP_CONFIRM, "n_clicks"), State(ids.ADM_IMP_UPLOAD, "contents"),
        State(ids.ADM_IMP_UPLOAD, "filename"), State(ids.ADM_IMP_STATUS, "value"),
        State(ids.ADM_IMP_REPLACE, "value"), State(ids.ADM_IMP_REASON, "value"),
        State(ids.ADM_IMP_CHECKED, "data"),
        background=True,
        progress=[Output(ids.ADM_IMP_BAR, "value"), Output(ids.ADM_IMP_STAGE, "children")],
        progress_default=["0", "Starting"],
        running=[(Output(ids.ADM_IMP_JOB, "hidden"), False, True),
                 (Output(ids.ADM_IMP_CANCEL, "disabled"), False, True)],
        cancel=[Input(ids.ADM_IMP_CANCEL, "n_clicks")],
        interval=500, prevent_initial_call=True)(confirm_import)
