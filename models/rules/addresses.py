"""What counts as an email address here: one plain address and nothing else."""

from __future__ import annotations

import re

# No display name, no second address after a comma, no quotes, angle brackets, spaces or
# brackets: such an address in a To: header would let smtplib read other recipients out of
# it (issue 18's attack review). Domains need a dot (name@example.org).
_PLAIN_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
MAX_LENGTH = 254


def is_email_address(address: str) -> bool:
    return len(address) <= MAX_LENGTH and bool(_PLAIN_ADDRESS.match(address))
