"""Return form and review queue callbacks. Each reads what the browser sent into a checked
request and runs its work through `run_return`, the one guard they share (both in
callbacks/return_requests.py), then shapes the answer."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any
from urllib.parse import quote

from dash import ALL, MATCH, ClientsideFunction, Dash, Input, Output, State, ctx, html, no_update
from sqlalchemy.orm import Session

from callbacks.common import today
from callbacks.return_requests import (
    INPUT_KINDS,
    INPUT_PATTERNS,
    SAVE_STATES,
    SIGNED_OUT,
    UNREACHABLE,
    QueueFilter,
    Refused,
    ReturnForm,
    ReturnPage,
    ReviewRequest,
    SentForm,
    TemplateUpload,
    read_form,
    run_return,
)
from dash_app.auth import SignedInUser, answers_signed_out
from layouts import ids
from layouts.return_form import field_href, field_of_input
from layouts.review import ALL as ALL_CHOICE
from layouts.review import queue_list
from models.access import record_id
from models.returns.lists import QueueItem, return_title, review_queue, waiting_count
from models.returns.queries import find_return, find_return_id, form_texts
from models.returns.saving import SaveResult, review_return, save_return
from models.rules.formats import format_time
from models.rules.validation import FieldKey, FieldKind


def message_box(text: str, css: str = "error-summary") -> html.Div:
    return html.Div([html.H2("There is a problem" if "error" in css else text, className="h5"),
                     html.P(text) if "error" in css else None], className=css, role="alert")


def error_summary(title: str, items: list[tuple[FieldKey, str]], category_metric: dict[int, int],
                  css: str = "error-summary") -> html.Div:
    """GOV.UK error summary: each message links to its field."""
    return html.Div([
        html.H2(title, className="h5"),
        html.Ul([html.Li(html.A(message, href=field_href(key, category_metric)))
                 for key, message in items], className="list-unstyled mb-0"),
    ], className=css, role="alert", tabIndex="-1")


NOT_SAVED = {
    SIGNED_OUT: "You have been signed out, so your return was not saved.",
    UNREACHABLE: ("Your return was not saved because the database could not be reached. "
                  "Your figures are still on this page: try again in a minute."),
}


def return_path(context: object) -> str:
    """This return's page, from the page's own store; the returns list when it names none."""
    try:
        page = ReturnPage.read("save", context, 0)
    except (TypeError, KeyError, ValueError):
        return "/returns"
    return f"/returns/edit?service={page.service_id}&period={page.period_id}"


def not_saved_box(refused: Refused, context: object) -> html.Div:
    """Why nothing was saved when the request was never weighed, and what to do. Signed out:
    a sign-in link that comes back to this return. It opens a new tab, so that the figures
    typed in this one survive: once signed in there, Save here works again."""
    body: list = [html.P(NOT_SAVED.get(refused.why or "", refused.message))]
    if refused.why == SIGNED_OUT:
        body.append(html.P([
            html.A("Sign in again (opens in a new tab)",
                   href="/login?next=" + quote(return_path(context), safe="/"),
                   target="_blank", rel="noopener", id="rv-sign-in-again"),
            ", then come back to this tab and save: your figures are still here.",
        ]))
    return html.Div([html.H2("Not saved", className="h5"), *body],
                    className="error-summary", role="alert", id="rv-not-saved")


# Saving and submitting ------------------------------------------------------------------

def handle_save(action: str, sent: SentForm) -> dict:
    """Save a draft or submit. Returns the new state of the page's outputs as a dict."""
    out = _cleared(sent)
    result = run_return(lambda: read_form(action, sent), _save_form)
    if isinstance(result, Refused) and result.why is not None:
        # Beside the button pressed; the typed figures stay in the form (none is an output).
        out["status"] = not_saved_box(result, sent.context)
        return out
    if isinstance(result, Refused):
        out["summary"] = message_box(result.message)
        return out
    form, saved = result
    validation = saved.validation
    messages = validation.errors or (validation.warnings if saved.needs_confirmation else {})
    out["errors"] = [messages.get(key, "") for key in form.error_slots]
    out["invalid"] = {kind: [key in validation.errors for key, _ in form.inputs[kind]]
                      for kind in INPUT_KINDS}
    if validation.errors:
        out["summary"] = error_summary("There is a problem", list(validation.errors.items()),
                                       form.category_metric)
    elif saved.needs_confirmation:
        out["summary"] = error_summary(
            "Check these figures before you submit: tick the box below the narrative to confirm "
            "they are right, or explain them",
            list(validation.warnings.items()), form.category_metric, css="warning-summary")
    else:
        out["version"] = saved.version
        # Submit stays off until the quarter ends (the reason is already beside it).
        out["submit_locked"] = bool(saved.submit_not_yet)
        if saved.status == "submitted":
            out["status"] = html.Div(
                [html.H2("Return submitted", className="h5"),
                 html.P("The lead officer will review it. You can see its status on the returns page.")],
                className="success-panel", id="rv-submitted")
            out["locked"] = out["submit_locked"] = True
        else:
            out["status"] = html.P(f"Draft saved at {format_time(dt.datetime.now())}.",
                                   className="success-text", id="rv-saved")
    return out


def _cleared(sent: SentForm) -> dict:
    """The outputs with nothing marked: every error slot empty, no input invalid."""
    def blank(items: object, fill: object) -> object:
        # As many as the page has (Dash refuses any other length), or no change at all.
        return [fill] * len(items) if isinstance(items, list | tuple) else no_update

    return {"summary": None, "errors": blank(sent.error_slots, ""),
            "invalid": {kind: blank(sent.inputs.get(kind, ([], []))[1], False) for kind in INPUT_KINDS},
            "version": no_update, "status": "", "locked": False, "submit_locked": no_update}


def _save_form(session: Session, user: SignedInUser, form: ReturnForm) -> tuple[ReturnForm, SaveResult]:
    page = form.page
    return form, save_return(session, user, page.service_id, page.period_id, form.raw(), page.version,
                             submit=page.action == "submit", confirmed=form.confirmed,
                             today=today())


# Uploading the Excel template -----------------------------------------------------------

UPLOADED = "The draft was filled from your template. The figures below are the ones saved: check them."


def handle_upload(contents: object, filename: object, context: object, version: object,
                  field_ids: dict[FieldKind, list] | None = None) -> dict:
    """Fill a draft from an uploaded Excel template: all of it, or nothing. The answer is a
    dict of the callback's outputs: the message; and, once saved, every input of the form
    (`field_ids`, by kind, in page order) with the figure now saved, and the new version, so
    that the page shows what was saved and its next Save is not refused as someone else's
    change."""
    out: dict[str, Any] = {"message": no_update, "values": dict.fromkeys(INPUT_KINDS, no_update),
                           "version": no_update}
    if not contents:
        return out
    if not isinstance(contents, str):
        out["message"] = message_box("The file could not be read; try uploading it again.")
        return out
    from exports.return_template import TemplateError, check_file_name, read_template

    def read() -> TemplateUpload:
        page = ReturnPage.read("upload", context, version)
        check_file_name(filename)
        try:
            data = base64.b64decode(contents.split(",", 1)[-1], validate=False)
        except binascii.Error:
            raise TemplateError("The file could not be read; try uploading it again.") from None
        template = read_template(data)
        if (template.service_id, template.period_id) != (page.service_id, page.period_id):
            raise TemplateError("This template is for a different service or quarter from this "
                                "return; download the template from this page.")
        return TemplateUpload(page, template)

    def save(session: Session, user: SignedInUser, upload: TemplateUpload
             ) -> tuple[TemplateUpload, SaveResult, dict[FieldKey, str]]:
        page = upload.page
        saved = save_return(session, user, page.service_id, page.period_id, upload.template.raw,
                            page.version, submit=False, today=today())
        ret = find_return(session, page.service_id, page.period_id) if saved.saved else None
        return upload, saved, form_texts(ret) if ret is not None else {}

    result = run_return(read, save, shown=(TemplateError,))
    if isinstance(result, Refused):
        out["message"] = (not_saved_box(result, context) if result.why is not None
                          else message_box(result.message))
        return out
    upload, saved, texts = result
    if not saved.saved:
        name = filename if isinstance(filename, str) and filename else "the file"
        out["message"] = html.Div([
            html.H2(f"There is a problem with {name}: nothing was saved", className="h5"),
            html.Ul([html.Li(p) for p in upload.template.located(saved.validation.errors)],
                    id="rv-upload-errors"),
        ], className="error-summary", role="alert")
        return out
    out["message"] = html.P(UPLOADED, className="success-text", id="rv-upload-saved")
    out["version"] = saved.version
    if field_ids is not None:
        out["values"] = {kind: _saved_values(kind, field_ids.get(kind), texts) for kind in INPUT_KINDS}
    return out


def _saved_values(kind: FieldKind, component_ids: object, texts: dict[FieldKey, str]) -> object:
    """Each input's saved text, in the page's order; a field saved blank is blank. A list the
    page did not draw (ids this app never writes) is left alone."""
    if not isinstance(component_ids, list):
        return no_update
    try:
        keys = [field_of_input(component_id, kind)[0] for component_id in component_ids]
    except (TypeError, ValueError):
        return no_update
    return [texts.get(key, "") for key in keys]


# Reviewing -------------------------------------------------------------------------------

REVIEWED = {"approve": "Approved: {}", "return": "Returned to the provider: {}",
            "reopen": "{} is reopened and back with the provider."}


def handle_review(action: str, return_id: object, comment: object, version: object) -> tuple:
    """Approve, return or reopen a return as the signed-in admin: (the message, naming the
    service and quarter; whether it was done)."""
    def read() -> ReviewRequest:
        return ReviewRequest(action, record_id(return_id), record_id(version or 0),
                             comment if isinstance(comment, str) else "")

    def review(session: Session, user: SignedInUser, asked: ReviewRequest) -> str:
        ret = review_return(session, user, asked.return_id, action, asked.comment, asked.version,
                            today=today())
        return REVIEWED[action].format(return_title(session, ret))

    done = run_return(read, review)
    if isinstance(done, Refused):
        return message_box(done.message), False
    return html.P(done, className="success-text mb-0", id="rq-done"), True


def handle_queue(provider: object, period: object) -> list:
    """The queue for the chosen provider and quarter ("all" for every one)."""
    def read() -> QueueFilter:
        return QueueFilter(None if provider in (None, ALL_CHOICE) else record_id(provider),
                           None if period in (None, ALL_CHOICE) else record_id(period))

    def queue(session: Session, user: SignedInUser, asked: QueueFilter) -> list[QueueItem]:
        return review_queue(session, user, provider_id=asked.provider_id,
                            period_id=asked.period_id, today=today())

    items = run_return(read, queue)
    return [message_box(items.message)] if isinstance(items, Refused) else queue_list(items)


def waiting_words(count: int) -> str:
    return f"{count} waiting" if count else ""


def handle_reopen(reason: object, context: object, version: object) -> object:
    def find(session: Session, user: SignedInUser, page: ReturnPage) -> int | None:
        return find_return_id(session, user, page.service_id, page.period_id)

    found = run_return(lambda: ReturnPage.read("reopen", context, version), find)
    if isinstance(found, Refused):
        return message_box(found.message)
    if found is None:
        return message_box("There is no return to reopen.")
    message, _done = handle_review("reopen", found, reason, version)
    return message


# The callbacks, as Dash calls them --------------------------------------------------------

def save_or_submit(_save_clicks: int | None, _submit_clicks: int | None, *states: Any) -> tuple:
    out = handle_save("submit" if ctx.triggered_id == ids.RV_SUBMIT else "save",
                      SentForm.from_states(states))
    return (out["summary"], out["errors"], *(out["invalid"][kind] for kind in INPUT_KINDS),
            out["version"], out["status"], out["locked"], out["submit_locked"])


def review_from_queue(approvals: object, returns: object, comments: object, comment_ids: object,
                      versions: object, version_ids: object) -> tuple:
    """Approve or return the queue row whose button was pressed; the result shows beside
    its buttons, which (once it is decided) are switched off, and the navigation's count of
    waiting returns is read again. Drawing the queue also triggers this (its new buttons,
    never clicked), which changes nothing."""
    trigger = ctx.triggered_id
    clicks = [n for sent in (approvals, returns) if isinstance(sent, list) for n in sent]
    if not isinstance(trigger, dict) or not any(clicks):
        return no_update, no_update, no_update, no_update, no_update
    row = trigger.get("return")
    action = "approve" if trigger.get("type") == ids.RQ_APPROVE else "return"
    message, done = handle_review(action, row, _row_value(row, comments, comment_ids),
                                  _row_value(row, versions, version_ids))
    rows = [r.get("return") if isinstance(r, dict) else None
            for r in (comment_ids if isinstance(comment_ids, list) else [])]
    results = [message if r == row else no_update for r in rows]
    locked = [True if r == row and done else no_update for r in rows]
    return results, locked, locked, locked, waiting_now() if done else no_update


def waiting_now() -> object:
    """The navigation's count, read again after a decision (one COUNT)."""
    def count(session: Session, user: SignedInUser, _asked: QueueFilter) -> int:
        return waiting_count(session, user)

    counted = run_return(lambda: QueueFilter(None, None), count)
    return no_update if isinstance(counted, Refused) else waiting_words(counted)


def _row_value(return_id: object, values: object, row_ids: object) -> object:
    """What one return's row of the queue sent (its comment, its version); None when the
    lists are not as the page draws them."""
    if isinstance(values, list) and isinstance(row_ids, list) and len(values) == len(row_ids):
        for row_id, value in zip(row_ids, values, strict=True):
            if isinstance(row_id, dict) and row_id.get("return") == return_id:
                return value
    return None


def reopen_from_page(_clicks: int | None, reason: object, context: object, version: object) -> object:
    return handle_reopen(reason, context, version)


def upload_template(contents: object, filename: object, context: object, version: object) -> tuple:
    # The form's inputs are outputs by pattern; Dash names the ones on the page here.
    listed = ctx.outputs_list
    field_ids = {kind: [o.get("id") for o in listed[1 + i] if isinstance(o, dict)]
                 for i, kind in enumerate(INPUT_KINDS)
                 if isinstance(listed, list) and len(listed) > 1 + i and isinstance(listed[1 + i], list)}
    out = handle_upload(contents, filename, context, version, field_ids)

    def each(kind: FieldKind) -> object:
        # Dash takes a pattern's outputs as a list only, "no change" included.
        value = out["values"][kind]
        return [no_update] * len(field_ids.get(kind, [])) if value is no_update else value

    return (out["message"], *(each(kind) for kind in INPUT_KINDS), out["version"])


# The upload's dependencies: its message, every input of the form and the version (so the
# page shows what was saved, at the version saved), from the file and the page's stores.
UPLOAD_OUTPUTS = [
    Output(ids.RV_UPLOAD_RESULT, "children"),
    *[Output(INPUT_PATTERNS[kind], "value") for kind in INPUT_KINDS],
    Output(ids.RV_VERSION, "data", allow_duplicate=True),
]
UPLOAD_INPUT = Input(ids.RV_UPLOAD, "contents")
UPLOAD_STATES = [State(ids.RV_UPLOAD, "filename"), State(ids.RV_CONTEXT, "data"),
                 State(ids.RV_VERSION, "data")]


def register(app: Dash) -> None:
    app.callback(
        Output(ids.RV_SUMMARY, "children"),
        Output({"type": ids.FIELD_ERROR, "field": ALL}, "children"),
        *[Output(INPUT_PATTERNS[kind], "invalid") for kind in INPUT_KINDS],
        Output(ids.RV_VERSION, "data"),
        Output(ids.RV_STATUS, "children"),
        Output(ids.RV_SAVE, "disabled"),
        Output(ids.RV_SUBMIT, "disabled"),
        Input(ids.RV_SAVE, "n_clicks"),
        Input(ids.RV_SUBMIT, "n_clicks"),
        *SAVE_STATES,
        prevent_initial_call=True,
    )(save_or_submit)
    app.callback(
        Output({"type": ids.RQ_RESULT, "return": ALL}, "children"),
        Output({"type": ids.RQ_APPROVE, "return": ALL}, "disabled"),
        Output({"type": ids.RQ_RETURN, "return": ALL}, "disabled"),
        Output({"type": ids.RQ_COMMENT, "return": ALL}, "disabled"),
        Output(ids.NAV_WAITING, "children"),
        Input({"type": ids.RQ_APPROVE, "return": ALL}, "n_clicks"),
        Input({"type": ids.RQ_RETURN, "return": ALL}, "n_clicks"),
        State({"type": ids.RQ_COMMENT, "return": ALL}, "value"),
        State({"type": ids.RQ_COMMENT, "return": ALL}, "id"),
        State({"type": ids.RQ_VERSION, "return": ALL}, "data"),
        State({"type": ids.RQ_VERSION, "return": ALL}, "id"),
        prevent_initial_call=True,
    )(review_from_queue)
    app.callback(
        Output(ids.RQ_LIST, "children"),
        Input(ids.RQ_PROVIDER, "value"),
        Input(ids.RQ_PERIOD, "value"),
        prevent_initial_call=True,
    )(handle_queue)
    app.callback(
        Output(ids.RV_STATUS, "children", allow_duplicate=True),
        Input(ids.RV_REOPEN, "n_clicks"),
        State(ids.RV_REOPEN_REASON, "value"),
        State(ids.RV_CONTEXT, "data"),
        State(ids.RV_VERSION, "data"),
        prevent_initial_call=True,
    )(reopen_from_page)
    app.callback(*UPLOAD_OUTPUTS, UPLOAD_INPUT, *UPLOAD_STATES, prevent_initial_call=True)(upload_template)
    # These two answer a signed-out user themselves (each checks the user first, through
    # run_return), with a message and a sign-in link; a refusal by the sign-in guard would
    # reach Dash as an error it cannot show.
    answers_signed_out(app.server, f"{ids.RV_SUMMARY}.children")
    answers_signed_out(app.server, f"{ids.RV_UPLOAD_RESULT}.children")

    # Functions that run in the browser, in assets/returns.js (each says why it runs there).
    app.clientside_callback(
        ClientsideFunction(namespace="returns", function_name="focusErrorSummary"),
        Input(ids.RV_SUMMARY, "children"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="review", function_name="focusResult"),
        Input({"type": ids.RQ_RESULT, "return": ALL}, "children"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="returns", function_name="livePercentage"),
        Output({"type": ids.PCT, "metric": MATCH}, "children"),
        Input({"type": ids.NUM, "metric": MATCH}, "value"),
        Input({"type": ids.DEN, "metric": MATCH}, "value"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="returns", function_name="liveBreakdownSum"),
        Output({"type": ids.SUM, "metric": MATCH}, "children"),
        Input({"type": ids.CAT, "metric": MATCH, "category": ALL}, "value"),
        Input({"type": ids.COUNT, "metric": MATCH}, "value"),
    )
