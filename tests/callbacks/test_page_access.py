"""Pages and exports ask models.access as the real signed-in user: a refused page is
audited like every other refusal, the navigation offers only the pages the user may open,
and every export (the PDF pack too) is built as the user who asked for it."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from callbacks.router import display_page
from dash_app.auth import SignedInUser
from models.store.db import unit_of_work
from models.store.entities import AuditEvent, Provider, Service, User
from tests.helpers.web import sign_in

PROVIDER_A = "safer-futures-support@demo.local"
PROVIDER_B = "riverside-boxing-academy@demo.local"
PAGE_WORDS = {"/review": "Only the lead officer can open the review queue.",
              "/admin": "Only the lead officer can open administration.",
              # Each administration page has its own URL and the same refusal.
              **{f"/admin/{slug}": "Only the lead officer can open administration."
                 for slug in ("providers", "metrics", "targets", "periods", "users", "settings",
                              "audit")}}


def _refusals(factory) -> list[AuditEvent]:
    with unit_of_work(factory) as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.action == "refused").order_by(AuditEvent.id))
        return list(rows)


def _user_id(factory, email: str) -> int:
    with unit_of_work(factory) as s:
        return s.scalars(select(User.id).where(User.email == email)).one()


@pytest.mark.parametrize("path", list(PAGE_WORDS))
@pytest.mark.parametrize("who", ["viewer@demo.local", PROVIDER_A])
def test_a_refused_page_is_audited(signed_in, demo_factory, who, path):
    with signed_in(who):
        page = str(display_page(path, ""))
    assert PAGE_WORDS[path] in page and "No access" in page
    assert "Submitted returns" not in page and "Providers" not in page
    [refusal] = _refusals(demo_factory)
    assert refusal.user_id == _user_id(demo_factory, who)
    assert (refusal.entity, refusal.entity_id) == ("page", None)
    assert json.loads(refusal.after) == {"request": f"open {path}"}


def test_the_lead_officer_opens_both_pages_without_a_refusal(signed_in, demo_factory):
    with signed_in("admin@demo.local"):
        review, admin = str(display_page("/review", "")), str(display_page("/admin", ""))
    assert "Review queue" in review and "No access" not in review
    assert "No access" not in admin
    assert _refusals(demo_factory) == []


@pytest.mark.parametrize("who, offered", [
    ("admin@demo.local", True), ("viewer@demo.local", False), (PROVIDER_A, False), (PROVIDER_B, False)])
def test_navigation_offers_the_pages_the_user_may_open(signed_in, who, offered):
    from dash_app.factory import _layout

    with signed_in(who):
        nav = str(_layout())
    assert "href='/performance'" in nav and "href='/returns'" in nav
    assert ("href='/review'" in nav) is offered and ("href='/admin'" in nav) is offered


def _unlink(factory, email: str) -> None:
    """A provider account linked to no provider: the app cannot make one, so the database is
    edited by hand, as an import gone wrong might."""
    with unit_of_work(factory) as s:
        s.scalars(select(User).where(User.email == email)).one().provider_id = None


def test_an_account_that_may_see_nothing_is_refused_and_audited(demo_app, signed_in, demo_factory):
    _unlink(demo_factory, PROVIDER_A)
    with signed_in(PROVIDER_A):
        page = str(display_page("/returns", ""))
    client = demo_app.server.test_client()
    sign_in(client, PROVIDER_A)
    response = client.get("/export/performance.csv?year=2025/26&quarter=Q3")
    assert "This account is not linked to a provider." in page
    assert response.status_code == 403
    assert response.get_data(as_text=True) == "This account is not linked to a provider."
    refusals = _refusals(demo_factory)
    assert [json.loads(r.after)["request"] for r in refusals] == ["open /returns", "export performance.csv"]
    assert {r.user_id for r in refusals} == {_user_id(demo_factory, PROVIDER_A)}


def _notes(body: bytes) -> dict[str, str]:
    sheet = load_workbook(io.BytesIO(body))["Notes"]
    return {row[0].value: row[1].value for row in sheet.iter_rows() if row[0].value}


def test_a_viewer_s_and_a_provider_s_workbooks_are_their_own(demo_app, demo_factory):
    client = demo_app.server.test_client()
    sign_in(client, "viewer@demo.local")
    viewer = client.get("/export/performance.xlsx?year=2025/26&quarter=Q3")
    assert viewer.status_code == 200
    # A workbook names whose services it covers, not who asked: one file is kept for
    # everyone with the same scope (exports.stored), so it must not name one of them.
    assert "everyone who may see every provider's services" in _notes(viewer.data)["Exported"]
    assert "viewer@demo.local" not in str(_notes(viewer.data))
    client = demo_app.server.test_client()
    sign_in(client, PROVIDER_B)
    own = client.get("/export/performance.xlsx?year=2025/26&quarter=Q3")
    assert "everyone who may see Riverside Boxing Academy (demo)'s services" in _notes(own.data)["Exported"]
    assert PROVIDER_B not in str(_notes(own.data))
    sheet = load_workbook(io.BytesIO(own.data))["Performance"]
    header = [c.value for c in sheet[1]]
    providers = {row[header.index("Provider")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert providers == {"Riverside Boxing Academy (demo)"}


PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
                       "AAAABJRU5ErkJggg==")


@pytest.mark.parametrize("who", ["viewer@demo.local", PROVIDER_A])
def test_the_pdf_pack_is_read_as_the_signed_in_user(demo_app, demo_factory, monkeypatch, who):
    """Each service page of the pack is read as the user who asked for it (never a made-up
    admin), so a provider user's pack holds its own services and nobody else's."""
    from pypdf import PdfReader

    import exports.pdf_pack as pdf_pack

    readers: list[tuple[object, int]] = []
    real = pdf_pack.service_figures

    def recording(session, actor, service_id, *args, **kwargs):
        readers.append((actor, service_id))
        return real(session, actor, service_id, *args, **kwargs)

    def no_browser(figures, directory: Path, progress=None, chart_store=None) -> list[Path]:
        paths = [directory / f"chart-{i}.png" for i in range(len(figures))]
        for path in paths:
            path.write_bytes(PNG)
        return paths

    monkeypatch.setattr(pdf_pack, "service_figures", recording)
    monkeypatch.setattr(pdf_pack, "render_charts", no_browser)
    monkeypatch.setattr(pdf_pack, "start_drawing", lambda: None)
    client = demo_app.server.test_client()
    sign_in(client, who)
    response = client.get("/export/performance.pdf?year=2025/26&quarter=Q3")
    assert response.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert f"by {who}" in text
    assert readers and all(isinstance(a, SignedInUser) and a.email == who for a, _ in readers)
    with unit_of_work(demo_factory) as s:
        owners = dict(s.execute(select(Service.id, Provider.name).join(Provider)).tuples().all())
    read = {owners.get(service_id) for _, service_id in readers}
    if who == PROVIDER_A:
        assert read == {"Safer Futures Support (demo)"}
        assert "Riverside Boxing Academy" not in text
    else:
        assert len(read) > 2 and "Riverside Boxing Academy" in text


def test_a_link_does_not_draw_a_pack_too_long_for_one_request(demo_app, monkeypatch):
    """Above PACK_LINK_SERVICES services the export link answers at once, in words that say
    where to make the pack (the Performance page's job, or the command line), and draws
    nothing; a scope within it is drawn as before."""
    from exports import build, pdf_pack

    drawn = []
    monkeypatch.setattr(build, "PACK_LINK_SERVICES", 7)  # the demo partnership has 8
    monkeypatch.setattr(pdf_pack, "start_drawing", lambda: drawn.append("started"))
    monkeypatch.setattr(pdf_pack, "render_charts", lambda figures, directory, progress=None, chart_store=None:
                        drawn.append(len(figures)) or [])
    client = demo_app.server.test_client()
    sign_in(client, "admin@demo.local")
    response = client.get("/export/performance.pdf?year=2025/26&quarter=Q3&publish=1")
    assert response.status_code == 503 and response.mimetype == "text/plain"
    words = response.get_data(as_text=True)
    assert words.startswith("This meeting pack covers 8 services")
    assert "http://localhost/performance?year=2025/26&quarter=Q3&publish=1" in words
    assert ("On the server: python -m dash_app export --format pdf --user admin@demo.local "
            "--year 2025/26 --quarter Q3 --publish --out pack.pdf") in words
    assert drawn == []
    # A provider's own pack (fewer services) is still drawn in the request.
    provider = demo_app.server.test_client()
    sign_in(provider, PROVIDER_A)
    monkeypatch.setattr(pdf_pack, "render_charts", _blank_charts)
    mine = provider.get("/export/performance.pdf?year=2025/26&quarter=Q3")
    assert mine.status_code == 200 and mine.data.startswith(b"%PDF")


def _blank_charts(figures, directory: Path, progress=None, chart_store=None) -> list[Path]:
    paths = [directory / f"chart-{i}.png" for i in range(len(figures))]
    for path in paths:
        path.write_bytes(PNG)
    return paths
