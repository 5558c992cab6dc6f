"""The review queue's "Last quarter" shows figures that count (issue #13, item 7), and the
queue is laid out for deciding (issue #16, item 5)."""

import datetime as dt

import pytest
from sqlalchemy import event, select

from models.access import AccessRefused
from models.returns.lists import queue_choices, review_queue, review_queue_page, waiting_count
from models.returns.queries import (
    approved_history,
    find_return,
    last_quarter_counts,
    metric_defs,
    service_with_metrics,
    value_texts,
)
from models.returns.saving import review_return, save_return
from models.rules.validation import FieldKey, RawReturn, validate_return
from models.store.db import unit_of_work
from models.store.entities import Period, Return
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


# Laid out for deciding (issue #16, item 5) -------------------------------------------------

AFTER_Q2 = dt.date(2024, 11, 25)  # Q2 2024/25 ended on 30 September


@pytest.fixture
def resubmitted(session):
    """Hand-worked: Q2 2024/25 submitted as 30 people (20 self-referred, 10 by a GP) and 7
    of 10 felt safer; returned with "Check Q2"; resubmitted with one figure changed, 8 of
    10 felt safer. Made through the app's own saves, so the audit trail holds the figures."""
    owner = f.provider(session, "Alpha Support")
    svc = f.service(session, "Alpha service", owner)
    people = f.metric(session, svc, "People supported", headline=True, categories=("Self", "GP"))
    safer = f.metric(session, svc, "Felt safer", unit="percent", kind="outcome", order=1)
    f.target(session, safer, 2024, 75)
    q2 = f.periods(session, 2024)[2]
    alpha = A(f.user(session, "a@x.org", "provider", owner).id, "provider", owner.id)
    admin = A(f.user(session, "admin@x.org", "admin").id, "admin")
    self_cat, gp = people.categories

    def figures(improved: str) -> RawReturn:
        return RawReturn(counts={people.id: "30"}, numerators={safer.id: improved},
                         denominators={safer.id: "10"},
                         categories={self_cat.id: "20", gp.id: "10"},
                         narrative={"highlights": "Going well"})

    first = save_return(session, alpha, svc.id, q2.id, figures("7"), 0, submit=True, today=AFTER_Q2)
    ret = review_return(session, admin, session.query(Return.id).scalar(), "return", "Check Q2",
                        first.version, today=AFTER_Q2)
    save_return(session, alpha, svc.id, q2.id, figures("8"), ret.version, submit=True, today=AFTER_Q2)
    return {"admin": admin, "owner": owner, "q2": q2, "alpha": alpha}


def _item(session, actor, **filters):
    items = review_queue(session, actor, today=AFTER_Q2, **filters)
    assert len(items) == 1
    return items[0]


def test_a_resubmission_shows_the_earlier_comment_and_exactly_the_figure_that_changed(
        session, resubmitted):
    item = _item(session, resubmitted["admin"])
    assert item.resubmitted and item.earlier_comment == "Check Q2"
    rows = {row.name: row for row in item.values}
    assert [row.name for row in item.values] == ["People supported", "Self", "GP", "Felt safer"]
    assert [row.breakdown for row in item.values] == [False, True, True, False]
    # 8 of 10 is 80%; the target is 75%; it was 7 of 10 when returned.
    assert rows["Felt safer"].value == "80% (8 of 10)" and rows["Felt safer"].target == "75%"
    assert {name: row.was for name, row in rows.items()} == {
        "People supported": "", "Self": "", "GP": "", "Felt safer": "was 7 of 10"}
    assert item.href == f"/returns/edit?service={item.service_id}&period={item.period_id}"
    assert item.not_yet == ""


def test_a_first_submission_has_no_earlier_comment_and_no_change_column(session):
    svc = f.service(session, "Beta service", f.provider(session, "Beta"))
    safer = f.metric(session, svc, "Felt safer", unit="percent", kind="outcome")
    f.a_return(session, svc, f.periods(session, 2024)[2], "submitted", rates={safer: (16, 19)})
    item = _item(session, A(1, "admin"))
    assert not item.resubmitted and item.earlier_comment == ""
    # 16 / 19 = 84.2%, shown as 84% beside the figures.
    assert [(row.value, row.was) for row in item.values] == [("84% (16 of 19)", None)]


def test_the_queue_filters_by_provider_and_quarter_and_counts_what_waits(session, resubmitted):
    admin, owner, q2 = resubmitted["admin"], resubmitted["owner"], resubmitted["q2"]
    other = f.provider(session, "Gamma Trust")
    svc = f.service(session, "Gamma service", other, order=1)
    q1 = f.periods(session, 2024)[1]
    f.a_return(session, svc, q1, "submitted", {f.metric(session, svc, "People"): 3})
    assert waiting_count(session, admin) == 2
    assert _item(session, admin, provider_id=owner.id).service == "Alpha service"
    assert _item(session, admin, period_id=q1.id).service == "Gamma service"
    assert review_queue(session, admin, provider_id=other.id, period_id=q2.id) == []
    providers, periods = queue_choices(session, admin)
    assert providers == [(owner.id, "Alpha Support"), (other.id, "Gamma Trust")]
    assert periods == [(q2.id, "Q2 2024/25"), (q1.id, "Q1 2024/25")]


@pytest.mark.parametrize("role", ["provider", "viewer"])
def test_only_the_lead_officer_sees_the_queue_or_its_count(session, resubmitted, role):
    actor = resubmitted["alpha"] if role == "provider" else A(99, "viewer")
    for ask in (lambda: review_queue(session, actor), lambda: waiting_count(session, actor),
                lambda: queue_choices(session, actor)):
        with pytest.raises(AccessRefused, match="Only the lead officer"):
            ask()


# Read in a few set-based queries (issue 20: the page took 1,131 queries for 75 waiting
# returns at county scale, one lookup after another for each) ------------------------------

def _waiting(session, how_many: int) -> None:
    """`how_many` services of their own providers, each with a year of approved history, an
    approved last quarter and a submitted Q3 2024/25: every read the queue makes has rows."""
    ps = {**{(2023, q): p for q, p in f.periods(session, 2023).items()},
          **{(2024, q): p for q, p in f.periods(session, 2024).items()}}
    for i in range(how_many):
        svc = f.service(session, f"Service {i:02d}", f.provider(session, f"Provider {i:02d}"), order=i)
        people = f.metric(session, svc, "People supported", headline=True, categories=("Self", "GP"))
        safer = f.metric(session, svc, "Felt safer", unit="percent", kind="outcome", order=1)
        f.target(session, safer, 2024, 70 + i)
        self_cat, gp = people.categories
        for year, q in ((2023, 2), (2023, 3), (2023, 4), (2024, 1), (2024, 2)):
            f.a_return(session, svc, ps[year, q], "approved", {people: 10 + q}, {safer: (q, 5)},
                       {self_cat: 5, gp: 5 + q})
        # Every third one far above its usual figures; every other a big jump only.
        now = 100 if i % 3 == 0 else 24 if i % 2 else 13
        f.a_return(session, svc, ps[2024, 3], "submitted", {people: now}, {safer: (3, 4)},
                   {self_cat: now - 1, gp: 1})


def _queries(session, ask) -> tuple[int, object]:
    engine = session.get_bind()
    seen = []

    def count(*_args, **_kwargs) -> None:
        seen.append(1)

    session.flush()
    session.expire_all()  # nothing already in the session's identity map
    event.listen(engine, "before_cursor_execute", count)
    try:
        answer = ask()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen), answer


def test_the_number_of_queries_does_not_grow_with_the_queue(factory):
    admin = A(1, "admin")
    counted = {}
    for how_many in (5, 20):
        with unit_of_work(factory) as session:
            for ret in session.scalars(select(Return)):
                session.delete(ret)
            _waiting(session, how_many)
            counted[how_many], items = _queries(
                session, lambda s=session: review_queue(s, admin, today=dt.date(2025, 2, 1)))
            assert len(items) == how_many
            session.rollback()
    assert counted[5] == counted[20] <= 15


def test_each_waiting_return_is_checked_as_its_own_return_would_be(session):
    """The batched reads give every return the same history and last quarter as reading its
    own (approved_history, last_quarter_counts: what saving a return checks against)."""
    _waiting(session, 7)
    items = review_queue(session, A(1, "admin"), today=dt.date(2025, 2, 1))
    assert len(items) == 7
    for item in items:
        service = service_with_metrics(session, item.service_id)
        period = session.get(Period, item.period_id)
        ret = find_return(session, item.service_id, item.period_id)
        values = value_texts(ret)
        raw = RawReturn(counts={m.id: values.get(FieldKey.count(m.id)) for m in service.metrics},
                        numerators={m.id: values.get(FieldKey.numerator(m.id)) for m in service.metrics},
                        denominators={m.id: values.get(FieldKey.denominator(m.id)) for m in service.metrics},
                        categories={c.id: values.get(FieldKey.category(c.id))
                                    for m in service.metrics for c in m.categories})
        alone = validate_return(metric_defs(service), raw, submitting=False,
                                history=approved_history(session, item.service_id, item.period_id),
                                last_quarter=last_quarter_counts(session, item.service_id, period))
        assert item.warnings == list(alone.warnings.values())
    # Hand-worked: Service 00 (100 people; usually 12, the median of 12, 13, 14, 11 and 12)
    # is far outside its range; Service 01 (24; 12 last quarter) jumped; 02 (13) neither.
    by_name = {item.service: item for item in items}
    assert by_name["Service 00"].warnings == [
        "People supported (100) is far outside this service's usual range (usually about 12). "
        "Check the figure, or explain it below"]
    assert by_name["Service 01"].warnings == [
        "People supported changed a lot since last quarter (12 to 24). Check the figure, or "
        "explain it below"]
    assert by_name["Service 02"].warnings == []
    rows = {row.name: row for row in by_name["Service 01"].values}
    assert (rows["People supported"].last, rows["Felt safer"].last, rows["Felt safer"].target) == (
        "12", "40% (2 of 5)", "71%")


# A page at a time (issue 20: 2,250 waiting returns at national scale drew 269,000
# components in one request) ------------------------------------------------------------------

def test_a_page_of_the_queue_is_its_slice_of_the_whole_oldest_first(session):
    _waiting(session, 30)
    admin, day = A(1, "admin"), dt.date(2025, 2, 1)
    whole = [i.return_id for i in review_queue(session, admin, today=day)]
    first, total = review_queue_page(session, admin, 0, 25, today=day)
    second, again = review_queue_page(session, admin, 25, 50, today=day)
    assert total == again == 30
    assert [i.return_id for i in first] == whole[:25]
    assert [i.return_id for i in second] == whole[25:]  # the last 5
    assert len(second) == 5
    # The items are the whole queue's own (figures, warnings), not a cut-down form.
    assert first == review_queue(session, admin, today=day)[:25]
    past, counted = review_queue_page(session, admin, 50, 75, today=day)
    assert past == [] and counted == 30


def test_a_page_of_the_queue_keeps_the_filters_in_its_count(session):
    _waiting(session, 30)
    admin = A(1, "admin")
    one = session.scalars(select(Return).where(Return.status == "submitted").order_by(Return.id)).first()
    items, total = review_queue_page(session, admin, 0, 25, provider_id=one.provider_id)
    assert total == 1 and [i.return_id for i in items] == [one.id]
    items, total = review_queue_page(session, admin, 0, 25, period_id=one.period_id)
    assert total == 30 and len(items) == 25
    assert review_queue_page(session, admin, 0, 25, provider_id=-1) == ([], 0)


@pytest.mark.parametrize("role", ["provider", "viewer"])
def test_only_the_lead_officer_sees_a_page_of_the_queue(session, role):
    _waiting(session, 3)
    with pytest.raises(AccessRefused):
        review_queue_page(session, A(2, role, provider_id=1 if role == "provider" else None), 0, 25)
