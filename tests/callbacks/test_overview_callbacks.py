"""Overview callbacks called directly, as each role and anonymously."""

from callbacks.router import display_page
from tests.helpers.overview import overview_answer as _overview

PROVIDER = "safer-futures-support@demo.local"


def _services(table) -> list[str]:
    body = table.children[2]
    return [tr.children[0].children for tr in body.children]


def test_admin_and_viewer_see_every_service(signed_in):
    for email in ("admin@demo.local", "viewer@demo.local"):
        with signed_in(email):
            heading, _tiles, figure, table, csv_href, search = _overview("2021/22", "Q2")
        assert heading == "Q2 2021/22"
        assert len(_services(table)) == 8
        assert csv_href == "/export/performance.csv?year=2021%2F22&quarter=Q2"
        assert search == "?year=2021%2F22&quarter=Q2"
        bars = figure.data[0]
        assert len(bars.y) == 8 and bars.orientation == "h"


def test_chart_and_table_agree(signed_in):
    with signed_in("viewer@demo.local"):
        _, _, figure, table, _, _ = _overview("2021/22", "Q3")
    rows = table.children[2].children
    # A service without a figure has no bar: its word is an annotation. A bar past the 100%
    # line has its label in the second trace (anchored at the bar's start).
    words = {a.y: a.text for a in figure.layout.annotations}
    chart = {y: end or start or words[y] for y, end, start in zip(
        figure.data[0].y, figure.data[0].text, figure.data[1].text, strict=True)}
    for tr in rows:
        service, pct, rag = (tr.children[0].children, tr.children[4].children,
                             tr.children[5].children.children)
        expected = f"{pct} · {rag}" if pct else rag
        assert chart[service] == expected


def test_provider_sees_only_its_own_services(signed_in):
    with signed_in(PROVIDER):
        _, _, _, table, _, _ = _overview("2021/22", "Q2")
    assert sorted(_services(table)) == [
        "Children and young people 1:1 domestic and sexual abuse support",
        "Independent Sexual Violence Advisor (ISVA)",
        "Sanctuary scheme",
    ]


def test_anonymous_is_refused(signed_in):
    with signed_in(None):
        heading, _tiles, figure, *_ = _overview("2021/22", "Q2")
        page = display_page("/", "")
    assert heading == "Sign in first."
    assert figure.data == ()
    assert "Sign in" in str(page)


def test_bad_input_gets_a_plain_message(signed_in):
    with signed_in("admin@demo.local"):
        heading, *_ = _overview("2021-22", "Q2")
    assert "write it like 2024/25" in heading


def test_router_restores_filters_from_the_url(signed_in):
    with signed_in("viewer@demo.local"):
        page = str(display_page("/", "?year=2022/23&quarter=Q4"))
        default = str(display_page("/", ""))
        missing = str(display_page("/nowhere", ""))
    assert "value='2022/23'" in page and "value='Q4'" in page
    # Default: the latest quarter past its due date on 25 November 2026 is Q2 2026/27.
    assert "value='2026/27'" in default and "value='Q2'" in default
    assert "Page not found" in missing


def test_filters_narrow_the_services_and_travel_in_the_url(signed_in):
    from sqlalchemy import select

    from models.store.db import unit_of_work
    from models.store.entities import Priority, Workstream

    with signed_in("admin@demo.local"):
        from flask import current_app

        factory = current_app.extensions["monitor.sessionmaker"]
        with unit_of_work(factory) as s:
            domestic = s.scalars(select(Priority.id).where(Priority.name == "Domestic Abuse")).one()
            primary = s.scalars(select(Workstream.id).where(Workstream.name == "Primary Prevention")).one()
        # An id (an older link) is accepted and the slug written back; the slug alike.
        _, _, _, table, _, search = _overview("2021/22", "Q2", str(domestic), "all", "all", False)
        assert len(_services(table)) == 4
        assert search == "?year=2021%2F22&quarter=Q2&priority=domestic-abuse"
        _, _, _, by_slug, _, again = _overview("2021/22", "Q2", "domestic-abuse", "all", "all", False)
        assert again == search and _services(by_slug) == _services(table)
        _, _, _, table, _, search = _overview("2021/22", "Q2", str(domestic), str(primary), "all", True)
        assert _services(table) == ["Healthy relationships workshops in schools"]
        assert search.endswith("workstream=primary-prevention&provisional=1")
        # An id the browser made up is ignored, not trusted.
        _, _, _, table, _, search = _overview("2021/22", "Q2", "99999", "all", "all", False)
        assert len(_services(table)) == 8 and "priority" not in search


def test_tiles_are_grouped_by_priority_with_words_for_direction(signed_in):
    with signed_in("viewer@demo.local"):
        _, tiles, *_ = _overview("2022/23", "Q3")
    text = str(tiles)
    # One spelling for each priority, the strategy's, as the filters and Priorities say it.
    assert "Domestic Abuse" in text and "Anti-Social Behaviour (ASB)" in text
    assert "Domestic abuse" not in text
    assert "last quarter" in text
    assert "Year to date:" in text


def test_summary_counts_match_the_table(demo_factory):
    """The by-priority RAG counts agree with the headline rows of the full table."""
    from collections import Counter

    from models.reporting.overview import OverviewFilters, rag_summary
    from models.reporting.performance import build_performance_table
    from models.store.db import unit_of_work
    from tests.helpers.config import TODAY
    from tests.helpers.factories import Actor

    for year, quarter in ((2021, 2), (2025, 3), (2026, 2)):
        with unit_of_work(demo_factory) as s:
            summary = rag_summary(s, Actor(1, "viewer"), OverviewFilters(year, quarter), TODAY)
            table = build_performance_table(s, year, quarter, TODAY)
        expected = Counter((r.priority, r.rag_word) for r in table.rows if r.is_headline)
        got = Counter({(p.priority, w): n for p in summary for w, n in p.counts.items()})
        assert got == expected and sum(got.values()) == 8


def test_large_views_count_rag_by_priority(signed_in, monkeypatch):
    import models.reporting.overview

    monkeypatch.setattr("callbacks.overview.SERVICE_LIMIT", 5)
    assert models.reporting.overview.SERVICE_LIMIT == 400  # the real limit is untouched
    with signed_in("viewer@demo.local"):
        heading, tiles, figure, table, _, _ = _overview("2021/22", "Q2")
        _, _, _, provider_table, _, _ = _overview("2021/22", "Q2", provider="2")
    assert heading == "Q2 2021/22"
    assert "This view holds 8 services, too many to show one by one" in str(tiles)
    assert {trace.name for trace in figure.data} <= {"Green", "Amber", "Red", "No data", "No target"}
    body = table.children[2].children
    assert sum(int(tr.children[-1].children) for tr in body) == 8
    assert len(_services(provider_table)) == 3  # three services: one by one again
