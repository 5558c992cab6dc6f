"""Single-use links (models/store/links.py): a link works once, within its lifetime (1 hour
for a reset, 7 days for an invitation), a newer link of the same purpose kills the older,
and two racing uses give one win. Times are passed in (`now`), never slept through."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading

from sqlalchemy import select
from werkzeug.security import check_password_hash

from models.admin.users import change_own_password
from models.store import links
from models.store.db import unit_of_work
from models.store.entities import OneTimeLink, User
from models.store.users import create_user, issue_one_time_password, new_password_errors

T0 = dt.datetime(2026, 11, 25, 9, 0, 0)
OLD = "the-old-password-1"
NEW = "a-brand-new-password"


def _user(session, email="ann@example.org", active=True) -> User:
    user = create_user(session, email, OLD, "viewer")
    user.active = active
    session.flush()
    return user


def test_only_the_sha256_of_the_token_is_kept(session):
    user = _user(session)
    token = links.issue(session, user.id, links.RESET, now=T0)
    assert len(token) >= 43  # 32 random bytes, base64url
    row = session.scalars(select(OneTimeLink)).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    assert (row.purpose, row.created_at, row.expires_at) == ("reset", T0, T0 + dt.timedelta(hours=1))


def test_a_reset_link_works_once(session):
    user = _user(session)
    generation = user.session_generation
    token = links.issue(session, user.id, links.RESET, now=T0)
    hashed = links.token_hash(token)
    assert links.find(session, hashed, now=T0 + dt.timedelta(minutes=5)) is not None
    used = links.redeem(session, hashed, NEW, now=T0 + dt.timedelta(minutes=5))
    assert used is not None and used.id == user.id
    assert check_password_hash(used.password_hash, NEW)
    assert used.session_generation == generation + 1  # every other session ended
    # Second use: refused, and the password stays the one just chosen.
    assert links.find(session, hashed, now=T0 + dt.timedelta(minutes=6)) is None
    assert links.redeem(session, hashed, "someone-elses-choice", now=T0 + dt.timedelta(minutes=6)) is None
    assert check_password_hash(session.get(User, user.id).password_hash, NEW)


def test_a_reset_link_expires_after_one_hour(session):
    user = _user(session)
    hashed = links.token_hash(links.issue(session, user.id, links.RESET, now=T0))
    last_second = T0 + dt.timedelta(minutes=59, seconds=59)
    assert links.find(session, hashed, now=last_second) is not None
    # At 10:00:00 exactly the 09:00 link has expired.
    assert links.find(session, hashed, now=T0 + dt.timedelta(hours=1)) is None
    assert links.redeem(session, hashed, NEW, now=T0 + dt.timedelta(hours=1)) is None
    assert links.redeem(session, hashed, NEW, now=last_second) is not None


def test_an_invitation_expires_after_seven_days(session):
    user = _user(session)
    hashed = links.token_hash(links.issue(session, user.id, links.INVITE, now=T0))
    # Issued 25 November 09:00: works on 2 December at 08:59:59, not at 09:00.
    assert links.find(session, hashed, now=dt.datetime(2026, 12, 2, 8, 59, 59)) is not None
    assert links.redeem(session, hashed, NEW, now=dt.datetime(2026, 12, 2, 9, 0, 0)) is None
    assert links.redeem(session, hashed, NEW, now=dt.datetime(2026, 12, 2, 8, 59, 59)) is not None


def test_a_new_link_kills_the_earlier_one_of_that_purpose(session):
    user = _user(session)
    first = links.token_hash(links.issue(session, user.id, links.RESET, now=T0))
    invite = links.token_hash(links.issue(session, user.id, links.INVITE, now=T0))
    second = links.token_hash(links.issue(session, user.id, links.RESET, now=T0 + dt.timedelta(minutes=1)))
    at = T0 + dt.timedelta(minutes=2)
    assert links.find(session, first, now=at) is None
    assert links.find(session, invite, now=at) is not None  # another purpose: untouched
    assert links.redeem(session, second, NEW, now=at) is not None
    # Using a link kills every other open link of the user.
    assert links.find(session, invite, now=at) is None


def test_using_a_link_clears_a_one_time_password(session):
    user = _user(session)
    issue_one_time_password(session, user, "one-time-pass-1", dt.timedelta(days=7))
    hashed = links.token_hash(links.issue(session, user.id, links.RESET))
    used = links.redeem(session, hashed, NEW)
    assert used is not None
    assert (used.must_change_password, used.one_time_password_expires) == (False, None)


def test_an_inactive_users_link_does_not_work(session):
    user = _user(session)
    hashed = links.token_hash(links.issue(session, user.id, links.RESET, now=T0))
    user.active = False
    session.flush()
    assert links.find(session, hashed, now=T0) is None
    assert links.redeem(session, hashed, NEW, now=T0) is None
    assert check_password_hash(session.get(User, user.id).password_hash, OLD)


def test_changing_the_password_kills_an_open_reset_link(session):
    user = _user(session)
    hashed = links.token_hash(links.issue(session, user.id, links.RESET))
    change_own_password(session, user.id, NEW, NEW, OLD)
    assert links.find(session, hashed) is None


def test_asking_for_a_reset_gives_a_link_only_to_an_active_user_and_is_throttled(session):
    _user(session, "ann@example.org")
    _user(session, "gone@example.org", active=False)
    allowed, link = links.ask_for_reset(session, " Ann@Example.org ", now=T0)
    assert allowed and link is not None and link[0].email == "ann@example.org"
    assert links.ask_for_reset(session, "gone@example.org", now=T0) == (True, None)
    assert links.ask_for_reset(session, "nobody@example.org", now=T0) == (True, None)
    # Three requests per address in 15 minutes, counted for unknown addresses alike.
    assert links.ask_for_reset(session, "nobody@example.org", now=T0)[0]
    assert links.ask_for_reset(session, "nobody@example.org", now=T0)[0]
    assert links.ask_for_reset(session, "nobody@example.org", now=T0) == (False, None)
    assert links.ask_for_reset(session, "ann@example.org", now=T0)[0]
    assert links.ask_for_reset(session, "ann@example.org", now=T0)[0]
    assert links.ask_for_reset(session, "ann@example.org", now=T0) == (False, None)
    # A request changes nothing by itself: the password still works.
    assert check_password_hash(session.get(User, link[0].id).password_hash, OLD)


def test_awaiting_invitation_until_a_link_is_used(session):
    user = _user(session)
    assert not links.awaiting_invitation(session, user.id)  # never invited by link
    hashed = links.token_hash(links.issue(session, user.id, links.INVITE))
    assert links.awaiting_invitation(session, user.id)
    links.redeem(session, hashed, NEW)
    assert not links.awaiting_invitation(session, user.id)


def test_new_password_rules_by_field():
    assert new_password_errors("", "") == {"password": "Enter a new password"}
    assert new_password_errors("short", "short") == {
        "password": "Your new password must be at least 10 characters"}
    assert new_password_errors("long-enough-1", "") == {"confirm": "Enter the new password again"}
    assert new_password_errors("long-enough-1", "long-enough-2") == {
        "confirm": "The two passwords do not match"}
    assert new_password_errors("long-enough-1", "long-enough-1") == {}


def test_two_racing_uses_of_one_link_give_one_win(factory):
    """Both requests have seen the link as open; the one UPDATE decides."""
    with unit_of_work(factory) as s:
        user_id = _user(s).id
        hashed = links.token_hash(links.issue(s, user_id, links.RESET))
    start = threading.Barrier(2)
    wins: list[str] = []

    def use(password: str) -> None:
        with unit_of_work(factory) as s:
            assert links.find(s, hashed) is not None
            start.wait(timeout=30)
            if links.redeem(s, hashed, password) is not None:
                wins.append(password)

    threads = [threading.Thread(target=use, args=(p,)) for p in ("first-racer-pass", "second-racer-pass")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(wins) == 1
    with unit_of_work(factory) as s:
        assert check_password_hash(s.get(User, user_id).password_hash, wins[0])
        assert s.scalars(select(OneTimeLink.used_at)).one() is not None


def test_deactivating_a_user_kills_their_open_links_for_good(session):
    """Made inactive by the admin, then active again: a link sent before still would have
    worked within its lifetime (issue 18's attack review); deactivation ends it."""
    from models.admin.users import update_user

    admin = create_user(session, "lead@example.org", OLD, "admin")
    user = _user(session)
    hashed = links.token_hash(links.issue(session, user.id, links.INVITE))
    update_user(session, admin, user.id, "viewer", None, active=False)
    update_user(session, admin, user.id, "viewer", None, active=True)
    assert links.find(session, hashed) is None
    assert links.redeem(session, hashed, NEW) is None
