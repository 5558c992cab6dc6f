"""Administration callbacks. Every one asks models/ to check the admin role on the server;
a refusal is audited. The forms' ids (from the browser) are parsed and re-checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from dash import Dash, Input, Output, State, ctx, html, no_update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callbacks.common import one_time_password_lifetime, require_user, transaction
from dash_app.database import sessions
from layouts import ids
from layouts.admin import (
    NEW,
    message,
    metric_table,
    options,
    period_table,
    provider_table,
    service_table,
    user_table,
)
from layouts.charts import data_table
from models.access import AccessRefused, record_id, require_admin
from models.admin import commands as admin
from models.admin import views as admin_views
from models.rules.disclosure import DEFAULT_THRESHOLD
from models.rules.formats import format_datetime
from models.rules.periods import parse_year_label
from models.store.audit import record_refusal
from models.store.entities import Metric, Period, Provider, Service, User
from models.store.users import UserError


def run_admin(what: str, work: Callable[[Session, Any], Any]) -> tuple[bool, Any]:
    """(True, result) or (False, a message component). Refusals are audited."""
    try:
        user = require_user()
    except AccessRefused as exc:
        return False, message(str(exc), ok=False)
    try:
        # The role first, before anything from the browser is even parsed.
        require_admin(user, "change the configuration")
        with transaction() as session:
            return True, work(session, user)
    except AccessRefused as exc:
        record_refusal(sessions(), user.id, what, exc.entity or "admin", exc.entity_id)
        return False, message(str(exc), ok=False)
    except (admin.AdminError, UserError, ValueError) as exc:
        return False, message(str(exc), ok=False)
    except IntegrityError:
        # Two admins saving the same name at once: the database's unique rule decides.
        return False, message("That name is already in use; choose another.", ok=False)


def _int(value: object) -> int | None:
    """An id from a picker; None for "new" or anything that is not an id (see record_id)."""
    try:
        return record_id(value) if value not in (None, "", NEW) else None
    except ValueError:
        return None


def _number(value: str | None, label: str) -> float | None:
    text = (value or "").strip().replace(",", "").replace("£", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise admin.AdminError(f"The {label} must be a number, like 1200") from None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


# Providers ------------------------------------------------------------------------------

def load_provider(pick: str | None) -> tuple:
    pid = _int(pick)
    if pid is None:
        return "", True
    ok, found = run_admin("read provider", lambda s, u: admin_views.get(s, u, Provider, pid))
    return (found.name, found.active) if ok and found else ("", True)


def save_provider(pick: str | None, name: str | None, active: bool | None) -> tuple:
    ok, result = run_admin("save provider", lambda s, u: (
        admin.save_provider(s, u, name or "", _int(pick), bool(active)),
        admin_views.providers(s, u))[1])
    if not ok:
        return result, no_update, no_update
    return (message("Provider saved."), provider_table(result),
            options([(p.id, p.name) for p in result], "Add a new provider"))


# Services -------------------------------------------------------------------------------

def load_service(pick: str | None) -> tuple:
    sid = _int(pick)
    blank = ("", None, None, "", None, None, "", "", True)
    if sid is None:
        return blank
    ok, s = run_admin("read service", lambda session, u: admin_views.get(session, u, Service, sid))
    if not ok or s is None:
        return blank
    return (s.name, str(s.priority_id), str(s.workstream_id), str(s.provider_id or ""),
            s.contract_start.isoformat() if s.contract_start else None,
            s.contract_end.isoformat() if s.contract_end else None,
            f"{s.annual_contract_value:g}" if s.annual_contract_value is not None else "",
            s.description, s.active)


def save_service(pick: str | None, name: str | None, priority: str | None, workstream: str | None,
                 provider: str | None, start: str | None, end: str | None, value: str | None,
                 description: str | None, active: bool | None) -> tuple:
    def work(s: Session, u: Any) -> list[Service]:
        form = admin.ServiceForm(name or "", _int(priority), _int(workstream), _int(provider),
                                 _date(start), _date(end), _number(value, "annual contract value"),
                                 description or "", bool(active))
        admin.save_service(s, u, form, _int(pick))
        return admin_views.services(s, u)

    ok, result = run_admin("save service", work)
    if not ok:
        return result, no_update, no_update, no_update, no_update
    svc_options = options([(s.id, s.name) for s in result], "Add a new service")
    plain = svc_options[1:]
    return message("Service saved."), service_table(result), svc_options, plain, plain


# Metrics --------------------------------------------------------------------------------

def list_metrics(service: str | None) -> tuple:
    sid = _int(service)
    if sid is None:
        return [], [{"label": "Add a new metric", "value": NEW}]
    ok, rows = run_admin("list metrics", lambda s, u: admin_views.metrics(s, u, sid))
    if not ok:
        return rows, no_update
    return metric_table(rows), options([(m.id, m.name) for m in rows], "Add a new metric")


def load_metric(pick: str | None) -> tuple:
    mid = _int(pick)
    blank = ("", "output", "count", True, False, "", "", "", "", "")
    if mid is None:
        return blank

    def work(s: Session, u: Any) -> tuple | None:
        m = admin_views.get(s, u, Metric, mid)
        if m is None:
            return None
        # Read everything inside the session: categories load lazily.
        return (m.name, m.kind, m.unit, m.higher_is_better, m.is_headline,
                "\n".join(c.name for c in m.categories),
                "" if m.baseline_value is None else f"{m.baseline_value:g}", m.baseline_period or "",
                m.baseline_source or "", str(m.display_order))

    ok, found = run_admin("read metric", work)
    return found if ok and found else blank


def metric_action(action: str, service: str | None, pick: str | None, name: str | None,
                  kind: str | None, unit: str | None, higher: bool | None, headline: bool | None,
                  categories: str | None, baseline: str | None, period: str | None,
                  source: str | None, order: str | None) -> tuple:
    sid, mid = _int(service), _int(pick)

    def work(s: Session, u: Any) -> tuple[str, list[Metric]]:
        if action == "save":
            form = admin.MetricForm(
                name or "", kind or "", unit or "", bool(higher),
                tuple((categories or "").splitlines()), _number(baseline, "baseline"),
                period, source, _int(order), bool(headline))
            admin.save_metric(s, u, sid or 0, form, mid)
            done = "Metric saved."
        elif mid is None:
            raise admin.AdminError("Choose a metric first")
        elif action == "retire":
            admin.retire_metric(s, u, mid)
            done = "Metric retired: it has left the return form; its figures stay in the history."
        elif action == "restore":
            admin.retire_metric(s, u, mid, active=True)
            done = "Metric brought back onto the return form."
        else:
            admin.delete_metric(s, u, mid)
            done = "Metric deleted."
        return done, admin_views.metrics(s, u, sid or 0)

    ok, result = run_admin(f"{action} metric", work)
    if not ok:
        return result, no_update, no_update
    done, rows = result
    return message(done), metric_table(rows), options([(m.id, m.name) for m in rows],
                                                      "Add a new metric")


# Targets --------------------------------------------------------------------------------

def _grid(rows: list[admin.TargetRow]) -> list[dict]:
    return [{"metric_id": r.metric_id, "metric": r.metric, "unit": r.unit, "annual": r.annual,
             **{f"q{q}": v for q, v in enumerate(r.quarters, start=1)}} for r in rows]


def _rows(grid: list[dict] | None) -> list[admin.TargetRow]:
    rows = []
    for g in grid or []:
        if not isinstance(g, dict) or "metric_id" not in g:
            raise ValueError("The targets table is out of date; reload the page and try again.")
        values = []
        for key in ("annual", "q1", "q2", "q3", "q4"):
            raw = g.get(key)
            values.append(None if raw in (None, "") else _number(str(raw), f"{g.get('metric')} {key}"))
        rows.append(admin.TargetRow(record_id(g["metric_id"]), str(g.get("metric", "")),
                                    str(g.get("unit", "count")), values[0], values[1:]))
    return rows


def target_action(action: str, service: str | None, year_text: str | None,
                  grid: list[dict] | None) -> tuple:
    sid = _int(service)
    try:
        year = parse_year_label(year_text or "")
    except ValueError as exc:
        return no_update, message(str(exc), ok=False)
    if sid is None:
        return [], ""

    def work(s: Session, u: Any) -> tuple[list[dict], str]:
        require_admin(u, "set targets")
        if action == "split":
            return _grid(admin.split_evenly(_rows(grid))), "Quarters filled from the annual targets: save to keep them."
        if action == "copy":
            return _grid(admin.copy_last_year(s, sid, year)), "Last year's targets copied in: save to keep them."
        if action == "save":
            admin.save_targets(s, u, sid, year, _rows(grid))
            return _grid(admin.target_rows(s, sid, year)), "Targets saved."
        return _grid(admin.target_rows(s, sid, year)), ""

    ok, result = run_admin(f"{action} targets", work)
    if not ok:
        return no_update, result
    rows, text = result
    return rows, message(text) if text else ""


# Periods --------------------------------------------------------------------------------

def load_period(pick: str | None) -> tuple:
    pid = _int(pick)
    if pid is None:
        return None, None
    ok, p = run_admin("read period", lambda s, u: admin_views.get(s, u, Period, pid))
    return (p.status, p.due_date.isoformat()) if ok and p else (None, None)


def period_action(action: str, pick: str | None, status: str | None, due: str | None,
                  year_text: str | None) -> tuple:
    def work(s: Session, u: Any) -> tuple[str, list]:
        if action == "create":
            try:
                year = parse_year_label(year_text or "")
            except ValueError as exc:
                raise admin.AdminError(str(exc)) from None
            admin.generate_year(s, u, year)
            done = f"The quarters of {year_text} are ready."
        else:
            if _int(pick) is None:
                raise admin.AdminError("Choose a quarter first")
            try:
                due_date = dt.date.fromisoformat(due or "")
            except ValueError:
                raise admin.AdminError("Enter a due date") from None
            admin.update_period(s, u, _int(pick) or 0, status or "", due_date)
            done = "Period saved." + (" Its returns are now locked." if status == "closed" else "")
        return done, admin_views.periods(s, u)

    ok, result = run_admin(f"{action} period", work)
    if not ok:
        return result, no_update, no_update
    done, rows = result
    return message(done), period_table(rows), [{"label": p.label, "value": str(p.id)} for p in rows]


# Users ----------------------------------------------------------------------------------

def _user_outputs(done: Any, rows: list[User]) -> tuple:
    return done, user_table(rows), [{"label": u.email, "value": str(u.id)} for u in rows]


def _days(period: dt.timedelta) -> str:
    days = period.total_seconds() / 86400
    return f"{days:g} day" + ("" if days == 1 else "s")


def invite(email: str | None, role: str | None, provider: str | None) -> tuple:
    def work(s: Session, u: Any) -> tuple[str, list[User]]:
        user, password = admin.invite_user(s, u, email or "", role or "", _int(provider),
                                           one_time_password_lifetime())
        return (f"Invited {user.email}. Give them this one-time password; it works once, within "
                f"{_days(one_time_password_lifetime())}, and must be changed at that sign-in: "
                f"{password}"), admin_views.users(s, u)

    ok, result = run_admin("invite user", work)
    return _user_outputs(message(result[0]), result[1]) if ok else (result, no_update, no_update)


def load_user(pick: str | None) -> tuple:
    uid = _int(pick)
    if uid is None:
        return None, "", True
    ok, user = run_admin("read user", lambda s, u: admin_views.get(s, u, User, uid))
    return (user.role, str(user.provider_id or ""), user.active) if ok and user else (None, "", True)


def user_action(action: str, pick: str | None, role: str | None, provider: str | None,
                active: bool | None) -> tuple:
    uid = _int(pick)

    def work(s: Session, u: Any) -> tuple[str, list[User]]:
        if uid is None:
            raise admin.AdminError("Choose a user first")
        if action == "reset":
            password = admin.reset_password(s, u, uid, one_time_password_lifetime())
            done = ("Password reset; the user's sessions have ended. Give them this one-time "
                    f"password; it works once, within {_days(one_time_password_lifetime())}, and "
                    f"must be changed at that sign-in: {password}")
        else:
            admin.update_user(s, u, uid, role or "", _int(provider), bool(active))
            done = "User saved."
        return done, admin_views.users(s, u)

    ok, result = run_admin(f"{action} user", work)
    return _user_outputs(message(result[0]), result[1]) if ok else (result, no_update, no_update)


# RAG and audit --------------------------------------------------------------------------

def save_rag(green: str | None, amber: str | None,
             threshold: str | None = str(DEFAULT_THRESHOLD)) -> tuple:
    def work(s: Session, u: Any) -> str:
        admin.set_rag(s, u, _number(green, "Green threshold") or 0, _number(amber, "Amber threshold") or 0)
        admin.set_disclosure_threshold(s, u, _number(threshold, "publication threshold"))
        return admin.rag_rule_words(s)

    ok, result = run_admin("save RAG rule", work)
    return (message("RAG rule saved."), result) if ok else (result, no_update)


def audit(user_email: str | None, entity: str | None, since: str | None, until: str | None) -> Any:
    ok, rows = run_admin("read audit log", lambda s, u: admin.audit_log(
        s, u, user_email=user_email or None, entity=None if entity in (None, "", "any") else entity,
        since=_date(since),
        until=_date(until)))
    if not ok:
        return rows
    if not rows:
        return html.P("No changes match these filters.", className="empty-state")
    return data_table(f"Latest {len(rows)} changes", ["When", "Who", "Action", "Record", "Before", "After"],
                      [[format_datetime(r.at), r.user, r.action, r.record, r.before[:300],
                        r.after[:300]] for r in rows], table_id="adm-audit-table")


def register(app: Dash) -> None:
    cb = app.callback
    cb(Output(ids.ADM_PROV_NAME, "value"), Output(ids.ADM_PROV_ACTIVE, "value"),
       Input(ids.ADM_PROV_PICK, "value"), prevent_initial_call=True)(load_provider)
    cb(Output(ids.ADM_PROV_MSG, "children"), Output(ids.ADM_PROV_LIST, "children"),
       Output(ids.ADM_PROV_PICK, "options"), Input(ids.ADM_PROV_SAVE, "n_clicks"),
       State(ids.ADM_PROV_PICK, "value"), State(ids.ADM_PROV_NAME, "value"),
       State(ids.ADM_PROV_ACTIVE, "value"), prevent_initial_call=True)(
        lambda _n, *a: save_provider(*a))
    service_fields = [ids.ADM_SVC_NAME, ids.ADM_SVC_PRIORITY, ids.ADM_SVC_WORKSTREAM,
                      ids.ADM_SVC_PROVIDER, ids.ADM_SVC_START, ids.ADM_SVC_END, ids.ADM_SVC_VALUE,
                      ids.ADM_SVC_DESC]
    cb(*[Output(f, "value") for f in service_fields], Output(ids.ADM_SVC_ACTIVE, "value"),
       Input(ids.ADM_SVC_PICK, "value"), prevent_initial_call=True)(load_service)
    cb(Output(ids.ADM_SVC_MSG, "children"), Output(ids.ADM_SVC_LIST, "children"),
       Output(ids.ADM_SVC_PICK, "options"), Output(ids.ADM_MET_SERVICE, "options"),
       Output(ids.ADM_TGT_SERVICE, "options"), Input(ids.ADM_SVC_SAVE, "n_clicks"),
       State(ids.ADM_SVC_PICK, "value"), *[State(f, "value") for f in service_fields],
       State(ids.ADM_SVC_ACTIVE, "value"), prevent_initial_call=True)(
        lambda _n, *a: save_service(*a))
    cb(Output(ids.ADM_MET_LIST, "children"), Output(ids.ADM_MET_PICK, "options"),
       Input(ids.ADM_MET_SERVICE, "value"))(list_metrics)
    metric_fields = [ids.ADM_MET_NAME, ids.ADM_MET_KIND, ids.ADM_MET_UNIT, ids.ADM_MET_HIGHER,
                     ids.ADM_MET_HEADLINE, ids.ADM_MET_CATS, ids.ADM_MET_BASE,
                     ids.ADM_MET_BASE_PERIOD, ids.ADM_MET_BASE_SOURCE, ids.ADM_MET_ORDER]
    cb(*[Output(f, "value") for f in metric_fields], Input(ids.ADM_MET_PICK, "value"),
       prevent_initial_call=True)(load_metric)
    metric_buttons = {ids.ADM_MET_SAVE: "save", ids.ADM_MET_RETIRE: "retire",
                      ids.ADM_MET_RESTORE: "restore", ids.ADM_MET_DELETE: "delete"}
    cb(Output(ids.ADM_MET_MSG, "children"), Output(ids.ADM_MET_LIST, "children", allow_duplicate=True),
       Output(ids.ADM_MET_PICK, "options", allow_duplicate=True),
       *[Input(b, "n_clicks") for b in metric_buttons], State(ids.ADM_MET_SERVICE, "value"),
       State(ids.ADM_MET_PICK, "value"), *[State(f, "value") for f in metric_fields],
       prevent_initial_call=True)(
        lambda _a, _b, _c, _d, *a: metric_action(metric_buttons[ctx.triggered_id], *a))
    target_triggers = {ids.ADM_TGT_SPLIT: "split", ids.ADM_TGT_COPY: "copy", ids.ADM_TGT_SAVE: "save"}
    cb(Output(ids.ADM_TGT_GRID, "rowData"), Output(ids.ADM_TGT_MSG, "children"),
       Input(ids.ADM_TGT_SERVICE, "value"), Input(ids.ADM_TGT_YEAR, "value"),
       *[Input(b, "n_clicks") for b in target_triggers], State(ids.ADM_TGT_GRID, "rowData"))(
        lambda service, year, _a, _b, _c, grid: target_action(
            target_triggers.get(ctx.triggered_id, "load"), service, year, grid))
    cb(Output(ids.ADM_PER_STATUS, "value"), Output(ids.ADM_PER_DUE, "value"),
       Input(ids.ADM_PER_PICK, "value"), prevent_initial_call=True)(load_period)
    cb(Output(ids.ADM_PER_MSG, "children"), Output(ids.ADM_PER_LIST, "children"),
       Output(ids.ADM_PER_PICK, "options"), Input(ids.ADM_PER_SAVE, "n_clicks"),
       Input(ids.ADM_PER_CREATE, "n_clicks"), State(ids.ADM_PER_PICK, "value"),
       State(ids.ADM_PER_STATUS, "value"), State(ids.ADM_PER_DUE, "value"),
       State(ids.ADM_PER_YEAR, "value"), prevent_initial_call=True)(
        lambda _s, _c, *a: period_action("create" if ctx.triggered_id == ids.ADM_PER_CREATE
                                         else "save", *a))
    cb(Output(ids.ADM_USR_MSG, "children"), Output(ids.ADM_USR_LIST, "children"),
       Output(ids.ADM_USR_PICK, "options"), Input(ids.ADM_USR_INVITE, "n_clicks"),
       State(ids.ADM_USR_EMAIL, "value"), State(ids.ADM_USR_ROLE, "value"),
       State(ids.ADM_USR_PROVIDER, "value"), prevent_initial_call=True)(lambda _n, *a: invite(*a))
    cb(Output(ids.ADM_USR_EDIT_ROLE, "value"), Output(ids.ADM_USR_EDIT_PROVIDER, "value"),
       Output(ids.ADM_USR_ACTIVE, "value"), Input(ids.ADM_USR_PICK, "value"),
       prevent_initial_call=True)(load_user)
    cb(Output(ids.ADM_USR_MSG, "children", allow_duplicate=True),
       Output(ids.ADM_USR_LIST, "children", allow_duplicate=True),
       Output(ids.ADM_USR_PICK, "options", allow_duplicate=True),
       Input(ids.ADM_USR_SAVE, "n_clicks"), Input(ids.ADM_USR_RESET, "n_clicks"),
       State(ids.ADM_USR_PICK, "value"), State(ids.ADM_USR_EDIT_ROLE, "value"),
       State(ids.ADM_USR_EDIT_PROVIDER, "value"), State(ids.ADM_USR_ACTIVE, "value"),
       prevent_initial_call=True)(
        lambda _s, _r, *a: user_action("reset" if ctx.triggered_id == ids.ADM_USR_RESET
                                       else "save", *a))
    cb(Output(ids.ADM_RAG_MSG, "children"), Output(ids.ADM_RAG_RULE, "children"),
       Input(ids.ADM_RAG_SAVE, "n_clicks"), State(ids.ADM_RAG_GREEN, "value"),
       State(ids.ADM_RAG_AMBER, "value"), State(ids.ADM_PUB_THRESHOLD, "value"),
       prevent_initial_call=True)(lambda _n, *a: save_rag(*a))
    cb(Output(ids.ADM_AUD_LIST, "children"), Input(ids.ADM_AUD_USER, "value"),
       Input(ids.ADM_AUD_ENTITY, "value"), Input(ids.ADM_AUD_FROM, "value"),
       Input(ids.ADM_AUD_TO, "value"))(audit)
