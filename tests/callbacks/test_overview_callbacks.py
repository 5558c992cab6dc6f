"""Overview callbacks called directly, as each role and anonymously."""

from callbacks.overview import update_overview
from callbacks.router import display_page

PROVIDER = "safer-futures-support@demo.local"


def _services(table) -> list[str]:
    body = table.children[2]
    return [tr.children[0].children for tr in body.children]


def test_admin_and_viewer_see_every_service(signed_in):
    for email in ("admin@demo.local", "viewer@demo.local"):
        with signed_in(email):
            heading, figure, table, csv_href, search = update_overview("2021/22", "Q2")
        assert heading == "Q2 2021/22"
        assert len(_services(table)) == 8
        assert csv_href == "/export/performance.csv?year=2021%2F22&quarter=Q2"
        assert search == "?year=2021%2F22&quarter=Q2"
        bars = figure.data[0]
        assert len(bars.y) == 8 and bars.orientation == "h"


def test_chart_and_table_agree(signed_in):
    with signed_in("viewer@demo.local"):
        _, figure, table, _, _ = update_overview("2021/22", "Q3")
    rows = table.children[2].children
    chart = dict(zip(figure.data[0].y, figure.data[0].text, strict=True))
    for tr in rows:
        service, pct, rag = (tr.children[0].children, tr.children[4].children,
                             tr.children[5].children.children)
        expected = f"{pct} · {rag}" if pct else rag
        assert chart[service] == expected


def test_provider_sees_only_its_own_services(signed_in):
    with signed_in(PROVIDER):
        _, _, table, _, _ = update_overview("2021/22", "Q2")
    assert sorted(_services(table)) == [
        "Children and young people 1:1 domestic and sexual abuse support",
        "Independent Sexual Violence Advisor (ISVA)",
        "Sanctuary scheme",
    ]


def test_anonymous_is_refused(signed_in):
    with signed_in(None):
        heading, figure, *_ = update_overview("2021/22", "Q2")
        page = display_page("/", "")
    assert heading == "Sign in first."
    assert figure.data == ()
    assert "Sign in" in str(page)


def test_bad_input_gets_a_plain_message(signed_in):
    with signed_in("admin@demo.local"):
        heading, *_ = update_overview("2021-22", "Q2")
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
