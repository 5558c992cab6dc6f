import datetime as dt

import pytest

from models.rules.formats import format_date
from models.rules.periods import (
    Quarter,
    financial_year_of,
    parse_quarter,
    parse_year_label,
    quarter_label,
    quarter_of,
    quarters_between,
    year_label,
)


@pytest.mark.parametrize(
    ("day", "year", "quarter"),
    [
        (dt.date(2024, 3, 31), 2023, 4),
        (dt.date(2024, 4, 1), 2024, 1),
        (dt.date(2024, 6, 30), 2024, 1),
        (dt.date(2024, 7, 1), 2024, 2),
        (dt.date(2024, 9, 30), 2024, 2),
        (dt.date(2024, 10, 1), 2024, 3),
        (dt.date(2024, 12, 31), 2024, 3),
        (dt.date(2025, 1, 1), 2024, 4),
    ],
)
def test_financial_year_and_quarter_of_a_date(day, year, quarter):
    assert financial_year_of(day) == year
    assert quarter_of(day) == quarter
    assert Quarter.containing(day) == Quarter(year, quarter)


def test_labels_follow_uk_conventions():
    assert year_label(2024) == "2024/25"
    assert year_label(1999) == "1999/00"
    assert quarter_label(2024, 2) == "Q2 2024/25"
    assert format_date(dt.date(2026, 11, 25)) == "25 November 2026"
    assert format_date(dt.date(2026, 4, 1)) == "1 April 2026"


def test_year_label_parsing_rejects_what_is_not_a_financial_year():
    assert parse_year_label("2020/21") == 2020
    assert parse_year_label(" 1999/00 ") == 1999
    for bad in ("2020", "2020/22", "20/21", "2020-21", "", "9999/00", "9998/99", "0001/02"):
        with pytest.raises(ValueError, match="financial year"):
            parse_year_label(bad)


def test_quarter_parsing():
    assert parse_quarter("Q2") == 2
    assert parse_quarter("q4") == 4
    assert parse_quarter("year") is None
    with pytest.raises(ValueError, match="Q1, Q2, Q3, Q4 or year"):
        parse_quarter("Q5")


def test_quarter_bounds_and_due_dates():
    q1 = Quarter(2024, 1)
    assert (q1.start, q1.end) == (dt.date(2024, 4, 1), dt.date(2024, 6, 30))
    assert q1.default_due_date == dt.date(2024, 7, 20)
    q4 = Quarter(2024, 4)
    assert (q4.start, q4.end) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    assert q4.default_due_date == dt.date(2025, 4, 20)
    # Leap year: Q4 2023/24 ends on 31 March 2024 all the same; February is inside it.
    assert Quarter(2023, 4).end == dt.date(2024, 3, 31)


def test_quarter_stepping_crosses_year_boundaries():
    assert Quarter(2024, 4).next() == Quarter(2025, 1)
    assert Quarter(2025, 1).previous() == Quarter(2024, 4)
    span = quarters_between(Quarter(2020, 1), Quarter(2026, 3))
    assert len(span) == 27
    assert span[0] == Quarter(2020, 1) and span[-1] == Quarter(2026, 3)
