"""Personal API tokens (issue 21): made once and kept hashed, named, expiring, revocable,
acting only for an active user; through the command line as a person would run it."""

import datetime as dt

import pytest
from sqlalchemy import select

from dash_app import cli
from models.rules.tokens import MAX_LIVE
from models.store import api_tokens
from models.store.api_tokens import TokenError, create_token, revoke_token, token_user, user_tokens
from models.store.db import unit_of_work
from models.store.entities import ApiToken, AuditEvent
from models.store.users import find_user

VIEWER = "viewer@demo.local"


def test_a_token_is_shown_once_kept_hashed_and_acts_as_its_user(demo_factory):
    with unit_of_work(demo_factory) as s:
        token = create_token(s, find_user(s, VIEWER), "Power BI", 30)
    assert token.startswith("cwp_") and len(token) > 40
    with unit_of_work(demo_factory) as s:
        row = s.scalars(select(ApiToken)).one()
        assert token not in (row.token_hash, row.name) and row.token_hash == api_tokens.digest(token)
        assert row.last_used_at is None
        assert (row.expires_at - row.created_at) == dt.timedelta(days=30)
        assert token_user(s, token).email == VIEWER
        assert s.scalars(select(ApiToken)).one().last_used_at is not None  # every use is recorded
        assert s.scalars(select(AuditEvent).filter_by(entity="api_token", action="create")).one()
    with unit_of_work(demo_factory) as s:
        assert token_user(s, token + "x") is None
        assert token_user(s, token[4:]) is None  # without its prefix
        assert token_user(s, None) is None and token_user(s, "") is None


def test_a_revoked_or_expired_token_or_a_deactivated_user_acts_for_no_one(demo_factory):
    with unit_of_work(demo_factory) as s:
        viewer = find_user(s, VIEWER)
        revoked, expired, kept = (create_token(s, viewer, n) for n in ("One", "Two", "Three"))
    with unit_of_work(demo_factory) as s:
        assert revoke_token(s, find_user(s, VIEWER), name="  one ") == "One"
        row = s.scalars(select(ApiToken).filter_by(name="Two")).one()
        row.expires_at = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=1)
    with unit_of_work(demo_factory) as s:
        assert token_user(s, revoked) is None and token_user(s, expired) is None
        assert token_user(s, kept).email == VIEWER
        assert [(t.name, t.live) for t in user_tokens(s, find_user(s, VIEWER))] == [
            ("Three", True), ("Two", False), ("One", False)]
        find_user(s, VIEWER).active = False
    with unit_of_work(demo_factory) as s:
        assert token_user(s, kept) is None


@pytest.mark.parametrize("name, days, said", [
    ("", 30, "Give the token a name"),
    ("x" * 81, 30, "80 characters or fewer"),
    ("Excel", 0, "from 1 to 365 days"),
    ("Excel", 366, "from 1 to 365 days"),
    ("Excel", "ninety", "a whole number from 1 to 365"),
])
def test_a_token_asked_for_wrongly_is_refused_in_words(demo_factory, name, days, said):
    with unit_of_work(demo_factory) as s, pytest.raises(TokenError, match=said):
        create_token(s, find_user(s, VIEWER), name, days)


def test_names_are_one_per_live_token_and_a_user_has_at_most_ten(demo_factory):
    with unit_of_work(demo_factory) as s:
        viewer = find_user(s, VIEWER)
        create_token(s, viewer, "Power BI")
        with pytest.raises(TokenError, match="already have a token called"):
            create_token(s, viewer, "power  bi")
        for n in range(MAX_LIVE - 1):
            create_token(s, viewer, f"Tool {n}")
        with pytest.raises(TokenError, match="revoke one you no longer use"):
            create_token(s, viewer, "One more")
        # Another user's token is not theirs to revoke.
        with pytest.raises(TokenError, match="no live token by that name"):
            revoke_token(s, find_user(s, "admin@demo.local"), name="Power BI")


def test_the_command_line_prints_the_token_once_and_revokes_it(demo_factory, db_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert cli.main(["create-api-token", "--email", VIEWER, "--name", "Excel", "--days", "7"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    with unit_of_work(demo_factory) as s:
        assert token_user(s, token).email == VIEWER
    assert cli.main(["revoke-api-token", "--email", VIEWER, "--name", "Excel"]) == 0
    assert "no longer works" in capsys.readouterr().out
    with unit_of_work(demo_factory) as s:
        assert token_user(s, token) is None
    assert cli.main(["create-api-token", "--email", "nobody@example.org", "--name", "X"]) == 2
    assert "No active user has that email address." in capsys.readouterr().err
