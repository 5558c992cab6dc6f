"""The review queue's "Last quarter" shows figures that count (issue #13, item 7)."""

import pytest

from models.returns.lists import review_queue
from tests.helpers import factories as f

A = f.Actor


@pytest.fixture
def queue(session):
    svc = f.service(session, "Alpha service", f.provider(session, "Alpha Support"))
    people = f.metric(session, svc, "People supported", headline=True)
    safer = f.metric(session, svc, "Felt safer", unit="percent", kind="outcome", order=1)
    ps = f.periods(session, 2024)
    last = f.a_return(session, svc, ps[1], "draft", {people: 99}, {safer: (7, 9)})
    f.a_return(session, svc, ps[2], "submitted", {people: 30}, {safer: (8, 10)})
    return last


def _last_quarter(session, **options):
    item = next(i for i in review_queue(session, A(1, "admin"), **options) if i.label == "Q2 2024/25")
    return {row.name: row.last for row in item.values}


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_a_return_never_submitted_or_sent_back_is_not_last_quarter(session, queue, status):
    queue.status = status
    session.flush()
    assert _last_quarter(session) == {"People supported": "", "Felt safer": ""}
    assert _last_quarter(session, include_submitted=True) == {"People supported": "",
                                                              "Felt safer": ""}


def test_an_approved_return_is_last_quarter(session, queue):
    queue.status = "approved"
    session.flush()
    assert _last_quarter(session) == {"People supported": "99", "Felt safer": "78% (7 of 9)"}


def test_a_submitted_one_only_with_provisional_on(session, queue):
    queue.status = "submitted"
    session.flush()
    assert _last_quarter(session) == {"People supported": "", "Felt safer": ""}
    assert _last_quarter(session, include_submitted=True) == {"People supported": "99",
                                                              "Felt safer": "78% (7 of 9)"}
