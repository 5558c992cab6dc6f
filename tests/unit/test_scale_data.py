"""The benchmark's synthetic scale data, small, on each engine: shape and usability."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.catalogue import scale
from models.reporting.performance import build_performance_table
from models.store.db import make_engine
from models.store.entities import Return, ReturnBreakdownValue, ReturnValue, Service

TODAY = dt.date(2026, 11, 25)


def test_scale_data_has_the_promised_shape(db_url):
    engine = make_engine(db_url)
    result = scale.build(engine, "county", TODAY, services=20, providers=8)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Service)) == 20
        assert result.providers == 8 and result.services == 20
        clone = s.scalars(select(Service.id).where(Service.name.like("% #%"))).first()
        per_return = [
            s.scalar(select(func.count()).select_from(ReturnValue).where(ReturnValue.return_id == r))
            + s.scalar(select(func.count()).select_from(ReturnBreakdownValue)
                       .where(ReturnBreakdownValue.return_id == r))
            for r in s.scalars(select(Return.id).where(Return.service_id == clone))]
        # Eight years of quarters (2019/20 to this quarter), VALUES_PER_RETURN values each.
        assert len(per_return) >= 30
        assert set(per_return) == {scale.VALUES_PER_RETURN}
        table = build_performance_table(s, 2025, 2, TODAY)
        assert len({r.service_id for r in table.rows}) == 20
        assert all(r.quarter_actual.value is not None for r in table.rows if r.is_headline)
        assert result.values == (s.scalar(select(func.count()).select_from(ReturnValue))
                                 + s.scalar(select(func.count()).select_from(ReturnBreakdownValue)))
    engine.dispose()
