"""A small hand-made world for What needs attention (models.reporting.attention): every
kind of line fires once, on figures worked out by hand below."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.store.entities import Priority
from tests.helpers import factories as f

TODAY = f.TODAY_2024  # 25 November 2024: Q1 and Q2 of 2024/25 are due
YEAR, QUARTER = 2024, 2
SERIES_QUARTERS = [(y, q) for y in range(2020, 2025) for q in (1, 2, 3, 4)][:18]  # to 2024/25 Q2

# Beta's outcome rate, people assessed 100 a quarter: 60, 80 six times, then falling.
# Mean (840 + 78+76+74+72+70+68 = 438) / 18 = 71; moving ranges 11 × 20 + 2 + 5 × 2 = 232,
# / 17 = 13.647; limits 71 ± 2.66 × 13.647 = 71 ± 36.30 (34.70 to 107.30); two-thirds of the
# way is ± 24.20 (46.80 to 95.20): no point beyond it. 78, 76, 74, 72 lie above the mean and
# 70, 68 below, so no shift. 80 → 78 → … → 68 is 7 points each lower than the one before: the
# latest point's first special cause is the Trend, of concern (higher is better).
FELT_BETTER = [60, 80] * 6 + [78, 76, 74, 72, 70, 68]
# Beta's counts: 10, 12 eight times, then 10 and 2. Mean (176 + 12) / 18 = 10.444; moving
# ranges 15 × 2 + 2 (12 → 10) + 8 (10 → 2) = 40, / 17 = 2.353; limits 10.444 ± 6.259
# (4.185 to 16.703): the latest, 2, is below the lower limit.
CALLS = [10, 12] * 8 + [10, 2]


def attention_world(session: Session) -> dict:
    """Alpha (provider Alpha Support) has a Red quarter, a Red year to date, a short forecast
    and four Green quarters; Beta (Beta Trust) has special causes; Gamma (Beta Trust, a later
    priority) is missing its return and Delta (Beta Trust) is overdue."""
    alpha_owner, beta_owner = f.provider(session, "Alpha Support"), f.provider(session, "Beta Trust")
    alpha = f.service(session, "Alpha service", alpha_owner, order=0)
    beta = f.service(session, "Beta service", beta_owner, order=1)
    gamma = f.service(session, "Gamma service", beta_owner, order=-50)  # first by its own order
    delta = f.service(session, "Delta service", beta_owner, order=2)
    priorities = list(session.scalars(select(Priority).order_by(Priority.display_order)))
    gamma.priority_id = priorities[1].id  # a later priority than the others' first
    periods = {y: f.periods(session, y) for y in range(2020, 2025)}

    people = f.metric(session, alpha, "People supported", headline=True, order=0)
    safer = f.metric(session, alpha, "Felt safer", unit="percent", kind="outcome", order=1)
    sessions = f.metric(session, alpha, "Sessions", order=2)
    volunteers = f.metric(session, alpha, "Volunteers", order=3)
    f.target(session, people, YEAR, 80)  # 20 a quarter
    f.target(session, safer, YEAR, 80)
    f.target(session, sessions, YEAR, 100)  # 25 a quarter
    f.target(session, volunteers, 2023, 40)  # 10 a quarter
    f.target(session, volunteers, YEAR, 40)
    f.a_return(session, alpha, periods[2023][3], "approved", {volunteers: 10})
    f.a_return(session, alpha, periods[2023][4], "approved", {volunteers: 10})
    f.a_return(session, alpha, periods[YEAR][1], "approved",
               {people: 25, sessions: 22, volunteers: 10}, {safer: (5, 10)})
    q2 = f.a_return(session, alpha, periods[YEAR][2], "approved",
                    {people: 15, sessions: 22, volunteers: 10}, {safer: (8, 10)})
    q2.challenges = "Two staff left in the summer."
    q2.warning_note = "The drop in people supported is real."

    better = f.metric(session, beta, "Felt better", unit="percent", kind="outcome", order=0)
    calls = f.metric(session, beta, "Calls answered", order=1)
    incidents = f.metric(session, beta, "Repeat incidents", higher_is_better=False, order=2)
    for i, (y, q) in enumerate(SERIES_QUARTERS):
        f.a_return(session, beta, periods[y][q], "approved",
                   {calls: CALLS[i], incidents: CALLS[i]}, {better: (FELT_BETTER[i], 100)})
    f.metric(session, gamma, "Referrals", headline=True)
    f.metric(session, delta, "Referrals", headline=True)
    f.a_return(session, gamma, periods[YEAR][1], "approved")
    f.a_return(session, delta, periods[YEAR][2], "draft")
    session.flush()
    return {"alpha": alpha_owner, "beta": beta_owner}
