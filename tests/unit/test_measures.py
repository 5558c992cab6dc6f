
import pytest

from models.rules.formats import format_rate
from models.rules.measures import (
    Rate,
    forecast_year_end,
    percent_of_target,
    pool_rates,
    round_half_up,
    wilson_interval,
)
from models.rules.rag import RagThresholds, rag_status


def test_rates_pool_numerators_and_denominators_not_percentages():
    # 9 of 10 (90%) and 10 of 100 (10%): the average of percentages would say 50%.
    pooled = pool_rates([Rate(9, 10), Rate(10, 100)])
    assert (pooled.numerator, pooled.denominator) == (19, 110)
    assert pooled.value == pytest.approx(17.2727, abs=1e-3)


def test_rate_description_and_empty_cohort():
    assert format_rate(Rate(52, 76)) == "68% (52 of 76)"
    assert Rate(0, 0).value is None
    assert format_rate(Rate(0, 0)) == "No one assessed"
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
        (89.4, 100, True, "red"),
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


# The percentage shown is the percentage judged: % of target rounded half up to a whole
# percent, then RAG on that figure. Lower is better mirrors the bands about 100%: Green up to
# 100%, Amber up to 110% (100% + (100% - 90%)), Red above. Worked by hand against target 1000.
@pytest.mark.parametrize(
    ("actual", "shown", "higher_rag", "lower_rag"),
    [
        (895, 90, "amber", "green"),    # 89.5% -> 90%
        (899, 90, "amber", "green"),    # 89.9% -> 90%
        (894, 89, "red", "green"),      # 89.4% -> 89%
        (995, 100, "green", "green"),   # 99.5% -> 100%, never Amber beside "100%"
        (994, 99, "amber", "green"),
        (1000, 100, "green", "green"),
        (1100, 110, "green", "amber"),  # 110%: the last Amber when lower is better
        (1104, 110, "green", "amber"),  # 110.4% -> 110%
        (1105, 111, "green", "red"),    # 110.5% -> 111%
    ],
)
def test_rag_is_judged_on_the_rounded_percentage(actual, shown, higher_rag, lower_rag):
    assert percent_of_target(actual, 1000) == shown
    assert rag_status(actual, 1000, higher_is_better=True) == higher_rag
    assert rag_status(actual, 1000, higher_is_better=False) == lower_rag


def test_ten_behaviour_cards_against_nine_is_red_when_lower_is_better():
    # 10 / 9 = 111.1% -> "111%": beyond the 110% Amber margin.
    assert percent_of_target(10, 9) == 111
    assert rag_status(10, 9, higher_is_better=False) == "red"
    assert rag_status(9, 9, higher_is_better=False) == "green"


def test_one_rounding_rule_half_up():
    assert round_half_up(62.5) == 63  # Python's round() gives 62 (half to even)
    assert round_half_up(0.5) == 1 and round_half_up(1.5) == 2 and round_half_up(2.5) == 3
    assert round_half_up(89.49999) == 89
    assert format_rate(Rate(5, 8)) == "63% (5 of 8)"
    assert Rate(1, 8).percent == 13  # 12.5% -> 13%


def test_rate_target_is_judged_on_the_rate_as_shown():
    # 139 of 200 is 69.5%, shown as 70%: against a 70% target that is "100%", Green.
    rate = Rate(139, 200)
    assert rate.percent == 70
    assert percent_of_target(rate.percent, 70) == 100
    assert rag_status(rate.percent, 70) == "green"


def test_zero_targets():
    assert percent_of_target(3, 0) is None
    assert rag_status(3, 0) == "green"
    assert rag_status(0, 0, higher_is_better=False) == "green"
    assert rag_status(1, 0, higher_is_better=False) == "red"


def test_forecast_from_run_rate():
    assert forecast_year_end(150, 2) == 300
    assert forecast_year_end(0, 0) is None


def test_the_small_cohort_words_are_built_from_the_one_threshold():
    from models.reporting.performance import SMALL_COHORT_NOTE
    from models.rules.measures import SMALL_COHORT

    assert SMALL_COHORT == 5
    assert SMALL_COHORT_NOTE == "Fewer than 5 people assessed"
    assert not Rate(5, 5).small_cohort and Rate(0, 4).small_cohort
