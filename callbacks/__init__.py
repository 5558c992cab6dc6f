"""Dash callbacks: thin — check the user, ask models/, shape the answer."""

from __future__ import annotations

from dash import Dash

from callbacks import overview, returns, router


def register(app: Dash) -> None:
    router.register(app)
    overview.register(app)
    returns.register(app)
