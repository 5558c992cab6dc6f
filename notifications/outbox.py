"""Reading a message back from the outbox folder (no SMTP configured), for the lead
officer's Administration → Mail page: its plain-text part only.

The file's name comes from the message's record, never from the browser; even so it must
name a file directly inside the folder (no "../", no other folder), or nothing is read."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path


class OutboxError(ValueError):
    """The message cannot be read; the text is one plain sentence."""


def read_text(folder: Path, name: str) -> str:
    """The plain-text part of the outbox file `name` in `folder`."""
    if not name or Path(name).name != name or name.startswith(".") or not name.endswith(".eml"):
        raise OutboxError("That message's file is not in the outbox folder.")
    root = folder.resolve()
    path = (root / name).resolve()
    if path.parent != root:
        raise OutboxError("That message's file is not in the outbox folder.")
    try:
        data = path.read_bytes()
    except OSError:
        raise OutboxError(f"The file {name} is no longer in the outbox folder.") from None
    message = email.message_from_bytes(data, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
    if body is None:
        raise OutboxError("That message has no text to show.")
    return hide_tokens(body.get_content().replace("\r\n", "\n"))


# A reset or invitation link in an outbox message still works: the admin reading it sees
# that a link was sent, never the link itself (only its owner should hold it).
_TOKEN = re.compile(r"([?&]token=)[^\s&]+")


def hide_tokens(text: str) -> str:
    return _TOKEN.sub(r"\1[hidden: the link works only for its owner]", text)
