"""XmR rules (models.rules.spc) on hand-made series. Every mean and limit below is worked out
by hand in the comments: mean = Σx / n; mean moving range (mR̄) = Σ|x[i] − x[i−1]| / (n − 1);
limits = mean ± 2.66 × mR̄; "two-thirds of the way" = mean ± (2/3 × 2.66 = 1.77333) × mR̄."""

from __future__ import annotations

import pytest

from models.rules.spc import (
    COMMON,
    COMMON_CAUSE,
    CONCERN,
    CONCERNING,
    FAILS,
    HIT_AND_MISS,
    IMPROVEMENT,
    IMPROVING,
    MEETS,
    NOT_JUDGED,
    OUTSIDE,
    SHIFT,
    TREND,
    TWO_OF_THREE,
    SpcResult,
    xmr,
)


def labels(n: int) -> list[str]:
    return [f"Q{i % 4 + 1} {2020 + i // 4}/{(21 + i // 4) % 100:02d}" for i in range(n)]


def chart(values: list[float], higher_is_better: bool = True, **kwargs) -> SpcResult:
    return xmr(values, labels(len(values)), higher_is_better, **kwargs)


def causes(result: SpcResult) -> list[tuple[int, str, str]]:
    return [(i, p.special_cause, p.variation) for i, p in enumerate(result.points) if p.special_cause]


def limits(result: SpcResult, i: int = -1) -> tuple[float | None, float | None, float | None]:
    p = result.points[i]
    return p.mean, p.lower, p.upper


# 10, 12 six times: mean 132/12 = 11; every moving range 2, so mR̄ = 22/11 = 2;
# limits 11 ± 2.66 × 2 = 11 ± 5.32 → 5.68 to 16.32; two-thirds: 11 ± 3.5467 (none beyond).
STEADY = [10, 12] * 6


def test_common_cause_only():
    result = chart(STEADY)
    assert limits(result) == pytest.approx((11, 5.68, 16.32))
    assert all(p.mean == pytest.approx(11) for p in result.points)
    assert causes(result) == []
    assert {p.variation for p in result.points} == {COMMON}
    assert result.variation == COMMON_CAUSE
    assert result.has_limits and result.note == "" and result.assurance is None
    assert result.points[0].label == "Q1 2020/21"


def test_outside_limits_alone():
    # 5, 15 alternating (11 points: six 5s, five 15s = 105), then 60. Σ = 165, mean 13.75.
    # Moving ranges: ten of 10 (= 100) and |60 − 5| = 55: mR̄ = 155/11 = 14.0909.
    # Limits 13.75 ± 2.66 × 14.0909 = 13.75 ± 37.4818 → −23.7318 to 51.2318: 60 is above.
    # Two-thirds: ± 24.988, and 5 and 15 are 8.75 and 1.25 from the mean; sides alternate; no
    # run of rises or falls.
    result = chart([5, 15] * 5 + [5, 60])
    assert limits(result) == pytest.approx((13.75, 13.75 - 2.66 * 155 / 11, 13.75 + 2.66 * 155 / 11))
    assert limits(result)[2] == pytest.approx(51.2318, abs=1e-4)
    assert causes(result) == [(11, OUTSIDE, IMPROVEMENT)]
    assert result.variation == IMPROVING


def test_lower_is_better_reads_the_same_point_as_concern():
    result = chart([5, 15] * 5 + [5, 60], higher_is_better=False)
    assert causes(result) == [(11, OUTSIDE, CONCERN)]
    assert result.variation == CONCERNING


def test_shift_alone():
    # Seven above (12, 11, 12, 11, 12, 11, 12 = 81), five below (9, 10, 9, 10, 9 = 47).
    # Σ = 128, mean 128/12 = 10.6667: 11 and 12 are above it, 9 and 10 below.
    # Moving ranges: six of 1, |9 − 12| = 3, four of 1 → 13; mR̄ = 13/11 = 1.1818.
    # Limits 10.6667 ± 2.66 × 1.1818 = ± 3.1436 → 7.5230 to 13.8103 (nothing outside);
    # two-thirds ± 2.0958, and the farthest point (12) is 1.3333 away. Sides: a run of 7
    # above, then 5 below. Ups and downs alternate: no trend.
    result = chart([12, 11, 12, 11, 12, 11, 12, 9, 10, 9, 10, 9])
    assert limits(result) == pytest.approx((128 / 12, 128 / 12 - 2.66 * 13 / 11, 128 / 12 + 2.66 * 13 / 11))
    assert limits(result)[1:] == pytest.approx((7.5230, 13.8103), abs=1e-4)
    assert causes(result) == [(i, SHIFT, IMPROVEMENT) for i in range(7)]
    assert result.variation == COMMON_CAUSE  # the latest point is common cause


def test_trend_alone_flags_by_its_direction():
    # 10, 12, 10, 12, 10 then 7, 8, 9, 10, 11, 12, 13 (seven points, six rises).
    # Σ = 54 + 70 = 124, mean 10.3333. Moving ranges 2, 2, 2, 2, 3, then six of 1 → 17;
    # mR̄ = 17/11 = 1.5455; limits 10.3333 ± 4.1109 → 6.2224 to 14.4442 (7 and 13 inside).
    # Two-thirds ± 2.7406: only 7 (3.3333 below) is beyond, so no two of three. Longest run on
    # one side: 10, 7, 8, 9, 10 below (5). All seven points of the rise are a trend and, higher
    # being better, an improvement — even 7 to 10, below the mean.
    result = chart([10, 12, 10, 12, 10, 7, 8, 9, 10, 11, 12, 13])
    assert limits(result) == pytest.approx((124 / 12, 124 / 12 - 2.66 * 17 / 11, 124 / 12 + 2.66 * 17 / 11))
    assert causes(result) == [(i, TREND, IMPROVEMENT) for i in range(5, 12)]
    assert result.variation == IMPROVING
    lower_better = chart([10, 12, 10, 12, 10, 7, 8, 9, 10, 11, 12, 13], higher_is_better=False)
    assert causes(lower_better) == [(i, TREND, CONCERN) for i in range(5, 12)]
    assert lower_better.variation == CONCERNING


def test_a_tie_ends_a_trend():
    # As above with 9, 9: six points rising after the tie at most (9, 10, 11, 12, 13 = 5).
    result = chart([10, 12, 10, 12, 10, 7, 8, 9, 9, 11, 12, 13])
    assert TREND not in {p.special_cause for p in result.points}


def test_two_of_three_alone_flags_only_the_two():
    # 10, 12 six times (132) then 16, 14, 16 (46): Σ = 178, n = 15, mean 11.8667.
    # Moving ranges: eleven of 2 (22), |16 − 12| = 4, 2, 2 → 30; mR̄ = 30/14 = 2.1429.
    # Limits 11.8667 ± 2.66 × 2.1429 = ± 5.7 → 6.1667 to 17.5667 (16 inside).
    # Two-thirds: ± 1.77333 × 2.1429 = ± 3.8 → 15.6667: both 16s are beyond, 14 is not.
    # 16, 14, 16 are all above the mean: the two 16s are flagged, not the 14.
    # Runs above: 12, 16, 14, 16 (4); no run of rises.
    result = chart([*STEADY, 16, 14, 16])
    mean, lower, upper = limits(result)
    assert (mean, lower, upper) == pytest.approx((178 / 15, 178 / 15 - 5.7, 178 / 15 + 5.7))
    assert causes(result) == [(12, TWO_OF_THREE, IMPROVEMENT), (14, TWO_OF_THREE, IMPROVEMENT)]
    assert result.variation == IMPROVING


def test_a_point_on_the_mean_breaks_a_shift():
    # 12, 12, 12, 10, 12, 12, 12, 7, 8, 7, 8, 8: Σ = 120, mean exactly 10 — the fourth point
    # is on it, so neither side: the run above is 3 + 3, no shift.
    on_mean = chart([12, 12, 12, 10, 12, 12, 12, 7, 8, 7, 8, 8])
    assert limits(on_mean)[0] == 10
    assert SHIFT not in {p.special_cause for p in on_mean.points}
    # With 10.5 there instead (Σ 120.5, mean 10.0417) the seven are a shift.
    above = chart([12, 12, 12, 10.5, 12, 12, 12, 7, 8, 7, 8, 8])
    assert [p.special_cause for p in above.points[:7]] == [SHIFT] * 7


def test_fewer_than_twelve_points_has_no_limits_and_says_why():
    result = chart([10, 12] * 4, target=11)
    assert not result.has_limits
    assert all(limits(result, i) == (None, None, None) for i in range(8))
    assert causes(result) == []
    assert result.variation == NOT_JUDGED and result.assurance is None
    assert result.note == "Fewer than 12 quarters: limits are not shown yet (8 of 12)."


def test_limits_recalculated_after_a_marked_change():
    # 10, 12 six times (mean 11, mR̄ 2, limits 5.68–16.32), then 20, 22 six times.
    # Without the change: Σ = 132 + 252 = 384, mean 16: twelve points below then twelve
    # above (a shift); the jump 12 → 20 counts in mR̄ = (22 + 8 + 22)/23 = 2.2609.
    before = chart(STEADY + [20, 22] * 6)
    assert limits(before)[0] == pytest.approx(16)
    assert limits(before)[2] == pytest.approx(16 + 2.66 * 52 / 23)
    assert {p.special_cause for p in before.points} >= {SHIFT}
    # With a change at the 13th point each part has its own: the second, 252/12 = 21, mR̄ 2
    # (the jump into it is not a moving range), limits 21 ± 5.32 → 15.68 to 26.32.
    after = chart(STEADY + [20, 22] * 6, changes=[(12, "new contract")])
    assert limits(after, 0) == pytest.approx((11, 5.68, 16.32))
    assert limits(after, 12) == pytest.approx((21, 15.68, 26.32))
    assert causes(after) == []
    assert after.has_limits and after.variation == COMMON_CAUSE
    assert after.note == ("Limits recalculated from Q1 2023/24, after a change in the service "
                          "(new contract).")


def test_a_short_new_segment_has_no_limits_yet():
    result = chart([*STEADY, 20, 22, 20, 22, 20], changes=[(12, "new model of delivery")])
    assert limits(result, 11) == pytest.approx((11, 5.68, 16.32))
    assert all(limits(result, i) == (None, None, None) for i in range(12, 17))
    assert not result.has_limits and result.variation == NOT_JUDGED
    assert result.note == (
        "Limits recalculated from Q1 2023/24, after a change in the service (new model of "
        "delivery). Fewer than 12 quarters since: limits for them are not shown yet (5 of 12).")


def test_changes_at_the_start_or_past_the_end_are_ignored():
    assert chart(STEADY, changes=[(0, "x"), (12, "y")]) == chart(STEADY)


@pytest.mark.parametrize(("target", "higher_is_better", "expected"), [
    # STEADY's limits are 5.68 to 16.32.
    (20, True, FAILS),        # above the upper limit: the process cannot reach it
    (4, True, MEETS),         # below the lower limit: every point clears it
    (12, True, HIT_AND_MISS),  # between the limits
    (16.32, True, HIT_AND_MISS),  # exactly on a limit: hit and miss
    (20, False, MEETS),       # lower is better: a target above the upper limit is always met
    (4, False, FAILS),
    (None, True, None),
])
def test_assurance(target, higher_is_better, expected):
    assert chart(STEADY, higher_is_better, target=target).assurance == expected


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        xmr([1.0, 2.0], ["a"], True)
    with pytest.raises(ValueError):
        xmr([1.0, float("nan")], ["a", "b"], True)
    empty = xmr([], [], True)
    assert empty.points == () and not empty.has_limits
