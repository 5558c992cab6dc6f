"""The return form's messages the GOV.UK way, and its state redrawn after each action:
errors and warnings by the fields, a breakdown's sum at its total, the status and the
read-only state after Submit, an upload and a reopening — as every role."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest
from dash import no_update
from sqlalchemy import select

from callbacks.return_requests import INPUT_KINDS, SentForm
from callbacks.returns import handle_reopen, handle_save, handle_upload
from layouts import ids
from layouts.return_form import error_slot_id
from models.rules.validation import FieldKey
from models.store.db import unit_of_work
from models.store.entities import Period, Provider, Return, Service
from tests.helpers import factories as f
from tests.helpers.returns import OWNER, filled_template, right_figures

OTHER = "riverside-boxing-academy@demo.local"
ADMIN = "admin@demo.local"
ROLES = [None, OWNER, OTHER, "viewer@demo.local", ADMIN]


@pytest.fixture
def outreach(demo_factory) -> dict:
    """A service of the owner's provider: a count with two categories and a rate, in Q3
    2026/27 (submission allowed early), with Q2's count approved at 20, so that 60 this
    quarter is a large jump (a warning)."""
    with unit_of_work(demo_factory) as s:
        sanctuary = s.scalars(select(Service).where(Service.name == "Sanctuary scheme")).one()
        owner = s.get(Provider, sanctuary.provider_id)
        svc = f.service(s, "Test outreach service", owner)
        people = f.metric(s, svc, "People supported", headline=True, categories=("Self", "GP"))
        safer = f.metric(s, svc, "Felt safer", unit="percent", kind="outcome", order=1)
        q2 = s.scalars(select(Period).filter_by(year=2026, quarter=2)).one()
        q3 = s.scalars(select(Period).filter_by(year=2026, quarter=3)).one()
        q3.early_submission = True
        f.a_return(s, svc, q2, "approved", counts={people: 20}, rates={safer: (5, 10)},
                   breakdown={people.categories[0]: 12, people.categories[1]: 8})
        return {"service": svc.id, "period": q3.id, "people": people.id, "safer": safer.id,
                "cats": [c.id for c in people.categories]}


def sent(w: dict, count: str, cats: tuple[str, str], num: str, den: str, version: int = 0,
         confirmed: bool = False) -> SentForm:
    """The form as the browser sends it, with every error slot the page draws."""
    p, (c1, c2) = w["people"], w["cats"]
    inputs = {
        "count": ([count], [{"type": ids.COUNT, "metric": p}]),
        "num": ([num], [{"type": ids.NUM, "metric": w["safer"]}]),
        "den": ([den], [{"type": ids.DEN, "metric": w["safer"]}]),
        "cat": (list(cats), [{"type": ids.CAT, "metric": p, "category": c} for c in (c1, c2)]),
        "text": ([""], [{"type": ids.TEXT, "field": "warning_note"}]),
    }
    keys = [FieldKey.count(p), FieldKey.numerator(w["safer"]), FieldKey.denominator(w["safer"]),
            FieldKey.category(c1), FieldKey.category(c2), FieldKey.breakdown(p),
            FieldKey.narrative("warning_note")]
    return SentForm(inputs, [error_slot_id(k) for k in keys],
                    {"service": w["service"], "period": w["period"]}, version, confirmed)


SLOTS = ["count", "num", "den", "cat1", "cat2", "sum", "note"]


def slots(out: dict) -> dict[str, str]:
    return dict(zip(SLOTS, (str(e) for e in out["errors"]), strict=True))


def test_an_error_is_red_with_a_hidden_error_prefix_and_marks_its_input_invalid(signed_in, outreach):
    w = outreach
    with signed_in(OWNER):
        out = handle_save("save", sent(w, "lots", ("", ""), "12", "10"))
    shown = slots(out)
    assert "error-message" in shown["count"] and "Error: " in shown["count"]
    assert "People supported must be a whole number, like 12" in shown["count"]
    assert "cannot be more than the number assessed (10)" in shown["num"]
    assert shown["den"] == "" and shown["sum"] == ""
    assert out["invalid"]["count"] == [True] and out["invalid"]["num"] == [True]
    assert out["invalid"]["den"] == [False]
    summary = str(out["summary"])
    assert "There is a problem" in summary and "error-summary" in summary
    # A form with errors changes neither the status nor what may be changed.
    assert all(out[k] is no_update for k in ("status_panel", "read_only", "template_hidden", "submit_locked"))


def test_a_breakdown_that_does_not_add_up_is_shown_at_its_total_and_links_to_its_first_category(
        signed_in, outreach):
    w = outreach
    with signed_in(OWNER):
        out = handle_save("save", sent(w, "30", ("10", "5"), "7", "10"))
    shown = slots(out)
    assert "add up to 15, but the total is 30" in shown["sum"] and "error-message" in shown["sum"]
    assert shown["cat1"] == shown["cat2"] == shown["count"] == ""
    # No one category is wrong: none is marked invalid.
    assert out["invalid"]["cat"] == [False, False]
    first = {"type": ids.CAT, "metric": w["people"], "category": w["cats"][0]}
    assert "#" + quote(ids.dom_id(first), safe="") in str(out["summary"])


def test_warnings_are_amber_check_this_figure_and_never_invalid(signed_in, outreach):
    w = outreach
    with signed_in(OWNER):
        out = handle_save("submit", sent(w, "60", ("30", "30"), "7", "10"))
    shown = slots(out)
    assert "warning-message" in shown["count"] and "error-message" not in shown["count"]
    assert "Check this figure" in shown["count"] and "Warning: " in shown["count"]
    assert "changed a lot since last quarter (20 to 60)" in shown["count"]
    assert all(not v for kind in INPUT_KINDS for v in out["invalid"][kind])
    summary = str(out["summary"])
    assert "warning-summary" in summary and "There is a problem" not in summary
    assert "Check these figures before you submit" in summary
    # Confirmed: it is submitted.
    with signed_in(OWNER):
        confirmed = handle_save("submit", sent(w, "60", ("30", "30"), "7", "10", confirmed=True))
    assert "Return submitted" in str(confirmed["status"])


@pytest.mark.parametrize("who", ROLES)
def test_after_submit_the_status_and_read_only_state_are_redrawn(signed_in, demo_factory, outreach, who):
    w = outreach
    with signed_in(who):
        out = handle_save("submit", sent(w, "30", ("20", "10"), "7", "10"))
    if who in (OWNER, ADMIN):
        assert "Return submitted" in str(out["status"])
        assert "Submitted" in str(out["status_panel"]) and "Not started" not in str(out["status_panel"])
        assert "cannot be changed" in str(out["status_panel"])
        assert out["read_only"] is True and out["template_hidden"] is True
        assert out["locked"] is True and out["submit_locked"] is True
    else:
        assert "Return submitted" not in str(out["status"])
        assert all(out[k] is no_update for k in ("status_panel", "read_only", "template_hidden",
                                                  "submit_locked"))


def test_submitting_a_returned_return_takes_the_officers_comment_away(signed_in, demo_factory, outreach):
    w = outreach
    with unit_of_work(demo_factory) as s:
        ret = f.a_return(s, s.get(Service, w["service"]), s.get(Period, w["period"]), "returned")
        ret.officer_comment = "Check the GP figure"
    with unit_of_work(demo_factory) as s:
        version = s.get(Return, ret.id).version
    with signed_in(OWNER):
        out = handle_save("submit", sent(w, "30", ("20", "10"), "7", "10", version=version))
    assert "Return submitted" in str(out["status"]), out["summary"]
    assert "Check the GP figure" not in str(out["status_panel"])
    assert "Submitted" in str(out["status_panel"])
    # As a reload would show it: the stored status is submitted.
    with unit_of_work(demo_factory) as s:
        assert s.get(Return, ret.id).status == "submitted"


def test_a_draft_save_redraws_the_status_and_leaves_the_form_open(signed_in, outreach):
    w = outreach
    with signed_in(OWNER):
        out = handle_save("save", sent(w, "30", ("20", "10"), "7", "10"))
    assert "Draft saved" in str(out["status"])
    assert "Draft" in str(out["status_panel"])
    assert out["read_only"] is False and out["template_hidden"] is False and out["locked"] is False


def _template(demo_app, w: dict) -> str:
    """This return's template, downloaded by its owner and filled with figures that are
    right (30 = 20 + 10; 7 of 10), as a browser uploads it."""
    data = filled_template(demo_app, OWNER, w["service"], w["period"], right_figures(w))
    return "data:application/octet-stream;base64," + base64.b64encode(data).decode()


@pytest.mark.parametrize("who", ROLES)
def test_an_upload_redraws_the_status_and_clears_an_earlier_saves_marks(demo_app, signed_in, outreach, who):
    w = outreach
    page = sent(w, "lots", ("", ""), "12", "10")
    contents = _template(demo_app, w)
    invalid_ids = {kind: page.inputs[kind][1] for kind in INPUT_KINDS}
    with signed_in(who):
        out = handle_upload(contents, "return.xlsx", {"service": w["service"], "period": w["period"]}, 0,
                            invalid_ids, page.error_slots, invalid_ids)
    if who in (OWNER, ADMIN):
        assert "The draft was filled from your template." in str(out["message"])
        assert "Draft" in str(out["status_panel"]) and "Not started" not in str(out["status_panel"])
        assert out["summary"] is None
        assert out["errors"] == [""] * len(SLOTS)
        assert out["invalid"] == {kind: [False] * len(invalid_ids[kind]) for kind in INPUT_KINDS}
    else:
        assert "The draft was filled" not in str(out["message"])
        assert out["summary"] is no_update and out["status_panel"] is no_update
        assert out["errors"] is no_update


def test_reopening_redraws_the_status_and_opens_the_form(signed_in, demo_factory, outreach):
    w = outreach
    with signed_in(OWNER):
        submitted = handle_save("submit", sent(w, "30", ("20", "10"), "7", "10"))
    with unit_of_work(demo_factory) as s:
        ret = s.scalars(select(Return).where(Return.service_id == w["service"],
                                             Return.period_id == w["period"])).one()
        ret.status = "approved"
    with unit_of_work(demo_factory) as s:
        version = s.scalars(select(Return.version).where(Return.service_id == w["service"],
                                                         Return.period_id == w["period"])).one()
    context = {"service": w["service"], "period": w["period"]}
    with signed_in(OWNER):
        refused = handle_reopen("Figures were wrong", context, version)
    assert "Only the lead officer" in str(refused["message"]) and refused["status_panel"] is no_update
    with signed_in(ADMIN):
        out = handle_reopen("Figures were wrong", context, version)
    assert submitted["read_only"] is True
    assert "reopened" in str(out["message"])
    assert out["read_only"] is False and out["template_hidden"] is False and out["locked"] is False
    assert out["version"] == version + 1
    assert "cannot be changed" not in str(out["status_panel"])
