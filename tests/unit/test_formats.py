"""Dates and times as people read them (models.rules.formats), worked by hand."""

import datetime as dt

from models.rules.formats import format_date, format_datetime, format_time


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
