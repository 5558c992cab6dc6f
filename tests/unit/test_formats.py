"""Figures, dates and times as people read them (models.rules.formats), worked by hand."""

import datetime as dt

from models.reporting.cells import format_figure
from models.reporting.performance import Figure
from models.rules.formats import (
    format_date,
    format_datetime,
    format_entered,
    format_money,
    format_number,
    format_percent,
    format_rate,
    format_target,
    format_time,
    parse_uk_date,
)
from models.rules.measures import Rate


def test_dates_read_gov_uk_style():
    assert format_date(dt.date(2025, 4, 1)) == "1 April 2025"  # no leading zero
    assert format_date(dt.date(2026, 11, 25)) == "25 November 2026"
    assert format_date(dt.datetime(2026, 3, 31, 23, 59)) == "31 March 2026"  # a datetime's date


def test_times_on_the_24_hour_clock():
    assert format_time(dt.datetime(2026, 11, 25, 9, 5)) == "09:05"
    assert format_time(dt.time(14, 0)) == "14:00"


def test_a_moment_reads_as_date_at_time():
    assert format_datetime(dt.datetime(2026, 11, 25, 9, 5)) == "25 November 2026 at 09:05"
    assert format_datetime(dt.datetime(2025, 4, 1, 0, 0, 59)) == "1 April 2025 at 00:00"


# Figures, worked by hand ------------------------------------------------------------------



def test_figures_people_read_carry_a_thousands_separator():
    assert format_number(1364) == "1,364"
    assert format_number(3100.0) == "3,100"  # a float that is whole reads as a whole number
    assert format_number(1234567) == "1,234,567"
    assert format_number(999) == "999"
    assert format_number(0) == "0"  # nought is a figure, never blank
    assert format_number(-1364) == "-1,364"
    assert format_number(None) == ""


def test_a_fraction_keeps_one_decimal_place_with_the_separator():
    assert format_number(1364.25) == "1,364.3"  # half up, as every rounding here
    assert format_number(2.05) == "2.1"  # as it prints, not the binary fraction below it
    assert format_number(12.5) == "12.5"
    assert format_number(0.5) == "0.5"


def test_machines_get_bare_figures():
    assert format_number(1364, grouped=False) == "1364"
    assert format_number(1364.5, grouped=False) == "1364.5"
    assert format_percent(1250, grouped=False) == "1250%"
    assert format_target(3100, "count", grouped=False) == "3100"


def test_percentages_are_whole_rounded_half_up_and_grouped():
    assert format_percent(96.5) == "97%"
    assert format_percent(72.0) == "72%"
    assert format_percent(0) == "0%"
    assert format_percent(1250.4) == "1,250%"
    assert format_target(75, "percent") == "75%"
    assert format_target(3100, "count") == "3,100"


def test_a_rate_reads_with_its_counts_grouped():
    assert format_rate(Rate(1052, 1461)) == "72% (1,052 of 1,461)"
    assert format_rate(Rate(1052, 1461), grouped=False) == "72% (1052 of 1461)"
    assert format_rate(Rate(0, 0)) == "No one assessed"


def test_money_is_whole_pounds():
    assert format_money(12500) == "£12,500"
    assert format_money(1234.5) == "£1,235"
    assert format_money(None) == ""


def test_figures_typed_into_returns_read_back_grouped_and_anything_else_untouched():
    assert format_entered("1364") == "1,364"
    assert format_entered("0") == "0"
    assert format_entered("") == ""
    assert format_entered(None) == ""
    assert format_entered("<5") == "<5"  # a suppressed figure stays as it is
    assert format_entered("12.5") == "12.5"  # not a whole number: as typed


def test_suppressed_figures_are_untouched():
    figure = Figure(count=1364)
    assert format_figure(figure) == "1,364"
    assert format_figure(figure, grouped=False) == "1364"
    assert format_figure(figure, "<5") == "<5"
    assert format_figure(figure, "Withheld") == "Withheld"


# Dates typed in UK order, whatever the browser's language ----------------------------------

def test_a_typed_uk_date_is_day_then_month():
    assert parse_uk_date("04/01/2027") == dt.date(2027, 1, 4)  # 4 January, never 1 April
    assert parse_uk_date("4/1/2027") == dt.date(2027, 1, 4)
    assert parse_uk_date(" 31-03-2027 ") == dt.date(2027, 3, 31)
    assert parse_uk_date("31.3.2027") == dt.date(2027, 3, 31)
    assert parse_uk_date("2027-01-04") == dt.date(2027, 1, 4)  # ISO, as stored and as before
    assert parse_uk_date("") is None and parse_uk_date(None) is None


def test_a_bad_date_gets_a_plain_message():
    for bad in ("31/02/2027", "13/13/2027", "4/1/27", "tomorrow", "04/01", "1/2/3/2027", "2027-13-01"):
        try:
            parse_uk_date(bad)
        except ValueError as exc:
            assert str(exc) == "Enter a real date as day/month/year, for example 4/1/2027 for 4 January 2027"
        else:
            raise AssertionError(f"{bad!r} was accepted")
