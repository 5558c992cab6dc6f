"""Callbacks for the priority view, the submission status grid and its "Send reminders now"."""

from __future__ import annotations

import datetime as dt

from dash import Dash, Input, Output, State, ctx, html, no_update
from flask import current_app
from sqlalchemy.orm import Session

from callbacks.common import audit_refusal, quarter_view, require_user, sessions, today, transaction, view_query
from callbacks.navigation import show, view_outputs, view_title
from dash_app import mail_sender
from dash_app.cache import cached
from layouts import ids
from layouts.admin import message
from layouts.dashboard_pages import priorities_body, reminders_preview, submissions_body
from models.access import AccessRefused, Audience, provider_scope, require_admin
from models.reporting.performance import performance_table
from models.reporting.priorities import PriorityGroup, priority_groups
from models.reporting.slugs import url_slugs
from models.reporting.submissions import submission_grid
from models.rules.periods import parse_year_label, quarter_label
from notifications.reminders import plan_manual, plan_signature, send_planned, sent_by_hand_today


def update_priorities(year_text: str | None, quarter_text: str | None) -> tuple:
    try:
        audience, year, quarter = quarter_view(year_text, quarter_text)
    except (AccessRefused, ValueError) as exc:
        return [html.P(str(exc), className="field-error")], no_update
    with transaction() as session:
        groups = cached(session, priority_view, audience, year, quarter, today())
        slugs = cached(session, url_slugs)["service"]
    return (priorities_body(groups, year_text, slugs),
            *show(view_query(year=year_text, quarter=f"Q{quarter}"),
                  view_title("Priorities", quarter_label(year, quarter))))


def priority_view(session: Session, audience: Audience, year: int, quarter: int,
                  today: dt.date) -> list[PriorityGroup]:
    """Each priority's services' headline rows: what the page draws, without the rest of the
    performance table, so the cache keeps and reads back only that (and the table is built
    with its headline rows alone: the same rows, a fraction of the work at national scale)."""
    return priority_groups(session, performance_table(session, audience, year, quarter, today,
                                                      headline_only=True))


def update_submissions(year_text: str | None) -> tuple:
    try:
        user = require_user()
        provider_scope(user)  # an account that may see nothing is told so
        year = parse_year_label(year_text or "")
    except (AccessRefused, ValueError) as exc:
        return [html.P(str(exc), className="field-error")], no_update
    with transaction() as session:
        rows, rates = submission_grid(session, user, year, today())
    return (submissions_body(rows, rates),
            *show(view_query(year=year_text), view_title("Submission status", year_text)))


REMINDER_WAIT_SECONDS = 2.0  # how long "Send these reminders" waits to say how they went
REMIND_ACTIONS = {ids.REMIND_PREVIEW: "preview", ids.REMIND_SEND: "send", ids.REMIND_CANCEL: "cancel"}


def remind_now(action: str, seen: str | None) -> tuple:
    """"Send reminders now": preview, send (only what the preview showed) or cancel.
    Returns (preview table, panel hidden, message, what the preview showed)."""
    try:
        user = require_user()
    except AccessRefused as exc:
        return [], True, message(str(exc), ok=False), None
    try:
        require_admin(user, "send reminders")
    except AccessRefused as exc:
        audit_refusal(user, "send reminders", exc, "reminders")
        return [], True, message(str(exc), ok=False), None
    if action == "cancel":
        return [], True, message("Nothing was sent."), None
    with transaction() as session:
        plans = plan_manual(session, today())
        already = sent_by_hand_today(session, today())
    if not plans:
        text = ("Reminders were already sent today; nothing was sent again." if already else
                "No provider has returns overdue or due soon: there is nobody to remind.")
        return [], True, message(text), None
    if action != "send":
        return reminders_preview(plans), False, "", plan_signature(plans)
    if seen != plan_signature(plans):
        return (reminders_preview(plans), False,
                message("The list changed since you looked. Check it, then send again.", ok=False),
                plan_signature(plans))
    settings, factory = current_app.config["MONITOR_SETTINGS"], sessions()

    def in_background(ids: list[int]) -> None:
        # Queued and committed with their claims: the background sender delivers them; the
        # answer waits a moment only, to say how it went (never for a slow mail server).
        mail_sender.dispatch(factory, settings, ids)
        mail_sender.wait_settled(factory, ids, REMINDER_WAIT_SECONDS)

    outcomes = send_planned(factory, settings, plans, in_background)
    sent, failed = sum(o.sent for o in outcomes), sum(o.failed for o in outcomes)
    waiting = sum(o.waiting for o in outcomes)
    reached = sum(1 for o in outcomes if o.sent)
    if outcomes and all(o.note == "Already sent by another run." for o in outcomes):
        # Another click (or the morning's run) got there first: its emails went, not these.
        return [], True, message("These reminders were sent just now by another request; "
                                 "nothing was sent again."), None
    text = f"Sent {sent} reminder email{'s' if sent != 1 else ''} to {reached} provider{'s' if reached != 1 else ''}."
    if waiting:
        text += (f" {waiting} more {'are' if waiting != 1 else 'is'} on {'their' if waiting != 1 else 'its'} "
                 "way: Administration → Mail shows each as it goes.")
    if failed:
        text += f" {failed} could not be delivered: see the mail record."
    return [], True, message(text, ok=not failed), None


def register(app: Dash) -> None:
    app.callback(
        Output(ids.REMIND_PLAN, "children"), Output(ids.REMIND_PANEL, "hidden"),
        Output(ids.REMIND_MSG, "children"), Output(ids.REMIND_SEEN, "data"),
        Input(ids.REMIND_PREVIEW, "n_clicks"), Input(ids.REMIND_SEND, "n_clicks"),
        Input(ids.REMIND_CANCEL, "n_clicks"), State(ids.REMIND_SEEN, "data"),
        prevent_initial_call=True,
    )(lambda _p, _s, _c, seen: remind_now(REMIND_ACTIONS.get(ctx.triggered_id, "preview"), seen))
    app.callback(
        Output(ids.PRIORITY_BODY, "children"),
        *view_outputs(),
        Input(ids.PRIORITY_YEAR, "value"),
        Input(ids.PRIORITY_QUARTER, "value"),
        prevent_initial_call="initial_duplicate",
    )(update_priorities)
    app.callback(
        Output(ids.SUBMISSIONS_BODY, "children"),
        *view_outputs(),
        Input(ids.SUBMISSIONS_YEAR, "value"),
        prevent_initial_call="initial_duplicate",
    )(update_submissions)
