"""models.access: every access decision, as every role, against expectations worked by hand.

The cast: the lead officer (admin), a CWP member (viewer), a user of provider A, a user of
provider B, a provider account linked to no provider, an unknown role, and a deactivated
user. Provider A delivers services S1 and S2, provider B delivers S3, and S4 has no
provider yet."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from models.access import (
    AccessRefused,
    check_edit,
    check_page,
    check_view,
    confine_provider,
    is_admin,
    may_act,
    may_edit_returns,
    may_edit_service_returns,
    may_open,
    may_review,
    may_view_service,
    provider_scope,
    require_active,
    require_admin,
    visible_services,
)
from models.store.entities import Return, Service, User
from tests.helpers import factories as f

A, B = 10, 20  # provider ids
ADMIN = f.Actor(1, "admin")
VIEWER = f.Actor(2, "viewer")
OF_A = f.Actor(3, "provider", A)
OF_B = f.Actor(4, "provider", B)
UNLINKED = f.Actor(5, "provider", None)
UNKNOWN = f.Actor(6, "auditor")
CAST = {"admin": ADMIN, "viewer": VIEWER, "provider A": OF_A, "provider B": OF_B,
        "unlinked provider": UNLINKED, "unknown role": UNKNOWN}
REFUSED = "refused"

S1, S2, S3, S4 = (Service(id=1, provider_id=A), Service(id=2, provider_id=A),
                  Service(id=3, provider_id=B), Service(id=4, provider_id=None))


def exactly(words: str) -> str:
    return f"^{re.escape(words)}$"


def _answer(decide, *args):
    try:
        return decide(*args)
    except AccessRefused:
        return REFUSED


# who: (provider_scope, services visible of S1-S4, may edit returns of S1-S4,
#       may edit any returns, may review, pages: "/", "/review", "/admin")
EXPECTED = {
    "admin": (None, {1, 2, 3, 4}, {1, 2, 3, 4}, True, True, (True, True, True)),
    "viewer": (None, {1, 2, 3, 4}, set(), False, False, (True, False, False)),
    "provider A": (A, {1, 2}, {1, 2}, True, False, (True, False, False)),
    "provider B": (B, {3}, {3}, True, False, (True, False, False)),
    "unlinked provider": (REFUSED, set(), set(), False, False, (True, False, False)),
    "unknown role": (REFUSED, set(), set(), False, False, (False, False, False)),
}


@pytest.mark.parametrize("who", list(CAST))
def test_each_role_s_decisions(who):
    actor = CAST[who]
    scope, visible, editable, edits, reviews, pages = EXPECTED[who]
    services = (S1, S2, S3, S4)
    assert _answer(provider_scope, actor) == scope
    assert {s.id for s in services if may_view_service(actor, s)} == visible
    assert {s.id for s in services if may_edit_service_returns(actor, s)} == editable
    assert may_edit_returns(actor) is edits
    assert may_review(actor) is reviews and is_admin(actor) is reviews
    assert tuple(may_open(actor, path) for path in ("/", "/review", "/admin")) == pages
    # Administration's sub-pages are kept for the lead officer like the page above them; a
    # path that merely starts with the same letters is not under it.
    for sub in ("/admin/providers", "/admin/metrics", "/admin/targets", "/admin/periods",
                "/admin/users", "/admin/settings", "/admin/audit", "/admin/"):
        assert may_open(actor, sub) is pages[2], sub
    assert may_open(actor, "/administration") is (who != "unknown role")
    # Every page not kept for the lead officer is open to every known role.
    assert may_open(actor, "/performance") is (who != "unknown role")


@pytest.mark.parametrize("who", list(CAST))
def test_checks_refuse_with_the_words_the_pages_show(who):
    actor = CAST[who]
    _, visible, editable, _, reviews, _ = EXPECTED[who]
    for service in (S1, S2, S3, S4):
        if service.id in visible:
            assert check_view(actor, service) is service
        else:
            with pytest.raises(AccessRefused, match=exactly("You do not have access to that service.")) as refused:
                check_view(actor, service)
            assert (refused.value.entity, refused.value.entity_id) == ("service", service.id)
        if service.id in editable:
            check_edit(actor, service)
        else:
            with pytest.raises(AccessRefused, match=exactly("You cannot change returns for that service.")):
                check_edit(actor, service)
    # A service that does not exist reads exactly like someone else's.
    with pytest.raises(AccessRefused, match=exactly("You do not have access to that service.")):
        check_view(actor, None)
    if reviews:
        require_admin(actor, "approve returns")
        check_page(actor, "/review")
        check_page(actor, "/admin")
        check_page(actor, "/admin/users")
    else:
        with pytest.raises(AccessRefused, match=exactly("Only the lead officer can approve returns.")):
            require_admin(actor, "approve returns")
        with pytest.raises(AccessRefused, match=exactly("Only the lead officer can open the review queue.")) as page:
            check_page(actor, "/review")
        assert page.value.entity == "page"
        with pytest.raises(AccessRefused, match=exactly("Only the lead officer can open administration.")):
            check_page(actor, "/admin")
        with pytest.raises(AccessRefused, match=exactly("Only the lead officer can open administration.")) as sub:
            check_page(actor, "/admin/users")
        assert sub.value.entity == "page"


def test_a_provider_user_may_not_change_a_return_filed_under_another_provider():
    # S1 is provider A's, but this return was filed by provider B (before a hand-over).
    filed_by_b = Return(id=7, service_id=1, provider_id=B)
    with pytest.raises(AccessRefused, match=exactly("You cannot change that return.")) as refused:
        check_edit(OF_A, S1, filed_by_b)
    assert (refused.value.entity, refused.value.entity_id) == ("return", 7)
    check_edit(ADMIN, S1, filed_by_b)  # the lead officer may
    check_edit(OF_A, S1, Return(id=8, service_id=1, provider_id=A))


def test_the_provider_filter_cannot_widen_a_provider_user_s_view():
    # (actor, provider chosen in the browser) -> the provider the view narrows to
    assert confine_provider(ADMIN, None) is None and confine_provider(ADMIN, B) == B
    assert confine_provider(VIEWER, A) == A
    assert confine_provider(OF_A, None) == A
    assert confine_provider(OF_A, B) == A  # a crafted filter for B still shows A's own
    assert confine_provider(OF_B, A) == B
    with pytest.raises(AccessRefused, match=exactly("This account is not linked to a provider.")):
        confine_provider(UNLINKED, A)


def test_visible_services_is_pushed_down_into_the_sql(session):
    a, b = f.provider(session, "Alpha"), f.provider(session, "Beta")
    ids = {name: f.service(session, name, owner).id
           for name, owner in (("S1", a), ("S2", a), ("S3", b), ("S4", None))}

    def seen(actor) -> set[str]:
        # (Among these four: the catalogue the factory loads has services of its own.)
        names = session.scalars(select(Service.name).where(visible_services(actor),
                                                           Service.id.in_(ids.values())))
        return set(names)

    assert seen(ADMIN) == seen(VIEWER) == {"S1", "S2", "S3", "S4"}
    assert seen(f.Actor(3, "provider", a.id)) == {"S1", "S2"}
    assert seen(f.Actor(4, "provider", b.id)) == {"S3"}
    for nobody in (UNLINKED, UNKNOWN):
        with pytest.raises(AccessRefused):
            seen(nobody)


def test_a_deactivated_user_may_do_nothing(session):
    active = f.user(session, "active@example.org", "viewer")
    gone = f.user(session, "gone@example.org", "admin")
    gone.active = False
    assert may_act(active) and not may_act(gone) and not may_act(None)
    assert require_active(active) is active
    # The same words for a deactivated user and for nobody at all.
    for user in (gone, None):
        with pytest.raises(AccessRefused, match=exactly("No active user has that email address.")):
            require_active(user)
    assert session.get(User, gone.id).active is False


def test_audiences_share_what_they_may_see_and_nothing_else():
    """The cache keys a view by audience: everyone who may see the same shares one."""
    from models.access import Audience, audience_of

    assert audience_of(ADMIN) == Audience("admin", None)
    assert audience_of(VIEWER) == Audience("viewer", None) != audience_of(ADMIN)
    assert audience_of(f.Actor(9, "viewer", A)) == audience_of(VIEWER)  # a stray link changes nothing
    assert audience_of(OF_A) == Audience("provider", A) == audience_of(f.Actor(10, "provider", A))
    assert audience_of(OF_A) != audience_of(OF_B)
    for nobody in (UNLINKED, UNKNOWN):
        with pytest.raises(AccessRefused):
            audience_of(nobody)
