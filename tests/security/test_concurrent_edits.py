"""Two signed-in sessions edit the same draft: the second save gets a clear conflict
message and nothing of the first is lost."""

import json

from sqlalchemy import select

from models.store.db import unit_of_work
from models.store.entities import Return, ReturnValue
from tests.helpers.returns import OWNER, save_payload
from tests.helpers.web import sign_in


def _with_value(payload: dict, value: str) -> dict:
    for item in payload["state"][0]:
        item["value"] = value
    return payload


def test_second_stale_save_is_refused(demo_app, demo_factory, sanctuary):
    w = sanctuary
    first, second = demo_app.server.test_client(), demo_app.server.test_client()
    sign_in(first, OWNER)
    sign_in(second, "admin@demo.local")
    # Both opened the empty return (version 0); the first saves, then the second.
    ok = first.post("/_dash-update-component",
                    json=_with_value(save_payload(demo_app, w, w["service"], w["period"]), "11"))
    assert "Draft saved" in json.dumps(ok.get_json())
    stale = second.post("/_dash-update-component",
                        json=_with_value(save_payload(demo_app, w, w["service"], w["period"]), "99"))
    assert "Someone else changed this return" in stale.get_data(as_text=True)
    with unit_of_work(demo_factory) as s:
        ret = s.scalars(select(Return).filter_by(service_id=w["service"], period_id=w["period"])).one()
        counts = set(s.scalars(select(ReturnValue.count).where(ReturnValue.return_id == ret.id)))
    assert counts == {11} and ret.version == 1
