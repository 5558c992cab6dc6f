"""Providers on the admin page: pick one to edit, or save a new one."""

from __future__ import annotations

from dash import Dash, Input, Output, State, no_update

from callbacks.admin.guard import picked_id, run_admin
from layouts import ids
from layouts.admin import message, options, provider_table, service_provider_options
from models.admin import providers as commands
from models.admin import views
from models.store.entities import Provider


def load_provider(pick: str | None) -> tuple:
    pid = picked_id(pick)
    if pid is None:
        return "", True
    ok, found = run_admin("read provider", lambda s, u: views.get(s, u, Provider, pid))
    return (found.name, found.active) if ok and found else ("", True)


def save_provider(pick: str | None, name: str | None, active: bool | None) -> tuple:
    """(message, provider list, provider picker, the service form's provider picker, name,
    active). Every list of providers on the page is redrawn, so a new provider can be
    chosen for a service at once; after a new one the form clears for the next."""
    pid = picked_id(pick)
    ok, result = run_admin("save provider", lambda s, u: (
        commands.save_provider(s, u, name or "", pid, bool(active)),
        views.providers(s, u))[1])
    if not ok:
        return result, no_update, no_update, no_update, no_update, no_update
    pairs = [(p.id, p.name) for p in result]
    cleared = ("", True) if pid is None else (no_update, no_update)
    return (message("Provider saved."), provider_table(result),
            options(pairs, "Add a new provider"), service_provider_options(pairs), *cleared)


def register(app: Dash) -> None:
    cb = app.callback
    cb(Output(ids.ADM_PROV_NAME, "value"), Output(ids.ADM_PROV_ACTIVE, "value"),
       Input(ids.ADM_PROV_PICK, "value"), prevent_initial_call=True)(load_provider)
    cb(Output(ids.ADM_PROV_MSG, "children"), Output(ids.ADM_PROV_LIST, "children"),
       Output(ids.ADM_PROV_PICK, "options"), Output(ids.ADM_SVC_PROVIDER, "options"),
       Output(ids.ADM_PROV_NAME, "value", allow_duplicate=True),
       Output(ids.ADM_PROV_ACTIVE, "value", allow_duplicate=True),
       Input(ids.ADM_PROV_SAVE, "n_clicks"),
       State(ids.ADM_PROV_PICK, "value"), State(ids.ADM_PROV_NAME, "value"),
       State(ids.ADM_PROV_ACTIVE, "value"), prevent_initial_call=True)(
        lambda _n, *a: save_provider(*a))
