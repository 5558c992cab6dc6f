"""Quarter end and the review queue (issue #16, items 4 and 5), through the callbacks as
each role: the lead officer decides and filters; providers and members are refused, and
every refusal is audited. The suite's date is 25 November 2026: Q3 2026/27 is under way."""

import re

import pytest
from dash import no_update
from sqlalchemy import func, select

from callbacks.admin.periods import load_period, period_action
from callbacks.return_requests import SentForm
from callbacks.returns import handle_queue, handle_review, handle_save, review_from_queue
from layouts import ids
from models.store.db import unit_of_work
from models.store.entities import AuditEvent, Period, Provider, Return
from tests.helpers.returns import OWNER, error_ids

NOT_YET = ("You can submit this return from 1 January 2027, the day after the quarter ends. "
           "You can save it as a draft now.")
NOT_ADMIN = ["safer-futures-support@demo.local", "viewer@demo.local"]


def _refusals(factory) -> int:
    with unit_of_work(factory) as s:
        return s.scalar(select(func.count()).select_from(AuditEvent)
                        .where(AuditEvent.action == "refused"))


def _form(w, version=0):
    counts = (["5"] * len(w["metrics"]), [{"type": ids.COUNT, "metric": m} for m in w["metrics"]])
    return SentForm({"count": counts}, error_ids(w), {"service": w["service"], "period": w["period"]},
                    version, False)


def test_submitting_before_the_quarter_ends_is_refused_and_a_draft_saves(signed_in, demo_factory,
                                                                        sanctuary):
    w = sanctuary
    with signed_in(OWNER):
        saved = handle_save("save", _form(w))
    assert "Draft saved" in str(saved["status"])
    # Submit stays off after the save: the reason is beside it.
    assert saved["submit_locked"] is True and saved["locked"] is False
    with signed_in(OWNER):
        refused = handle_save("submit", _form(w, version=saved["version"]))
    assert NOT_YET in str(refused["summary"])
    with unit_of_work(demo_factory) as s:
        ret = s.scalars(select(Return).where(Return.service_id == w["service"],
                                             Return.period_id == w["period"])).one()
        assert ret.status == "draft"
        s.get(Period, w["period"]).early_submission = True
    with signed_in(OWNER):
        early = handle_save("submit", _form(w, version=saved["version"]))
    assert "Return submitted" in str(early["status"])


def _submitted_q3(factory, w) -> tuple[int, int]:
    """A Sanctuary Q3 return submitted while early submission was allowed, then withdrawn."""
    with unit_of_work(factory) as s:
        ret = Return(service_id=w["service"], period_id=w["period"], status="submitted",
                     provider_id=s.scalars(select(Provider.id).where(Provider.name.like("Safer%"))).first())
        s.add(ret)
        s.flush()
        return ret.id, ret.version


@pytest.mark.parametrize("action", ["approve", "return"])
def test_the_lead_officer_cannot_decide_a_return_whose_quarter_is_under_way(
        signed_in, demo_factory, sanctuary, action):
    return_id, version = _submitted_q3(demo_factory, sanctuary)
    with signed_in("admin@demo.local"):
        message, done = handle_review(action, return_id, "Check it", version)
    assert not done and "Q3 2026/27 has not ended yet" in str(message)
    with unit_of_work(demo_factory) as s:
        assert s.get(Return, return_id).status == "submitted"


def _first_waiting(factory) -> tuple[int, int, str]:
    with unit_of_work(factory) as s:
        ret = s.scalars(select(Return).where(Return.status == "submitted").order_by(Return.id)).first()
        return ret.id, ret.version, ret.service.name


def test_approving_shows_the_result_beside_the_buttons_and_recounts(signed_in, demo_factory,
                                                                   monkeypatch):
    import callbacks.returns as module

    return_id, version, service = _first_waiting(demo_factory)
    with unit_of_work(demo_factory) as s:
        waiting = s.scalar(select(func.count()).select_from(Return).where(Return.status == "submitted"))
        other = s.scalars(select(Return.id).where(Return.status == "submitted", Return.id != return_id)).first()
    rows = [{"type": ids.RQ_COMMENT, "return": r} for r in (other, return_id)]
    versions = [{"type": ids.RQ_VERSION, "return": r} for r in (other, return_id)]
    monkeypatch.setattr(module, "ctx", type("Ctx", (), {
        "triggered_id": {"type": ids.RQ_APPROVE, "return": return_id}})())
    with signed_in("admin@demo.local"):
        results, approve, back, comment, count = review_from_queue(
            [None, 1], [None, None], ["", ""], rows, [0, version], versions)
    assert f"Approved: {service}, Q2 2026/27" in str(results[1])
    assert results[0] is module.no_update and approve == [module.no_update, True] == back == comment
    assert count == f"{waiting - 1} waiting"


@pytest.mark.parametrize("who", ["admin@demo.local", *NOT_ADMIN])
def test_filtering_the_queue_as_every_role(signed_in, demo_factory, who):
    with unit_of_work(demo_factory) as s:
        period = s.scalars(select(Period).filter_by(year=2026, quarter=2)).one()
        waiting = s.scalars(select(Return).where(Return.status == "submitted",
                                                 Return.period_id == period.id)).all()
        provider_id = waiting[0].provider_id
        theirs = [r.id for r in waiting if r.provider_id == provider_id]
    before = _refusals(demo_factory)
    with signed_in(who):
        shown = str(handle_queue(str(provider_id), str(period.id)))
    if who == "admin@demo.local":
        assert sorted(int(i) for i in re.findall(r"queue-item-(\d+)", shown)) == theirs
        assert _refusals(demo_factory) == before
    else:
        assert "Only the lead officer" in shown and "queue-item-" not in shown
        assert _refusals(demo_factory) == before + 1


def test_a_crafted_filter_is_the_whole_queue_not_an_error(signed_in):
    """A filter's value that names nothing offered is "all", as an unknown slug is on every page."""
    with signed_in("admin@demo.local"):
        crafted, everything = handle_queue("'; drop", "Q9 1900/01"), handle_queue("all", "all")
    assert str(crafted[:6]) == str(everything[:6]) and crafted[6]["search"] == ""


@pytest.mark.parametrize("who", ["admin@demo.local", *NOT_ADMIN])
def test_allowing_early_submission_as_every_role(signed_in, demo_factory, sanctuary, who):
    q3 = str(sanctuary["period"])
    before = _refusals(demo_factory)
    with signed_in(who):
        out = period_action("save", q3, "open", "2027-01-20", None, True)
    with unit_of_work(demo_factory) as s:
        early = s.get(Period, sanctuary["period"]).early_submission
        audited = s.scalars(select(AuditEvent).where(AuditEvent.entity == "period")
                            .order_by(AuditEvent.id.desc())).first()
    if who == "admin@demo.local":
        assert early is True and "can be submitted before the quarter ends" in str(out[0])
        assert "From 1 January 2027" not in str(out[1]) and "Early submission allowed" in str(out[1])
        assert audited.action == "update" and '"early": true' in audited.after
        with signed_in(who):
            assert load_period(q3) == ("open", "20/01/2027", True)
    else:
        assert early is False and "Only the lead officer" in str(out[0])
        assert _refusals(demo_factory) == before + 1


def test_drawing_the_queue_presses_nothing_and_changes_nothing(monkeypatch):
    """Drawing the queue calls the decision callback with its new, never-clicked buttons: it
    must change nothing as a whole (a pattern's outputs cannot take one no_update each: that
    was a server error on every visit to the queue)."""
    from dash.exceptions import PreventUpdate

    import callbacks.returns as module

    monkeypatch.setattr(module, "ctx", type("Ctx", (), {
        "triggered_id": {"type": ids.RQ_APPROVE, "return": 5}})())
    with pytest.raises(PreventUpdate):
        review_from_queue([None], [None], [""], [{"type": ids.RQ_COMMENT, "return": 5}], [1],
                          [{"type": ids.RQ_VERSION, "return": 5}])


# A page at a time (issue 20) -------------------------------------------------------------------

@pytest.fixture
def long_queue(demo_factory) -> list[int]:
    """The demo's approved returns of 2025/26 submitted again, so the queue fills more than a
    page: its return ids, oldest first, as the queue orders them."""
    with unit_of_work(demo_factory) as s:
        earlier = s.scalars(select(Return).join(Period, Period.id == Return.period_id)
                            .where(Return.status == "approved", Period.year == 2025)).all()
        for ret in earlier:
            ret.status = "submitted"
    with unit_of_work(demo_factory) as s:
        return list(s.scalars(select(Return.id).where(Return.status == "submitted")
                              .order_by(Return.submitted_at, Return.id)))


def _shown_ids(children) -> list[int]:
    return [int(i) for i in re.findall(r"queue-item-(\d+)", str(children))]


def test_paging_through_the_queue_as_the_lead_officer(signed_in, long_queue):
    total = len(long_queue)
    assert total > 25, "the fixture must fill more than a page"
    with signed_in("admin@demo.local"):
        items, count, status, prev_off, next_off, store, view = handle_queue("all", "all")
        assert _shown_ids(items) == long_queue[:25]
        assert count == f"{total:,} submitted returns wait for review, oldest first."
        assert status == f"Items 1 to 25 of {total:,}"
        assert (prev_off, next_off, store) == ("true", "false", {"page": 1})
        assert view["search"] == "" and view["title"] == "Review queue"
        items, _, status, prev_off, next_off, store, view = handle_queue("all", "all", "next", store)
        assert _shown_ids(items) == long_queue[25:50]
        assert status == f"Items 26 to {min(50, total):,} of {total:,}"
        assert prev_off == "false" and store == {"page": 2} and view["search"] == "?page=2"
        back = handle_queue("all", "all", "previous", store)
        assert _shown_ids(back[0]) == long_queue[:25] and back[5] == {"page": 1}
        # A page past the end (the queue shrank under an old store) is the last page.
        last = -(-total // 25)
        late = handle_queue("all", "all", "next", {"page": 500})
        assert late[5] == {"page": last} and late[4] == "true"
        assert _shown_ids(late[0]) == long_queue[(last - 1) * 25:]
        # A filter changed: its first page, and the URL names the filter.
        with_filter = handle_queue("all", "all", None, {"page": 3})
        assert with_filter[5] == {"page": 1}


@pytest.mark.parametrize("stored", [{"page": "2; drop"}, {"page": -4}, "nonsense", None, {"page": 10 ** 9}])
def test_a_crafted_page_is_the_first(signed_in, long_queue, stored):
    with signed_in("admin@demo.local"):
        answer = handle_queue("all", "all", None, stored)
    assert answer[5] == {"page": 1} and _shown_ids(answer[0]) == long_queue[:25]


@pytest.mark.parametrize("who", NOT_ADMIN)
def test_paging_is_refused_to_everyone_else_and_audited(signed_in, demo_factory, long_queue, who):
    before = _refusals(demo_factory)
    with signed_in(who):
        answer = handle_queue("all", "all", "next", {"page": 1})
    assert "Only the lead officer" in str(answer) and "queue-item-" not in str(answer)
    assert answer[5] is no_update
    assert _refusals(demo_factory) == before + 1


def test_paging_signed_out_says_so(demo_app, long_queue):
    with demo_app.server.test_request_context("/"):
        answer = handle_queue("all", "all", "next", {"page": 1})
    assert "queue-item-" not in str(answer) and "sign in" in str(answer).lower()


@pytest.mark.parametrize(("who", "search", "expected"), [
    ("admin@demo.local", "?page=2", "Items 26 to"),
    ("admin@demo.local", "?page=nonsense&provider=99999", "Items 1 to 25"),
    ("safer-futures-support@demo.local", "?page=2", "No access"),
    ("riverside-boxing-academy@demo.local", "?page=2", "No access"),
    ("viewer@demo.local", "?page=2", "No access"),
])
def test_the_queue_page_is_drawn_for_its_url(signed_in, long_queue, who, search, expected):
    from callbacks.router import display_page

    with signed_in(who):
        page = str(display_page("/review", search))
    assert expected in page
    if expected == "No access":
        assert "queue-item-" not in page


def test_the_queue_names_a_provider_by_its_slug_and_a_quarter_by_its_label(signed_in, demo_factory):
    """The filters' values and the address are words (as on the Overview and the Returns list);
    a link made with ids (?provider=3&period=26) opens the same view."""
    from callbacks.router import display_page
    from tests.helpers.components import find_component

    with unit_of_work(demo_factory) as s:
        period = s.scalars(select(Period).filter_by(year=2026, quarter=2)).one()
        waiting = s.scalars(select(Return).where(Return.status == "submitted",
                                                 Return.period_id == period.id)).all()
        provider = s.get(Provider, waiting[0].provider_id)
        slug, provider_id, period_id = provider.slug, provider.id, period.id
        theirs = sorted(r.id for r in waiting if r.provider_id == provider_id)
    by_words = f"?provider={slug}&quarter=Q2+2026%2F27"
    with signed_in("admin@demo.local"):
        page = display_page("/review", by_words)
        old_link = display_page("/review", f"?provider={provider_id}&period={period_id}")
        answer = handle_queue(slug, "Q2 2026/27")
        by_id = handle_queue(str(provider_id), str(period_id))
    shown = sorted(int(i) for i in re.findall(r"queue-item-(\d+)", str(page)))
    assert shown == theirs == sorted(int(i) for i in re.findall(r"queue-item-(\d+)", str(old_link)))
    assert find_component(page, ids.RQ_PROVIDER).value == slug == find_component(old_link, ids.RQ_PROVIDER).value
    assert find_component(page, ids.RQ_PERIOD).value == "Q2 2026/27"
    assert answer[6]["search"] == by_id[6]["search"] == by_words
    assert sorted(int(i) for i in re.findall(r"queue-item-(\d+)", str(answer[0]))) == theirs


def _drawn_ctx(monkeypatch, triggered: list[dict], triggered_id=None) -> None:
    """Dash's callback context as it is when the router draws a page (every input listed)
    or when the user acts (one)."""
    import callbacks.navigation
    import callbacks.returns
    import callbacks.returns_list

    fake = type("Ctx", (), {"triggered": triggered, "triggered_id": triggered_id})()
    for module in (callbacks.navigation, callbacks.returns, callbacks.returns_list):
        monkeypatch.setattr(module, "ctx", fake)


def test_the_queue_drawn_for_its_url_is_left_as_drawn(signed_in, long_queue, monkeypatch):
    """Dash calls the queue's callback as the router draws /review?page=2, listing every input
    as triggered: the page came drawn for its URL, so nothing is redrawn (not page 1); only
    the record of the view as drawn, which the address bar takes in place."""
    from callbacks.returns import on_queue_change

    _drawn_ctx(monkeypatch, [{"prop_id": "rq-provider.value", "value": "all"},
                             {"prop_id": "rq-period.value", "value": "all"},
                             {"prop_id": "rq-prev.n_clicks", "value": 0},
                             {"prop_id": "rq-next.n_clicks", "value": 0}])
    with signed_in("admin@demo.local"):
        drawn = on_queue_change("all", "all", 0, 0, {"page": 2})
        assert drawn[:6] == (no_update,) * 6
        assert drawn[6] == {"search": "?page=2", "title": "Review queue"}
        assert on_queue_change("3", "x'", 0, 0, {"page": 2}) == (no_update,) * 7  # not the router's
    _drawn_ctx(monkeypatch, [{"prop_id": "rq-next.n_clicks", "value": 1}], "rq-next")
    with signed_in("admin@demo.local"):
        pressed = on_queue_change("all", "all", 0, 1, {"page": 2})
    assert pressed[5] == {"page": min(3, -(-len(long_queue) // 25))}  # Next, or the last page
