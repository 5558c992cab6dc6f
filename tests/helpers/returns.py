"""The return form as the tests drive it: its owner in the demo data, its error slots, and a
crafted HTTP Save."""

from __future__ import annotations

from layouts import ids
from models.rules.validation import FieldKey, RawReturn

OWNER = "safer-futures-support@demo.local"  # the Sanctuary scheme's provider user


def error_ids(w: dict) -> list[dict]:
    """The ids of the error slots beside each count field of `w["metrics"]`."""
    return [{"type": ids.FIELD_ERROR, "field": FieldKey.count(m).text} for m in w["metrics"]]


def save_payload(app, w: dict, service_id: int, period_id: int) -> dict:
    """The HTTP body of the return form's Save, with 7 in every count of `w["metrics"]`,
    for the return of (service_id, period_id) — which need not be w's."""
    key = next(k for k in app.callback_map if "rv-summary.children" in k)
    return save_body(key, w["metrics"], service_id, period_id)


def save_body(key: str, metrics: list[int], service_id: int, period_id: int) -> dict:
    """The HTTP body of Save with 7 in every count of `metrics`, for the callback whose key
    (as /_dash-dependencies or the app's callback map names it) is `key`."""
    w = {"metrics": metrics}
    counts = [{"id": {"type": ids.COUNT, "metric": m}, "property": "value", "value": "7"}
              for m in w["metrics"]]
    count_ids = [{"id": c["id"], "property": "id", "value": c["id"]} for c in counts]
    errors = [{"id": e, "property": "id", "value": e} for e in error_ids(w)]
    return {
        "output": key,
        "outputs": [{"id": "rv-summary", "property": "children"},
                    [{"id": e["id"], "property": "children"} for e in errors],
                    [{"id": c["id"], "property": "invalid"} for c in counts], [], [], [], [],
                    {"id": "rv-version", "property": "data"}, {"id": "rv-status", "property": "children"},
                    {"id": ids.RV_STATUS_PANEL, "property": "children"},
                    {"id": ids.RV_FORM, "property": "disabled"},
                    {"id": ids.RV_TEMPLATE_PANEL, "property": "hidden"},
                    {"id": "rv-save", "property": "disabled"}, {"id": "rv-submit", "property": "disabled"}],
        "inputs": [{"id": "rv-save", "property": "n_clicks", "value": 1},
                   {"id": "rv-submit", "property": "n_clicks", "value": None}],
        "state": [counts, count_ids, [], [], [], [], [], [], [], [], errors,
                  {"id": "rv-context", "property": "data",
                   "value": {"service": service_id, "period": period_id}},
                  {"id": "rv-version", "property": "data", "value": 0},
                  {"id": "rv-confirm", "property": "value", "value": False}],
        "changedPropIds": ["rv-save.n_clicks"],
    }


def upload_key() -> str:
    """The upload callback's key in Dash's callback map, as the renderer names it."""
    from dash._utils import create_callback_id

    from callbacks.returns import UPLOAD_INPUT, UPLOAD_OUTPUTS

    return create_callback_id(UPLOAD_OUTPUTS, [UPLOAD_INPUT])


def upload_body(contents: object, filename: object = "return.xlsx", context: dict | None = None,
                version: int = 0) -> dict:
    """The HTTP body of an Excel upload on a return's page, as the renderer sends it. The
    form's inputs are outputs too; a page with none of them is enough for these requests."""
    return {"output": upload_key(),
            "outputs": [{"id": ids.RV_UPLOAD_RESULT, "property": "children"}, [], [], [], [], [],
                        {"id": ids.RV_VERSION, "property": "data"},
                        {"id": ids.RV_SUMMARY, "property": "children"},
                        {"id": ids.RV_STATUS_PANEL, "property": "children"}, [], [], [], [], [], []],
            "inputs": [{"id": ids.RV_UPLOAD, "property": "contents", "value": contents}],
            "state": [{"id": ids.RV_UPLOAD, "property": "filename", "value": filename},
                      {"id": ids.RV_CONTEXT, "property": "data",
                       "value": context or {"service": 1, "period": 1}},
                      {"id": ids.RV_VERSION, "property": "data", "value": version}],
            "changedPropIds": [f"{ids.RV_UPLOAD}.contents"]}


def race_first_save(monkeypatch, factory, admin_email: str = "admin@demo.local") -> list[int]:
    """The race for a new return, made certain: between a save reading that the return does not
    exist and writing it, the admin's first save of the same return commits (in a session and
    transaction of its own, as another worker's would), with 11 in every count. Works for a
    browser test too: dash_duo serves the app in a thread of this process. The list returned
    gains an item once the race has been run."""
    from sqlalchemy import select

    import models.returns.saving as saving
    from dash_app.auth import snapshot
    from models.store.db import unit_of_work
    from models.store.entities import User

    real = saving.load_checked
    raced: list[int] = []

    def load_then_race(session, who, service_id, period_id):
        loaded = real(session, who, service_id, period_id)
        if not raced:
            raced.append(1)
            with unit_of_work(factory) as other:
                admin = snapshot(other.scalars(select(User).where(User.email == admin_email)).one())
                metric_ids = [m.id for m in loaded[0].metrics if m.active and m.unit == "count"]
                raw = RawReturn.from_fields([(FieldKey.count(m), "11") for m in metric_ids])
                assert saving.save_return(other, admin, service_id, period_id, raw, 0,
                                          submit=False).saved
        return loaded

    monkeypatch.setattr(saving, "load_checked", load_then_race)
    return raced


def filled_template(app, email: str, service_id: int, period_id: int,
                    figures: dict[str, tuple[int, int | None]]) -> bytes:
    """The return's Excel template as its page offers it to `email`, with `figures` filled in:
    by row key ("count-12", "cat-3", "rate-7"), the figure and, for a rate, the number assessed."""
    import io

    from openpyxl import load_workbook

    from tests.helpers.web import sign_in

    client = app.server.test_client()
    sign_in(client, email)
    body = client.get(f"/returns/template.xlsx?service={service_id}&period={period_id}").get_data()
    wb = load_workbook(io.BytesIO(body))
    for row in wb["Return"].iter_rows(min_row=5):
        if row[0].value in figures:
            row[2].value, number_assessed = figures[row[0].value]
            if number_assessed is not None:
                row[3].value = number_assessed
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def right_figures(w: dict) -> dict[str, tuple[int, int | None]]:
    """Figures that are right for the outreach service of the tests (30 = 20 + 10; 7 of 10)."""
    return {f"count-{w['people']}": (30, None), f"cat-{w['cats'][0]}": (20, None),
            f"cat-{w['cats'][1]}": (10, None), f"rate-{w['safer']}": (7, 10)}
