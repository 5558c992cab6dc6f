"""The admin page's import (issue 21): a file is checked and shown, then imported only as
previewed; the template and history downloads are the lead officer's. Non-admins are refused
by tests/callbacks/test_admin_callbacks.py (every admin callback, every role)."""

import base64
import csv
import io

import pytest
from sqlalchemy import func, select

from callbacks.admin import imports
from exports.return_template import MAX_BYTES
from models.returns.bulk_import import COLUMNS
from models.store.db import unit_of_work
from models.store.entities import AuditEvent, Period, Return
from tests.helpers.jobs import callback_job, session_cookies
from tests.helpers.web import sign_in


def confirm_as(app, email: str | None, *args) -> tuple[tuple, list[str]]:
    """The import job (callbacks/admin/imports.confirm_import) as Dash runs one, started by
    `email`'s session (None: no session): its answer and the stages it reported in words."""
    stages: list[str] = []
    cookies = session_cookies(app, email) if email else {}
    with callback_job(app, cookies, "adm-imp-confirm"):
        answer = imports.confirm_import(lambda value: stages.append(value[1]), 1, *args)
    return answer, stages

SANCTUARY_2019 = (b"service,metric,category,year,quarter,count,numerator,denominator\n"
                  b"Sanctuary scheme,Properties made safe,,2019/20,Q1,7,,\n"
                  b"Sanctuary scheme,Victims enabled to remain in their own home,,2019/20,Q1,6,,\n")


def upload(data: bytes, kind: str = "text/csv") -> str:
    return f"data:{kind};base64," + base64.b64encode(data).decode()


def _count(factory) -> int:
    with unit_of_work(factory) as s:
        return s.scalar(select(func.count()).select_from(Return))


def test_a_file_is_previewed_then_imported_as_previewed(signed_in, demo_app, demo_factory):
    before = _count(demo_factory)
    with signed_in("admin@demo.local"):
        shown, checked, off, cleared = imports.preview_import(upload(SANCTUARY_2019), "old.csv",
                                                              "approved", False, "")
    text = str(shown)
    assert "old.csv: 1 return ready to import as approved" in text and "Q1 2019/20" in text
    assert checked and off is False and cleared == ""
    assert _count(demo_factory) == before  # a preview writes nothing
    # The status changed after the preview (and the preview was not asked again): refused.
    (refused, *_), _ = confirm_as(demo_app, "admin@demo.local", upload(SANCTUARY_2019), "old.csv",
                                  "submitted", False, "", checked)
    assert "changed after the check" in str(refused)
    (done, kept, off), stages = confirm_as(demo_app, "admin@demo.local", upload(SANCTUARY_2019),
                                           "old.csv", "approved", False, "", checked)
    assert stages == ["Checking the file again", "Writing returns: 0 of 1"]
    assert "Imported 1 return from old.csv as approved: 1 new, 0 replaced. 1 quarters were added." in str(done)
    assert kept is None and off is True
    assert _count(demo_factory) == before + 1
    with unit_of_work(demo_factory) as s:
        assert s.scalars(select(Period).filter_by(year=2019, quarter=1)).one().status == "closed"
        event = s.scalars(select(AuditEvent).filter_by(action="import")).one()
        assert "old.csv (administration page)" in event.after
    with signed_in("admin@demo.local"):  # the same file again: already there, so not without replace
        shown, checked, off, _ = imports.preview_import(upload(SANCTUARY_2019), "old.csv",
                                                        "approved", False, "")
    assert "Sanctuary scheme already has an approved return for Q1 2019/20" in str(shown)
    assert checked is None and off is True


def test_problems_are_listed_and_nothing_can_be_imported(signed_in, demo_factory):
    bad = SANCTUARY_2019.replace(b",7,,", b",seven,,").replace(b"Sanctuary scheme,Victims",
                                                                 b"Sanctuary schem,Victims")
    with signed_in("admin@demo.local"):
        shown, checked, off, _ = imports.preview_import(upload(bad), "old.csv", "approved", False, "")
    text = str(shown)
    # The misspelt row names no service, so its figure is also missing from the return.
    assert "3 problems in old.csv. Nothing has been imported." in text
    assert "Enter victims enabled to remain in their own home (add a row for it)." in text
    assert "Row 2, count: Properties made safe must be a whole number, like 12." in text
    assert "Did you mean 'Sanctuary scheme'?" in text
    assert checked is None and off is True


@pytest.mark.parametrize("contents, name, said", [
    (None, "x.csv", None),
    ("not a data url", "x.csv", "Choose a file to import."),
    (upload(b"x" * (MAX_BYTES + 1)), "x.csv", "the most this page takes"),
    (upload(b"service\n"), "x.txt", "must be a CSV (.csv) or an Excel workbook"),
    ("data:text/csv;base64,@@@", "x.csv", "could not be read"),
])
def test_a_file_the_page_cannot_take_is_answered_in_words(signed_in, contents, name, said):
    with signed_in("admin@demo.local"):
        shown, checked, off, _ = imports.preview_import(contents, name, "approved", False, "")
    assert checked is None and off is True
    assert (shown is None) if said is None else said in str(shown)


def test_replacing_needs_a_reason(signed_in, demo_app, demo_factory):
    with unit_of_work(demo_factory) as s:
        period = s.scalars(select(Period).filter_by(year=2024, quarter=3)).one()
        assert s.scalars(select(Return).filter_by(period_id=period.id)).first() is not None
    rows = SANCTUARY_2019.replace(b"2019/20", b"2024/25").replace(b"Q1", b"Q3")
    with signed_in("admin@demo.local"):
        shown, checked, off, _ = imports.preview_import(upload(rows), "fix.csv", "approved", True, "")
        assert "say why they are replaced" in str(shown) and checked is None
        shown, checked, off, _ = imports.preview_import(upload(rows), "fix.csv", "approved", True,
                                                        "Corrected by the provider")
        assert off is False
        assert "1 replacing one already in the app" in str(shown) and "Approved" in str(shown)
    (done, *_), _ = confirm_as(demo_app, "admin@demo.local", upload(rows), "fix.csv", "approved",
                               True, "Corrected by the provider", checked)
    assert "0 new, 1 replaced" in str(done)


@pytest.mark.parametrize("who, status", [(None, 302), ("viewer@demo.local", 403),
                                         ("safer-futures-support@demo.local", 403),
                                         ("admin@demo.local", 200)])
@pytest.mark.parametrize("path", ["/admin/import/template.csv", "/admin/import/history.csv"])
def test_the_import_files_are_the_lead_officers(demo_app, who, status, path):
    client = demo_app.server.test_client()
    if who:
        sign_in(client, who)
    response = client.get(path)
    assert response.status_code == status
    if status == 200:
        rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
        assert tuple(rows[0]) == COLUMNS and len(rows) > 30
        assert "attachment" in response.headers["Content-Disposition"]
    else:
        assert b"Sanctuary" not in response.get_data()


@pytest.mark.parametrize("who, said", [
    (None, "You were signed out, so nothing was imported."),
    ("viewer@demo.local", "Only the lead officer"),
    ("safer-futures-support@demo.local", "Only the lead officer"),
])
def test_the_import_job_runs_only_as_the_lead_officer(signed_in, demo_app, demo_factory, who, said):
    """The job's user is the one whose session started it: a member or a provider is refused
    (audited) even with a fingerprint that matches; no session, nothing."""
    with signed_in("admin@demo.local"):
        _, checked, _, _ = imports.preview_import(upload(SANCTUARY_2019), "old.csv", "approved", False, "")
    before = _count(demo_factory)
    (answer, _kept, off), _ = confirm_as(demo_app, who, upload(SANCTUARY_2019), "old.csv", "approved",
                                        False, "", checked)
    assert said in str(answer) and off is True
    assert _count(demo_factory) == before
    with unit_of_work(demo_factory) as s:
        refusals = s.scalars(select(AuditEvent).filter_by(action="refused")).all()
    assert len(refusals) == (0 if who is None else 1)
