import math

import pytest

from models.measures import (
    RagThresholds,
    Rate,
    forecast_year_end,
    performance,
    pool_rates,
    rag_status,
    wilson_interval,
)


def test_rates_pool_numerators_and_denominators_not_percentages():
    # 9 of 10 (90%) and 10 of 100 (10%): the average of percentages would say 50%.
    pooled = pool_rates([Rate(9, 10), Rate(10, 100)])
    assert (pooled.numerator, pooled.denominator) == (19, 110)
    assert pooled.value == pytest.approx(17.2727, abs=1e-3)


def test_rate_description_and_empty_cohort():
    assert Rate(52, 76).describe() == "68% (52 of 76)"
    assert Rate(0, 0).value is None
    assert Rate(0, 0).describe() == "No one assessed"
    assert Rate(3, 4).small_cohort and not Rate(3, 5).small_cohort


def test_wilson_interval_against_published_values():
    # Reference values: Newcombe (1998) table I, 81 of 263 -> 0.2553 to 0.3662; and 0 of 10 / 10 of 10 textbook bounds.
    low, high = wilson_interval(0, 10)
    assert low == 0.0 and high == pytest.approx(27.75, abs=0.01)
    low, high = wilson_interval(10, 10)
    assert low == pytest.approx(72.25, abs=0.01) and high == pytest.approx(100.0)
    low, high = wilson_interval(81, 263)
    assert low == pytest.approx(25.53, abs=0.01) and high == pytest.approx(36.62, abs=0.01)
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        wilson_interval(11, 10)


@pytest.mark.parametrize(
    ("actual", "target", "higher", "expected"),
    [
        (100, 100, True, "green"),
        (120, 100, True, "green"),
        (90, 100, True, "amber"),
        (89.9, 100, True, "red"),
        (0, 100, True, "red"),
        # Lower is better: 20 behaviour cards against a target of 40 is good.
        (20, 40, False, "green"),
        (40, 40, False, "green"),
        (44, 40, False, "amber"),  # 40/44 = 0.909
        (45, 40, False, "red"),  # 40/45 = 0.889
        (0, 40, False, "green"),
        (3, 0, True, "green"),
    ],
)
def test_rag_against_target(actual, target, higher, expected):
    assert rag_status(actual, target, higher_is_better=higher) == expected


def test_rag_grey_states():
    assert rag_status(None, 100, due=True) == "no_data"
    assert rag_status(None, 100, due=False) == "not_due"
    assert rag_status(50, None) == "no_target"


def test_rag_thresholds_are_configurable():
    strict = RagThresholds(green=1.1, amber=1.0)
    assert rag_status(105, 100, thresholds=strict) == "amber"
    assert rag_status(99, 100, thresholds=strict) == "red"


def test_performance_ratio():
    assert performance(45, 50) == pytest.approx(0.9)
    assert performance(20, 40, higher_is_better=False) == pytest.approx(2.0)
    assert math.isinf(performance(0, 10, higher_is_better=False))


def test_forecast_from_run_rate():
    assert forecast_year_end(150, 2) == 300
    assert forecast_year_end(0, 0) is None
