"""Counters in a window (models.store.throttle) and ids from the browser (models.access.record_id)."""

import pytest

from models.access import MAX_ID, record_id
from models.store import throttle


def test_a_counter_counts_in_its_window_and_starts_again_after(session):
    assert throttle.hit(session, "k", 60, now=1000.0) == (1, 1060.0)
    assert throttle.hit(session, "k", 60, now=1010.0) == (2, 1060.0)
    assert throttle.hit(session, "k", 60, amount=3, now=1020.0) == (5, 1060.0)
    assert throttle.current(session, "k", now=1059.0) == (5, 1060.0)
    assert throttle.current(session, "k", now=1060.0)[0] == 0  # the window has ended
    assert throttle.hit(session, "k", 60, now=1061.0) == (1, 1121.0)
    throttle.clear(session, "k")
    assert throttle.current(session, "k", now=1062.0)[0] == 0


def test_long_keys_are_digested_and_expired_counters_cleared(session):
    long_key = "x" * 400
    assert throttle.hit(session, long_key, 60, now=0.0)[0] == 1
    assert throttle.hit(session, long_key, 60, now=1.0)[0] == 2
    assert throttle.hit(session, long_key + "y", 60, now=1.0)[0] == 1
    throttle.clear_expired(session, now=100.0)
    assert throttle.clear_all(session) == 0


@pytest.mark.parametrize(("value", "expected"), [
    (5, 5), ("12", 12), (" 7 ", 7), (MAX_ID, MAX_ID), (MAX_ID + 1, 0), (str(2**64), 0),
    (-3, 0), ("-1", 0),
])
def test_record_ids_are_whole_numbers_in_range(value, expected):
    assert record_id(value) == expected


@pytest.mark.parametrize("value", [None, True, 1.5, "1.5", "", "abc", {"a": 1}, [1], "١٢"])
def test_anything_else_is_not_an_id(value):
    with pytest.raises(ValueError):
        record_id(value)
