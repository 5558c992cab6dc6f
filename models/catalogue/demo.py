"""Synthetic demo data from a seeded generator (DESIGN §6). Always labelled as demo data."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.admin.providers import slugify
from models.catalogue.strategy import seed_catalogue
from models.rules.periods import Quarter, financial_year_of, is_due
from models.store.entities import (
    Metric,
    Period,
    Provider,
    Return,
    ReturnBreakdownValue,
    ReturnValue,
    Service,
    ServiceChange,
    Target,
    User,
)
from models.store.periods import ensure_periods
from models.store.settings import DEMO_KEY, set_setting
from models.store.users import create_user, find_user

FIRST_QUARTER = Quarter(2020, 1)

# Fictional organisations: demo figures must never be attributed to a real one.
DEMO_PROVIDERS: dict[str, list[str]] = {
    "Brightpath Education (demo)": ["Healthy relationships workshops in schools"],
    "Safer Futures Support (demo)": [
        "Children and young people 1:1 domestic and sexual abuse support",
        "Independent Sexual Violence Advisor (ISVA)",
        "Sanctuary scheme",
    ],
    "Riverside Boxing Academy (demo)": ["ASB early help (boxing club diversion)"],
    "Wellbeing Outreach Stafford (demo)": [
        "Substance misuse and mental health outreach",
        "Place-based approach (Highfields, Doxey)",
    ],
    "Link Worker Partnership (demo)": ["Social prescribing (3 GP surgeries)"],
}

# Annual output targets per service, first year; later years grow a little.
_ANNUAL_TARGETS: dict[str, float] = {
    "Schools engaged": 12, "Teachers trained": 40, "Lessons delivered": 120,
    "Pupils reached": 2400, "Children and young people supported": 80, "Women supported": 52,
    "Properties made safe": 30, "Victims enabled to remain in their own home": 28,
    "Young people engaged": 72, "Sessions attended": 3200, "Behaviour cards issued": 40,
    "Adults engaged": 480, "Young people given direct intervention": 860,
    "Volunteers recruited and trained": 48, "Individuals signposted or supported into services": 40,
    "Referrals": 200,
}
_CONTRACT_VALUES = {
    "Healthy relationships workshops in schools": 18000,
    "Children and young people 1:1 domestic and sexual abuse support": 32000,
    "Independent Sexual Violence Advisor (ISVA)": 25000,
    "Sanctuary scheme": 15000,
    "ASB early help (boxing club diversion)": 12000,
    "Substance misuse and mental health outreach": 28000,
    "Social prescribing (3 GP surgeries)": 30000,
}
# Services with no targets at all, so the app's "no target" states have something to show.
_NO_TARGETS = {"Place-based approach (Highfields, Doxey)"}
_STARTS_LATER = {"Place-based approach (Highfields, Doxey)": Quarter(2021, 1)}
# States for the latest due quarter, by service order, so every state appears (the scale
# data in models/catalogue/scale.py spreads its clones over them the same way).
LATEST_STATES = ["approved", "submitted", "returned", "draft", None, "approved",
                  "submitted", "approved"]

_HIGHLIGHTS = [
    "Referral pathways with two new partners are now working well.",
    "Attendance held up despite staff absence this quarter.",
    "A new volunteer cohort completed training and started sessions.",
    "Feedback from schools and families has been consistently positive.",
]
_CASE_STUDIES = [
    "A young person referred after repeated incidents now attends weekly and reports feeling "
    "calmer at home and at school. (Details changed so that no one can be identified.)",
    "A resident supported through the service has since joined a community group as a "
    "volunteer. (Details changed so that no one can be identified.)",
]


# Patterns laid over the generated history so the trend charts have something to show: one
# each of the Making Data Count special causes, on different metrics (none with breakdowns, so
# categories still add up). Only quarters before 2025/26 are touched, and after the random
# figures are drawn, so every figure from 2025/26 on is exactly what the seed gave before.
# Each is (metric, first quarter, factors quarter by quarter, of what): a shift and a point
# outside the limits scale the generated count. Counts grow with their targets year on year,
# so their series cross the mean once and read as shifts; a trend is laid on an outcome rate
# instead (rates do not grow), as steady steps about its usual level (its pooled rate before
# 2025/26), so it crosses the mean rather than sitting on one side of it (a shift first).
_TREND = ("Pupils reporting improvement: confidence and social skills",
          Quarter(2022, 2), (1.09, 1.06, 1.03, 1.0, 0.97, 0.94, 0.91, 0.88), "rate")
_SHIFT = ("Women supported", Quarter(2023, 1), (1.3,) * 8, "count")
_OUTSIDE = ("Properties made safe", Quarter(2021, 3), (3.0,), "count")
DEMO_PATTERNS = (_TREND, _SHIFT, _OUTSIDE)
# A change the lead officer marked, so a chart shows its limits recalculated.
DEMO_CHANGE = ("Substance misuse and mental health outreach", Quarter(2023, 1),
               "new model of delivery")


@dataclass
class DemoResult:
    providers: int
    users: list[tuple[str, str]]
    returns: int
    password: str


def slug_of(name: str) -> str:
    return slugify(name.replace("(demo)", ""))


def demo_target(metric: Metric, year: int, rng: random.Random) -> float | None:
    if metric.unit == "percent":
        return float(rng.choice([70, 75, 80]))
    base = _ANNUAL_TARGETS.get(metric.name)
    if base is None:
        return None
    grown = base * (1 + 0.04 * (year - FIRST_QUARTER.year))
    # A multiple of four, so the even quarterly split gives whole numbers.
    return float(max(4, round(grown / 4) * 4))


def _split(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """Split `total` into parts in proportion to noisy weights; parts sum to total."""
    noisy = [w * rng.uniform(0.7, 1.3) for w in weights]
    scale = sum(noisy)
    parts = [int(total * w / scale) for w in noisy]
    parts[0] += total - sum(parts)
    return parts


def demo_figures(metrics: list, targets: dict[int, float], rng: random.Random,
                 performance: float) -> tuple[list[tuple], list[tuple[int, int]]]:
    """One quarter's synthetic figures for a service's metrics: rows of
    (metric_id, count, numerator, denominator) and of (category_id, count).

    `metrics` need the Metric attributes read here (id, name, unit, higher_is_better,
    is_headline, categories with id and baseline_value), so the scale benchmark can pass
    plain records and reuse this generator."""
    values: list[tuple] = []
    parts: list[tuple[int, int]] = []
    headcount = 0
    for metric in metrics:
        if metric.unit == "percent":
            assessed = max(3, int(headcount * rng.uniform(0.5, 0.8))) if headcount else rng.randint(6, 30)
            rate = min(0.97, max(0.3, (targets.get(metric.id, 75) / 100) * rng.uniform(0.85, 1.12)))
            improved = sum(rng.random() < rate for _ in range(assessed))
            values.append((metric.id, None, improved, assessed))
            continue
        annual = targets.get(metric.id) or _ANNUAL_TARGETS.get(metric.name) or rng.randint(8, 40)
        if not metric.higher_is_better:
            count = max(0, int(annual / 4 * rng.uniform(0.6, 1.3)))
        else:
            count = max(0, int(annual / 4 * performance * rng.uniform(0.85, 1.15)))
        if metric.is_headline:
            headcount = count
        values.append((metric.id, count, None, None))
        if metric.categories:
            weights = [c.baseline_value or 1.0 for c in metric.categories]
            for category, part in zip(metric.categories, _split(count, weights, rng), strict=True):
                parts.append((category.id, part))
    return values, parts


def _fill_values(ret: Return, service: Service, targets: dict[int, float],
                 rng: random.Random, performance: float) -> None:
    values, parts = demo_figures(service.metrics, targets, rng, performance)
    for metric_id, count, numerator, denominator in values:
        ret.values.append(ReturnValue(metric_id=metric_id, count=count, numerator=numerator,
                                      denominator=denominator))
    for category_id, count in parts:
        ret.breakdown_values.append(ReturnBreakdownValue(category_id=category_id, count=count))


def seed_demo(session: Session, password: str, today: dt.date, seed: int = 20201) -> DemoResult:
    """Catalogue, demo providers and users, targets and returns from 2020/21 to today."""
    seed_catalogue(session)
    rng = random.Random(seed)
    users: list[tuple[str, str]] = []
    for email, role in (("admin@demo.local", "admin"), ("viewer@demo.local", "viewer")):
        if find_user(session, email) is None:
            create_user(session, email, password, role)
        users.append((email, role))
    services = {s.name: s for s in session.scalars(select(Service)).all()}
    for name, service_names in DEMO_PROVIDERS.items():
        provider = session.scalars(select(Provider).filter_by(name=name)).one_or_none()
        if provider is None:
            provider = Provider(name=name, slug=slug_of(name), is_demo=True)
            session.add(provider)
            session.flush()
        for service_name in service_names:
            service = services[service_name]
            service.provider_id = provider.id
            service.annual_contract_value = _CONTRACT_VALUES.get(service_name)
            service.contract_start = _STARTS_LATER.get(service_name, FIRST_QUARTER).start
            # Cost per outcome needs the contract's whole term: it runs to the end of next year.
            service.contract_end = Quarter(financial_year_of(today) + 1, 4).end
        email = f"{provider.slug}@demo.local"
        if find_user(session, email) is None:
            create_user(session, email, password, "provider", provider)
        users.append((email, "provider"))
    session.flush()

    current = Quarter.containing(today)
    periods = ensure_periods(session, FIRST_QUARTER, current)
    for period in periods:
        # Periods more than a year past their due date are closed, so their returns are locked.
        if (today - period.due_date).days > 365:
            period.status = "closed"
    already = session.scalar(select(func.count()).select_from(Return).where(Return.is_demo))
    if already:
        set_setting(session, DEMO_KEY, "yes")
        return DemoResult(len(DEMO_PROVIDERS), users, 0, password)

    ordered = sorted(services.values(), key=lambda s: s.display_order)
    years = sorted({p.year for p in periods})
    targets: dict[tuple[int, int], float] = {}
    for service in ordered:
        if service.name in _NO_TARGETS:
            continue
        for metric in service.metrics:
            for year in years:
                value = demo_target(metric, year, rng)
                if value is not None:
                    session.add(Target(metric_id=metric.id, year=year, quarter=None, value=value))
                    targets[(metric.id, year)] = value
    session.flush()

    due = [p for p in periods if is_due(Quarter(p.year, p.quarter), today, p)]
    latest_due = due[-1] if due else None
    created = 0
    for s_index, service in enumerate(ordered):
        # Each service has its own performance level, so some miss their targets.
        level = rng.choice([0.8, 0.88, 0.95, 1.0, 1.05, 1.12])
        start = _STARTS_LATER.get(service.name, FIRST_QUARTER)
        for period in periods:
            if (period.year, period.quarter) < (start.year, start.quarter):
                continue
            if period is latest_due:
                state = LATEST_STATES[s_index % len(LATEST_STATES)]
            elif not is_due(Quarter(period.year, period.quarter), today, period):
                state = "draft" if s_index % 2 == 0 else None
            else:
                state = "approved"
            if state is None:
                continue
            ret = Return(service_id=service.id, period_id=period.id,
                         provider_id=service.provider_id, status=state, is_demo=True)
            year_targets = {m.id: targets[(m.id, period.year)] for m in service.metrics
                            if (m.id, period.year) in targets}
            _fill_values(ret, service, year_targets, rng, level * rng.uniform(0.9, 1.1))
            if state in {"approved", "submitted", "returned"}:
                ret.highlights = rng.choice(_HIGHLIGHTS)
                ret.challenges = "Recruiting volunteers remains slow."
                ret.case_study = rng.choice(_CASE_STUDIES)
                ret.submitted_at = dt.datetime.combine(period.due_date, dt.time(9))
            if state == "approved":
                ret.approved_at = ret.submitted_at + dt.timedelta(days=7)
            if state == "returned":
                ret.officer_comment = "Please check the breakdown figures against the total."
            session.add(ret)
            created += 1
    session.flush()
    _lay_patterns(session, services)
    set_setting(session, DEMO_KEY, "yes")
    session.flush()
    return DemoResult(len(DEMO_PROVIDERS), users, created, password)


def _lay_patterns(session: Session, services: dict[str, Service]) -> None:
    """DEMO_PATTERNS over the generated figures, and DEMO_CHANGE marked."""
    metrics = {m.name: m for s in services.values() for m in s.metrics}
    for name, first, factors, of in DEMO_PATTERNS:
        history = {(year, quarter): value for value, year, quarter in session.execute(
            select(ReturnValue, Period.year, Period.quarter)
            .join(Return, Return.id == ReturnValue.return_id)
            .join(Period, Period.id == Return.period_id)
            .where(ReturnValue.metric_id == metrics[name].id, Period.year < 2025))}
        level = (sum(v.numerator or 0 for v in history.values())
                 / max(1, sum(v.denominator or 0 for v in history.values())))
        quarter, previous = first, None
        for factor in factors:
            value = history[(quarter.year, quarter.quarter)]  # history only: KeyError otherwise
            if of == "rate":
                assessed = value.denominator or 1
                improved = min(assessed, round(assessed * level * factor))
                # Strictly falling, as the factors do: a tie would end the trend.
                while previous is not None and improved > 0 and improved / assessed >= previous:
                    improved -= 1
                value.numerator, previous = improved, improved / assessed
            else:
                value.count = round((value.count or 0) * factor)
            quarter = quarter.next()
    name, first, reason = DEMO_CHANGE
    period = session.scalars(select(Period).filter_by(year=first.year, quarter=first.quarter)).one()
    session.add(ServiceChange(service_id=services[name].id, period_id=period.id, reason=reason))


def demo_users(session: Session) -> list[tuple[str, str]]:
    rows = session.scalars(
        select(User).where(User.email.like("%@demo.local")).order_by(User.role, User.email)
    ).all()
    return [(u.email, u.role) for u in rows]
