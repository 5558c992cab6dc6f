"""Return form and review queue callbacks. Each reads what the browser sent into a checked
request and runs its work through `run_return`, the one guard they share (both in
callbacks/return_requests.py), then shapes the answer."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from dash import ALL, MATCH, ClientsideFunction, Dash, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.orm import Session

from callbacks.common import public_url, send_mail, today, view_query
from callbacks.navigation import page_drawn, show, user_acted, view_outputs
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
from dash_app.cache import cached
from layouts import ids
from layouts.paging import clamp_page, page_count, page_of, row_range, turned
from layouts.return_form import (
    FormState,
    error_message,
    field_href,
    field_of_input,
    form_state,
    warning_icon,
    warning_message,
)
from layouts.review import ALL as ALL_CHOICE
from layouts.review import QueueNames, QueueView, count_text, queue_list, queue_pager_text
from models.access import record_id
from models.reporting.slugs import url_slugs
from models.returns.lists import QueueItem, queue_choices, return_title, review_queue_page, waiting_count
from models.returns.queries import find_return, find_return_id, form_texts
from models.returns.saving import SaveResult, review_return, save_return
from models.returns.view import ReturnView, load_return_view
from models.rules.formats import format_time
from models.rules.validation import FieldKey, FieldKind
from notifications import events
from notifications.mail import Email


def message_box(text: str, css: str = "error-summary") -> html.Div:
    return html.Div([html.H2("There is a problem" if "error" in css else text, className="h5"),
                     html.P(text) if "error" in css else None], className=css, role="alert")


def error_summary(items: list[tuple[FieldKey, str]], category_metric: dict[int, int]) -> html.Div:
    """GOV.UK error summary: each message links to its field."""
    return html.Div([
        html.H2("There is a problem", className="h5"),
        _linked(items, category_metric),
    ], className="error-summary", role="alert", tabIndex="-1")


def warning_summary(items: list[tuple[FieldKey, str]], category_metric: dict[int, int]) -> html.Div:
    """The figures to check before submitting, in amber with a "!" (a warning, not an error,
    also without its colour): each links to its field."""
    return html.Div([
        html.H2([warning_icon(), "Check these figures before you submit"], className="h5"),
        html.P("If they are right, tick the box below the narrative to confirm it, or explain "
               "them in the narrative, then submit again."),
        _linked(items, category_metric),
    ], className="warning-summary", role="alert", tabIndex="-1")


def _linked(items: list[tuple[FieldKey, str]], category_metric: dict[int, int]) -> html.Ul:
    return html.Ul([html.Li(html.A(message, href=field_href(key, category_metric)))
                    for key, message in items], className="list-unstyled mb-0")


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
    form, saved, view, emails = result
    send_mail(emails)  # the save is committed: now the lead officers may hear of it
    validation = saved.validation
    # Errors first; the warnings only when they stop a submission (a draft may hold them).
    warnings = validation.warnings if saved.needs_confirmation and not validation.errors else {}
    out["errors"] = [error_message(validation.errors[key]) if key in validation.errors
                     else warning_message(warnings[key]) if key in warnings else ""
                     for key in form.error_slots]
    out["invalid"] = {kind: [key in validation.errors for key, _ in form.inputs[kind]]
                      for kind in INPUT_KINDS}
    if validation.errors:
        out["summary"] = error_summary(list(validation.errors.items()), form.category_metric)
    elif warnings:
        out["summary"] = warning_summary(list(warnings.items()), form.category_metric)
    else:
        out["version"] = saved.version
        if saved.status == "submitted":
            out["status"] = html.Div(
                [html.H2("Return submitted", className="h5"),
                 html.P("The lead officer will review it. You can see its status on the returns page.")],
                className="success-panel", id="rv-submitted", tabIndex="-1")
        else:
            out["status"] = html.P(f"Draft saved at {format_time(dt.datetime.now())}.",
                                   className="success-text", id="rv-saved", tabIndex="-1")
        if view is not None:
            out.update(state_outputs(form_state(view)))
    return out


def state_outputs(state: FormState) -> dict:
    """The page's state outputs, redrawn from the return as it now is: its status (and the
    officer's comment while it is returned) and what may still be changed."""
    return {"status_panel": state.status_lines, "read_only": state.read_only,
            "template_hidden": state.read_only, "locked": state.save_off,
            "submit_locked": state.submit_off}


# The state outputs left as they are (a refusal, or a form with errors changes none).
UNCHANGED_STATE = dict.fromkeys(("status_panel", "read_only", "template_hidden", "submit_locked"),
                                no_update)


def _cleared(sent: SentForm) -> dict:
    """The outputs with nothing marked: every error slot empty, no input invalid."""
    return {"summary": None, "errors": _blank(sent.error_slots, ""),
            "invalid": {kind: _blank(sent.inputs.get(kind, ([], []))[1], False) for kind in INPUT_KINDS},
            "version": no_update, "status": "", **UNCHANGED_STATE, "locked": False}


def _blank(items: object, fill: object) -> object:
    # As many as the page has (Dash refuses any other length), or no change at all.
    return [fill] * len(items) if isinstance(items, list | tuple) else no_update


def _save_form(session: Session, user: SignedInUser, form: ReturnForm
               ) -> tuple[ReturnForm, SaveResult, ReturnView | None, list[Email]]:
    """The save, and once saved the return as it now is, for the page's status; and, once
    submitted, the emails telling the lead officers (sent after the commit)."""
    page = form.page
    submit = page.action == "submit"
    saved = save_return(session, user, page.service_id, page.period_id, form.raw(), page.version,
                        submit=submit, confirmed=form.confirmed, today=today())
    view = (load_return_view(session, user, page.service_id, page.period_id, today())
            if saved.saved else None)
    ret = find_return(session, page.service_id, page.period_id) if saved.saved and submit else None
    emails = events.return_submitted(session, public_url(), ret) if ret is not None else []
    return form, saved, view, emails


# Uploading the Excel template -----------------------------------------------------------

UPLOADED = "The draft was filled from your template. The figures below are the ones saved: check them."


def handle_upload(contents: object, filename: object, context: object, version: object,
                  field_ids: dict[FieldKind, list] | None = None, error_slots: object = None,
                  invalid_ids: dict[FieldKind, list] | None = None) -> dict:
    """Fill a draft from an uploaded Excel template: all of it, or nothing. The answer is a
    dict of the callback's outputs: the message; and, once saved, every input of the form
    (`field_ids`, by kind, in page order) with the figure now saved, and the new version, so
    that the page shows what was saved and its next Save is not refused as someone else's
    change; the status as it now is (a draft); and the marks of an earlier Save cleared (its
    summary, `error_slots` and the inputs marked invalid, `invalid_ids` by kind), as they
    were about figures now replaced."""
    out: dict[str, Any] = {"message": no_update, "values": dict.fromkeys(INPUT_KINDS, no_update),
                           "version": no_update, "summary": no_update, "status_panel": no_update,
                           "errors": no_update, "invalid": dict.fromkeys(INPUT_KINDS, no_update)}
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
             ) -> tuple[TemplateUpload, SaveResult, dict[FieldKey, str], ReturnView | None]:
        page = upload.page
        saved = save_return(session, user, page.service_id, page.period_id, upload.template.raw,
                            page.version, submit=False, today=today())
        if not saved.saved:
            return upload, saved, {}, None
        ret = find_return(session, page.service_id, page.period_id)
        view = load_return_view(session, user, page.service_id, page.period_id, today())
        return upload, saved, form_texts(ret) if ret is not None else {}, view

    result = run_return(read, save, shown=(TemplateError,))
    if isinstance(result, Refused):
        out["message"] = (not_saved_box(result, context) if result.why is not None
                          else message_box(result.message))
        return out
    upload, saved, texts, view = result
    if not saved.saved:
        name = filename if isinstance(filename, str) and filename else "the file"
        out["message"] = html.Div([
            html.H2(f"There is a problem with {name}: nothing was saved", className="h5"),
            html.Ul([html.Li(p) for p in upload.template.located(saved.validation.errors)],
                    id="rv-upload-errors"),
        ], className="error-summary", role="alert")
        return out
    out["message"] = html.P(UPLOADED, className="success-text", id="rv-upload-saved", tabIndex="-1")
    out["version"] = saved.version
    out["summary"] = None
    if view is not None:
        out["status_panel"] = form_state(view).status_lines
    out["errors"] = _blank(error_slots, "")
    out["invalid"] = {kind: _blank((invalid_ids or {}).get(kind), False) for kind in INPUT_KINDS}
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

    def review(session: Session, user: SignedInUser, asked: ReviewRequest) -> tuple[str, list[Email]]:
        ret = review_return(session, user, asked.return_id, action, asked.comment, asked.version,
                            today=today())
        return (REVIEWED[action].format(return_title(session, ret)),
                events.return_decided(session, public_url(), ret, action))

    result = run_return(read, review)
    if isinstance(result, Refused):
        return message_box(result.message), False
    done, emails = result
    send_mail(emails)  # the decision is committed: now its provider may hear of it
    return html.P(done, className="success-text mb-0", id="rq-done"), True


QUEUE_TITLE = "Review queue"  # the page's part of the <title> (the router's too)


def queue_names(session: Session, user: SignedInUser) -> QueueNames:
    """What the queue's filters offer (checks the user is the lead officer), and their words."""
    providers, periods = queue_choices(session, user)
    return QueueNames(providers, periods, cached(session, url_slugs)["provider"])


def queue_page(session: Session, user: SignedInUser, view: QueueView) -> tuple[list[QueueItem], int, QueueView]:
    """The page of the queue `view` names, how many returns its filters keep, and the view
    as shown: a page past the end (the queue has shrunk, an old link) is the last."""
    def read(page: int) -> tuple[list[QueueItem], int]:
        return review_queue_page(session, user, *row_range(page), provider_id=view.provider_id,
                                 period_id=view.period_id, today=today())

    items, shown = read(view.page)
    if not items and view.page > 1 and shown:
        view = replace(view, page=clamp_page(view.page, shown))
        items, shown = read(view.page)
    return items, shown, view


def queue_search(provider: str | None, quarter: str | None, page: int) -> str:
    """?provider=&quarter=&page= for the view, in the filters' words (nothing for the defaults)."""
    query = view_query(provider=provider, quarter=quarter, page=page if page > 1 else None)
    return f"?{query}" if query else ""


def handle_queue(provider: object, period: object, action: object = None,
                 stored: object = None) -> tuple:
    """The queue for the chosen provider and quarter ("all" for every one), at the page
    `action` turns to from the page's store ("previous", "next"; the first page for a
    filter): its returns, the count and the pager in words, the store and the view record
    (the URL follows: callbacks/navigation.py)."""
    def read() -> QueueFilter:
        return QueueFilter(_queue_word(provider), _queue_word(period))

    def queue(session: Session, user: SignedInUser, asked: QueueFilter) -> tuple:
        names = queue_names(session, user)
        page = turned(page_of(stored.get("page") if isinstance(stored, dict) else None), action)
        return *queue_page(session, user, names.view(asked.provider, asked.quarter, page)), names

    found = run_return(read, queue)
    if isinstance(found, Refused):
        return ([message_box(found.message)], found.message, no_update, no_update, no_update,
                no_update, no_update)
    items, shown, view, names = found
    search = queue_search(names.provider_value(view.provider_id), names.period_value(view.period_id),
                          view.page)
    return (queue_list(items), count_text(shown, view.filtered), queue_pager_text(view.page, shown),
            "true" if view.page <= 1 else "false",
            "true" if view.page >= page_count(shown) else "false",
            view.stored(), *show(search, QUEUE_TITLE))


def _queue_word(value: object) -> str | None:
    """A queue filter's value from the browser: its words, or None for "all" (or nonsense)."""
    return value if isinstance(value, str) and value != ALL_CHOICE and len(value) <= 200 else None


def on_queue_change(provider: object, period: object, _previous: object, _next: object,
                    stored: object) -> tuple:
    """`handle_queue` for what the lead officer did; nothing when they did nothing. As the
    router draws the page (which came drawn for its URL), only the record of the view as
    drawn: assets/navigation.js counts on this first answer to put the view in the address
    bar in place, so that the first change is a new history entry."""
    if page_drawn():
        return (*(no_update,) * 6, *drawn_record(provider, period, stored))
    if not user_acted():
        return (no_update,) * 7
    trigger = ctx.triggered_id
    action = "previous" if trigger == ids.RQ_PREV else "next" if trigger == ids.RQ_NEXT else None
    return handle_queue(provider, period, action, stored)


def drawn_record(provider: object, period: object, stored: object) -> tuple:
    """The view record of the queue as drawn, from its filters and store (nothing read: the
    router has just checked and drawn them); no change for values it did not write."""
    provider, quarter = _queue_word(provider), _queue_word(period)
    if (provider and not PROVIDER_WORD.fullmatch(provider)) or (quarter and not QUARTER_WORD.fullmatch(quarter)):
        return (no_update,)
    return show(queue_search(provider, quarter, page_of(stored.get("page") if isinstance(stored, dict) else None)),
                QUEUE_TITLE)


# The shapes of the words the router writes into the queue's filters: a slug (or an old
# link's id) and a quarter's label (or an old link's period id).
PROVIDER_WORD = re.compile(r"[a-z0-9-]{1,100}")
QUARTER_WORD = re.compile(r"Q[1-4] \d{4}/\d{2}|\d{1,12}")


def waiting_words(count: int) -> str:
    return f"{count} waiting" if count else ""


def handle_reopen(reason: object, context: object, version: object) -> dict:
    """Reopen the page's return as the lead officer: the message, and once reopened the
    page's state redrawn from the return as it now is (its status; the form open again)."""
    out = {"message": no_update, "version": no_update, **UNCHANGED_STATE, "locked": no_update}

    def find(session: Session, user: SignedInUser, page: ReturnPage) -> int | None:
        return find_return_id(session, user, page.service_id, page.period_id)

    found = run_return(lambda: ReturnPage.read("reopen", context, version), find)
    if isinstance(found, Refused):
        out["message"] = message_box(found.message)
        return out
    if found is None:
        out["message"] = message_box("There is no return to reopen.")
        return out
    out["message"], done = handle_review("reopen", found, reason, version)
    if done:
        view = run_return(lambda: ReturnPage.read("reopen", context, version), _view_now)
        if not isinstance(view, Refused):
            out.update(state_outputs(form_state(view)))
            out["version"] = view.version
    return out


def _view_now(session: Session, user: SignedInUser, page: ReturnPage) -> ReturnView:
    return load_return_view(session, user, page.service_id, page.period_id, today())


# The callbacks, as Dash calls them --------------------------------------------------------

STATE_KEYS = ("status_panel", "read_only", "template_hidden", "locked", "submit_locked")
# The page's state, as Save/Submit, the upload and Reopen redraw it (in STATE_KEYS's order).
STATE_OUTPUTS = [Output(ids.RV_STATUS_PANEL, "children"), Output(ids.RV_FORM, "disabled"),
                 Output(ids.RV_TEMPLATE_PANEL, "hidden"), Output(ids.RV_SAVE, "disabled"),
                 Output(ids.RV_SUBMIT, "disabled")]


def save_or_submit(_save_clicks: int | None, _submit_clicks: int | None, *states: Any) -> tuple:
    out = handle_save("submit" if ctx.triggered_id == ids.RV_SUBMIT else "save",
                      SentForm.from_states(states))
    return (out["summary"], out["errors"], *(out["invalid"][kind] for kind in INPUT_KINDS),
            out["version"], out["status"], *(out[key] for key in STATE_KEYS))


def review_from_queue(approvals: object, returns: object, comments: object, comment_ids: object,
                      versions: object, version_ids: object) -> tuple:
    """Approve or return the queue row whose button was pressed; the result shows beside
    its buttons, which (once it is decided) are switched off, and the navigation's count of
    waiting returns is read again. Drawing the queue also triggers this (its new buttons,
    never clicked), which changes nothing."""
    trigger = ctx.triggered_id
    clicks = [n for sent in (approvals, returns) if isinstance(sent, list) for n in sent]
    if not isinstance(trigger, dict) or not any(clicks):
        # Nothing pressed (the queue was just drawn): change nothing. Dash takes a pattern's
        # outputs as lists only, so this says so as a whole rather than one no_update each.
        raise PreventUpdate
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


def reopen_from_page(_clicks: int | None, reason: object, context: object, version: object) -> tuple:
    out = handle_reopen(reason, context, version)
    return (out["message"], out["version"], *(out[key] for key in STATE_KEYS))


def upload_template(contents: object, filename: object, context: object, version: object) -> tuple:
    # The form's inputs and error slots are outputs by pattern; Dash names the ones on the
    # page here (UPLOAD_OUTPUTS's order).
    listed = ctx.outputs_list if isinstance(ctx.outputs_list, list) else []

    def named(index: int) -> list | None:
        found = listed[index] if len(listed) > index else None
        return [o.get("id") for o in found if isinstance(o, dict)] if isinstance(found, list) else None

    # The message, the values by kind, version, summary, status; the slots; invalid by kind.
    values_at = 1
    slots_at = values_at + len(INPUT_KINDS) + 3
    invalid_at = slots_at + 1
    by_kind = {at: {kind: ids_ for i, kind in enumerate(INPUT_KINDS) if (ids_ := named(at + i)) is not None}
               for at in (values_at, invalid_at)}
    slots = named(slots_at)
    out = handle_upload(contents, filename, context, version, by_kind[values_at], slots,
                        by_kind[invalid_at])

    def each(value: object, kind: FieldKind, at: int) -> object:
        # Dash takes a pattern's outputs as a list only, "no change" included.
        return [no_update] * len(by_kind[at].get(kind, [])) if value is no_update else value

    return (out["message"], *(each(out["values"][kind], kind, values_at) for kind in INPUT_KINDS),
            out["version"], out["summary"], out["status_panel"],
            [no_update] * len(slots or []) if out["errors"] is no_update else out["errors"],
            *(each(out["invalid"][kind], kind, invalid_at) for kind in INPUT_KINDS))


# The upload's dependencies: its message, every input of the form and the version (so the
# page shows what was saved, at the version saved), the status, and an earlier Save's marks
# to clear (summary, field messages, invalid inputs); from the file and the page's stores.
UPLOAD_OUTPUTS = [
    Output(ids.RV_UPLOAD_RESULT, "children"),
    *[Output(INPUT_PATTERNS[kind], "value") for kind in INPUT_KINDS],
    Output(ids.RV_VERSION, "data", allow_duplicate=True),
    Output(ids.RV_SUMMARY, "children", allow_duplicate=True),
    Output(ids.RV_STATUS_PANEL, "children", allow_duplicate=True),
    Output({"type": ids.FIELD_ERROR, "field": ALL}, "children", allow_duplicate=True),
    *[Output(INPUT_PATTERNS[kind], "invalid", allow_duplicate=True) for kind in INPUT_KINDS],
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
        *STATE_OUTPUTS,
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
        Output(ids.RQ_COUNT, "children"),
        Output(ids.RQ_PAGE_STATUS, "children"),
        Output(ids.RQ_PREV, "aria-disabled"),
        Output(ids.RQ_NEXT, "aria-disabled"),
        Output(ids.RQ_VIEW, "data"),
        *view_outputs(),
        Input(ids.RQ_PROVIDER, "value"),
        Input(ids.RQ_PERIOD, "value"),
        Input(ids.RQ_PREV, "n_clicks"),
        Input(ids.RQ_NEXT, "n_clicks"),
        State(ids.RQ_VIEW, "data"),
        prevent_initial_call=True,
    )(on_queue_change)
    app.callback(
        Output(ids.RV_STATUS, "children", allow_duplicate=True),
        Output(ids.RV_VERSION, "data", allow_duplicate=True),
        *[Output(o.component_id, o.component_property, allow_duplicate=True) for o in STATE_OUTPUTS],
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
        ClientsideFunction(namespace="returns", function_name="focusResult"),
        Input(ids.RV_SUMMARY, "children"),
        Input(ids.RV_STATUS, "children"),
        Input(ids.RV_UPLOAD_RESULT, "children"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="returns", function_name="markErrors"),
        # An output in the form's own layout, so that Dash also runs it as the form is drawn.
        Output(ids.RV_SHOWS_ERRORS, "data"),
        Input({"type": ids.FIELD_ERROR, "field": ALL}, "children"),
        Input(ids.RV_SUMMARY, "children"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="returns", function_name="pageTitle"),
        Input(ids.URL, "pathname"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="review", function_name="focusResult"),
        Input({"type": ids.RQ_RESULT, "return": ALL}, "children"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="returns", function_name="livePercentage"),
        Output({"type": ids.PCT, "metric": MATCH}, "children"),
        Output({"type": ids.PCT, "metric": MATCH}, "className"),
        Input({"type": ids.NUM, "metric": MATCH}, "value"),
        Input({"type": ids.DEN, "metric": MATCH}, "value"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="returns", function_name="liveBreakdownSum"),
        Output({"type": ids.SUM, "metric": MATCH}, "children"),
        Output({"type": ids.SUM, "metric": MATCH}, "className"),
        Input({"type": ids.CAT, "metric": MATCH, "category": ALL}, "value"),
        Input({"type": ids.COUNT, "metric": MATCH}, "value"),
    )
