"""Administration rules: what may change, what is refused and why, and the audit trail."""

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from models.access import AccessRefused
from models.admin.audit import audit_log
from models.admin.common import AdminError
from models.admin.metrics import MetricForm, delete_metric, retire_metric, save_metric
from models.admin.periods import generate_year, update_period
from models.admin.providers import save_provider
from models.admin.services import ServiceForm, save_service
from models.admin.settings import rag_rule_words, set_disclosure_threshold, set_rag
from models.admin.targets import (
    TargetRow,
    copy_last_year,
    quarters_disagree,
    save_targets,
    split_evenly,
    target_rows,
)
from models.admin.users import change_own_password, invite_user, reset_password, update_user
from models.returns.saving import save_return
from models.returns.view import load_return_view
from models.rules.validation import RawReturn
from models.rules.workflow import WorkflowError
from models.store.entities import AuditEvent, Metric, Period, Return, User
from tests.helpers import factories as f

A = f.Actor


@pytest.fixture
def world(session):
    owner = f.provider(session, "Alpha Support")
    svc = f.service(session, "Alpha service", owner)
    people = f.metric(session, svc, "People supported", headline=True, categories=("Self", "GP"))
    spare = f.metric(session, svc, "Spare", order=1)
    ps = f.periods(session, 2024)
    f.a_return(session, svc, ps[1], "approved", {people: 5},
               breakdown={people.categories[0]: 2, people.categories[1]: 3})
    boss = f.user(session, "boss@x.org", "admin")
    return {"svc": svc, "people": people, "spare": spare, "periods": ps, "owner": owner,
            "admin": A(boss.id, "admin"), "viewer": A(f.user(session, "v@x.org", "viewer").id, "viewer"),
            "provider": A(f.user(session, "p@x.org", "provider", owner).id, "provider", owner.id)}


def _form(**changes):
    base = {"name": "People supported", "kind": "output", "unit": "count",
            "categories": ("Self", "GP")}
    return MetricForm(**{**base, **changes})


def test_a_metric_with_data_keeps_its_unit_and_categories(session, world):
    w = world
    with pytest.raises(AdminError, match="its unit cannot change"):
        save_metric(session, w["admin"], w["svc"].id, _form(unit="percent", categories=()),
                    w["people"].id)
    with pytest.raises(AdminError, match="breakdown categories cannot change"):
        save_metric(session, w["admin"], w["svc"].id, _form(categories=("Self", "GP", "School")),
                    w["people"].id)
    renamed = save_metric(session, w["admin"], w["svc"].id, _form(name="People helped"),
                          w["people"].id)
    assert renamed.name == "People helped"
    with pytest.raises(AdminError, match=r"cannot be deleted\. Retire it instead"):
        delete_metric(session, w["admin"], w["people"].id)
    # A metric without figures may change freely, and be deleted.
    save_metric(session, w["admin"], w["svc"].id,
                _form(name="Spare", unit="percent", kind="outcome", categories=()), w["spare"].id)
    delete_metric(session, w["admin"], w["spare"].id)
    assert session.get(Metric, w["spare"].id) is None


def test_retired_metric_leaves_the_form_but_not_history(session, world):
    w = world
    retire_metric(session, w["admin"], w["people"].id)
    view = load_return_view(session, w["admin"], w["svc"].id, w["periods"][2].id, dt.date(2024, 11, 25))
    assert [m.name for m in view.metrics] == ["Spare"]
    from models.reporting.performance import build_performance_table

    old = build_performance_table(session, 2024, 1, dt.date(2024, 11, 25), provider_id=w["owner"].id)
    row = next(r for r in old.rows if r.metric == "People supported")  # history keeps it
    assert row.quarter_actual.count == 5 and row.notes[0] == "Retired metric"
    assert session.scalar(select(func.count()).select_from(Return)) == 1


def test_metric_validation_messages(session, world):
    w = world
    cases = [(_form(name=""), "Enter the metric's name"),
             (_form(kind="thing"), "output or an outcome"),
             (_form(categories=("A", "a")), "different name"),
             (_form(unit="percent", name="New rate"), "Only counts can have breakdown categories"),
             (_form(name="New", baseline_value=5.0), "period the baseline covers")]
    for form, expected in cases:
        with pytest.raises(AdminError, match=expected):
            save_metric(session, w["admin"], w["svc"].id, form)


def test_targets_validate_split_and_copy(session, world):
    w = world
    rows = target_rows(session, w["svc"].id, 2024)
    rows[0].annual, rows[0].quarters = 100, [20, 20, 20, 20]
    # Quarters that disagree with the year are a warning the page gives first, not a block.
    assert quarters_disagree(rows[0]) == (
        f"The quarterly targets for {rows[0].metric} add up to 80, not the annual 100.")
    assert save_targets(session, w["admin"], w["svc"].id, 2023, rows) == 5  # saved as typed
    assert target_rows(session, w["svc"].id, 2023)[0].quarters == [20, 20, 20, 20]
    rows = split_evenly([TargetRow(1, "x", "count", 100, [None] * 4),
                   TargetRow(2, "y", "percent", 75, [None] * 4)])
    assert rows[0].quarters == [25] * 4 and rows[1].quarters == [75] * 4
    grid = target_rows(session, w["svc"].id, 2024)
    grid[0].annual = 120
    assert save_targets(session, w["admin"], w["svc"].id, 2024, grid) == 1
    copied = copy_last_year(session, w["svc"].id, 2025)
    assert copied[0].annual == 120
    bad = target_rows(session, w["svc"].id, 2024)
    bad[1].annual = -1
    with pytest.raises(AdminError, match=r"^The annual target for Spare must be 0 or more$"):
        save_targets(session, w["admin"], w["svc"].id, 2024, bad)


def test_closing_a_period_locks_its_returns(session, world):
    w = world
    q2 = w["periods"][2]
    update_period(session, w["admin"], q2.id, "closed", q2.due_date)
    with pytest.raises(WorkflowError, match="period is closed"):
        save_return(session, w["provider"], w["svc"].id, q2.id, RawReturn(counts={w["spare"].id: "1"}), 0,
                    submit=False)
    with pytest.raises(AdminError, match="after the quarter ends"):
        update_period(session, w["admin"], q2.id, "open", dt.date(2024, 9, 1))
    created = generate_year(session, w["admin"], 2030)
    assert [p.due_date for p in created] == [dt.date(2030, 7, 20), dt.date(2030, 10, 20),
                                             dt.date(2031, 1, 20), dt.date(2031, 4, 20)]
    assert generate_year(session, w["admin"], 2030)[0].id == created[0].id  # no duplicates


def test_users_invite_reset_and_the_last_admin(session, world):
    w = world
    user, password = invite_user(session, w["admin"], "new@x.org", "provider", w["owner"].id)
    assert user.must_change_password and len(password) >= 10
    with pytest.raises(AdminError, match="last active admin"):
        update_user(session, w["admin"], w["admin"].id, "viewer", None, True)
    with pytest.raises(AdminError, match="last active admin"):
        update_user(session, w["admin"], w["admin"].id, "admin", None, False)
    update_user(session, w["admin"], user.id, "admin", None, True)
    update_user(session, w["admin"], w["admin"].id, "viewer", None, True)  # now allowed
    reset_password(session, w["admin"], user.id)
    with pytest.raises(AdminError, match="do not match"):
        change_own_password(session, user.id, "a-long-password", "another-long-one")
    change_own_password(session, user.id, "a-long-password", "a-long-password")
    assert not session.get(User, user.id).must_change_password


def test_rag_rule_and_audit_log(session, world):
    w = world
    with pytest.raises(AdminError, match="Amber must be above 0% and below Green"):
        set_rag(session, w["admin"], 90, 95)
    set_rag(session, w["admin"], 105, 95)
    assert "at or above 105%" in rag_rule_words(session)
    save_provider(session, w["admin"], "Beta Trust")
    rows = audit_log(session, w["admin"], entity="provider")
    assert rows[0].action == "create" and "Beta Trust" in rows[0].after
    assert audit_log(session, w["admin"], user_email="nobody") == []
    assert audit_log(session, w["admin"], since=dt.date(2099, 1, 1)) == []


def test_publication_threshold_is_the_admins_and_drives_the_export(session, world):
    from exports.csv_table import performance_csv
    from models.reporting.performance import build_performance_table
    from models.reporting.publication import row_masks, table_disclosure
    from models.store.settings import disclosure_threshold

    w = world
    for bad in (1, 21, 2.5, None):
        with pytest.raises(AdminError, match="whole number from 2 to 20"):
            set_disclosure_threshold(session, w["admin"], bad)
    assert disclosure_threshold(session) == 5
    set_disclosure_threshold(session, w["admin"], 10)
    assert disclosure_threshold(session) == 10
    assert audit_log(session, w["admin"], entity="publication threshold")[0].after
    # People supported: 5 in Q1 (Self 2, GP 3). Under 10 it is hidden as "<10".
    table = build_performance_table(session, 2024, 1, f.TODAY_2024, provider_id=w["owner"].id)
    text = performance_csv(table, row_masks(table, table_disclosure(table, 10))).decode("utf-8-sig")
    people = next(x for x in text.splitlines() if ",People supported," in x)
    assert ",<10," in people and ",5," not in people


@pytest.mark.parametrize("who", ["viewer", "provider"])
def test_every_admin_change_is_refused_to_others(session, world, who):
    w = world
    actor = w[who]
    calls = [
        lambda: save_provider(session, actor, "X"),
        lambda: save_service(session, actor, ServiceForm("X", 1, 1, None)),
        lambda: save_metric(session, actor, w["svc"].id, _form(name="X")),
        lambda: retire_metric(session, actor, w["people"].id),
        lambda: delete_metric(session, actor, w["spare"].id),
        lambda: save_targets(session, actor, w["svc"].id, 2024, []),
        lambda: generate_year(session, actor, 2031),
        lambda: update_period(session, actor, w["periods"][1].id, "closed", dt.date(2030, 1, 1)),
        lambda: invite_user(session, actor, "z@x.org", "viewer", None),
        lambda: update_user(session, actor, w["admin"].id, "viewer", None, False),
        lambda: reset_password(session, actor, w["admin"].id),
        lambda: set_rag(session, actor, 100, 90),
        lambda: set_disclosure_threshold(session, actor, 10),
        lambda: audit_log(session, actor),
    ]
    for call in calls:
        with pytest.raises(AccessRefused, match="Only the lead officer"):
            call()
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    assert session.scalar(select(func.count()).select_from(Period).where(Period.year == 2031)) == 0


# The quarters-against-the-year rule, worked by hand ---------------------------------------
CYP = "Children and young people supported"


@pytest.mark.parametrize(("annual", "quarters", "expected"), [
    # 20 + 20 + 15 + 15 = 70 against 76: the issue's own example.
    (76, [20, 20, 15, 15], f"The quarterly targets for {CYP} add up to 70, not the annual 76."),
    (76, [19, 19, 19, 19], None),  # 4 x 19 = 76
    (70, [18, 18, 17, 17], None),  # uneven but adding up
    (76, [None] * 4, None),  # every quarter blank: the year splits evenly, nothing to add
    (None, [20, 20, 15, 15], None),  # no annual target: the quarters make the year
    # Blank quarters count as 76 / 4 = 19 each: 30 + 19 + 19 + 19 = 87.
    (76, [30, None, None, None], f"The quarterly targets for {CYP} add up to 87 (each blank "
                                 "quarter counts as 19, a quarter of the year), not the annual 76."),
    # One blank: 20 + 20 + 20 + 19 = 79.
    (76, [20, 20, None, 20], f"The quarterly targets for {CYP} add up to 79 (the blank quarter "
                             "counts as 19, a quarter of the year), not the annual 76."),
    # 40 + 40 + 10 + 10 (blank = 10) = 100: agrees.
    (40, [10, None, 10, 10], None),
    (1200, [300, 300, 300, 200], f"The quarterly targets for {CYP} add up to 1,100, not the "
                                 "annual 1,200."),
])
def test_quarterly_counts_must_add_up_to_the_year_or_we_warn(annual, quarters, expected):
    assert quarters_disagree(TargetRow(1, CYP, "count", annual, quarters)) == expected


def test_a_rate_s_quarters_are_never_added_up():
    # 75% a year with quarters of 70, 75, 80 and 75: rates are not totals, so no warning.
    assert quarters_disagree(TargetRow(1, "Felt safer", "percent", 75, [70, 75, 80, 75])) is None


def test_split_evenly_keeps_counts_whole_and_adding_up():
    # 70 / 4 = 17 remainder 2: the first two quarters take one more.
    assert split_evenly([TargetRow(1, "x", "count", 70, [None] * 4)])[0].quarters == [18, 18, 17, 17]
    assert split_evenly([TargetRow(1, "x", "count", 3, [None] * 4)])[0].quarters == [1, 1, 1, 0]
    assert split_evenly([TargetRow(1, "x", "percent", 62.5, [None] * 4)])[0].quarters == [62.5] * 4


def test_target_messages_name_the_quarter_and_the_metric(session, world):
    w = world
    for change, expected in [
        (lambda r: r.quarters.__setitem__(1, 12.5), "^The Q2 target for {m} must be a whole number, like 12$"),
        (lambda r: r.quarters.__setitem__(3, -1), "^The Q4 target for {m} must be 0 or more$"),
    ]:
        rows = target_rows(session, w["svc"].id, 2024)
        change(rows[0])
        with pytest.raises(AdminError, match=expected.format(m=re.escape(rows[0].metric))):
            save_targets(session, w["admin"], w["svc"].id, 2024, rows)
