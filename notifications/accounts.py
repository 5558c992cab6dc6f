"""Security emails about a user's own account: an invitation, a password reset. They are
always sent (reminder choices do not apply) and name no one but the recipient: no figures,
no other user or provider."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from notifications.mail import SERVICE_NAME, Email

RESET_PATH = "/reset-password"
CONTACT = ("the lead officer for the Community Wellbeing Partnership, who looks after the "
           "app's users")


def link_url(public_url: str, token: str) -> str:
    """Where a link's token is used: PUBLIC_URL/reset-password?token=… (the page takes the
    token out of the address at once)."""
    return f"{public_url.rstrip('/')}{RESET_PATH}?{urlencode({'token': token})}"


def lifetime_words(period: dt.timedelta) -> str:
    """1 hour, 7 days, 30 minutes."""
    seconds = int(period.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def invitation(to: str, user_id: int, url: str, lifetime: dt.timedelta) -> Email:
    return Email(
        to=to, user_id=user_id, event="invitation",
        subject=f"You have been invited to the {SERVICE_NAME}",
        paragraphs=[
            f"You have been given an account on the {SERVICE_NAME}, where the Community "
            f"Wellbeing Partnership's commissioned services report their quarterly returns. "
            f"Your account's email address is {to}.",
            f"Use the link below to choose your password. The link works once and expires "
            f"after {lifetime_words(lifetime)}; after that, use \"Forgot your password?\" on "
            f"the sign-in page to get a new one.",
            f"If you were not expecting this, you can ignore this email, or tell {CONTACT}.",
        ],
        link=("Choose your password", url))


def password_reset(to: str, user_id: int, url: str, lifetime: dt.timedelta,
                   by_admin: bool = False) -> Email:
    why = ("The lead officer has reset the password of your account on the "
           f"{SERVICE_NAME} ({to}). Your old password no longer works." if by_admin else
           f"Someone asked to reset the password of your account on the {SERVICE_NAME} "
           f"({to}). Your password has not been changed.")
    not_you = (f"If you did not expect this, tell {CONTACT}." if by_admin else
               "If you did not ask for this, you can ignore this email: without the link, "
               f"nothing changes. If it keeps happening, tell {CONTACT}.")
    return Email(
        to=to, user_id=user_id, event="password-reset",
        subject=f"Reset your password for the {SERVICE_NAME}",
        paragraphs=[
            why,
            f"Use the link below to choose a new password. The link works once and expires "
            f"after {lifetime_words(lifetime)}; after that, use \"Forgot your password?\" on "
            f"the sign-in page to get a new one.",
            not_you,
        ],
        link=("Choose a new password", url))
