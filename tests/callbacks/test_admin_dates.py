"""Dates typed into the admin forms read day/month/year whatever the browser's language:
04/01/2027 is 4 January 2027. A bad date gets a plain message naming the field, and nothing
is saved; a stored date comes back into the form the way it is typed."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from callbacks.admin import audit, periods, services
from models.store.db import unit_of_work
from models.store.entities import Period, Service

ADMIN = "admin@demo.local"


def _a_period(factory) -> Period:
    with unit_of_work(factory) as s:
        p = s.scalars(select(Period).order_by(Period.year, Period.quarter)).first()
        s.expunge(p)
        return p


def test_a_due_date_typed_04_01_2027_is_the_4th_of_january(signed_in, demo_factory):
    p = _a_period(demo_factory)
    with signed_in(ADMIN):
        msg, *_ = periods.period_action("save", str(p.id), p.status, "04/01/2027", None)
        assert "Period saved." in str(msg)
        # ... and the form shows it back as it was typed, not as 2027-01-04 or 01/04/2027.
        assert periods.load_period(str(p.id))[1] == "04/01/2027"
    with unit_of_work(demo_factory) as s:
        assert s.get(Period, p.id).due_date == dt.date(2027, 1, 4)


@pytest.mark.parametrize("typed", ["31/02/2027", "01/13/2027", "4 Jan 2027", "4/1/27"])
def test_a_bad_due_date_is_refused_in_words_and_nothing_changes(signed_in, demo_factory, typed):
    p = _a_period(demo_factory)
    with signed_in(ADMIN):
        msg, table, options = periods.period_action("save", str(p.id), p.status, typed, None)
    text = str(msg)
    assert "Enter the due date as a real date, day/month/year, for example 4/1/2027 for 4 January 2027" in text
    assert "Traceback" not in text and "isoformat" not in text
    from dash import no_update
    assert table is no_update and options is no_update
    with unit_of_work(demo_factory) as s:
        assert s.get(Period, p.id).due_date == p.due_date


def test_an_empty_due_date_is_asked_for(signed_in, demo_factory):
    p = _a_period(demo_factory)
    with signed_in(ADMIN):
        msg, *_ = periods.period_action("save", str(p.id), p.status, "  ", None)
    assert "Enter a due date" in str(msg)


def test_contract_dates_read_day_first_and_load_back_the_same(signed_in, demo_factory):
    with signed_in(ADMIN):
        out = services.save_service("new", "Warm Homes advice", "1", "1", "none", "04/01/2027",
                                    "31/03/2028", "", "", True)
        assert "Service saved." in str(out[0])
        assert "Q4 2026/27" in str(out[0])  # 4 January 2027 is in Q4, not 1 April (Q1 2027/28)
    with unit_of_work(demo_factory) as s:
        saved = s.scalars(select(Service).where(Service.name == "Warm Homes advice")).one()
        assert (saved.contract_start, saved.contract_end) == (dt.date(2027, 1, 4), dt.date(2028, 3, 31))
        sid = saved.id
    with signed_in(ADMIN):
        loaded = services.load_service(str(sid))
    assert loaded[4:6] == ("04/01/2027", "31/03/2028")


def test_a_bad_contract_date_names_its_field_and_saves_nothing(signed_in, demo_factory):
    with signed_in(ADMIN):
        out = services.save_service("new", "Warm Homes advice", "1", "1", "none", "04/01/2027",
                                    "32/03/2028", "", "", True)
    assert "Enter the contract end as a real date, day/month/year" in str(out[0])
    with unit_of_work(demo_factory) as s:
        assert s.scalars(select(Service).where(Service.name == "Warm Homes advice")).first() is None


def test_the_audit_log_searches_by_uk_dates(signed_in, demo_factory):
    p = _a_period(demo_factory)
    with signed_in(ADMIN):
        periods.period_action("save", str(p.id), p.status, "04/01/2027", None)  # something to find
        everything = str(audit.audit(None, None, "01/01/2000", "31/12/2099"))
        nothing = str(audit.audit(None, None, "01/01/2099", None))
        bad = str(audit.audit(None, None, "2099/01/01", None))
    assert "adm-audit-table" in everything
    assert "No changes match these filters." in nothing
    assert "Enter the date to search from as a real date, day/month/year" in bad


@pytest.mark.parametrize("who", ["viewer@demo.local", "safer-futures-support@demo.local", None])
def test_others_cannot_set_a_due_date(signed_in, demo_factory, who):
    p = _a_period(demo_factory)
    with signed_in(who):
        msg, *_ = periods.period_action("save", str(p.id), p.status, "04/01/2027", None)
    assert "Period saved." not in str(msg)
    with unit_of_work(demo_factory) as s:
        assert s.get(Period, p.id).due_date == p.due_date
