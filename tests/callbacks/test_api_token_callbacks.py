"""Your account's API tokens (issue 21), as each role: a user makes and revokes only their own
tokens; a token id from the browser that is another user's is refused; signed out, nothing."""

import pytest
from dash import no_update
from sqlalchemy import select

from callbacks import account
from models.store.db import unit_of_work
from models.store.entities import ApiToken


@pytest.mark.parametrize("who", ["admin@demo.local", "viewer@demo.local", "safer-futures-support@demo.local"])
def test_a_user_makes_and_revokes_their_own_token(signed_in, demo_factory, who):
    with signed_in(who):
        shown, listed = account.make_token(1, "  Power   BI ", "30")
    text = str(shown)
    assert "Your token \u201cPower BI\u201d" in text and "cwp_" in text and "not shown again" in text
    assert "Power BI" in str(listed) and "Live" in str(listed)
    with unit_of_work(demo_factory) as s:
        token = s.scalars(select(ApiToken)).one()
        assert token.token_hash not in text  # the page shows the token, never what is kept
    with signed_in(who):
        said, listed = account.revoke_pressed({"type": "token-revoke", "token": token.id})
    assert "Revoked \u201cPower BI\u201d" in str(said) and "Revoked or expired" in str(listed)


def test_another_users_token_cannot_be_revoked_and_signed_out_gets_nothing(signed_in, demo_factory):
    with signed_in("viewer@demo.local"):
        account.make_token(1, "Excel", "90")
    with unit_of_work(demo_factory) as s:
        theirs = s.scalars(select(ApiToken)).one().id
    with signed_in("safer-futures-support@demo.local"):
        said, listed = account.revoke_pressed({"type": "token-revoke", "token": theirs})
    assert "You have no live token by that name." in str(said) and listed is no_update
    with unit_of_work(demo_factory) as s:
        assert s.scalars(select(ApiToken)).one().revoked_at is None
    with signed_in(None):
        said, listed = account.make_token(1, "Excel", "90")
    assert "signed out" in str(said) and listed is no_update
    with signed_in("viewer@demo.local"):
        said, _ = account.make_token(1, "", "90")
        assert "Give the token a name" in str(said)
        said, _ = account.make_token(1, "Other", "9999")
        assert "from 1 to 365 days" in str(said)
