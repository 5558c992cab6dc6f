"""The quarterly return form, generated from the service's metric definitions."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.keep_work import autosave_parts, restore_offer
from layouts.wire import Element, element
from models.returns.view import MetricView, ReturnView
from models.rules.formats import format_date
from models.rules.rag import AMBER, GREEN, RED, look_of
from models.rules.validation import NARRATIVE_FIELDS, TEXT_LIMIT, FieldKey, FieldKind

# A return's status drawn in a RAG colour: approved green, sent back amber, late red; the
# rest (draft, submitted, not started, not due) grey.
STATUS_COLOURS = {"approved": GREEN, "returned": AMBER, "overdue": RED, "missing": RED}
PRIVACY_REMINDER = ("Do not include anything that could identify a person: no names, "
                    "addresses, dates of birth, schools or other details. Change details "
                    "in a case study so that no one can be recognised.")


# Each kind of field's input, by its pattern-matching type. A category's input also names its
# metric, so that the live sum beside a breakdown can match its inputs (see assets/returns.js).
INPUT_TYPES: dict[FieldKind, str] = {"count": ids.COUNT, "num": ids.NUM, "den": ids.DEN,
                                     "cat": ids.CAT, "text": ids.TEXT}


def input_id(key: FieldKey, metric_id: int | None = None) -> dict:
    """The component id of a field's input; `metric_id` is a category's metric."""
    if key.kind == "text":
        return {"type": ids.TEXT, "field": key.name}
    if key.kind == "cat":
        return {"type": ids.CAT, "metric": metric_id, "category": key.id}
    return {"type": INPUT_TYPES[key.kind], "metric": key.id}


def error_slot_id(key: FieldKey) -> dict:
    return {"type": ids.FIELD_ERROR, "field": key.text}


def field_of_input(component_id: object, kind: FieldKind) -> tuple[FieldKey, int | None]:
    """The field an input's id names, as the browser sent it, with a category's metric (None
    for other kinds). ValueError for anything but an id of this kind as `input_id` makes it."""
    if not isinstance(component_id, dict) or component_id.get("type") != INPUT_TYPES[kind]:
        raise ValueError("not an input of the return form")
    if kind == "text":
        return FieldKey.narrative(component_id.get("field")), None
    if kind == "cat":
        metric = FieldKey.count(component_id.get("metric"))  # the same check of an id
        return FieldKey.category(component_id.get("category")), metric.id
    return FieldKey(kind, component_id.get("metric")), None


def field_of_error_slot(component_id: object) -> FieldKey:
    """The field an error slot's id names, as the browser sent it; ValueError otherwise."""
    if not isinstance(component_id, dict) or component_id.get("type") != ids.FIELD_ERROR:
        raise ValueError("not an error slot of the return form")
    return FieldKey.parse(component_id.get("field"))


def field_href(key: FieldKey, category_metric: dict[int, int]) -> str:
    """The link from the error summary to a field's input; for a breakdown that does not add
    up, to its first category (GOV.UK: a group's message links to its first input)."""
    if key.kind == "sum":
        first = next((c for c, m in category_metric.items() if m == key.id), None)
        key = FieldKey.category(first) if first is not None else FieldKey.count(key.id)
    component_id = input_id(key, category_metric.get(key.id) if key.kind == "cat" else None)
    return "#" + quote(ids.dom_id(component_id), safe="")


# Messages beside the fields ---------------------------------------------------------------
# GOV.UK: a field's message sits above its input, inside its group. A row of inputs (a rate's
# "improved of assessed" pair, a breakdown's categories) has one message area above the whole
# row, holding each input's own slot, so that a message never pushes one input of the row
# out of line. assets/returns.js ties each input to its hint and message (aria-describedby)
# and marks it aria-invalid, from the wrapper's data-describedby and data-error, because
# dbc.Input takes no aria attributes.

def _error_slot(key: FieldKey) -> html.P:
    # Not a live region: the summary above the form is announced and takes the focus, and
    # each message is read with its input (aria-describedby).
    return html.P(id=error_slot_id(key), className="field-error")


def _error_area(keys: list[FieldKey]) -> html.Div:
    return html.Div([_error_slot(key) for key in keys], className="error-area")


def _ties(key: FieldKey | None, *described_by: str) -> dict[str, str]:
    """The data attributes naming what describes a field (hints, message slots) and, for an
    input, its own message slot (whose error makes the input aria-invalid)."""
    slots = [ids.dom_id(error_slot_id(key))] if key is not None else []
    ties = {"data-describedby": " ".join([*described_by, *slots])}
    if key is not None:
        ties["data-error"] = slots[0]
    return ties


def error_message(message: str) -> html.Span:
    """An error beside its field, GOV.UK style: red, with a visually hidden "Error:"."""
    return html.Span([html.Span("Error: ", className="visually-hidden"), message],
                     className="error-message")


def warning_message(message: str) -> html.Span:
    """A warning beside its field: amber, with a "!" and the words "Check this figure", so it
    reads as a warning without its colour too; it never makes the input invalid."""
    return html.Span([warning_icon(), html.Span("Warning: ", className="visually-hidden"),
                      html.Strong("Check this figure. "), message], className="warning-message")


def warning_icon() -> html.Span:
    return html.Span("!", className="warning-icon", **{"aria-hidden": "true"})


def _number_input(key: FieldKey, value: str, label: str, context: str,
                  metric_id: int | None = None, hint: str | None = None) -> html.Div:
    """A whole-number field (its message is in the error area above its row). Typed as text
    so that anything typed reaches validation and gets a plain message; `context` names the
    metric for screen readers. Read-only with the whole form (its fieldset)."""
    component_id = input_id(key, metric_id)
    return html.Div([
        dbc.Label([label, html.Span(f" ({context})", className="visually-hidden")],
                  html_for=ids.dom_id(component_id), className="mb-1"),
        dbc.Input(id=component_id, type="text", inputMode="numeric", value=value,
                  className="number-input", autoComplete="off"),
    ], className="number-field", **_ties(key, *([hint] if hint else [])))


def hint_id(key: FieldKey) -> str:
    return f"hint-{key.text}"


def _hint(metric: MetricView, key: FieldKey) -> html.P:
    parts = []
    if metric.target is not None:
        parts.append(f"Target this quarter: {metric.target:.0f}%" if metric.unit == "percent"
                     else f"Target this quarter: {metric.target:g}")
    parts.append(f"Last quarter: {metric.last_quarter}" if metric.last_quarter
                 else "Last quarter: no figure")
    return html.P(" · ".join(parts), className="hint", id=hint_id(key))


def metric_fieldset(metric: MetricView, values: dict[FieldKey, str]) -> html.Fieldset:
    if metric.unit == "percent":
        num_key, den_key = FieldKey.numerator(metric.id), FieldKey.denominator(metric.id)
        body = [
            _hint(metric, num_key),
            _error_area([num_key, den_key]),
            html.Div([
                # The pair never wraps apart; the live figure may wrap below it.
                html.Div([
                    _number_input(num_key, values.get(num_key, ""), "Number who improved",
                                  metric.name, hint=hint_id(num_key)),
                    html.Span("of", className="of-word"),
                    _number_input(den_key, values.get(den_key, ""), "Number assessed",
                                  metric.name, hint=hint_id(num_key)),
                ], className="rate-pair"),
                html.Output(id={"type": ids.PCT, "metric": metric.id}, className="live-figure",
                            **{"aria-live": "polite"}),
            ], className="d-flex flex-wrap align-items-end column-gap-3"),
        ]
    else:
        key = FieldKey.count(metric.id)
        body = [
            _hint(metric, key),
            _error_area([key]),
            _number_input(key, values.get(key, ""), "Number", metric.name, hint=hint_id(key)),
        ]
        if metric.categories:
            total = FieldKey.breakdown(metric.id)
            body.append(html.Fieldset([
                html.Legend(f"{metric.name} by category (these must add up to the number)",
                            className="h6 mt-3"),
                _error_area([FieldKey.category(cid) for cid, _name in metric.categories]),
                html.Div([
                    _number_input(FieldKey.category(cid), values.get(FieldKey.category(cid), ""), name,
                                  f"{metric.name} by category", metric_id=metric.id)
                    for cid, name in metric.categories
                ], className="d-flex flex-wrap gap-3"),
                # "Does not add up" is about the categories together: shown at their running
                # total, and read with the group (GOV.UK puts a group's message on its fieldset).
                html.Div([
                    _error_slot(total),
                    html.Output(id={"type": ids.SUM, "metric": metric.id}, className="live-figure",
                                **{"aria-live": "polite"}),
                ], className="breakdown-total"),
            ], className="breakdown", **_ties(None, ids.dom_id(error_slot_id(total)))))
    kind = "Outcome" if metric.kind == "outcome" else "Output"
    return html.Fieldset([
        html.Legend([metric.name, html.Span(f" {kind}", className="kind-tag")], className="h5"),
        *body,
    ], className="metric-fieldset")


def narrative_fields(narrative: dict[str, str]) -> list:
    out = [html.H2("Narrative", className="h4 mt-4"),
           html.P(PRIVACY_REMINDER, className="privacy-reminder", id="privacy-reminder")]
    hints = {
        "highlights": "What went well this quarter.",
        "challenges": "Anything that held the service back, and what you are doing about it.",
        "case_study": "One person's story, told so that no one can be identified.",
        "warning_note": "Only if the app warned you about a figure: why it is right.",
    }
    for name, label in NARRATIVE_FIELDS.items():
        key = FieldKey.narrative(name)
        component_id = input_id(key)
        out.append(html.Div([
            dbc.Label(label, html_for=ids.dom_id(component_id), className="mb-0"),
            html.P(f"{hints[name]} Up to {TEXT_LIMIT:,} characters.", className="hint",
                   id=hint_id(key)),
            _error_slot(key),
            dbc.Textarea(id=component_id, value=narrative.get(name, ""), rows=3,
                         maxLength=TEXT_LIMIT * 2),
        ], className="mb-3 text-field", **_ties(key, hint_id(key))))
    return out


@dataclass(frozen=True)
class FormState:
    """What a return's state shows on its page: the status panel's lines, and what may still
    be changed. The page is drawn with it, and redrawn with it after Submit, an upload and a
    reopening, so that neither the status nor the read-only state waits for a reload."""

    status_lines: list
    read_only: bool  # the form's fieldset, and with it every input, is disabled
    save_off: bool
    submit_off: bool


def form_state(view: ReturnView) -> FormState:
    # Before the quarter ends Submit is offered disabled, with the reason beside it (the
    # server refuses an early submission whatever the button says).
    return FormState(status_lines(view), not view.editable, not view.editable,
                     not view.editable or bool(view.submit_not_yet))


def status_lines(view: ReturnView) -> list:
    lines: list = [html.P([html.Strong("Status: "), rag_badge_for(view.status, view.status_word),
                           f"  Due {format_date(view.due_date)}"], id="rv-status-line")]
    if view.status == "returned" and view.officer_comment:
        lines.append(html.Div([html.H2("The lead officer returned this for changes",
                                       className="h5"),
                               html.P(view.officer_comment, id="officer-comment")],
                              className="returned-comment", role="note"))
    if not view.editable:
        reason = ("This return's period is closed." if view.period_closed
                  else f"This return is {view.status_word.lower()}, so it cannot be changed.")
        lines.append(html.P(reason, className="read-only-note"))
    return lines


def rag_badge_for(status: str, word: str) -> Element:
    """A badge in the colour of the status's RAG word, with the status's own word."""
    return element("Span", word, className=look_of(STATUS_COLOURS.get(status, "")).badge_class)


def reopen_panel() -> html.Div:
    return html.Details([
        html.Summary("Reopen this return"),
        dbc.Label("Reason for reopening", html_for=ids.RV_REOPEN_REASON),
        dbc.Textarea(id=ids.RV_REOPEN_REASON, rows=2),
        dbc.Button("Reopen", id=ids.RV_REOPEN, color="secondary", className="mt-2"),
    ], className="mt-3")


def template_panel(view: ReturnView) -> html.Details:
    """Fill the return in Excel instead: download the template, upload it as a draft."""
    href = f"/returns/template.xlsx?service={view.service_id}&period={view.period_id}"
    return html.Details([
        html.Summary("Fill this return in Excel instead"),
        html.P(["1. ", html.A("Download the Excel template", href=href, id="rv-template"),
                " (it holds the figures saved so far, last quarter's and the targets)."]),
        html.P("2. Fill in the yellow cells, save, and upload it here. Nothing is saved unless the "
               "whole file is right; every problem is listed with its cell."),
        dcc.Upload(
            id=ids.RV_UPLOAD, multiple=False,
            children=html.Div(["Drag the template (.xlsx) here, or ",
                               html.A("choose the file", href="#")]),
            # No `accept`: the browser would drop any other file without a word; the server
            # answers it with a message instead.
            className="upload-box"),
        html.Div(id=ids.RV_UPLOAD_RESULT, role="status"),
        # Always drawn, hidden while the return cannot be changed: Submit and a reopening
        # hide and show it without a reload.
    ], className="mb-3", id=ids.RV_TEMPLATE_PANEL, hidden=not view.editable)


def return_form_page(view: ReturnView) -> html.Div:
    state = form_state(view)
    not_yet = view.submit_not_yet
    buttons = html.Div([
        dbc.Button("Save draft", id=ids.RV_SAVE, color="secondary", className="me-2",
                   disabled=state.save_off),
        dbc.Button("Submit return", id=ids.RV_SUBMIT, color="success", disabled=state.submit_off),
        html.P(not_yet, id=ids.RV_SUBMIT_NOT_YET, className="hint mt-2 mb-0") if not_yet else None,
    ], className="mt-3 mb-2")
    warnings_confirm = dbc.Checkbox(
        id=ids.RV_CONFIRM, value=False,
        label="I have checked the figures the app warned about and they are right",
    )
    return html.Div([
        dcc.Link("← Back to returns", href="/returns"),
        html.H1([view.service_name, html.Br(), html.Span(f"Return for {view.label}",
                                                          className="h4 text-muted")],
                className="h2 mt-2"),
        html.P(view.provider_name, className="text-muted"),
        html.Div(state.status_lines, id=ids.RV_STATUS_PANEL),
        restore_offer(),  # figures this tab kept, offered back (keep_work.py)
        html.Div(id=ids.RV_SUMMARY, tabIndex="-1"),
        template_panel(view),
        dcc.Store(id=ids.RV_CONTEXT, data={"service": view.service_id, "period": view.period_id}),
        dcc.Store(id=ids.RV_VERSION, data=view.version),
        # Whether the form shows errors (assets/returns.js markErrors keeps it, with the title).
        dcc.Store(id=ids.RV_SHOWS_ERRORS, data=False),
        # A fieldset, not a form: Enter in a field must not reload the page and lose the
        # figures. Disabling it makes every input in it read-only at once (the browser's own
        # rule), which is how Submit locks the page without a reload.
        html.Fieldset([
            *[metric_fieldset(m, view.values) for m in view.metrics],
            *narrative_fields(view.narrative),
            html.Div(warnings_confirm, className="mb-2"),
        ], id=ids.RV_FORM, disabled=state.read_only, **{"aria-label": f"Return for {view.label}"}),
        html.Div(id=ids.RV_STATUS, role="status"),
        autosave_parts(),  # "Saved at 10:42" and the no-answer message (keep_work.py)
        buttons,
        reopen_panel() if view.can_review and not view.editable else None,
    ])
