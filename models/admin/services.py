"""Services: what the partnership commissions, with their contracts (admins only, audited)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.access import Actor, require_admin
from models.admin.common import AdminError, clean_name, existing, same_name
from models.rules.periods import Quarter
from models.rules.validation import clean_text
from models.store.audit import record
from models.store.entities import Priority, Provider, Service, Workstream


@dataclass
class ServiceForm:
    name: str
    priority_id: int | None
    workstream_id: int | None
    provider_id: int | None
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    annual_contract_value: float | None = None
    description: str = ""
    active: bool = True


def save_service(session: Session, actor: Actor, form: ServiceForm,
                 service_id: int | None = None, today: dt.date | None = None) -> Service:
    """Add or change a service. A new service saved without a contract start (with `today`)
    starts in today's quarter: returns are owed from then on, so a new provider is not met
    by years of "Missing" returns from before it was commissioned (rules.periods.before_contract)."""
    require_admin(actor, "change services")
    if service_id is None and form.contract_start is None and today is not None:
        form = replace(form, contract_start=Quarter.containing(today).start)
    name = clean_name(form.name, "service's name")
    if form.priority_id is None or session.get(Priority, form.priority_id) is None:
        raise AdminError("Choose the strategy priority the service delivers")
    if form.workstream_id is None or session.get(Workstream, form.workstream_id) is None:
        raise AdminError("Choose the workstream")
    if form.provider_id is not None and session.get(Provider, form.provider_id) is None:
        raise AdminError("Choose a provider from the list")
    if form.contract_start and form.contract_end and form.contract_end < form.contract_start:
        raise AdminError("The contract must end after it starts")
    if form.annual_contract_value is not None and form.annual_contract_value < 0:
        raise AdminError("The annual contract value must be 0 or more")
    clash = same_name(session, select(Service), name)
    if clash is not None and clash.id != service_id:
        raise AdminError(f"There is already a service called {clash.name}")
    values = {"name": name, "short_name": name[:60], "priority_id": form.priority_id,
              "workstream_id": form.workstream_id, "provider_id": form.provider_id,
              "contract_start": form.contract_start, "contract_end": form.contract_end,
              "annual_contract_value": form.annual_contract_value,
              "description": clean_text(form.description), "active": form.active}
    if service_id is None:
        order = (session.scalar(select(func.max(Service.display_order))) or 0) + 1
        service = Service(display_order=order, **values)
        session.add(service)
        session.flush()
        record(session, actor.id, "create", "service", service.id, None, values)
        return service
    service = existing(session, Service, service_id, "service")
    before = {k: getattr(service, k) for k in values}
    for key, value in values.items():
        setattr(service, key, value)
    record(session, actor.id, "update", "service", service.id, before, values)
    return service
