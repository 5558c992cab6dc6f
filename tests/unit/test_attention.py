"""What needs attention (models.reporting.attention): each kind of line firing on a small
hand-made world, the words, the order, who sees what, provisional figures and publication
mode. Every figure below is worked out by hand in a comment."""

from __future__ import annotations

from fractions import Fraction

import pytest

from models.reporting.attention import (
    CONCERN_LINE,
    EXPLANATIONS_LEFT_OUT,
    FORECAST_SHORT,
    GOING_WELL,
    GREEN_RUN,
    IMPROVING_LINE,
    NEEDS_ATTENTION,
    RED_LINE,
    RETURN_LATE,
    TRENDING_DOWN,
    attention_report,
    forecast_short,
)
from tests.helpers import factories as f
from tests.helpers.attention import QUARTER, TODAY, YEAR, attention_world

A = f.Actor


@pytest.fixture
def world(session):
    return attention_world(session)


def lines_of(report, kind):
    return [line for line in report.lines if line.kind == kind]


def test_red_this_quarter_and_year_to_date(session, world):
    report = attention_report(session, A(1, "viewer"), YEAR, QUARTER, TODAY)
    red = {line.metric: line for line in lines_of(report, RED_LINE)}
    # People supported: 15 against a quarter target of 80 / 4 = 20 is 75% (Red); the year to
    # date, 25 + 15 = 40 against 40, is 100% (Green): a line for the quarter only.
    assert red["People supported"].sentence == (
        "Alpha service: People supported is Red this quarter: 15 against a target of 20 "
        "(75% of target).")
    # Felt safer: this quarter 8 of 10 = 80% against 80% (Green); the year to date pools
    # 13 of 20 = 65%, 65 / 80 = 81% of target (Red).
    assert red["Felt safer"].what == (
        "Felt safer is Red for the year to date: 65% against a target of 80%.")
    # Sessions: 22 against 25 is 88% (below 90%: Red), and so is its year to date (44 / 50):
    # one line says both.
    assert red["Sessions"].what == (
        "Sessions is Red this quarter, 22 against a target of 25 (88% of target), and for the "
        "year to date, 44 against a target of 50 (88% of target).")
    # Volunteers: 10 against 10, 100%: Green.
    assert set(red) == {"People supported", "Felt safer", "Sessions"}
    assert all(line.section == NEEDS_ATTENTION for line in red.values())


def test_forecast_more_than_ten_percent_short(session, world):
    report = attention_report(session, A(1, "viewer"), YEAR, QUARTER, TODAY)
    # Sessions: (22 + 22) / 2 quarters × 4 = 88 against 100: 12% short. People supported:
    # 40 / 2 × 4 = 80 against 80, not short.
    assert [line.what for line in lines_of(report, FORECAST_SHORT)] == [
        "Sessions is forecast to reach 88 by the year end, 12% below its annual target of 100."]


@pytest.mark.parametrize(("forecast", "target", "higher_is_better", "short"), [
    (90, 100, True, False),    # exactly 10% short: not more than 10%
    (89.9, 100, True, True),
    (110, 100, False, False),  # lower is better: exactly 10% over
    (110.1, 100, False, True),
    (50, None, True, False),   # no target
    (None, 100, True, False),  # no figure
    (0, 0, True, False),       # a zero target cannot be fallen short of
])
def test_forecast_rule_edges(forecast, target, higher_is_better, short):
    assert forecast_short(forecast, target, higher_is_better) is short
    assert Fraction(9, 10) == 1 - Fraction(1, 10)  # the margin the rule uses, exactly


def test_green_four_quarters_running(session, world):
    report = attention_report(session, A(1, "viewer"), YEAR, QUARTER, TODAY)
    # Volunteers: 10 against 10 in 2023/24 Q3 and Q4 and 2024/25 Q1 and Q2, each 100%.
    assert [line.what for line in lines_of(report, GREEN_RUN)] == [
        "Volunteers has been Green four quarters running; this quarter 10 against a target of "
        "10 (100% of target)."]
    assert lines_of(report, GREEN_RUN)[0].section == GOING_WELL
    # One quarter earlier (2024/25 Q1) the run is three quarters (2023/24 Q3 to 2024/25 Q1)
    # plus a 2023/24 Q2 with no figure: no line.
    earlier = attention_report(session, A(1, "viewer"), YEAR, 1, TODAY)
    assert lines_of(earlier, GREEN_RUN) == []


def test_special_causes_and_an_outcome_rate_trending_down(session, world):
    report = attention_report(session, A(1, "viewer"), YEAR, QUARTER, TODAY)
    assert [line.what for line in lines_of(report, TRENDING_DOWN)] == [
        "Felt better is trending down: 68% is the latest of 7 or more quarters in a row each "
        "lower than the one before."]
    # Calls answered: 2 below the lower limit 4.185 (worked out in tests/helpers/attention.py).
    assert [line.what for line in lines_of(report, CONCERN_LINE)] == [
        "Calls answered shows special cause variation of concern (Outside limits): 2 is below "
        "its lower process limit of 4.2."]
    # Repeat incidents: the same figures, but fewer is better: an improvement.
    improving = lines_of(report, IMPROVING_LINE)
    assert [line.what for line in improving] == [
        "Repeat incidents (lower is better) shows special cause variation improving (Outside "
        "limits): 2 is below its lower process limit of 4.2."]
    assert improving[0].section == GOING_WELL
    # The chart as it stood at an earlier quarter: 2024/25 Q1's point (10) is inside.
    earlier = attention_report(session, A(1, "viewer"), YEAR, 1, TODAY)
    assert lines_of(earlier, CONCERN_LINE) == [] and lines_of(earlier, IMPROVING_LINE) == []


def test_returns_overdue_or_missing(session, world):
    report = attention_report(session, A(1, "viewer"), YEAR, QUARTER, TODAY)
    late = {line.service: line.what for line in lines_of(report, RETURN_LATE)}
    # Q2's due date is 20 October 2024, past on 25 November 2024.
    assert late["Gamma service"] == ("The Q2 2024/25 return is missing (due 20 October 2024): "
                                     "the due date has passed and no return has been started.")
    assert late["Delta service"] == ("The Q2 2024/25 return is overdue (due 20 October 2024): "
                                     "a draft was started but not submitted by the due date.")
    # Beta's services with returns are not late; Alpha's return is approved.
    assert set(late) == {"Gamma service", "Delta service"}


def test_order_priority_then_service_then_kind(session, world):
    report = attention_report(session, A(1, "viewer"), YEAR, QUARTER, TODAY)
    services = [line.service for line in report.concerns]
    # Gamma comes last although its own display order is first: its priority is later.
    assert services == (["Alpha service"] * 4 + ["Beta service"] * 2 + ["Delta service",
                                                                       "Gamma service"])
    kinds = [line.kind for line in report.concerns[:4]]
    assert kinds == [RED_LINE, RED_LINE, RED_LINE, FORECAST_SHORT]  # Red first, then the forecast
    # Within a kind, the metrics in their order on the form.
    assert [line.metric for line in report.concerns[:3]] == ["People supported", "Felt safer",
                                                             "Sessions"]
    # Beta: its special cause (Calls answered, metric 2 on the form) before the trend (Felt
    # better, metric 1): the kinds' order comes before the metrics'.
    assert [line.kind for line in report.concerns[4:6]] == [CONCERN_LINE, TRENDING_DOWN]
    assert [line.service for line in report.going_well] == ["Alpha service", "Beta service"]


def test_explanations_from_the_approved_return_and_links(session, world):
    report = attention_report(session, A(1, "viewer"), YEAR, QUARTER, TODAY)
    alpha = lines_of(report, RED_LINE)[0]
    assert alpha.explanation == (("Challenges", "Two staff left in the summer."),
                                 ("Explanation of the figures", "The drop in people supported is real."))
    assert alpha.link == "/service?service=alpha-service&year=2024%2F25"
    delta = lines_of(report, RETURN_LATE)[0]
    assert delta.explanation == ()  # a draft's words are never read out


def test_a_provider_sees_only_its_own_services(session, world):
    alpha = attention_report(session, A(9, "provider", world["alpha"].id), YEAR, QUARTER, TODAY)
    assert {line.service for line in alpha.lines} == {"Alpha service"}
    beta = attention_report(session, A(9, "provider", world["beta"].id), YEAR, QUARTER, TODAY)
    assert {line.service for line in beta.lines} == {"Beta service", "Gamma service", "Delta service"}


def test_provisional_figures_never_bring_unapproved_words(session, world):
    periods = f.periods(session, YEAR)
    owner = f.provider(session, "Epsilon Care")
    eps = f.service(session, "Epsilon service", owner, order=5)
    m = f.metric(session, eps, "Visits", headline=True)
    f.target(session, m, YEAR, 80)
    f.a_return(session, eps, periods[1], "approved", {m: 20})
    sent = f.a_return(session, eps, periods[2], "submitted", {m: 5})
    sent.challenges = "Words the lead officer has not read yet."
    approved_only = attention_report(session, A(1, "viewer"), YEAR, QUARTER, TODAY)
    # Approved only: no Q2 figure; the year to date is Q1's 20 against 40 (50%), Red, as
    # the performance table judges it.
    assert [line.what for line in lines_of(approved_only, RED_LINE)
            if line.service == "Epsilon service"] == [
        "Visits is Red for the year to date: 20 against a target of 40 (50% of target)."]
    provisional = attention_report(session, A(1, "viewer"), YEAR, QUARTER, TODAY, provisional=True)
    # 5 against 20 is 25%: Red this quarter; the year to date 25 / 40 = 63%, Red too.
    red = [line for line in lines_of(provisional, RED_LINE) if line.service == "Epsilon service"]
    assert red[0].what == ("Visits is Red this quarter, 5 against a target of 20 (25% of "
                           "target), and for the year to date, 25 against a target of 40 "
                           "(63% of target).")
    assert red[0].explanation == ()
    assert any("approved returns only" in note for note in provisional.notes)


def test_publication_mode_hides_small_numbers_and_the_words(session, world):
    periods = f.periods(session, YEAR)
    owner = f.provider(session, "Small Steps")
    small = f.service(session, "Small service", owner, order=6)
    m = f.metric(session, small, "Families", headline=True)
    f.target(session, m, YEAR, 80)
    f.a_return(session, small, periods[1], "approved", {m: 20})
    f.a_return(session, small, periods[2], "approved", {m: 3})  # "<5" when published
    open_report = attention_report(session, A(1, "viewer"), YEAR, QUARTER, TODAY)
    assert any(line.service == "Small service" for line in lines_of(open_report, RED_LINE))
    published = attention_report(session, A(1, "viewer"), YEAR, QUARTER, TODAY, publish=True)
    # The quarter's 3 is shown as "<5", so its Red is withheld with it; the year to date
    # (20 + 3 = 23 against 40, 58%) is published, and so are its Red and its forecast
    # (23 / 2 × 4 = 46 against 80, 43% short), as in the published performance table.
    assert [line.what for line in published.lines if line.service == "Small service"] == [
        "Families is Red for the year to date: 23 against a target of 40 (58% of target).",
        "Families is forecast to reach 46 by the year end, 43% below its annual target of 80."]
    assert [line.what for line in open_report.lines if line.kind == RED_LINE
            and line.service == "Small service"] == [
        "Families is Red this quarter, 3 against a target of 20 (15% of target), and for the "
        "year to date, 23 against a target of 40 (58% of target)."]
    assert published.left_out >= 1
    assert all(line.explanation == () for line in published.lines)
    assert EXPLANATIONS_LEFT_OUT in published.notes
    # Figures large enough to publish are still there, in the same words.
    assert [line.what for line in lines_of(published, FORECAST_SHORT)] == [
        line.what for line in lines_of(open_report, FORECAST_SHORT)]


def test_empty_sections_say_so(session):
    f.periods(session, YEAR)
    quiet = f.service(session, "Quiet service", f.provider(session))
    m = f.metric(session, quiet, "People")
    f.target(session, m, YEAR, 80)
    f.a_return(session, quiet, f.periods(session, YEAR)[1], "approved", {m: 5})
    # Q3 is not due yet: its year to date (5 against 60) is not judged, nor its forecast.
    report = attention_report(session, A(1, "viewer"), YEAR, 3, TODAY)
    assert report.lines == ()
    assert report.empty_words(NEEDS_ATTENTION) == (
        "Nothing needs attention in Q3 2024/25: no line of this report applies.")
    assert report.empty_words(GOING_WELL) == "Nothing to report as going well in Q3 2024/25."
