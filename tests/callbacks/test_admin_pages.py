"""Administration without traps: a page per kind of thing (each with its own URL, each built
from only what it shows, each refused to all but the lead officer), lists that refresh after
a save, forms that clear after a new record, a warning when the quarters disagree with the
year, and messages that name fields as the forms label them."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from callbacks.admin import metrics, providers, services, targets, users
from callbacks.router import display_page
from models.store.db import unit_of_work
from models.store.entities import AuditEvent, Metric, Service, Target

SUB_PAGES = {"providers": "adm-prov-name", "metrics": "adm-met-service", "targets": "adm-tgt-grid",
             "periods": "adm-per-year", "users": "adm-usr-email", "settings": "adm-rag-green",
             "audit": "adm-aud-list"}
EVERY_FORM = set(SUB_PAGES.values())
PROVIDER_A = "safer-futures-support@demo.local"


def _current(page: str) -> list[str]:
    """The labels of the links marked as the current page."""
    return re.findall(r"A\(children='([^']+)'[^)]*aria-current='page'", page)


@pytest.mark.parametrize("slug", list(SUB_PAGES))
def test_each_sub_page_has_its_url_and_only_its_own_forms(signed_in, slug):
    with signed_in("admin@demo.local"):
        page = str(display_page(f"/admin/{slug}", ""))
    assert "No access" not in page
    shown = {form for form in EVERY_FORM if f"id='{form}'" in page}
    assert shown == {SUB_PAGES[slug]}, (slug, shown)
    # The links between the pages, the current one marked (and only that one).
    for other in SUB_PAGES:
        assert f"href='/admin/{other}'" in page
    assert len(_current(page)) == 1


def test_admin_shows_the_first_page_and_an_unknown_one_is_not_found(signed_in):
    with signed_in("admin@demo.local"):
        first, slash = str(display_page("/admin", "")), str(display_page("/admin/", ""))
        unknown = str(display_page("/admin/nothing-here", ""))
    assert "id='adm-prov-name'" in first and "id='adm-prov-name'" in slash
    assert _current(first) == ["Providers and services"]
    assert "Page not found" in unknown


@pytest.mark.parametrize("slug", list(SUB_PAGES))
@pytest.mark.parametrize("who", ["viewer@demo.local", PROVIDER_A])
def test_every_sub_page_refuses_others_and_is_audited(signed_in, demo_factory, who, slug):
    with signed_in(who):
        page = str(display_page(f"/admin/{slug}", ""))
    assert "Only the lead officer can open administration." in page
    assert SUB_PAGES[slug] not in page and "@demo.local" not in page
    with unit_of_work(demo_factory) as s:
        [refusal] = s.scalars(select(AuditEvent).where(AuditEvent.action == "refused")).all()
        assert json.loads(refusal.after) == {"request": f"open /admin/{slug}"}


def test_a_sub_page_reads_only_what_it_shows(signed_in, monkeypatch):
    """The targets page does not list users, periods or providers; the users page does not
    list services."""
    from models.admin import views

    def refuse(name):
        def read(*_a, **_k):
            raise AssertionError(f"read {name}")
        return read

    for name in ("users", "periods", "providers"):
        monkeypatch.setattr(views, name, refuse(name))
    with signed_in("admin@demo.local"):
        assert "adm-tgt-grid" in str(display_page("/admin/targets", ""))
        assert "adm-met-service" in str(display_page("/admin/metrics", ""))
    monkeypatch.undo()
    monkeypatch.setattr(views, "services", refuse("services"))
    with signed_in("admin@demo.local"):
        assert "adm-usr-email" in str(display_page("/admin/users", ""))
        assert "adm-per-year" in str(display_page("/admin/periods", ""))


# Lists refresh, forms reset -----------------------------------------------------------------
def test_a_new_provider_can_be_chosen_for_a_service_at_once(signed_in, demo_factory):
    with signed_in("admin@demo.local"):
        _, _, picker, service_form, name, active = providers.save_provider("new", "Hearth Housing", True)
    new = next(o["value"] for o in picker if o["label"] == "Hearth Housing")
    assert {"label": "Hearth Housing", "value": new} in service_form
    assert service_form[0] == {"label": "Not assigned yet", "value": "none"}
    assert (name, active) == ("", True)  # cleared for the next provider
    # The service is saved with it straight away, and the service form clears in turn.
    with signed_in("admin@demo.local"):
        out = services.save_service("new", "Warm Homes advice", "1", "1", new, "2026-01-05", None,
                                    "12,000", "", True)
    assert "Service saved." in str(out[0])
    assert any(o["label"] == "Warm Homes advice" for o in out[2])
    assert out[3:] == services.BLANK
    with unit_of_work(demo_factory) as s:
        saved = s.scalars(select(Service).where(Service.name == "Warm Homes advice")).one()
        assert (saved.provider.name, saved.annual_contract_value) == ("Hearth Housing", 12000)


def test_editing_keeps_the_record_loaded(signed_in):
    from dash import no_update

    with signed_in("admin@demo.local"):
        _, _, picker, *_ = providers.save_provider("new", "Hearth Housing", True)
        pid = next(o["value"] for o in picker if o["label"] == "Hearth Housing")
        out = providers.save_provider(pid, "Hearth Housing Trust", True)
    assert "Provider saved." in str(out[0]) and out[4:] == (no_update, no_update)
    assert any(o["label"] == "Hearth Housing Trust" for o in out[3])


def _service_with(factory, unit: str) -> tuple[int, int, str]:
    with unit_of_work(factory) as s:
        m = s.scalars(select(Metric).where(Metric.unit == unit, Metric.active)
                      .order_by(Metric.service_id, Metric.display_order)).first()
        return m.service_id, m.id, m.name


def test_the_metric_form_clears_after_a_new_metric_and_keeps_an_edited_one(signed_in, demo_factory):
    from dash import no_update

    sid, _, _ = _service_with(demo_factory, "count")
    with signed_in("admin@demo.local"):
        out = metrics.metric_action("save", str(sid), "new", "Households advised", "output", "count",
                                    True, False, "Owners\nTenants", "", "", "", "")
    assert "Metric saved." in str(out[0]) and "Households advised" in str(out[1])
    assert out[3] == "new" and out[4:] == metrics.BLANK  # no name or categories left behind
    new = next(o["value"] for o in out[2] if o["label"] == "Households advised")
    with signed_in("admin@demo.local"):
        out = metrics.metric_action("save", str(sid), new, "Households advised in person", "output",
                                    "count", True, False, "Owners\nTenants", "", "", "", "")
    assert "Metric saved." in str(out[0]) and set(out[3:]) == {no_update}
    with signed_in("admin@demo.local"):
        out = metrics.metric_action("save", str(sid), "new", "Other", "output", "count", True, False,
                                    "", "", "", "", "third")
    assert "The display order must be a whole number, like 3" in str(out[0])


def test_the_invite_form_clears_for_the_next_invitation(signed_in):
    with signed_in("admin@demo.local"):
        msg, _, picker, email = users.invite("officer2@example.org", "viewer", "")
    assert "one-time password" in str(msg) and email == ""
    assert any(o["label"] == "officer2@example.org" for o in picker)


# Targets: a warning, not a block; messages in words -------------------------------------------
def _grid(factory, sid: int) -> list[dict]:
    from models.admin.targets import target_rows

    with unit_of_work(factory) as s:
        return targets._grid(target_rows(s, sid, 2030))


def _stored(factory, metric_id: int) -> dict:
    with unit_of_work(factory) as s:
        return {t.quarter: t.value for t in s.scalars(
            select(Target).where(Target.metric_id == metric_id, Target.year == 2030))}


def test_quarters_that_disagree_warn_then_save_anyway(signed_in, demo_factory):
    sid, mid, name = _service_with(demo_factory, "count")
    grid = _grid(demo_factory, sid)
    row = next(g for g in grid if g["metric_id"] == mid)
    row.update(annual=76, q1=20, q2=20, q3=15, q4=15)
    with signed_in("admin@demo.local"):
        _, msg, hidden = targets.target_action("save", str(sid), "2030/31", grid)
    text = str(msg)
    assert f"The quarterly targets for {name} add up to 70, not the annual 76." in text
    assert "Save anyway or change them." in text and "admin-warning" in text
    assert hidden is False  # "Save anyway" is offered
    assert _stored(demo_factory, mid) == {}  # nothing saved yet
    with signed_in("admin@demo.local"):
        _, msg, hidden = targets.target_action("save anyway", str(sid), "2030/31", grid)
    assert "Targets saved." in str(msg) and hidden is True
    assert _stored(demo_factory, mid) == {None: 76, 1: 20, 2: 20, 3: 15, 4: 15}
    # Quarters that add up save at the first press.
    row.update(q3=18, q4=18)
    with signed_in("admin@demo.local"):
        _, msg, hidden = targets.target_action("save", str(sid), "2030/31", grid)
    assert "Targets saved." in str(msg) and hidden is True


def test_a_rate_s_quarters_are_not_added_up(signed_in, demo_factory):
    sid, mid, _ = _service_with(demo_factory, "percent")
    grid = _grid(demo_factory, sid)
    next(g for g in grid if g["metric_id"] == mid).update(annual=75, q1=70, q2=75, q3=80, q4=75)
    with signed_in("admin@demo.local"):
        _, msg, _ = targets.target_action("save", str(sid), "2030/31", grid)
    assert "Targets saved." in str(msg)
    assert _stored(demo_factory, mid)[3] == 80


@pytest.mark.parametrize(("unit", "typed", "expected"), [
    ("count", "lots", "The Q2 target for {m} must be a whole number, like 12"),
    ("count", "12.5", "The Q2 target for {m} must be a whole number, like 12"),
    ("percent", "most", "The Q2 target for {m} must be a number, like 75"),
])
def test_target_messages_name_the_quarter_and_the_metric(signed_in, demo_factory, unit, typed, expected):
    sid, mid, name = _service_with(demo_factory, unit)
    grid = _grid(demo_factory, sid)
    next(g for g in grid if g["metric_id"] == mid).update(q2=typed)
    with signed_in("admin@demo.local"):
        _, msg, _ = targets.target_action("save", str(sid), "2030/31", grid)
    assert msg.children == expected.format(m=name)  # no "q2", no internal id


def test_a_percentage_target_may_have_decimals(signed_in, demo_factory):
    sid, mid, _ = _service_with(demo_factory, "percent")
    grid = _grid(demo_factory, sid)
    next(g for g in grid if g["metric_id"] == mid).update(annual="62.5")
    with signed_in("admin@demo.local"):
        _, msg, _ = targets.target_action("save", str(sid), "2030/31", grid)
    assert "Targets saved." in str(msg) and _stored(demo_factory, mid)[None] == 62.5


@pytest.mark.parametrize("who", ["viewer@demo.local", PROVIDER_A])
def test_save_anyway_is_refused_to_others(signed_in, demo_factory, who):
    sid, mid, _ = _service_with(demo_factory, "count")
    grid = _grid(demo_factory, sid)
    next(g for g in grid if g["metric_id"] == mid).update(annual=76, q1=1, q2=1, q3=1, q4=1)
    with signed_in(who):
        _, msg, hidden = targets.target_action("save anyway", str(sid), "2030/31", grid)
    assert "Only the lead officer" in str(msg) and hidden is True
    assert _stored(demo_factory, mid) == {}


# No "Missing" before the contract ------------------------------------------------------------
@pytest.mark.parametrize("start", [None, "contract"])
def test_a_new_provider_owes_no_return_from_before_its_contract(signed_in, demo_factory, start):
    """A new provider's service, with its contract start given (5 January 2026: Q4 2025/26 is
    the first quarter owed) or left blank (then it starts in today's quarter), lists no
    quarter before that on the returns page, so nothing there reads "Missing"."""
    from callbacks.common import today
    from models.access import ADMIN
    from models.returns.lists import returns_home
    from models.rules.periods import Quarter
    from tests.helpers.factories import Actor

    with signed_in("admin@demo.local"):
        _, _, picker, *_ = providers.save_provider("new", "Hearth Housing", True)
        pid = next(o["value"] for o in picker if o["label"] == "Hearth Housing")
        msg, *_ = services.save_service("new", "Warm Homes advice", "1", "1", pid,
                                        "2026-01-05" if start else None, None, "", "", True)
        now = today()
    first = Quarter(2025, 4) if start else Quarter.containing(now)
    assert f"Its returns are asked for from {first.label}." in str(msg)
    with unit_of_work(demo_factory) as s:
        rows = [r for r in returns_home(s, Actor(1, ADMIN), now) if r.service == "Warm Homes advice"]
    assert rows, "the service's returns are listed from its first quarter"
    owed = {Quarter(int(r.label[3:7]), int(r.label[1])) for r in rows}
    assert min(owed, key=lambda q: (q.year, q.quarter)) == first
