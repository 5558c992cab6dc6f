"""The provider filter's choices on the Returns list: by name, ignoring case, whatever order
the rows (or the providers' ids) come in; a provider is offered once."""

from __future__ import annotations

import datetime as dt

from models.returns.lists import HomeRow, home_choices


def _row(provider_id: int, provider: str, service: str = "S") -> HomeRow:
    return HomeRow(service_id=provider_id * 10, service=service, period_id=1, label="Q1 2026/27",
                   due_date=dt.date(2026, 7, 30), status="draft", officer_comment="", provider_id=provider_id,
                   provider=provider)


def test_providers_are_offered_by_name_not_by_id():
    rows = [_row(1, "Women's Aid"), _row(2, "brightpath"), _row(3, "Anchor"), _row(2, "brightpath", "T"),
            _row(4, "Zed Trust")]
    assert home_choices(rows).providers == [(3, "Anchor"), (2, "brightpath"), (1, "Women's Aid"),
                                            (4, "Zed Trust")]
