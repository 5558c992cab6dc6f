"""The quarterly return form, generated from the service's metric definitions."""

from __future__ import annotations

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
    """The link from the error summary to a field's input."""
    component_id = input_id(key, category_metric.get(key.id) if key.kind == "cat" else None)
    return "#" + quote(ids.dom_id(component_id), safe="")


def _error_slot(key: FieldKey) -> html.P:
    return html.P(id=error_slot_id(key), className="field-error", **{"aria-live": "polite"})


def _number_input(key: FieldKey, value: str, label: str, editable: bool, context: str,
                  metric_id: int | None = None) -> html.Div:
    """A whole-number field. Typed as text so that anything typed reaches validation and
    gets a plain message; `context` names the metric for screen readers."""
    component_id = input_id(key, metric_id)
    return html.Div([
        dbc.Label([label, html.Span(f" ({context})", className="visually-hidden")],
                  html_for=ids.dom_id(component_id), className="mb-1"),
        _error_slot(key),
        dbc.Input(id=component_id, type="text", inputMode="numeric", value=value,
                  disabled=not editable, className="number-input", autoComplete="off"),
    ], className="number-field")


def _hint(metric: MetricView, key: FieldKey) -> html.P:
    parts = []
    if metric.target is not None:
        parts.append(f"Target this quarter: {metric.target:.0f}%" if metric.unit == "percent"
                     else f"Target this quarter: {metric.target:g}")
    parts.append(f"Last quarter: {metric.last_quarter}" if metric.last_quarter
                 else "Last quarter: no figure")
    return html.P(" · ".join(parts), className="hint", id=f"hint-{key.text}")


def metric_fieldset(metric: MetricView, values: dict[FieldKey, str], editable: bool) -> html.Fieldset:
    if metric.unit == "percent":
        num_key, den_key = FieldKey.numerator(metric.id), FieldKey.denominator(metric.id)
        body = [
            _hint(metric, num_key),
            html.Div([
                _number_input(num_key, values.get(num_key, ""), "Number who improved", editable,
                              metric.name),
                html.Span("of", className="of-word"),
                _number_input(den_key, values.get(den_key, ""), "Number assessed", editable,
                              metric.name),
                html.Output(id={"type": ids.PCT, "metric": metric.id}, className="live-figure",
                            **{"aria-live": "polite"}),
            ], className="d-flex flex-wrap align-items-end gap-3"),
        ]
    else:
        key = FieldKey.count(metric.id)
        body = [
            _hint(metric, key),
            _number_input(key, values.get(key, ""), "Number", editable, metric.name),
        ]
        if metric.categories:
            body.append(html.Fieldset([
                html.Legend(f"{metric.name} by category (these must add up to the number)",
                            className="h6 mt-3"),
                html.Div([
                    _number_input(FieldKey.category(cid), values.get(FieldKey.category(cid), ""), name,
                                  editable, f"{metric.name} by category", metric_id=metric.id)
                    for cid, name in metric.categories
                ], className="d-flex flex-wrap gap-3"),
                html.Output(id={"type": ids.SUM, "metric": metric.id}, className="live-figure",
                            **{"aria-live": "polite"}),
            ], className="breakdown"))
    kind = "Outcome" if metric.kind == "outcome" else "Output"
    return html.Fieldset([
        html.Legend([metric.name, html.Span(f" {kind}", className="kind-tag")], className="h5"),
        *body,
    ], className="metric-fieldset")


def narrative_fields(narrative: dict[str, str], editable: bool) -> list:
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
            html.P(f"{hints[name]} Up to {TEXT_LIMIT:,} characters.", className="hint"),
            _error_slot(key),
            dbc.Textarea(id=component_id, value=narrative.get(name, ""), rows=3,
                         disabled=not editable, maxLength=TEXT_LIMIT * 2),
        ], className="mb-3"))
    return out


def status_panel(view: ReturnView) -> html.Div:
    lines = [html.P([html.Strong("Status: "), rag_badge_for(view.status, view.status_word),
                     f"  Due {format_date(view.due_date)}"])]
    if view.status == "returned" and view.officer_comment:
        lines.append(html.Div([html.H2("The lead officer returned this for changes",
                                       className="h5"),
                               html.P(view.officer_comment, id="officer-comment")],
                              className="returned-comment", role="note"))
    if not view.editable:
        reason = ("This return's period is closed." if view.period_closed
                  else f"This return is {view.status_word.lower()}, so it cannot be changed.")
        lines.append(html.P(reason, className="read-only-note"))
    return html.Div(lines, id="rv-status-panel")


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
    ], className="mb-3")


def return_form_page(view: ReturnView) -> html.Div:
    editable = view.editable
    # Before the quarter ends Submit is offered disabled, with the reason beside it (the
    # server refuses an early submission whatever the button says).
    not_yet = view.submit_not_yet
    buttons = html.Div([
        dbc.Button("Save draft", id=ids.RV_SAVE, color="secondary", className="me-2",
                   disabled=not editable),
        dbc.Button("Submit return", id=ids.RV_SUBMIT, color="success",
                   disabled=not editable or bool(not_yet)),
        html.P(not_yet, id=ids.RV_SUBMIT_NOT_YET, className="hint mt-2 mb-0") if not_yet else None,
    ], className="mt-3 mb-2")
    warnings_confirm = dbc.Checkbox(
        id=ids.RV_CONFIRM, value=False, disabled=not editable,
        label="I have checked the figures the app warned about and they are right",
    )
    return html.Div([
        dcc.Link("← Back to returns", href="/returns"),
        html.H1([view.service_name, html.Br(), html.Span(f"Return for {view.label}",
                                                          className="h4 text-muted")],
                className="h2 mt-2"),
        html.P(view.provider_name, className="text-muted"),
        status_panel(view),
        restore_offer(),  # figures this tab kept, offered back (keep_work.py)
        html.Div(id=ids.RV_SUMMARY, tabIndex="-1"),
        template_panel(view) if view.editable else None,
        dcc.Store(id=ids.RV_CONTEXT, data={"service": view.service_id, "period": view.period_id}),
        dcc.Store(id=ids.RV_VERSION, data=view.version),
        # A div, not a form: Enter in a field must not reload the page and lose the figures.
        html.Div([
            *[metric_fieldset(m, view.values, editable) for m in view.metrics],
            *narrative_fields(view.narrative, editable),
            html.Div(warnings_confirm, className="mb-2"),
        ], id="return-form", role="group", **{"aria-label": f"Return for {view.label}"}),
        html.Div(id=ids.RV_STATUS, role="status"),
        autosave_parts(),  # "Saved at 10:42" and the no-answer message (keep_work.py)
        buttons,
        reopen_panel() if view.can_review and not editable else None,
    ])
