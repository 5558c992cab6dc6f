"""Quarter end (issue #16, item 4): a return may be saved as a draft during its quarter, but
submitted, approved or returned only from the day after the quarter ends, unless the lead
officer allows early submission for that period. Expectations worked by hand."""

import datetime as dt

import pytest

from models.admin.periods import update_period
from models.returns.saving import review_return, save_return
from models.rules.periods import Quarter, may_submit_on, submission_opens
from models.rules.validation import RawReturn
from models.rules.workflow import WorkflowError, decision_refusal, submit_refusal
from models.store.entities import AuditEvent, Return
from tests.helpers import factories as f

Q3 = Quarter(2026, 3)  # 1 October to 31 December 2026
Q4 = Quarter(2026, 4)  # 1 January to 31 March 2027
NOT_YET = ("You can submit this return from 1 January 2027, the day after the quarter ends. "
           "You can save it as a draft now.")


# The rule ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("quarter", "today", "early", "allowed"), [
    (Q3, dt.date(2026, 11, 30), False, False),  # the case: during the quarter
    (Q3, dt.date(2026, 12, 31), False, False),  # its last day: not ended yet
    (Q3, dt.date(2027, 1, 1), False, True),     # the day after
    (Q3, dt.date(2027, 2, 14), False, True),    # any later day
    (Q4, dt.date(2027, 3, 31), False, False),   # Q4 ends 31 March
    (Q4, dt.date(2027, 4, 1), False, True),
    (Q3, dt.date(2026, 11, 30), True, True),    # the lead officer allowed it early
    (Q3, dt.date(2026, 10, 1), True, True),
])
def test_may_submit_on(quarter, today, early, allowed):
    assert may_submit_on(quarter, today, early) is allowed


def test_submission_opens_the_day_after_the_quarter_ends():
    assert submission_opens(Q3) == dt.date(2027, 1, 1)
    assert submission_opens(Q4) == dt.date(2027, 4, 1)
    assert submission_opens(Quarter(2027, 3)) == dt.date(2028, 1, 1)
    assert submission_opens(Quarter(2026, 1)) == dt.date(2026, 7, 1)  # Q1 ends 30 June


def test_the_messages_say_when_in_words():
    assert submit_refusal(Q3, dt.date(2026, 11, 30)) == NOT_YET
    assert submit_refusal(Q3, dt.date(2027, 1, 1)) is None
    assert submit_refusal(Q3, dt.date(2026, 11, 30), early_allowed=True) is None
    assert submit_refusal(Q4, dt.date(2027, 3, 31)) == (
        "You can submit this return from 1 April 2027, the day after the quarter ends. "
        "You can save it as a draft now.")
    assert decision_refusal(Q3, dt.date(2026, 12, 31)) == (
        "Q3 2026/27 has not ended yet, so this return cannot be approved or returned until "
        "1 January 2027.")
    assert decision_refusal(Q3, dt.date(2027, 1, 1)) is None


# Enforced where a return is saved and decided ---------------------------------------------

@pytest.fixture
def q3_world(session):
    owner = f.provider(session, "Alpha Support")
    svc = f.service(session, "Alpha service", owner)
    people = f.metric(session, svc, "People supported", headline=True)
    periods = f.periods(session, 2026)
    return {"svc": svc, "people": people, "q3": periods[3], "q2": periods[2],
            "owner": f.Actor(f.user(session, "a@x.org", "provider", owner).id, "provider", owner.id),
            "admin": f.Actor(f.user(session, "admin@x.org", "admin").id, "admin")}


def _figures(w, n="12"):
    return RawReturn(counts={w["people"].id: n}, narrative={"highlights": "Going well"})


def test_a_draft_saves_during_the_quarter_but_submitting_is_refused(session, q3_world):
    w = q3_world
    today = dt.date(2026, 11, 30)
    draft = save_return(session, w["owner"], w["svc"].id, w["q3"].id, _figures(w), 0,
                        submit=False, today=today)
    assert draft.saved and draft.status == "draft" and draft.submit_not_yet == NOT_YET
    with pytest.raises(WorkflowError, match=r"^You can submit this return from 1 January 2027"):
        save_return(session, w["owner"], w["svc"].id, w["q3"].id, _figures(w), draft.version,
                    submit=True, today=today)
    ret = session.get(Return, session.query(Return.id).scalar())
    assert ret.status == "draft"
    # On its last day still refused; the day after, submitted.
    with pytest.raises(WorkflowError):
        save_return(session, w["owner"], w["svc"].id, w["q3"].id, _figures(w), draft.version,
                    submit=True, today=dt.date(2026, 12, 31))
    done = save_return(session, w["owner"], w["svc"].id, w["q3"].id, _figures(w), draft.version,
                       submit=True, today=dt.date(2027, 1, 1))
    assert done.status == "submitted" and done.submit_not_yet == ""


def test_early_submission_set_by_the_admin_allows_it_and_is_audited(session, q3_world):
    w = q3_world
    period = w["q3"]
    update_period(session, w["admin"], period.id, "open", period.due_date, early_submission=True)
    assert period.early_submission is True
    event = session.query(AuditEvent).filter_by(entity="period", action="update").one()
    assert '"early": false' in event.before and '"early": true' in event.after
    done = save_return(session, w["owner"], w["svc"].id, period.id, _figures(w), 0, submit=True,
                       today=dt.date(2026, 11, 30))
    assert done.status == "submitted"
    # Left out, the flag stays as it is.
    update_period(session, w["admin"], period.id, "open", period.due_date)
    assert period.early_submission is True


@pytest.mark.parametrize("action", ["approve", "return"])
def test_a_submitted_return_of_a_quarter_under_way_cannot_be_decided(session, q3_world, action):
    """Submitted while early submission was allowed, which was then withdrawn: approving or
    returning it waits for the quarter to end; reopening (back to the provider) does not."""
    w = q3_world
    ret = f.a_return(session, w["svc"], w["q3"], "submitted", {w["people"]: 12})
    with pytest.raises(WorkflowError, match=r"^Q3 2026/27 has not ended yet"):
        review_return(session, w["admin"], ret.id, action, "Check it", ret.version,
                      today=dt.date(2026, 12, 31))
    assert ret.status == "submitted"
    w["q3"].early_submission = True
    session.flush()
    review_return(session, w["admin"], ret.id, action, "Check it", ret.version,
                  today=dt.date(2026, 12, 31))
    assert ret.status == {"approve": "approved", "return": "returned"}[action]


def test_reopening_is_not_held_to_the_quarter_end(session, q3_world):
    w = q3_world
    ret = f.a_return(session, w["svc"], w["q3"], "submitted", {w["people"]: 12})
    review_return(session, w["admin"], ret.id, "reopen", "Figures were wrong", ret.version,
                  today=dt.date(2026, 11, 30))
    assert ret.status == "returned"
