"""The strategy's catalogue: priorities, workstreams, wards, services, metrics, baselines.

Names follow the wording of the Stafford Borough Community Safety and Wellbeing
Strategy 2020–2024. Baselines are its published figures, stored as published."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.store.entities import Metric, MetricCategory, Priority, Service, Ward, Workstream

SOURCE = "Stafford Borough Community Safety and Wellbeing Strategy 2020–2024"

PRIORITIES: list[tuple[str, str, bool]] = [
    ("Anti-Social Behaviour (ASB)", "Anti-social behaviour", False),
    ("Community Cohesion & Tackling Extremism", "Community cohesion", False),
    ("Domestic Abuse", "Domestic abuse", False),
    ("County Lines", "County lines", False),
    ("Modern Slavery / People Trafficking", "Modern slavery", False),
    ("Fraud", "Fraud", False),
    ("Vulnerable Persons and Safeguarding (incl. Mental Health)", "Vulnerable persons", False),
    ("Substance misuse (cross-cutting)", "Substance misuse", True),
    ("Mental ill-health (cross-cutting)", "Mental ill-health", True),
]

WORKSTREAMS: list[tuple[str, str]] = [
    ("Primary Prevention", "To prevent the onset of crime, disorder and violence."),
    (
        "Secondary Prevention",
        "Halt the progression of crime and violence once it is recognised, through early "
        "identification followed by prompt, effective support, treatment and/or diversionary "
        "activities.",
    ),
    (
        "Attitudinal Change",
        "Change attitudes and behaviours towards all types of crime, disorder and violence at "
        "a societal, community and personal level.",
    ),
]

WARDS = [
    "Forebridge",
    "Common",
    "Penkside",
    "Highfields & Western Downs",
    "Manor",
    "Coton",
    "Doxey & Castletown",
]


@dataclass(frozen=True)
class MetricSpec:
    name: str
    kind: str = "output"
    unit: str = "count"
    higher_is_better: bool = True
    headline: bool = False
    baseline: float | None = None
    baseline_period: str | None = None
    baseline_note: str | None = None
    categories: tuple[tuple[str, float | None], ...] = ()


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    short_name: str
    priority: str
    workstream: str
    description: str
    metrics: tuple[MetricSpec, ...] = field(default_factory=tuple)


def _outcome(name: str, baseline: float | None = None, period: str | None = None,
             note: str | None = None) -> MetricSpec:
    return MetricSpec(name, kind="outcome", unit="percent", baseline=baseline,
                      baseline_period=period, baseline_note=note)


_CYP_NOTE = "Percentage of the children and young people assessed; the strategy does not publish how many."
_HRW_OUTCOMES = [
    "Pupils reporting improvement: identify different emotions and how to respond to them",
    "Pupils reporting improvement: identify the characteristics of a healthy, respectful relationship",
    "Pupils reporting improvement: identify the characteristics of an unhealthy and disrespectful relationship",
    "Pupils reporting improvement: know how to seek appropriate help and intervention",
    "Pupils reporting improvement: understanding of rights and responsibilities",
    "Pupils reporting improvement: understanding of equality and diversity",
    "Pupils reporting improvement: confidence and social skills",
    "Pupils reporting improvement: sense of self-identity",
]

SERVICES: list[ServiceSpec] = [
    ServiceSpec(
        "Healthy relationships workshops in schools", "Healthy relationships",
        "Domestic Abuse", "Primary Prevention",
        "Workshops for teachers to deliver a Healthy Relationships lesson to Year 6 and Year 9. "
        "The programme starts in 2020/21, so the strategy gives no baseline.",
        (
            MetricSpec("Schools engaged"),
            MetricSpec("Teachers trained"),
            MetricSpec("Lessons delivered", categories=(("Year 6", None), ("Year 9", None))),
            MetricSpec("Pupils reached", headline=True,
                       categories=(("Year 6", None), ("Year 9", None))),
            *(_outcome(name) for name in _HRW_OUTCOMES),
        ),
    ),
    ServiceSpec(
        "Children and young people 1:1 domestic and sexual abuse support", "CYP 1:1 support",
        "Domestic Abuse", "Secondary Prevention",
        "Specialist one to one outcome focussed support to children and young people affected "
        "by domestic abuse or sexual abuse.",
        (
            MetricSpec("Children and young people supported", headline=True, baseline=76,
                       baseline_period="2018/19"),
            _outcome("Reported increased safety", 68, "2018/19", _CYP_NOTE),
            _outcome("Reported improved health and wellbeing", 86, "2018/19", _CYP_NOTE),
            _outcome("Reported improved confidence and self-worth", 77, "2018/19", _CYP_NOTE),
            _outcome("Reported improved skills, knowledge and confidence to establish boundaries",
                     72, "2018/19", _CYP_NOTE),
        ),
    ),
    ServiceSpec(
        "Independent Sexual Violence Advisor (ISVA)", "ISVA",
        "Domestic Abuse", "Secondary Prevention",
        "Independent Sexual Violence Advisors support victims of sexual violence.",
        (
            MetricSpec("Women supported", headline=True, baseline=50,
                       baseline_period="April 2018 to March 2019"),
            _outcome("Increased awareness of rights and available choices"),
            _outcome("Improved sense of emotional wellbeing and self-esteem"),
            _outcome("Greater feelings of safety"),
        ),
    ),
    ServiceSpec(
        "Sanctuary scheme", "Sanctuary scheme",
        "Domestic Abuse", "Secondary Prevention",
        "Security measures so that victims of domestic and sexual abuse and their families can "
        "remain in their own property.",
        (
            MetricSpec("Properties made safe"),
            MetricSpec("Victims enabled to remain in their own home", headline=True, baseline=26,
                       baseline_period="1 April 2018 to 31 March 2019"),
        ),
    ),
    ServiceSpec(
        "ASB early help (boxing club diversion)", "ASB early help",
        "Anti-Social Behaviour (ASB)", "Secondary Prevention",
        "An early help programme that gets young people into positive activities to address "
        "anti-social behaviour and exploitation.",
        (
            MetricSpec("Young people engaged", headline=True, baseline=70,
                       baseline_period="2018/19"),
            MetricSpec("Sessions attended", baseline=3100, baseline_period="2018/19"),
            _outcome("Continued to access the activity in their own time", 44, "2018/19",
                     "Percentage of the cohort; the strategy does not publish how many were counted."),
            MetricSpec("Behaviour cards issued", kind="outcome", higher_is_better=False),
        ),
    ),
    ServiceSpec(
        "Substance misuse and mental health outreach", "Substance misuse outreach",
        "Vulnerable Persons and Safeguarding (incl. Mental Health)", "Primary Prevention",
        "Preventative and early intervention alcohol, substance misuse and mental health "
        "outreach: advice, information, community sessions and signposting.",
        (
            MetricSpec("Adults engaged", headline=True, baseline=354,
                       baseline_period="November 2018 to July 2019"),
            MetricSpec("Young people given direct intervention", baseline=641,
                       baseline_period="November 2018 to July 2019"),
            MetricSpec("Volunteers recruited and trained", baseline=37,
                       baseline_period="November 2018 to July 2019"),
            MetricSpec("Individuals signposted or supported into services", baseline=27,
                       baseline_period="November 2018 to July 2019"),
        ),
    ),
    ServiceSpec(
        "Social prescribing (3 GP surgeries)", "Social prescribing",
        "Vulnerable Persons and Safeguarding (incl. Mental Health)", "Secondary Prevention",
        "Link workers connect patients referred by three GP surgeries to community activities, "
        "networks and non-clinical services.",
        (
            MetricSpec(
                "Referrals", headline=True, baseline=145, baseline_period="Pilot",
                baseline_note="145 referrals against 80 intended (+65, 181%)",
                categories=(
                    ("Advice and information", 50),
                    ("Social activities and befriending", 44),
                    ("Exercise and outdoor activities", 14),
                    ("Skills-based learning opportunities", 8),
                    ("Volunteering", 3),
                    ("Finance or welfare benefits", 26),
                ),
            ),
        ),
    ),
    ServiceSpec(
        "Place-based approach (Highfields, Doxey)", "Place-based approach",
        "Community Cohesion & Tackling Extremism", "Primary Prevention",
        "Community groups in the Highfields and Doxey wards that grow residents' aspirations "
        "and engage volunteers.",
        (
            MetricSpec("Community groups established"),
            MetricSpec("Residents engaged", headline=True),
        ),
    ),
]


def _get_or_create(session: Session, model: type, key: dict, values: dict):  # noqa: ANN202
    row = session.scalars(select(model).filter_by(**key)).one_or_none()
    if row is None:
        row = model(**key, **values)
        session.add(row)
        session.flush()
    else:
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
    return row


def seed_catalogue(session: Session) -> dict[str, int]:
    """Load the catalogue; idempotent (a second run changes nothing). Returns counts."""
    priorities = {}
    for order, (name, short, cross) in enumerate(PRIORITIES):
        priorities[name] = _get_or_create(
            session, Priority, {"name": name},
            {"short_name": short, "cross_cutting": cross, "display_order": order},
        )
    workstreams = {}
    for order, (name, description) in enumerate(WORKSTREAMS):
        workstreams[name] = _get_or_create(
            session, Workstream, {"name": name},
            {"description": description, "display_order": order},
        )
    for name in WARDS:
        _get_or_create(session, Ward, {"name": name}, {"higher_risk": True})
    metric_count = 0
    for s_order, spec in enumerate(SERVICES):
        service = _get_or_create(
            session, Service, {"name": spec.name},
            {
                "short_name": spec.short_name,
                "description": spec.description,
                "priority_id": priorities[spec.priority].id,
                "workstream_id": workstreams[spec.workstream].id,
                "display_order": s_order,
            },
        )
        for m_order, m in enumerate(spec.metrics):
            metric = _get_or_create(
                session, Metric, {"service_id": service.id, "name": m.name},
                {
                    "kind": m.kind,
                    "unit": m.unit,
                    "higher_is_better": m.higher_is_better,
                    "is_headline": m.headline,
                    "display_order": m_order,
                    "baseline_value": m.baseline,
                    "baseline_period": m.baseline_period,
                    "baseline_source": SOURCE if m.baseline is not None else None,
                    "baseline_note": m.baseline_note,
                },
            )
            metric_count += 1
            for c_order, (c_name, c_baseline) in enumerate(m.categories):
                _get_or_create(
                    session, MetricCategory, {"metric_id": metric.id, "name": c_name},
                    {"display_order": c_order, "baseline_value": c_baseline},
                )
    return {"priorities": len(priorities), "services": len(SERVICES), "metrics": metric_count}
