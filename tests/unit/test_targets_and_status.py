import datetime as dt

from models.reporting.aggregation import annual_target, quarter_target
from models.reporting.cells import neutralise
from models.rules.periods import Quarter
from models.rules.workflow import effective_status

DUE = dt.date(2026, 10, 20)


def test_quarter_target_defaults_to_even_split_for_counts():
    targets = {(1, None): 200.0}
    assert quarter_target(targets, 1, 3, is_rate=False) == 50.0
    targets[(1, 3)] = 80.0
    assert quarter_target(targets, 1, 3, is_rate=False) == 80.0
    assert quarter_target(targets, 2, 1, is_rate=False) is None


def test_rate_targets_do_not_split():
    assert quarter_target({(1, None): 75.0}, 1, 2, is_rate=True) == 75.0


def test_annual_target_from_quarters_when_only_quarters_are_set():
    targets = {(1, q): float(q * 10) for q in (1, 2, 3, 4)}
    assert annual_target(targets, 1, is_rate=False) == 100.0
    del targets[(1, 4)]
    assert annual_target(targets, 1, is_rate=False) is None


def test_effective_status_derives_overdue_and_missing():
    q2 = Quarter(2026, 2)  # due 20 October 2026 by default
    before, on, after = dt.date(2026, 10, 19), DUE, dt.date(2026, 10, 21)
    assert effective_status(None, q2, before) == "not_started"
    assert effective_status(None, q2, on) == "not_started"  # due today, not yet late
    assert effective_status(None, q2, after) == "missing"
    assert effective_status("draft", q2, on) == "draft"
    assert effective_status("draft", q2, after) == "overdue"
    for state in ("submitted", "approved", "returned"):
        assert effective_status(state, q2, after) == state


def test_formula_injection_is_neutralised():
    for dangerous in ('=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(dangerous).startswith("'")
    assert neutralise("Safe text") == "Safe text"
    assert neutralise("    Year 6") == "    Year 6"
