"""Excel return template: download, upload with mistakes (cell-referenced, nothing saved),
a valid upload creating the draft, and bad files each getting one clear sentence."""

import base64
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from callbacks.returns import handle_upload
from models.store.db import unit_of_work
from models.store.entities import Metric, Period, Return, ReturnValue, Service
from tests.helpers.web import sign_in

OWNER = "safer-futures-support@demo.local"
OTHER = "riverside-boxing-academy@demo.local"


@pytest.fixture
def isva(demo_factory):
    """ISVA's Q3 2026/27 return: a draft with one count and three outcome rates."""
    with unit_of_work(demo_factory) as s:
        svc = s.scalars(select(Service).where(Service.name.startswith("Independent"))).one()
        period = s.scalars(select(Period).filter_by(year=2026, quarter=3)).one()
        ret = s.scalars(select(Return).filter_by(service_id=svc.id, period_id=period.id)).one()
        metrics = {m.name: m.id for m in s.scalars(select(Metric).where(Metric.service_id == svc.id))}
        return {"service": svc.id, "period": period.id, "version": ret.version, "return": ret.id,
                "metrics": metrics}


def _download(demo_app, email, w):
    client = demo_app.server.test_client()
    sign_in(client, email)
    return client.get(f"/returns/template.xlsx?service={w['service']}&period={w['period']}")


def _upload(data: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(data).decode()


def _values(factory, return_id):
    with unit_of_work(factory) as s:
        return sorted((v.metric_id, v.count, v.numerator, v.denominator)
                      for v in s.scalars(select(ReturnValue).where(ReturnValue.return_id == return_id)))


def _filled(body: bytes, changes: dict[str, tuple]) -> bytes:
    """Write values into the template next to the named measures: {name: (C, D)}."""
    wb = load_workbook(io.BytesIO(body))
    ws = wb["Return"]
    for row in ws.iter_rows(min_row=5):
        name = row[1].value
        if name in changes:
            c, d = changes[name]
            row[2].value = c
            if d is not None:
                row[3].value = d
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_template_download_is_prefilled_and_scoped(demo_app, isva):
    response = _download(demo_app, OWNER, isva)
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.get_data()))
    names = [r[1].value for r in wb["Return"].iter_rows(min_row=5)]
    assert "Women supported" in names and "Greater feelings of safety" in names
    assert wb["About"].sheet_state == "hidden"
    assert _download(demo_app, OTHER, isva).status_code == 403


def test_three_mistakes_three_cell_errors_and_nothing_saved(demo_app, demo_factory, signed_in, isva):
    body = _download(demo_app, OWNER, isva).get_data()
    bad = _filled(body, {"Women supported": ("lots", None),
                         "Greater feelings of safety": (12, 10),
                         "Improved sense of emotional wellbeing and self-esteem": (2, -3)})
    before = _values(demo_factory, isva["return"])
    with signed_in(OWNER):
        result = str(handle_upload(_upload(bad), "isva.xlsx", isva, isva["version"])["message"])
    assert "nothing was saved" in result
    assert "C5: Women supported must be a whole number, like 12" in result
    assert "cannot be more than the number assessed (10)" in result and "C8: Number improved" in result
    assert "D7: Number assessed for 'Improved sense of emotional wellbeing and self-esteem' must be 0 or more" in result
    assert _values(demo_factory, isva["return"]) == before


def test_a_valid_upload_fills_the_draft(demo_app, demo_factory, signed_in, isva):
    body = _download(demo_app, OWNER, isva).get_data()
    good = _filled(body, {"Women supported": (17, None), "Greater feelings of safety": (6, 9)})
    with signed_in(OWNER):
        result = str(handle_upload(_upload(good), "isva.xlsx", isva, isva["version"])["message"])
    assert "The draft was filled from your template." in result
    values = {m: (c, n, d) for m, c, n, d in _values(demo_factory, isva["return"])}
    assert values[isva["metrics"]["Women supported"]][0] == 17
    assert values[isva["metrics"]["Greater feelings of safety"]][1:] == (6, 9)


def test_bad_files_get_one_clear_sentence(demo_app, signed_in, isva):
    plain = Workbook()
    buffer = io.BytesIO()
    plain.save(buffer)
    body = _download(demo_app, OWNER, isva).get_data()
    cases = {
        b"%PDF-1.7 not a spreadsheet": "not an Excel workbook",
        buffer.getvalue(): "not a CWP return template",
        b"PK" + b"x" * 1_100_000: "larger than 1 MB",
    }
    with signed_in(OWNER):
        for data, expected in cases.items():
            assert expected in str(handle_upload(_upload(data), "f.xlsx", isva, isva["version"])["message"])
        other_page = {**isva, "period": isva["period"] - 1}
        assert "different service or quarter" in str(
            handle_upload(_upload(body), "f.xlsx", other_page, isva["version"])["message"])
    with signed_in(OTHER):
        refused = str(handle_upload(_upload(body), "f.xlsx", isva, isva["version"])["message"])
    assert "You do not have access to that service." in refused


@pytest.mark.parametrize("changed", ["count-x", "count-01", "count-1-2-3", "cat-", "rate-../",
                                     "count-" + "9" * 40])
def test_a_changed_key_in_the_hidden_column_is_named_by_its_cell(demo_app, signed_in, isva, changed):
    """Column A holds each row's field key; one that FieldKey does not parse is refused."""
    wb = load_workbook(io.BytesIO(_download(demo_app, OWNER, isva).get_data()))
    wb["Return"]["A5"] = changed
    out = io.BytesIO()
    wb.save(out)
    with signed_in(OWNER):
        result = str(handle_upload(_upload(out.getvalue()), "f.xlsx", isva, isva["version"])["message"])
    assert "Cell A5 has been changed; download a fresh template." in result
