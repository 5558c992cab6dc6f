"""Who may see what: the server-side decisions every route and callback asks."""

from __future__ import annotations

from flask_login import current_user

from dash_app.auth import SignedInUser


class AccessDenied(PermissionError):
    """The signed-in user may not do this."""


def require_user() -> SignedInUser:
    """The signed-in user, checked on the server; refuses anonymous requests."""
    if not current_user.is_authenticated:
        raise AccessDenied("Sign in first.")
    return current_user._get_current_object()  # the SignedInUser, not the proxy


def provider_scope(user: SignedInUser) -> int | None:
    """A provider user sees its own provider only; viewers and admins see every service."""
    if user.role == "provider":
        if user.provider_id is None:
            raise AccessDenied("This account is not linked to a provider.")
        return user.provider_id
    return None
