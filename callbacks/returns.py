"""Return form and review queue callbacks. Ids from the browser are re-checked on the server."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import Any

from dash import ALL, MATCH, Dash, Input, Output, State, ctx, dcc, html, no_update
from sqlalchemy.orm.exc import StaleDataError

from callbacks.common import require_user, transaction
from dash_app.database import sessions
from layouts import ids
from layouts.return_form import field_href
from layouts.review import queue_list
from models.access import AccessRefused, may_review, record_id
from models.returns.store import (
    CONFLICT_MESSAGE,
    ReturnConflict,
    find_return_id,
    review_queue,
    review_return,
    save_return,
)
from models.rules.validation import RawReturn
from models.rules.workflow import WorkflowError
from models.store.audit import record_refusal


def whole(value: object) -> int:
    """An id or version from the browser: a whole number in range, or ValueError (never a
    500). See models.access.record_id."""
    return record_id(value)


def error_summary(title: str, items: list[tuple[str, str]], cat_metric: dict[int, int],
                  css: str = "error-summary") -> html.Div:
    """GOV.UK error summary: each message links to its field."""
    return html.Div([
        html.H2(title, className="h5"),
        html.Ul([html.Li(html.A(message, href=field_href(key, cat_metric)))
                 for key, message in items], className="list-unstyled mb-0"),
    ], className=css, role="alert", tabIndex="-1")


def message_box(text: str, css: str = "error-summary") -> html.Div:
    return html.Div([html.H2("There is a problem" if "error" in css else text, className="h5"),
                     html.P(text) if "error" in css else None], className=css, role="alert")


@dataclass
class FormState:
    """What the browser sent: values with their pattern-matching ids."""

    counts: list[tuple[dict, str | None]]
    numerators: list[tuple[dict, str | None]]
    denominators: list[tuple[dict, str | None]]
    categories: list[tuple[dict, str | None]]
    texts: list[tuple[dict, str | None]]

    def raw(self) -> RawReturn:
        return RawReturn(
            counts={i["metric"]: v for i, v in self.counts},
            numerators={i["metric"]: v for i, v in self.numerators},
            denominators={i["metric"]: v for i, v in self.denominators},
            categories={i["category"]: v for i, v in self.categories},
            narrative={i["field"]: v for i, v in self.texts},
        )

    def cat_metric(self) -> dict[int, int]:
        return {i["category"]: i["metric"] for i, _ in self.categories}


def _key_of(component_id: dict) -> str:
    kind = component_id["type"]
    if kind == ids.COUNT:
        return f"count-{component_id['metric']}"
    if kind == ids.NUM:
        return f"num-{component_id['metric']}"
    if kind == ids.DEN:
        return f"den-{component_id['metric']}"
    if kind == ids.CAT:
        return f"cat-{component_id['category']}"
    return component_id["field"]


def handle_save(action: str, form: FormState, error_ids: list[dict], context: dict | None,
                version: int | None, confirmed: bool) -> dict:
    """Save a draft or submit. Returns the new state of the page's outputs as a dict."""
    errors_out = {"summary": None, "errors": ["" for _ in error_ids],
                  "invalid": {name: [False] * len(getattr(form, name))
                              for name in ("counts", "numerators", "denominators", "categories",
                                           "texts")},
                  "version": no_update, "status": "", "locked": False}
    try:
        user = require_user()
        service_id, period_id = whole(context["service"]), whole(context["period"])
        expected = whole(version or 0)
    except AccessRefused as exc:
        errors_out["summary"] = message_box(str(exc))
        return errors_out
    except (TypeError, KeyError, ValueError):
        errors_out["summary"] = message_box("This page is out of date. Reload it and try again.")
        return errors_out
    try:
        with transaction() as session:
            result = save_return(session, user, service_id, period_id, form.raw(), expected,
                                 submit=action == "submit", confirmed=bool(confirmed))
    except AccessRefused as exc:
        record_refusal(sessions(), user.id, f"{action} return for service {service_id}, "
                       f"period {period_id}", exc.entity, exc.entity_id)
        errors_out["summary"] = message_box(str(exc))
        return errors_out
    except (ReturnConflict, StaleDataError):
        errors_out["summary"] = message_box(CONFLICT_MESSAGE)
        return errors_out
    except WorkflowError as exc:
        errors_out["summary"] = message_box(str(exc))
        return errors_out
    validation = result.validation
    cat_metric = form.cat_metric()
    messages = validation.errors or (validation.warnings if result.needs_confirmation else {})
    errors_out["errors"] = [messages.get(i["field"], "") for i in error_ids]
    for name in errors_out["invalid"]:
        errors_out["invalid"][name] = [_key_of(i) in validation.errors for i, _ in getattr(form, name)]
    if validation.errors:
        errors_out["summary"] = error_summary("There is a problem",
                                              list(validation.errors.items()), cat_metric)
    elif result.needs_confirmation:
        errors_out["summary"] = error_summary(
            "Check these figures before you submit: tick the box below the narrative to confirm "
            "they are right, or explain them",
            list(validation.warnings.items()), cat_metric, css="warning-summary")
    else:
        errors_out["version"] = result.version
        when = dt.datetime.now().strftime("%H:%M")
        if result.status == "submitted":
            errors_out["status"] = html.Div(
                [html.H2("Return submitted", className="h5"),
                 html.P("The lead officer will review it. You can see its status on the returns page.")],
                className="success-panel", id="rv-submitted")
            errors_out["locked"] = True
        else:
            errors_out["status"] = html.P(f"Draft saved at {when}.", className="success-text",
                                          id="rv-saved")
    return errors_out


def handle_review(action: str, return_id: int, comment: str | None, version: int | None) -> tuple:
    """Approve, return or reopen a return as the signed-in admin: (message, refreshed queue)."""
    try:
        user = require_user()
    except AccessRefused as exc:
        return message_box(str(exc)), no_update
    try:
        return_id, expected = whole(return_id), whole(version or 0)
    except (TypeError, ValueError):
        return message_box("This page is out of date. Reload it and try again."), no_update
    try:
        with transaction() as session:
            ret = review_return(session, user, return_id, action, comment or "", expected)
            done = {"approve": "approved", "return": "returned to the provider",
                    "reopen": "reopened"}[action]
            text = f"Return {ret.id} {done}."
        with transaction() as session:
            items = review_queue(session, user) if may_review(user) else []
    except AccessRefused as exc:
        record_refusal(sessions(), user.id, f"{action} return {return_id}", "return", return_id)
        return message_box(str(exc)), no_update
    except (ReturnConflict, StaleDataError):
        return message_box(CONFLICT_MESSAGE), no_update
    except WorkflowError as exc:
        return message_box(str(exc)), no_update
    return html.P(text, className="success-text", id="rq-done"), queue_list(items)


def handle_upload(contents: str | None, filename: str | None, context: dict | None,
                  version: int | None) -> object:
    """Fill a draft from an uploaded Excel template: all of it, or nothing."""
    if not contents:
        return no_update
    if not isinstance(contents, str):
        return message_box("The file could not be read; try uploading it again.")
    if not isinstance(filename, str):
        filename = None
    try:
        user = require_user()
        service_id, period_id = whole(context["service"]), whole(context["period"])
        expected = whole(version or 0)
    except AccessRefused as exc:
        return message_box(str(exc))
    except (TypeError, KeyError, ValueError):
        return message_box("This page is out of date. Reload it and try again.")
    # openpyxl is imported on first upload, not when a worker starts.
    from exports.return_template import TemplateError, read_template

    try:
        data = base64.b64decode(contents.split(",", 1)[-1], validate=False)
        template = read_template(data)
        if (template.service_id, template.period_id) != (service_id, period_id):
            raise TemplateError("This template is for a different service or quarter from this "
                                "return; download the template from this page.")
        with transaction() as session:
            result = save_return(session, user, service_id, period_id, template.raw,
                                 expected, submit=False)
    except TemplateError as exc:
        return message_box(str(exc))
    except binascii.Error:
        return message_box("The file could not be read; try uploading it again.")
    except AccessRefused as exc:
        record_refusal(sessions(), user.id, f"upload template for service {service_id}",
                       exc.entity, exc.entity_id)
        return message_box(str(exc))
    except (ReturnConflict, StaleDataError):
        return message_box(CONFLICT_MESSAGE)
    except WorkflowError as exc:
        return message_box(str(exc))
    if not result.saved:
        problems = template.located(result.validation.errors)
        return html.Div([
            html.H2(f"There is a problem with {filename or 'the file'}: nothing was saved",
                    className="h5"),
            html.Ul([html.Li(p) for p in problems], id="rv-upload-errors"),
        ], className="error-summary", role="alert")
    return html.Div([
        html.P("The draft was filled from your template.", className="success-text",
               id="rv-upload-saved"),
        dcc.Link("Reload the return to see and check the figures", href="/returns/edit?service="
                 f"{service_id}&period={period_id}", refresh=True),
    ])


def handle_reopen(reason: str | None, context: dict | None, version: int | None) -> object:
    try:
        user = require_user()
    except AccessRefused as exc:
        return message_box(str(exc))
    try:
        service_id, period_id = whole(context["service"]), whole(context["period"])
        with transaction() as session:
            return_id = find_return_id(session, user, service_id, period_id)
    except (TypeError, KeyError, ValueError):
        return message_box("This page is out of date. Reload it and try again.")
    except AccessRefused as exc:
        record_refusal(sessions(), user.id, "reopen return", exc.entity, exc.entity_id)
        return message_box(str(exc))
    if return_id is None:
        return message_box("There is no return to reopen.")
    message, _ = handle_review("reopen", return_id, reason, version)
    return message


def _pairs(values: list, id_list: list) -> list[tuple[dict, str | None]]:
    return list(zip(id_list, values, strict=True))


def register(app: Dash) -> None:
    form_states = []
    for kind in (ids.COUNT, ids.NUM, ids.DEN):
        form_states += [State({"type": kind, "metric": ALL}, "value"),
                        State({"type": kind, "metric": ALL}, "id")]
    form_states += [State({"type": ids.CAT, "metric": ALL, "category": ALL}, "value"),
                    State({"type": ids.CAT, "metric": ALL, "category": ALL}, "id"),
                    State({"type": ids.TEXT, "field": ALL}, "value"),
                    State({"type": ids.TEXT, "field": ALL}, "id")]

    @app.callback(
        Output(ids.RV_SUMMARY, "children"),
        Output({"type": ids.FIELD_ERROR, "field": ALL}, "children"),
        Output({"type": ids.COUNT, "metric": ALL}, "invalid"),
        Output({"type": ids.NUM, "metric": ALL}, "invalid"),
        Output({"type": ids.DEN, "metric": ALL}, "invalid"),
        Output({"type": ids.CAT, "metric": ALL, "category": ALL}, "invalid"),
        Output({"type": ids.TEXT, "field": ALL}, "invalid"),
        Output(ids.RV_VERSION, "data"),
        Output(ids.RV_STATUS, "children"),
        Output(ids.RV_SAVE, "disabled"),
        Output(ids.RV_SUBMIT, "disabled"),
        Input(ids.RV_SAVE, "n_clicks"),
        Input(ids.RV_SUBMIT, "n_clicks"),
        *form_states,
        State({"type": ids.FIELD_ERROR, "field": ALL}, "id"),
        State(ids.RV_CONTEXT, "data"),
        State(ids.RV_VERSION, "data"),
        State(ids.RV_CONFIRM, "value"),
        prevent_initial_call=True,
    )
    def _save(_save_clicks: int | None, _submit_clicks: int | None, *states: Any) -> tuple:
        cv, ci, nv, ni, dv, di, catv, cati, tv, ti, error_ids, context, version, confirmed = states
        action = "submit" if ctx.triggered_id == ids.RV_SUBMIT else "save"
        form = FormState(_pairs(cv, ci), _pairs(nv, ni), _pairs(dv, di), _pairs(catv, cati),
                         _pairs(tv, ti))
        out = handle_save(action, form, error_ids, context, version, confirmed)
        inv = out["invalid"]
        return (out["summary"], out["errors"], inv["counts"], inv["numerators"],
                inv["denominators"], inv["categories"], inv["texts"], out["version"],
                out["status"], out["locked"], out["locked"])

    @app.callback(
        Output(ids.RQ_MESSAGE, "children"),
        Output(ids.RQ_LIST, "children"),
        Input({"type": ids.RQ_APPROVE, "return": ALL}, "n_clicks"),
        Input({"type": ids.RQ_RETURN, "return": ALL}, "n_clicks"),
        State({"type": ids.RQ_COMMENT, "return": ALL}, "value"),
        State({"type": ids.RQ_COMMENT, "return": ALL}, "id"),
        State({"type": ids.RQ_VERSION, "return": ALL}, "data"),
        State({"type": ids.RQ_VERSION, "return": ALL}, "id"),
        prevent_initial_call=True,
    )
    def _review(approvals: list, returns: list, comments: list, comment_ids: list,
                versions: list, version_ids: list) -> tuple:
        trigger = ctx.triggered_id
        if not trigger or not any((approvals or []) + (returns or [])):
            return no_update, no_update
        return_id = trigger["return"]
        comment = dict(zip([i["return"] for i in comment_ids], comments, strict=True)).get(return_id)
        version = dict(zip([i["return"] for i in version_ids], versions, strict=True)).get(return_id)
        action = "approve" if trigger["type"] == ids.RQ_APPROVE else "return"
        return handle_review(action, return_id, comment, version)

    @app.callback(
        Output(ids.RV_STATUS, "children", allow_duplicate=True),
        Input(ids.RV_REOPEN, "n_clicks"),
        State(ids.RV_REOPEN_REASON, "value"),
        State(ids.RV_CONTEXT, "data"),
        State(ids.RV_VERSION, "data"),
        prevent_initial_call=True,
    )
    def _reopen(_clicks: int | None, reason: str | None, context: dict | None,
                version: int | None) -> object:
        return handle_reopen(reason, context, version)

    @app.callback(
        Output(ids.RV_UPLOAD_RESULT, "children"),
        Input(ids.RV_UPLOAD, "contents"),
        State(ids.RV_UPLOAD, "filename"),
        State(ids.RV_CONTEXT, "data"),
        State(ids.RV_VERSION, "data"),
        prevent_initial_call=True,
    )
    def _upload(contents: str | None, filename: str | None, context: dict | None,
                version: int | None) -> object:
        return handle_upload(contents, filename, context, version)

    # GOV.UK pattern: move focus to the error summary when it appears, so keyboard and
    # screen reader users land on the list of problems.
    app.clientside_callback(
        """function(children) {
            if (children) {
                setTimeout(function() {
                    const box = document.querySelector('#rv-summary [role=alert]');
                    if (box) { box.focus(); box.scrollIntoView({block: 'start'}); }
                }, 0);
            }
        }""",
        Input(ids.RV_SUMMARY, "children"),
        prevent_initial_call=True,
    )

    # Live feedback computed in the browser: no data leaves it, nothing to authorise.
    app.clientside_callback(
        """function(num, den) {
            const n = parseInt(num, 10), d = parseInt(den, 10);
            if (!/^\\s*\\d+\\s*$/.test(num || "") || !/^\\s*\\d+\\s*$/.test(den || "") || d === 0) {
                return "";
            }
            return Math.round(100 * n / d) + "% improved (" + n + " of " + d + ")";
        }""",
        Output({"type": ids.PCT, "metric": MATCH}, "children"),
        Input({"type": ids.NUM, "metric": MATCH}, "value"),
        Input({"type": ids.DEN, "metric": MATCH}, "value"),
    )
    app.clientside_callback(
        """function(parts, total) {
            let sum = 0;
            for (const p of parts) { const v = parseInt(p, 10); if (!isNaN(v)) { sum += v; } }
            const t = parseInt(total, 10);
            if (isNaN(t)) { return "Categories add up to " + sum + "."; }
            const diff = t - sum;
            const left = diff === 0 ? " They match the number." :
                (diff > 0 ? " " + diff + " still to allocate." : " That is " + (-diff) + " too many.");
            return "Categories add up to " + sum + " of " + t + "." + left;
        }""",
        Output({"type": ids.SUM, "metric": MATCH}, "children"),
        Input({"type": ids.CAT, "metric": MATCH, "category": ALL}, "value"),
        Input({"type": ids.COUNT, "metric": MATCH}, "value"),
    )
