"""Big exports with bounded memory (issue 20): the CSV in streamed pieces is the CLI's file byte
for byte, and the XLSX written in XlsxWriter's constant-memory mode holds the same cells,
formats, widths, frozen panes and filters as one built whole in memory."""

import datetime as dt
import io
from collections import Counter

import pytest
from openpyxl import load_workbook

from dash_app import cli
from exports import xlsx_workbook
from exports.build import build_export, csv_export
from exports.context import export_context, pack_attention
from exports.csv_table import csv_chunks, performance_csv
from exports.xlsx_workbook import performance_xlsx
from models.reporting.performance import COLUMNS, build_performance_table, performance_table
from models.store.db import unit_of_work
from models.store.users import find_user
from tests.helpers import factories as f
from tests.helpers.config import TODAY
from tests.helpers.web import sign_in

PROVIDER = "safer-futures-support@demo.local"


def _cli_csv(db_url: str, monkeypatch, out, email: str, *args: str) -> bytes:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MONITOR_TODAY", TODAY.isoformat())
    assert cli.main(["export", "--user", email, "--format", "csv", "--out", str(out), *args]) == 0
    return out.read_bytes()


@pytest.mark.parametrize(("email", "quarter", "publish"), [
    ("admin@demo.local", None, False), ("admin@demo.local", 3, True),
    (PROVIDER, None, False)])
def test_streamed_csv_is_the_cli_file_byte_for_byte(demo_factory, db_url, tmp_path, monkeypatch,
                                                    email, quarter, publish):
    """The route's pieces, joined, are exactly what `export --format csv` writes; published
    and a provider's own view too (so the masks and the access rule are the same)."""
    with unit_of_work(demo_factory) as s:
        user = find_user(s, email)
        pieces = list(csv_export(s, user, 2025, quarter, TODAY, publish=publish))
    assert len(pieces) >= 2 and pieces[0].startswith(b"\xef\xbb\xbfPriority,")
    args = ["--year", "2025/26", "--quarter", f"Q{quarter}" if quarter else "year"]
    written = _cli_csv(db_url, monkeypatch, tmp_path / "export.csv", email,
                       *args, *(["--publish"] if publish else []))
    assert b"".join(pieces) == written


def test_csv_pieces_do_not_depend_on_their_size(demo_factory):
    """Rows split across pieces at any size make the same file as the whole text at once."""
    with unit_of_work(demo_factory) as s:
        table = build_performance_table(s, 2025, None, TODAY)
    whole = performance_csv(table)
    assert len(table.rows) > 7
    for size in (1, 7, len(table.rows), 10 * len(table.rows)):
        pieces = list(csv_chunks(table, rows_per_chunk=size))
        assert b"".join(pieces) == whole
        assert len(pieces) == 1 + -(-len(table.rows) // size)  # the header, then the rows


def test_a_wrong_number_of_masks_is_refused_before_any_byte(demo_factory):
    with unit_of_work(demo_factory) as s:
        table = build_performance_table(s, 2025, None, TODAY)
    with pytest.raises(ValueError, match="One mask per row"):
        csv_chunks(table, [None])  # raised by the call itself, before anything is sent


def test_the_route_streams_the_same_csv_as_the_cli(demo_app, demo_factory, tmp_path, monkeypatch, db_url):
    """Through real HTTP handling (Flask's test client): a streamed response, the CLI's bytes,
    and a provider user's stream holds its own services only."""
    client = demo_app.server.test_client()
    sign_in(client, PROVIDER)
    response = client.get("/export/performance.csv?year=2025/26&quarter=year",
                          headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv" and "Content-Length" not in response.headers
    body = response.get_data()
    assert body == _cli_csv(db_url, monkeypatch, tmp_path / "cli.csv", PROVIDER, "--year", "2025/26")
    assert b"Safer Futures Support" in body and b"Riverside Boxing Academy" not in body


def _workbook_facts(body: bytes) -> dict:
    """Everything a reader sees of each sheet: values, number formats, fonts, fills,
    alignment, column widths, frozen panes and filters."""
    wb = load_workbook(io.BytesIO(body))
    facts = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                cells[c.coordinate] = (c.value, c.data_type, c.number_format, c.font.b,
                                       c.font.color and c.font.color.rgb,
                                       c.fill.fgColor.rgb if c.fill.fill_type else None,
                                       c.alignment.wrap_text, c.alignment.indent, c.alignment.vertical)
        widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
        facts[ws.title] = {"cells": cells, "widths": widths, "freeze": ws.freeze_panes,
                           "filter": ws.auto_filter.ref, "size": (ws.max_row, ws.max_column)}
    return facts


@pytest.mark.parametrize("publish", [False, True])
def test_constant_memory_xlsx_has_the_same_cells_and_looks(demo_factory, publish):
    with unit_of_work(demo_factory) as s:
        user = find_user(s, "admin@demo.local")
        table = performance_table(s, user, 2025, None, TODAY)
        ctx = export_context(s, user, table, dt.datetime(2026, 11, 25, 9, 5), publish, with_trends=True)
        ctx.attention = pack_attention(s, user, ctx, TODAY)
    streamed, whole = performance_xlsx(ctx), performance_xlsx(ctx, constant_memory=False)
    after, before = _workbook_facts(streamed), _workbook_facts(whole)
    assert list(after) == ["Performance", "What needs attention", "Narrative", "Trends", "Notes"]
    for sheet in before:
        assert after[sheet] == before[sheet], sheet
    performance = after["Performance"]
    assert performance["freeze"] == "A2" and performance["filter"].startswith("A1:")
    assert performance["size"][0] == len(table.rows) + 1
    assert len(after["Trends"]["cells"]) > 100
    assert any(fmt == "0%" for _, _, fmt, *_ in performance["cells"].values())


def test_build_export_writes_the_constant_memory_workbook(session):
    """The dispatcher's XLSX is the constant-memory one: its strings are inline (no shared
    strings part), which is how XlsxWriter writes row by row."""
    import zipfile

    owner = f.provider(session)
    svc = f.service(session, "Small service", owner)
    people = f.metric(session, svc, "People supported", headline=True)
    f.target(session, people, 2024, 40)
    ps = f.periods(session, 2024)
    f.a_return(session, svc, ps[1], "approved", {people: 12})
    admin = f.Actor(1, "admin")
    body = build_export(session, admin, "xlsx", 2024, None, dt.date(2024, 11, 25))
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert "xl/sharedStrings.xml" not in names
    rows = list(load_workbook(io.BytesIO(body))["Performance"].iter_rows(min_row=2, values_only=True))
    assert any("People supported" in row and 12 in row for row in rows)


def test_a_trends_sheet_too_big_for_a_spreadsheet_says_so_instead(demo_factory, monkeypatch):
    """A national year's series (130,000 measures × 32 quarters) would overflow a sheet (and
    took gigabytes to work out): the Trends sheet and the notes say why it is left out, and
    the series are never computed."""
    import exports.context as context

    def refuse(*args, **kwargs):
        raise AssertionError("the series should not be worked out")

    with unit_of_work(demo_factory) as s:
        user = find_user(s, "admin@demo.local")
        kept = build_export(s, user, "xlsx", 2025, None, TODAY)
        monkeypatch.setattr(context, "TRENDS_MAX_ROWS", 10)
        monkeypatch.setattr(context, "visible_trends", refuse)
        body = build_export(s, user, "xlsx", 2025, None, TODAY)
    assert load_workbook(io.BytesIO(kept))["Trends"].max_row > 10
    wb = load_workbook(io.BytesIO(body))
    said = wb["Trends"]["A2"].value
    assert said.startswith("The Trends sheet is left out of this workbook:") and wb["Trends"].max_row == 2
    assert said in [c.value for row in wb["Notes"].iter_rows() for c in row]


def _whole_table_csv(s, user, quarter, publish) -> bytes:
    """The CSV as it was made before the table was read in chunks: the whole table, the
    export's masks worked out over all of it."""
    table = performance_table(s, user, 2025, quarter, TODAY)
    ctx = export_context(s, user, table, dt.datetime(2026, 11, 25, 9, 5), publish)
    return performance_csv(table, ctx.masks())


@pytest.mark.parametrize("size", [1, 3, 1000])
@pytest.mark.parametrize(("email", "quarter", "publish"), [
    ("admin@demo.local", None, False), ("admin@demo.local", None, True),
    ("admin@demo.local", 2, True), (PROVIDER, 3, False)])
def test_chunked_csv_is_the_whole_tables_byte_for_byte(demo_factory, monkeypatch, size, email,
                                                       quarter, publish):
    """Any chunk size (one service a chunk, a boundary inside each priority, all at once)
    makes the same bytes as the whole table, published (disclosure worked out a chunk at a
    time) or not."""
    import models.reporting.performance as performance

    monkeypatch.setattr(performance, "SERVICES_PER_CHUNK", size)
    with unit_of_work(demo_factory) as s:
        user = find_user(s, email)
        streamed = b"".join(csv_export(s, user, 2025, quarter, TODAY, publish=publish))
        assert streamed == _whole_table_csv(s, user, quarter, publish)
    if publish:
        assert streamed.count(b"Withheld") + streamed.count(b"<") > 0  # something was hidden


def test_chunked_csv_on_county_shaped_data(db_url, monkeypatch):
    """The benchmark's county data, smaller (60 services of 12 providers, clones of the demo
    catalogue's services, eight years of returns): chunks of 7 services make the whole
    table's bytes, published and not, a year and a quarter."""
    from sqlalchemy.orm import Session

    import models.reporting.performance as performance
    from models.catalogue import scale
    from models.store.db import make_engine

    engine = make_engine(db_url)
    scale.build(engine, "county", TODAY, services=60, providers=12)
    monkeypatch.setattr(performance, "SERVICES_PER_CHUNK", 7)
    with Session(engine) as s, s.begin():
        admin = f.Actor(1, "admin", email="admin@demo.local")
        for quarter, publish in ((None, False), (None, True), (2, True)):
            streamed = b"".join(csv_export(s, admin, 2025, quarter, TODAY, publish=publish))
            assert streamed == _whole_table_csv(s, admin, quarter, publish), (quarter, publish)
            assert streamed.count(b"\r\n") > 60 * 10
    engine.dispose()


@pytest.mark.parametrize(("quarter", "publish"), [(None, False), (None, True), (2, True)])
def test_a_workbook_beyond_the_series_limit_streams_its_table(demo_factory, monkeypatch, quarter,
                                                               publish):
    """More measures than SERIES_MAX_MEASURES: the Performance sheet, read a chunk of services
    at a time, has exactly the cells of the whole table's; the Trends and What needs attention
    sheets and the notes say why they are left out, and no series is worked out."""
    import exports.build as build
    import exports.context as context
    import models.reporting.performance as performance

    with unit_of_work(demo_factory) as s:
        user = find_user(s, "admin@demo.local")
        whole = build_export(s, user, "xlsx", 2025, quarter, TODAY, publish=publish)

        def refuse(*args, **kwargs):
            raise AssertionError("the series should not be worked out")

        monkeypatch.setattr(context, "SERIES_MAX_MEASURES", 5)
        monkeypatch.setattr(build, "SERIES_MAX_MEASURES", 5)
        monkeypatch.setattr(performance, "SERVICES_PER_CHUNK", 3)
        for name in ("visible_trends", "attention_report"):
            monkeypatch.setattr(context, name, refuse)
        monkeypatch.setattr(build, "pack_attention", refuse)
        measures = context.measures_in_scope(s, user, 2025, False)
        streamed = build_export(s, user, "xlsx", 2025, quarter, TODAY, publish=publish)
    before, after = _workbook_facts(whole), _workbook_facts(streamed)
    assert list(after) == ["Performance", "What needs attention", "Narrative", "Trends", "Notes"]
    assert after["Performance"] == before["Performance"]
    assert after["Narrative"] == before["Narrative"]
    why = context.SERIES_LEFT_OUT.format(measures=measures, limit=5)
    assert measures > 5 and f"{measures:,} measures" in why
    wb = load_workbook(io.BytesIO(streamed))
    assert wb["Trends"]["A2"].value == why and wb["Trends"].max_row == 2
    assert why in [c.value for row in wb["Notes"].iter_rows() for c in row]
    # In place of the lines: why, then the measures by the RAG the Performance sheet shows.
    sheet = list(wb["What needs attention"].iter_rows(values_only=True))
    assert sheet[0][0] == why and sheet[2][0] == xlsx_workbook.RAG_SUMMARY_TITLE
    head = [h for h in sheet[3] if h is not None]
    assert head[0] == "Priority" and head[-1] == "Measures"
    assert head[1:7] == ["Green", "Amber", "Red", "No data", "Not due", "No target"]
    summary = {row[0]: dict(zip(head[1:], row[1:len(head)], strict=True)) for row in sheet[4:]}
    performance = list(wb["Performance"].iter_rows(min_row=2, values_only=True))
    rag, kind = COLUMNS.index("RAG"), COLUMNS.index("Kind")
    expected: dict[str, Counter] = {}
    for row in performance:
        if row[kind] != "Breakdown":
            expected.setdefault(row[0], Counter())[row[rag]] += 1
    assert list(summary)[:-1] == list(expected)  # priorities in the table's order
    for priority, counts in expected.items():
        assert {w: n for w, n in summary[priority].items() if n and w != "Measures"} == counts
        assert summary[priority]["Measures"] == sum(counts.values())
    measures_shown = sum(1 for row in performance if row[kind] != "Breakdown")
    assert summary["All priorities"]["Measures"] == measures_shown > 5
    assert ("Withheld" in head) is (publish and any(r[rag] == "Withheld" for r in performance))


def test_the_route_reads_its_chunks_in_its_own_open_transaction(demo_app, tmp_path, monkeypatch,
                                                                db_url):
    """Two services a chunk: the route's pieces are still the CLI's file (each chunk read
    while the response streams, in the transaction the route opened), and once the last
    piece is sent the connection is handed back. (A refusal is still a 403 before any piece:
    tests/callbacks/test_page_access.py.)"""
    import models.reporting.performance as performance
    from dash_app.database import sessions

    monkeypatch.setattr(performance, "SERVICES_PER_CHUNK", 2)
    client = demo_app.server.test_client()
    sign_in(client, "admin@demo.local")
    with demo_app.server.app_context():
        pool = sessions().kw["bind"].pool
    response = client.get("/export/performance.csv?year=2025/26&quarter=Q2&publish=1",
                          headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200 and response.is_streamed
    body = response.get_data()
    response.close()
    assert pool.checkedout() == 0
    assert body == _cli_csv(db_url, monkeypatch, tmp_path / "cli.csv", "admin@demo.local",
                            "--year", "2025/26", "--quarter", "Q2", "--publish")
    signed_out = demo_app.server.test_client().get("/export/performance.csv?year=2025/26")
    assert signed_out.status_code == 401 and b"Priority," not in signed_out.get_data()


def test_an_export_read_in_chunks_reads_one_snapshot(factory, engine_name):
    """On PostgreSQL a fresh transaction is made REPEATABLE READ, so the chunks of one export
    cannot mix two states of the data; too late once something was read (PostgreSQL would
    refuse), and SQLite is left as it is."""
    from sqlalchemy import text

    from models.store.db import one_snapshot

    with unit_of_work(factory) as s:
        made = one_snapshot(s)
        if engine_name == "postgresql":
            assert made and s.scalar(text("SHOW transaction_isolation")) == "repeatable read"
        else:
            assert not made
    with unit_of_work(factory) as s:
        s.execute(text("SELECT 1"))
        assert not one_snapshot(s)


def test_the_rag_tally_counts_measures_as_shown(session):
    """By hand: two measures of one priority (Green, and Red but withheld when published)
    and a breakdown whose hidden figure withholds no RAG (it has none)."""
    from dataclasses import replace

    from models.reporting.cells import RagTally
    from models.reporting.publication import OPEN, RowMask

    owner = f.provider(session)
    svc = f.service(session, "Counted", owner)
    people = f.metric(session, svc, "People", headline=True, categories=("Women",))
    f.metric(session, svc, "Nights", order=1)
    ps = f.periods(session, 2024)
    f.target(session, people, 2024, 40)
    f.a_return(session, svc, ps[1], "approved", {people: 12})
    table = build_performance_table(session, 2024, 1, dt.date(2024, 11, 25), provider_id=owner.id)
    measure, breakdown, other = table.rows
    assert breakdown.is_breakdown and not other.is_breakdown
    hidden = RowMask(ytd="Withheld", rag_withheld=True, published=True)
    tally = RagTally()
    tally.add(replace(measure, rag="green"))
    tally.add(breakdown, hidden)
    assert tally.words()[-1] == "No target" and tally.by_priority == {measure.priority: Counter({"Green": 1})}
    tally.add(replace(other, rag="red"), hidden)
    tally.add(replace(other, rag="red"), OPEN)
    assert tally.words()[-1] == "Withheld"
    assert tally.by_priority[measure.priority] == Counter({"Green": 1, "Withheld": 1, "Red": 1})
