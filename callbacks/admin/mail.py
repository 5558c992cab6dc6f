"""Administration → Mail: reading one message written to the outbox folder (no mail server
configured). The browser sends a message's id; its file's name comes from the record, and
only the lead officer is answered (guard.run_admin)."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State

from callbacks.admin.guard import picked_id, run_admin
from callbacks.common import outbox_folder
from layouts import ids
from layouts.admin import outbox_message
from models.admin import mail as commands
from models.admin.common import AdminError
from notifications.outbox import OutboxError, read_text


def show_outbox(_clicks: int | None, pick: str | None) -> Any:
    def work(session: Any, user: Any) -> Any:
        folder = outbox_folder()
        if folder is None:
            raise AdminError("Mail is sent through the mail server, so there is no outbox to read")
        message_id = picked_id(pick)
        if message_id is None:
            raise AdminError("Choose a message first")
        row, name = commands.outbox_file(session, user, message_id)
        try:
            return outbox_message(row.subject, row.to, read_text(folder, name))
        except OutboxError as exc:
            raise AdminError(str(exc)) from None

    # The result, or the message saying why not (a refusal is audited): shown either way.
    return run_admin("read outbox message", work)[1]


def register(app: Dash) -> None:
    app.callback(Output(ids.ADM_MAIL_TEXT, "children"), Input(ids.ADM_MAIL_SHOW, "n_clicks"),
                 State(ids.ADM_MAIL_PICK, "value"), prevent_initial_call=True)(show_outbox)
