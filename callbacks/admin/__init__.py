"""Administration callbacks, one module per kind of thing configured (as models/admin/).
Every one asks models/ to check the admin role on the server, through guard.run_admin;
a refusal is audited. The forms' ids (from the browser) are parsed and re-checked."""

from __future__ import annotations

from dash import Dash

from callbacks.admin import (
    audit,
    changes,
    imports,
    mail,
    metrics,
    periods,
    providers,
    services,
    settings,
    targets,
    users,
)


def register(app: Dash) -> None:
    for page_part in (providers, services, changes, metrics, targets, periods, users, settings, imports,
                      audit, mail):
        page_part.register(app)
