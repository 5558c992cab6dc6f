"""The Performance page's downloads as background jobs (callbacks/performance.build_download,
dash_app/jobs.py): a job runs as the user who started it — read from the session cookie the
job was handed, by the same rule as every request — and holds what that user may see; a
deactivated user or an ended session gets no file, even one that ended while it was built;
two users asking for the same pack at the same moment each get their own."""

from __future__ import annotations

import csv
import io
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from dash_app.jobs import SeparateSlots
from models.store.db import unit_of_work
from models.store.entities import AuditEvent, User
from models.store.users import end_sessions
from tests.helpers.jobs import (
    collect_download,
    page_end_id,
    pdf_text,
    run_job,
    session_cookies,
    start_download,
)
from tests.helpers.pdf import blank_charts
from tests.helpers.web import sign_in

ALL_SERVICES = 8
PROVIDERS = {
    "safer-futures-support@demo.local": None,  # filled from the data: several services
    "riverside-boxing-academy@demo.local": {"ASB early help (boxing club diversion)"},
    "link-worker-partnership@demo.local": {"Social prescribing (3 GP surgeries)"},
}


def _services(body: bytes) -> set[str]:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return {row[rows[0].index("Service")] for row in rows[1:]}


def _own_services(factory, email: str) -> set[str]:
    from models.store.entities import Service

    with unit_of_work(factory) as s:
        user = s.scalars(select(User).where(User.email == email)).one()
        return set(s.scalars(select(Service.name).where(Service.provider_id == user.provider_id)))


@pytest.mark.parametrize("email", ["admin@demo.local", "viewer@demo.local", *PROVIDERS])
def test_a_job_holds_what_its_user_may_see(demo_app, demo_factory, email):
    cookies = session_cookies(demo_app, email)
    body, words, kind, stages = run_job(demo_app, cookies, "csv")
    assert words == "The CSV file is ready: cwp-performance-2026-27-Q2.csv is in your downloads."
    assert kind == "job-result"
    services = _services(body)
    if email.endswith(("admin@demo.local", "viewer@demo.local")):
        assert len(services) == ALL_SERVICES
    else:
        assert services == _own_services(demo_factory, email) and len(services) < ALL_SERVICES
    # The same bytes as the export route gives that user: the same checks, the same file.
    client = demo_app.server.test_client()
    sign_in(client, email)
    assert client.get("/export/performance.csv?year=2026/27&quarter=Q2").get_data() == body
    assert stages[0] == "Building the CSV file. Reading the figures"
    assert "Building the CSV file. Writing the CSV file" in stages


def test_publication_mode_and_the_whole_year_reach_the_job(demo_app):
    cookies = session_cookies(demo_app, "viewer@demo.local")
    body, words, *_ = run_job(demo_app, cookies, "csv", year="2025/26", period="year", publish=True)
    client = demo_app.server.test_client()
    sign_in(client, "viewer@demo.local")
    assert body == client.get("/export/performance.csv?year=2025/26&quarter=year&publish=1").get_data()
    assert body != client.get("/export/performance.csv?year=2025/26&quarter=year").get_data()
    assert "cwp-performance-2025-26-year.csv" in words


def test_signed_out_forged_deactivated_or_ended_sessions_get_no_file(demo_app, demo_factory):
    refused = "The CSV file was not built: You are signed out. Sign in again, then ask for the file once more."
    # No cookie at all; and one signed with another key (forged).
    assert run_job(demo_app, {}, "csv")[:2] == (None, refused)
    cookies = session_cookies(demo_app, "viewer@demo.local")
    forged = {name: value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB")
              for name, value in cookies.items()}
    assert run_job(demo_app, forged, "csv")[:2] == (None, refused)
    # Signed out everywhere (the session's generation moves on): the cookie no longer works.
    with unit_of_work(demo_factory) as s:
        end_sessions(s, s.scalars(select(User).where(User.email == "viewer@demo.local")).one().id)
    body, words, kind, _ = run_job(demo_app, cookies, "csv")
    assert (body, words, kind) == (None, refused, "job-result job-result-problem")
    # Deactivated.
    cookies = session_cookies(demo_app, "riverside-boxing-academy@demo.local")
    with unit_of_work(demo_factory) as s:
        s.scalars(select(User).where(User.email == "riverside-boxing-academy@demo.local")).one().active = False
    assert run_job(demo_app, cookies, "csv")[:2] == (None, refused)


def test_a_user_deactivated_while_the_file_is_built_does_not_get_it(demo_app, demo_factory):
    cookies = session_cookies(demo_app, "riverside-boxing-academy@demo.local")

    def deactivate(stage: str) -> None:
        if stage.endswith("Writing the CSV file"):  # the figures have been read as them
            with unit_of_work(demo_factory) as s:
                s.scalars(select(User).where(User.email == "riverside-boxing-academy@demo.local")
                          ).one().active = False

    body, words, *_ = run_job(demo_app, cookies, "csv", on_progress=deactivate)
    assert body is None
    assert words == ("The CSV file was not built: You were signed out while it was being built. "
                     "Sign in again, then ask for it once more.")


def test_a_bad_year_is_told_in_words(demo_app):
    cookies = session_cookies(demo_app, "viewer@demo.local")
    body, words, kind, _ = run_job(demo_app, cookies, "xlsx", year="twenty")
    assert body is None and kind.endswith("job-result-problem")
    assert words.startswith("The Excel workbook was not built: ") and "2024/25" in words


def test_a_failing_build_is_told_in_words_not_a_traceback(demo_app, monkeypatch):
    import callbacks.performance as performance

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full at /secret/path")

    monkeypatch.setattr(performance, "build_export", broken)
    cookies = session_cookies(demo_app, "viewer@demo.local")
    body, words, *_ = run_job(demo_app, cookies, "pdf")
    assert body is None and "/secret/path" not in words
    assert words == ("The meeting pack was not built: something went wrong on the server. Try again "
                     "in a minute; if it keeps happening, tell the lead officer.")


def test_a_refused_export_is_audited(demo_app, demo_factory, monkeypatch):
    import callbacks.performance as performance
    from models.access import AccessRefused

    def refuse(*_args, **_kwargs):
        raise AccessRefused("You do not have access to that service.", "service", 3)

    monkeypatch.setattr(performance, "stored_export", refuse)  # a CSV or XLSX: kept or built
    cookies = session_cookies(demo_app, "riverside-boxing-academy@demo.local")
    _, words, *_ = run_job(demo_app, cookies, "xlsx")
    assert words == "The Excel workbook was not built: You do not have access to that service."
    with unit_of_work(demo_factory) as s:
        event = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (event.entity, event.entity_id) == ("service", 3)
        assert "export performance.xlsx" in str(event.after)


def test_the_pack_reports_each_stage_and_names_the_providers_services(demo_app, demo_factory, monkeypatch):
    blank_charts(monkeypatch)
    email = "riverside-boxing-academy@demo.local"
    body, words, _, stages = run_job(demo_app, session_cookies(demo_app, email), "pdf")
    assert words == "The meeting pack is ready: cwp-performance-2026-27-Q2.pdf is in your downloads."
    text = pdf_text(body)
    assert "ASB early help (boxing club diversion)" in text
    assert "Sanctuary scheme" not in text and "Social prescribing" not in text
    drawn = [s for s in stages if "Drawing charts: " in s]
    assert drawn and drawn[-1].endswith(f"{drawn[-1].rsplit(' of ', 1)[1]} of {drawn[-1].rsplit(' of ', 1)[1]}")
    assert "Building the meeting pack. Drawing charts: 1 of " in drawn[0]
    order = ["Reading the figures", "Reading each service's figures", "Drawing charts",
             "Laying out the pages", "Sending it to you"]
    firsts = [next(i for i, s in enumerate(stages) if stage in s) for stage in order]
    assert firsts == sorted(firsts)


# Through HTTP, as the renderer does it, with the real diskcache manager ------------------

def test_two_users_asking_for_the_same_pack_at_once_each_get_their_own(demo_app, monkeypatch):
    """A viewer and a provider press "PDF meeting pack" for the same quarter at the same
    moment: the same callback with the same arguments, which Dash alone would key the same.
    Each job has its own slot, and each file holds its own user's services. (The viewer's
    pack, with every service's charts, is made to finish well after the provider's, and is
    collected first: were the slots shared, the viewer would be handed the provider's file.)"""
    import exports.pdf_pack as pdf_pack

    blank_charts(monkeypatch)  # forked jobs inherit it
    blank = pdf_pack.render_charts

    def slowly(figures, directory, progress=None, chart_store=None):
        time.sleep(0.25 * len(figures))
        return blank(figures, directory, progress, chart_store)

    monkeypatch.setattr(pdf_pack, "render_charts", slowly)
    users = {"viewer@demo.local": None, "riverside-boxing-academy@demo.local": None}
    clients = {}
    for email in users:
        client = demo_app.server.test_client()
        sign_in(client, email)
        clients[email] = (client, page_end_id(client))
    with ThreadPoolExecutor(2) as pool:
        handles = dict(zip(users, pool.map(lambda e: start_download(*clients[e], "pdf"), users),
                           strict=True))
    slots = {email: h["cacheKey"].split("~")[0] for email, h in handles.items()}
    assert len(set(slots.values())) == 2
    for email in users:
        users[email] = collect_download(*clients[email], "pdf", handles[email])
    assert all(body for body, _ in users.values()), [words for _, words in users.values()]
    viewer, provider = (pdf_text(users[e][0]) for e in users)
    assert "Sanctuary scheme" in viewer and "ASB early help (boxing club diversion)" in viewer
    assert "ASB early help (boxing club diversion)" in provider
    assert "Sanctuary scheme" not in provider and "Social prescribing" not in provider


def test_dash_alone_would_give_both_the_same_slot(demo_app):
    """Why the key is extended (dash_app/jobs.SeparateSlots): Dash's own key for the two
    requests above is one key, and the same key for every asker."""
    from dash import DiskcacheManager

    from callbacks.performance import build_download

    args = [0, 0, 1, "2026/27", "Q2", False, False]
    plain = DiskcacheManager.build_cache_key
    manager = demo_app._background_manager
    assert isinstance(manager, SeparateSlots)
    assert plain(manager, build_download, args, [], None) == plain(manager, build_download, args, [], None)
    with demo_app.server.test_request_context():
        assert manager.build_cache_key(build_download, args, [], None) != manager.build_cache_key(
            build_download, args, [], None)


def test_a_signed_out_browser_cannot_start_or_collect_a_job(demo_app):
    client = demo_app.server.test_client()
    sign_in(client, "viewer@demo.local")
    end_id = page_end_id(client)
    handles = start_download(client, end_id, "csv")
    body, words = collect_download(client, end_id, "csv", handles)
    assert body and words.startswith("The CSV file is ready"), words
    stranger = demo_app.server.test_client()
    response = stranger.post(f"/_dash-update-component?endId={end_id}&cacheKey={handles['cacheKey']}"
                             f"&job={handles['job']}", json={})
    assert response.status_code == 401


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_job_sends_a_kept_file_only_to_readers_of_its_scope(demo_app, fmt):
    """A CSV or workbook the job built is kept (exports.stored) and the next job for the same
    scope sends it: a CWP member gets the lead officer's file; a provider user never does."""
    kept_folder = demo_app.server.config["MONITOR_SETTINGS"].export_cache_dir
    body, words, *_ = run_job(demo_app, session_cookies(demo_app, "admin@demo.local"), fmt)
    [kept] = kept_folder.glob(f"*/*.{fmt}")
    assert kept.read_bytes() == body and "is ready" in words
    kept.write_bytes(b"KEPT FOR EVERY PROVIDER")
    body, words, _, stages = run_job(demo_app, session_cookies(demo_app, "viewer@demo.local"), fmt)
    assert body == b"KEPT FOR EVERY PROVIDER" and "is ready" in words
    assert any("already made from these figures" in stage for stage in stages)
    own, *_ = run_job(demo_app, session_cookies(demo_app, "riverside-boxing-academy@demo.local"), fmt)
    assert own and own != b"KEPT FOR EVERY PROVIDER"
