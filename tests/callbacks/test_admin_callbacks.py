"""Every admin callback, called as each role: only the admin gets through; refusals are
audited; a crafted HTTP request is refused too."""

import importlib
import pkgutil
import re

import pytest
from sqlalchemy import func, select

import callbacks.admin
from callbacks.admin import (
    audit,
    changes,
    guard,
    imports,
    mail,
    metrics,
    periods,
    providers,
    services,
    settings,
    targets,
    users,
)
from models.store.db import unit_of_work
from models.store.entities import AuditEvent, Provider

# A file of one return in the import's long form, as dcc.Upload hands it over.
IMPORT_FILE = "data:text/csv;base64," + __import__("base64").b64encode(
    b"service,metric,category,year,quarter,count,numerator,denominator\n"
    b"Sanctuary scheme,Properties made safe,,2019/20,Q1,7,,\n"
    b"Sanctuary scheme,Victims enabled to remain in their own home,,2019/20,Q1,6,,\n").decode()

# Each admin callback with arguments that would change something if allowed.
CALLS = {
    "load_provider": lambda: providers.load_provider("1"),
    "save_provider": lambda: providers.save_provider("new", "Crafted Provider", True),
    "load_service": lambda: services.load_service("1"),
    "save_service": lambda: services.save_service("new", "Crafted service", "1", "1", "", None, None, "", "", True),
    "list_metrics": lambda: metrics.list_metrics("1"),
    "load_metric": lambda: metrics.load_metric("1"),
    "metric_action": lambda: metrics.metric_action("retire", "1", "1", "", "output", "count", True, False,
                                              "", "", "", "", "0"),
    "target_action": lambda: targets.target_action("save", "1", "2024/25", []),
    "load_period": lambda: periods.load_period("1"),
    "period_action": lambda: periods.period_action("create", None, None, None, "2031/32"),
    "invite": lambda: users.invite("crafted@x.org", "admin", ""),
    "load_user": lambda: users.load_user("1"),
    "user_action": lambda: users.user_action("reset", "1", None, None, True),
    "save_rag": lambda: settings.save_rag("50", "10"),
    "audit": lambda: audit.audit(None, None, None, None),
    "mark_change": lambda: changes.mark_change("1", "1", "Crafted contract"),
    "remove_change": lambda: changes.remove_change("1"),
    "save_reminder_schedule": lambda: settings.save_reminder_schedule("1,2", ["due"]),
    "show_outbox": lambda: mail.show_outbox(1, "1"),
    "preview_import": lambda: imports.preview_import(IMPORT_FILE, "old.csv", "approved", False, ""),
}


# Admin callbacks that run as background jobs: the user is the one whose session cookie the
# job was handed, so they are called as each role in tests/callbacks/test_admin_import.py.
JOBS = ("confirm_import",)


def test_every_admin_callback_is_listed():
    """A new admin callback, in any module of callbacks/admin/, without a decision here fails
    this test. The guard module holds only the guard and the parsing of form values."""
    public = set()
    for info in pkgutil.iter_modules(callbacks.admin.__path__):
        module = importlib.import_module(f"callbacks.admin.{info.name}")
        public |= {(info.name, name) for name, value in vars(module).items()
                   if callable(value) and not name.startswith("_")
                   and getattr(value, "__module__", "") == module.__name__}
    guard_helpers = {("guard", name) for name in ("run_admin", "run_admin_job", "picked_id", "number",
                                                            "optional_date", "date_value")}
    assert guard_helpers <= public
    callbacks_found = {name for module, name in public - guard_helpers if name != "register"}
    assert callbacks_found == set(CALLS) | set(JOBS)
    assert {module for module, _ in public} == {m.__name__.rpartition(".")[2] for m in (
        audit, changes, guard, imports, mail, metrics, periods, providers, services, settings, targets,
        users)}


@pytest.mark.parametrize("who", [None, "viewer@demo.local", "riverside-boxing-academy@demo.local"])
def test_non_admins_are_refused_everywhere(signed_in, demo_factory, who):
    with unit_of_work(demo_factory) as s:
        providers_before = s.scalar(select(func.count()).select_from(Provider))
    for name, call in CALLS.items():
        with signed_in(who):
            out = str(call())
        if name.startswith("load_"):
            assert "Crafted" not in out and "demo" not in out, name  # nothing read back
        else:
            expected = "Sign in first." if who is None else "Only the lead officer"
            assert expected in out, name
    with unit_of_work(demo_factory) as s:
        assert s.scalar(select(func.count()).select_from(Provider)) == providers_before
        refused = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "refused"))
    assert refused == (0 if who is None else len(CALLS))


def test_admin_gets_through(signed_in, demo_factory):
    with signed_in("admin@demo.local"):
        msg, table, opts, service_form_opts, name, active = providers.save_provider(
            "new", "Hearth Housing", True)
        assert any(o["label"] == "Hearth Housing" for o in opts)
        assert any(o["label"] == "Hearth Housing" for o in service_form_opts)
        assert (name, active) == ("", True)
        assert "Provider saved." in str(msg) and "Hearth Housing" in str(table)
        msg, *_ = users.invite("officer2@example.org", "admin", "")
        assert "one-time password" in str(msg)
        msg, rule = settings.save_rag("100", "85", "6")
        assert "at or above 85%" in rule
        msg, _ = settings.save_rag("100", "85", "six")
        assert "The publication threshold must be a whole number, like 5" in str(msg)
        log = str(audit.audit("admin@demo.local", "provider", None, None))
        assert "Hearth Housing" in log
        assert re.search(r"\b\d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d\b", log)  # formats.format_datetime


def test_crafted_http_request_to_an_admin_callback_is_refused(demo_app, demo_factory):
    from tests.helpers.web import sign_in

    client = demo_app.server.test_client()
    sign_in(client, "viewer@demo.local")
    key = next(k for k in demo_app.callback_map if "adm-prov-msg.children" in k)
    payload = {
        "output": key,
        "outputs": [{"id": "adm-prov-msg", "property": "children"},
                    {"id": "adm-prov-list", "property": "children"},
                    {"id": "adm-prov-pick", "property": "options"},
                    {"id": "adm-svc-provider", "property": "options"},
                    {"id": "adm-prov-name", "property": "value"},
                    {"id": "adm-prov-active", "property": "value"}],
        "inputs": [{"id": "adm-prov-save", "property": "n_clicks", "value": 1}],
        "state": [{"id": "adm-prov-pick", "property": "value", "value": "new"},
                  {"id": "adm-prov-name", "property": "value", "value": "Crafted Provider"},
                  {"id": "adm-prov-active", "property": "value", "value": True}],
        "changedPropIds": ["adm-prov-save.n_clicks"],
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200
    assert "Only the lead officer" in response.get_data(as_text=True)
    with unit_of_work(demo_factory) as s:
        assert s.scalars(select(Provider).where(Provider.name == "Crafted Provider")).first() is None
