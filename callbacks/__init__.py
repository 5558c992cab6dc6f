"""Dash callbacks: thin — check the user, ask models/, shape the answer."""

from __future__ import annotations

from dash import Dash

from callbacks import (
    account,
    admin,
    attention,
    autosave,
    dashboard_pages,
    navigation,
    overview,
    performance,
    progress,
    returns,
    returns_list,
    router,
    service,
)


def register(app: Dash) -> None:
    router.register(app)
    navigation.register(app)
    overview.register(app)
    returns.register(app)
    autosave.register(app)  # after returns: it shares the return form's version store
    returns_list.register(app)
    service.register(app)
    dashboard_pages.register(app)
    attention.register(app)
    performance.register(app)
    progress.register(app)
    admin.register(app)
    account.register(app)
