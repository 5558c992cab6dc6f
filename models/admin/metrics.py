"""Metrics: adding and changing them, and retiring or deleting them without changing past
figures (admins only, audited)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.access import Actor, require_admin
from models.admin.common import AdminError, clean_name, existing, same_name
from models.store.audit import record
from models.store.entities import Metric, MetricCategory, ReturnBreakdownValue, ReturnValue, Service, Target


@dataclass
class MetricForm:
    name: str
    kind: str  # output | outcome
    unit: str  # count | percent
    higher_is_better: bool = True
    categories: tuple[str, ...] = ()
    baseline_value: float | None = None
    baseline_period: str | None = None
    baseline_source: str | None = None
    display_order: int | None = None  # None: after the service's other metrics
    is_headline: bool = False


def metric_has_data(session: Session, metric_id: int) -> bool:
    values = session.scalar(select(func.count()).select_from(ReturnValue)
                            .where(ReturnValue.metric_id == metric_id))
    parts = session.scalar(select(func.count()).select_from(ReturnBreakdownValue)
                           .join(MetricCategory, MetricCategory.id == ReturnBreakdownValue.category_id)
                           .where(MetricCategory.metric_id == metric_id))
    return bool(values or parts)


def save_metric(session: Session, actor: Actor, service_id: int, form: MetricForm,
                metric_id: int | None = None) -> Metric:
    """Add or change a metric. A change that would alter past figures (its unit or its
    breakdown categories, once returns hold data) is refused with the way round it."""
    require_admin(actor, "change metrics")
    name = clean_name(form.name, "metric's name", 200)
    if form.kind not in ("output", "outcome"):
        raise AdminError("Choose whether the metric is an output or an outcome")
    if form.unit not in ("count", "percent"):
        raise AdminError("Choose whether the metric is a count or a percentage")
    categories = tuple(c.strip() for c in form.categories if c.strip())
    if len(set(c.lower() for c in categories)) != len(categories):
        raise AdminError("Each breakdown category must have a different name")
    if categories and form.unit == "percent":
        raise AdminError("Only counts can have breakdown categories")
    if form.baseline_value is not None and form.baseline_value < 0:
        raise AdminError("The baseline must be 0 or more")
    if form.baseline_value is not None and not (form.baseline_period or "").strip():
        raise AdminError("Enter the period the baseline covers, like 2018/19")
    existing(session, Service, service_id, "service")
    clash = same_name(session, select(Metric).where(Metric.service_id == service_id), name)
    if clash is not None and clash.id != metric_id:
        raise AdminError(f"This service already has a metric called {clash.name}")
    values = {"name": name, "kind": form.kind, "unit": form.unit,
              "higher_is_better": form.higher_is_better, "display_order": form.display_order,
              "baseline_value": form.baseline_value,
              "baseline_period": (form.baseline_period or "").strip() or None,
              "baseline_source": (form.baseline_source or "").strip() or None,
              "is_headline": form.is_headline}
    if values["display_order"] is None:
        if metric_id is None:
            last = session.scalar(select(func.max(Metric.display_order))
                                  .where(Metric.service_id == service_id))
            values["display_order"] = 0 if last is None else last + 1
        else:
            values.pop("display_order")
    if metric_id is None:
        metric = Metric(service_id=service_id, active=True, **values)
        session.add(metric)
        session.flush()
        _write_categories(session, metric, categories)
        record(session, actor.id, "create", "metric", metric.id, None,
               {**values, "categories": list(categories)})
        return metric
    metric = session.get(Metric, metric_id)
    if metric is None or metric.service_id != service_id:
        raise AdminError("That metric does not exist")
    current = tuple(c.name for c in metric.categories)
    if metric_has_data(session, metric.id):
        if form.unit != metric.unit:
            raise AdminError(f"{metric.name} already has figures in returns, so its unit cannot "
                             "change: that would change past figures. Retire it and add a new "
                             "metric instead")
        if categories != current:
            raise AdminError(f"{metric.name} already has figures in returns, so its breakdown "
                             "categories cannot change: that would change past figures. Retire "
                             "it and add a new metric instead")
    before = {**{k: getattr(metric, k) for k in values}, "categories": list(current)}
    for key, value in values.items():
        setattr(metric, key, value)
    if categories != current:
        _write_categories(session, metric, categories)
    record(session, actor.id, "update", "metric", metric.id, before,
           {**values, "categories": list(categories)})
    return metric


def _write_categories(session: Session, metric: Metric, categories: tuple[str, ...]) -> None:
    """Replace a metric's breakdown categories with `categories`, in that order."""
    for c in list(metric.categories):
        session.delete(c)
    session.flush()
    for order, c in enumerate(categories):
        session.add(MetricCategory(metric_id=metric.id, name=c, display_order=order))


def retire_metric(session: Session, actor: Actor, metric_id: int, active: bool = False) -> Metric:
    """Retire (or bring back) a metric: it leaves the return form, its history stays."""
    require_admin(actor, "retire metrics")
    metric = existing(session, Metric, metric_id, "metric")
    before = metric.active
    metric.active = active
    record(session, actor.id, "retire" if not active else "restore", "metric", metric.id,
           {"active": before}, {"active": active})
    return metric


def delete_metric(session: Session, actor: Actor, metric_id: int) -> None:
    require_admin(actor, "delete metrics")
    metric = existing(session, Metric, metric_id, "metric")
    if metric_has_data(session, metric_id):
        raise AdminError(f"{metric.name} has figures in returns, so it cannot be deleted. "
                         "Retire it instead: it leaves the form and its history stays")
    for c in list(metric.categories):
        session.delete(c)
    for t in session.scalars(select(Target).where(Target.metric_id == metric_id)):
        session.delete(t)
    record(session, actor.id, "delete", "metric", metric.id, {"name": metric.name}, None)
    session.delete(metric)
    session.flush()
