"""Administration pages for the lead officer: one page (with its own URL) per kind of thing
to configure, under /admin, with a list of links between them."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.charts import data_table
from layouts.jobs import job_progress
from models.admin.changes import ChangeRow
from models.admin.mail import MailRow
from models.admin.views import MetricRow, PeriodRow, ProviderRow, ServiceRow, UserRow
from models.rules.disclosure import DEFAULT_THRESHOLD, small_marker
from models.rules.formats import UK_DATE_EXAMPLE, format_date, format_datetime, format_money, format_number
from models.rules.reminders import DAYS_BEFORE_EXAMPLE, MAX_DAYS_BEFORE, ReminderSchedule

NEW = "new"
# "No provider" in a picker. Not "": dbc.Select keeps "" for its hidden placeholder, so an
# option worth "" never shows as chosen.
NO_PROVIDER = "none"


def field(label: str, component, hint: str | None = None) -> html.Div:  # noqa: ANN001
    return html.Div([
        dbc.Label(label, html_for=component.id, className="mb-0"),
        html.P(hint, className="hint mb-1") if hint else None,
        component,
    ], className="mb-2 admin-field")


def date_field(label: str, component_id: str, extra: str = "", debounce: bool = False) -> html.Div:
    """A date typed day/month/year in a text box: a browser's own date box follows its
    language (an en-US browser asks for mm/dd/yyyy). The server reads it (parse_uk_date).
    The hint sits inside the label, so a screen reader hears it with the field's name
    (dbc.Input takes no aria-describedby)."""
    return html.Div([
        dbc.Label([label, html.Span(f"{extra}{' ' if extra else ''}Day/month/year, {UK_DATE_EXAMPLE}.",
                                    className="hint d-block fw-normal mb-1")],
                  html_for=component_id, className="mb-0"),
        dbc.Input(id=component_id, type="text", autoComplete="off", className="date-input",
                  debounce=debounce),
    ], className="mb-2 admin-field")


def options(pairs: list[tuple[int, str]], first: str | None = None) -> list[dict]:
    out = [{"label": first, "value": NEW}] if first else []
    return out + [{"label": name, "value": str(i)} for i, name in pairs]


def message(text: str, ok: bool = True) -> html.Div:
    return html.Div(text, className="success-text" if ok else "error-summary field-error",
                    role="status" if ok else "alert")


def warning(sentences: list[str], ask: str) -> html.Div:
    """A warning, not an error: amber, headed in words ("Check these"), and the way on."""
    return html.Div([html.Strong("Check this before saving. "), *[f"{w} " for w in sentences], ask],
                    className="admin-warning", role="alert")


def provider_table(rows: list[ProviderRow]) -> html.Table:
    return data_table("Providers", ["Provider", "Status"],
                      [[p.name, "Active" if p.active else "Retired"] for p in rows])


def service_table(rows: list[ServiceRow]) -> html.Table:
    return data_table("Services", ["Service", "Priority", "Workstream", "Provider", "Contract",
                                   "Annual value", "Status"],
                      [[s.name, s.priority, s.workstream, s.provider or "Not assigned",
                        f"{format_date(s.contract_start) if s.contract_start else '—'} to "
                        f"{format_date(s.contract_end) if s.contract_end else '—'}",
                        format_money(s.annual_contract_value) if s.annual_contract_value else "",
                        "Active" if s.active else "Retired"] for s in rows])


def change_table(rows: list[ChangeRow]) -> html.Table:
    return data_table("Changes marked in services",
                      ["Service", "New process from", "Reason", "Marked by"],
                      [[c.service, c.starts, c.reason, c.marked] for c in rows])


def change_options(rows: list[ChangeRow]) -> list[dict]:
    return options([(c.id, f"{c.service}: from {c.starts} ({c.reason})") for c in rows])


def changes_part(services: list[ServiceRow], periods: list[tuple[int, str]],
                 changes: list[ChangeRow]) -> list:
    """Mark a change in a service: its trend charts' limits start afresh from that quarter."""
    return [
        html.H2("Changes in a service", className="h4 mt-4"),
        html.P("Mark a new contract or a new model of delivery. The trend charts then work out "
               "their mean and limits afresh from its first quarter, so the old way of working "
               "does not hide real change in the new one.", className="hint"),
        html.Div([
            field("Service that changed", dbc.Select(
                id=ids.ADM_CHG_SERVICE, placeholder="Choose one",
                options=options([(s.id, s.name) for s in services]))),
            field("First quarter of the new way of working", dbc.Select(
                id=ids.ADM_CHG_PERIOD, placeholder="Choose one", options=options(periods))),
            field("Reason", dbc.Input(id=ids.ADM_CHG_REASON, type="text", maxLength=200),
                  "For example: new contract, or new model of delivery."),
            dbc.Button("Mark the change", id=ids.ADM_CHG_SAVE, color="success", className="mt-2"),
            html.Div([
                field("Remove a change marked in error", dbc.Select(
                    id=ids.ADM_CHG_PICK, placeholder="Choose one",
                    options=change_options(changes))),
                dbc.Button("Remove the change", id=ids.ADM_CHG_REMOVE, color="secondary",
                           className="mt-2"),
            ], className="mt-4"),
            html.Div(id=ids.ADM_CHG_MSG),
        ], className="admin-form"),
        html.Div(change_table(changes), id=ids.ADM_CHG_LIST, className="table-responsive"),
    ]


def metric_table(rows: list[MetricRow]) -> html.Table:
    return data_table("Metrics", ["Metric", "Kind", "Unit", "Direction", "Categories", "Baseline",
                                  "Status"],
                      [[m.name, m.kind, m.unit, "Higher is better" if m.higher_is_better
                        else "Lower is better", ", ".join(m.categories),
                        f"{format_number(m.baseline_value)} ({m.baseline_period})" if m.baseline_value is not None
                        else "", "Active" if m.active else "Retired"] for m in rows],
                      table_id="adm-metric-table")


def period_table(rows: list[PeriodRow]) -> html.Table:
    return data_table("Reporting periods", ["Quarter", "Status", "Due", "Submission"],
                      [[p.label, "Open" if p.status == "open" else "Closed (returns locked)", p.due,
                        p.submission] for p in rows])


def user_table(rows: list[UserRow]) -> html.Table:
    return data_table("Users", ["Email", "Role", "Provider", "Status"],
                      [[u.email, u.role, u.provider or "",
                        ("Active" if u.active else "Deactivated")
                        + (" (must set a password)" if u.must_change_password else "")]
                       for u in rows], table_id="adm-user-table")


# (path under /admin, label): one page each; /admin itself shows the first.
ADMIN_PAGES = [("providers", "Providers and services"), ("metrics", "Metrics"),
               ("targets", "Targets"), ("periods", "Periods"), ("users", "Users"),
               ("settings", "RAG rule and publication"), ("import", "Import returns"),
               ("audit", "Audit log"), ("mail", "Mail")]


def admin_slug(pathname: str | None) -> str | None:
    """The sub-page a path names ("/admin" and "/admin/" name the first); None if none."""
    rest = (pathname or "").removeprefix("/admin").strip("/")
    if not rest:
        return ADMIN_PAGES[0][0]
    return rest if rest in dict(ADMIN_PAGES) else None


def _section(label: str, key: str, body: html.Div) -> html.Section:
    return html.Section(body, id=f"adm-section-{key}", className="admin-section",
                        **{"aria-label": label})


def service_provider_options(providers: list[tuple[int, str]]) -> list[dict]:
    """The service form's provider picker: every provider, or none yet."""
    return [{"label": "Not assigned yet", "value": NO_PROVIDER}, *options(providers)]


def providers_section(lk: dict, providers: list[ProviderRow], services: list[ServiceRow],
                      periods: list[tuple[int, str]] | None = None,
                      changes: list[ChangeRow] | None = None) -> html.Section:
    return _section("Providers and services", "providers", html.Div([
        html.H2("Providers", className="h4 mt-3"),
        html.Div([
            field("Provider", dbc.Select(id=ids.ADM_PROV_PICK, value=NEW,
                                         options=options([(p.id, p.name) for p in providers],
                                                         "Add a new provider"))),
            field("Name", dbc.Input(id=ids.ADM_PROV_NAME, type="text", maxLength=160)),
            dbc.Checkbox(id=ids.ADM_PROV_ACTIVE, value=True, label="Active (untick to retire)"),
            dbc.Button("Save provider", id=ids.ADM_PROV_SAVE, color="success", className="mt-2"),
            html.Div(id=ids.ADM_PROV_MSG),
        ], className="admin-form"),
        html.Div(provider_table(providers), id=ids.ADM_PROV_LIST, className="table-responsive"),
        html.H2("Services", className="h4 mt-4"),
        html.Div([
            field("Service", dbc.Select(id=ids.ADM_SVC_PICK, value=NEW,
                                        options=options([(s.id, s.name) for s in services],
                                                        "Add a new service"))),
            field("Name", dbc.Input(id=ids.ADM_SVC_NAME, type="text", maxLength=160)),
            field("Strategy priority", dbc.Select(id=ids.ADM_SVC_PRIORITY, placeholder="Choose one",
                                                  options=options(lk["priority"]))),
            field("Workstream", dbc.Select(id=ids.ADM_SVC_WORKSTREAM, placeholder="Choose one",
                                           options=options(lk["workstream"]))),
            field("Provider", dbc.Select(id=ids.ADM_SVC_PROVIDER, value=NO_PROVIDER,
                                         options=service_provider_options(lk["provider"]))),
            date_field("Contract start", ids.ADM_SVC_START,
                       "Returns are asked for from the quarter it starts. Leave blank for a new "
                       "service starting this quarter."),
            date_field("Contract end", ids.ADM_SVC_END),
            field("Annual contract value (£)", dbc.Input(id=ids.ADM_SVC_VALUE, type="text",
                                                         inputMode="decimal"),
                  "Used for cost per outcome. Leave blank if not known."),
            field("Description", dbc.Textarea(id=ids.ADM_SVC_DESC, rows=2)),
            dbc.Checkbox(id=ids.ADM_SVC_ACTIVE, value=True, label="Active (untick to retire)"),
            dbc.Button("Save service", id=ids.ADM_SVC_SAVE, color="success", className="mt-2"),
            html.Div(id=ids.ADM_SVC_MSG),
        ], className="admin-form"),
        html.Div(service_table(services), id=ids.ADM_SVC_LIST, className="table-responsive"),
        *changes_part(services, periods or [], changes or []),
    ]))


def metrics_section(services: list[ServiceRow]) -> html.Section:
    svc_options = options([(s.id, s.name) for s in services])
    return _section("Metrics", "metrics", html.Div([
        html.H2("Metrics", className="h4 mt-3"),
        field("Service", dbc.Select(id=ids.ADM_MET_SERVICE, options=svc_options,
                                    value=svc_options[0]["value"] if svc_options else None)),
        html.Div(id=ids.ADM_MET_LIST, className="table-responsive"),
        html.Div([
            field("Metric", dbc.Select(id=ids.ADM_MET_PICK, value=NEW,
                                       options=[{"label": "Add a new metric", "value": NEW}])),
            field("Name", dbc.Input(id=ids.ADM_MET_NAME, type="text", maxLength=200)),
            field("Kind", dbc.Select(id=ids.ADM_MET_KIND, value="output", options=[
                {"label": "Output (what was delivered)", "value": "output"},
                {"label": "Outcome (how people are better off)", "value": "outcome"}])),
            field("Unit", dbc.Select(id=ids.ADM_MET_UNIT, value="count", options=[
                {"label": "Count", "value": "count"},
                {"label": "Percentage (number improved of number assessed)", "value": "percent"}])),
            dbc.Checkbox(id=ids.ADM_MET_HIGHER, value=True, label="Higher is better"),
            dbc.Checkbox(id=ids.ADM_MET_HEADLINE, value=False, label="Headline measure on the Overview"),
            field("Breakdown categories", dbc.Textarea(id=ids.ADM_MET_CATS, rows=3),
                  "One per line. Returns must make them add up to the metric's total."),
            field("Baseline", dbc.Input(id=ids.ADM_MET_BASE, type="text", inputMode="decimal"),
                  "As published: a count, or a percentage. Leave blank if none."),
            field("Baseline period", dbc.Input(id=ids.ADM_MET_BASE_PERIOD, type="text")),
            field("Baseline source", dbc.Input(id=ids.ADM_MET_BASE_SOURCE, type="text")),
            field("Display order", dbc.Input(id=ids.ADM_MET_ORDER, type="text", inputMode="numeric"),
                  "Leave blank to put a new metric after the others."),
            html.Div([
                dbc.Button("Save metric", id=ids.ADM_MET_SAVE, color="success", className="me-2"),
                dbc.Button("Retire", id=ids.ADM_MET_RETIRE, color="secondary", className="me-2"),
                dbc.Button("Bring back", id=ids.ADM_MET_RESTORE, color="secondary", className="me-2"),
                dbc.Button("Delete (only if it has no figures)", id=ids.ADM_MET_DELETE,
                           color="danger", outline=True),
            ], className="mt-2"),
            html.Div(id=ids.ADM_MET_MSG),
        ], className="admin-form mt-3"),
    ]))


def targets_section(services: list[ServiceRow], years: list[dict], year: str) -> html.Section:
    svc_options = options([(s.id, s.name) for s in services])
    return _section("Targets", "targets", html.Div([
        html.H2("Targets", className="h4 mt-3"),
        html.P("Annual targets, and quarterly ones where they differ. A count's annual target "
               "splits evenly across quarters left blank; a percentage applies to every quarter."),
        html.Div([
            field("Service", dbc.Select(id=ids.ADM_TGT_SERVICE, options=svc_options,
                                        value=svc_options[0]["value"] if svc_options else None)),
            field("Financial year", dbc.Select(id=ids.ADM_TGT_YEAR, options=years, value=year)),
        ], className="d-flex gap-3 flex-wrap"),
        dag.AgGrid(
            id=ids.ADM_TGT_GRID, rowData=[],
            # The metric's name keeps a readable width on a phone; the grid scrolls sideways.
            columnDefs=[{"field": "metric", "headerName": "Metric", "editable": False, "flex": 3,
                         "minWidth": 220, "wrapText": True, "autoHeight": True},
                        {"field": "unit", "headerName": "Unit", "editable": False, "width": 90},
                        *[{"field": f, "headerName": h, "editable": True, "width": 110}
                          for f, h in (("annual", "Annual"), ("q1", "Q1"), ("q2", "Q2"),
                                       ("q3", "Q3"), ("q4", "Q4"))]],
            dashGridOptions={"theme": "themeBalham", "singleClickEdit": True,
                             "stopEditingWhenCellsLoseFocus": True, "domLayout": "autoHeight"},
        ),
        html.Div([
            dbc.Button("Split the annual targets evenly", id=ids.ADM_TGT_SPLIT, color="secondary",
                       className="me-2"),
            dbc.Button("Copy last year's", id=ids.ADM_TGT_COPY, color="secondary", className="me-2"),
            dbc.Button("Save targets", id=ids.ADM_TGT_SAVE, color="success"),
        ], className="mt-2"),
        html.Div(id=ids.ADM_TGT_MSG),
        # Offered only beside the warning that quarters and year disagree (a warning, not a
        # block: a service may plan an uneven year on purpose).
        html.Button("Save anyway", id=ids.ADM_TGT_SAVE_ANYWAY, hidden=True, type="button",
                    className="btn btn-warning mt-2"),
    ]))


def periods_section(periods: list[PeriodRow]) -> html.Section:
    return _section("Periods", "periods", html.Div([
        html.H2("Reporting periods", className="h4 mt-3"),
        html.Div([
            field("Create the quarters of financial year", dbc.Input(id=ids.ADM_PER_YEAR, type="text",
                                                                     placeholder="2027/28")),
            dbc.Button("Create quarters", id=ids.ADM_PER_CREATE, color="secondary",
                       className="align-self-end mb-2"),
        ], className="d-flex gap-3 flex-wrap"),
        html.Div([
            field("Quarter", dbc.Select(id=ids.ADM_PER_PICK, placeholder="Choose a quarter",
                                        options=[{"label": p.label, "value": str(p.id)} for p in periods])),
            field("Status", dbc.Select(id=ids.ADM_PER_STATUS, options=[
                {"label": "Open", "value": "open"},
                {"label": "Closed (locks its returns)", "value": "closed"}])),
            date_field("Due date", ids.ADM_PER_DUE),
            html.Div([
                html.P("Returns are submitted from the day after their quarter ends. Tick to let "
                       "this quarter's returns be submitted now.", className="hint mb-1"),
                dbc.Checkbox(id=ids.ADM_PER_EARLY, value=False,
                             label="Allow returns to be submitted before the quarter ends"),
            ], className="mb-2 admin-field"),
            dbc.Button("Save period", id=ids.ADM_PER_SAVE, color="success", className="mt-2"),
        ], className="admin-form"),
        html.Div(id=ids.ADM_PER_MSG),
        html.Div(period_table(periods), id=ids.ADM_PER_LIST, className="table-responsive"),
    ]))


IMPORT_TEMPLATE_HREF = "/admin/import/template.csv"
IMPORT_HISTORY_HREF = "/admin/import/history.csv"
PREVIEW_ROWS = 50  # returns listed in a preview; the count says how many in all


def import_section(max_megabytes: float) -> html.Section:
    """Upload a file of returns, see what it would do, then confirm (callbacks/admin/imports.py).
    Nothing is written until "Import these returns" is pressed, and then all or nothing."""
    return _section("Import returns", "import", html.Div([
        html.H2("Import returns from a file", className="h4 mt-3"),
        html.P(["Bring in earlier quarters' figures from a CSV or Excel file, a row per figure "
                "(see the README, “Importing history”). Start from ",
                html.A("the template", href=IMPORT_TEMPLATE_HREF, id="adm-imp-template"),
                " (every service, measure and category, figures blank), or ",
                html.A("every approved return", href=IMPORT_HISTORY_HREF, id="adm-imp-history"),
                " in the same form."]),
        html.P(f"Each return is checked with the return form's rules. If any row has a problem, "
               f"nothing is imported and every problem is listed by its row. Files up to "
               f"{max_megabytes:g} MB here; a larger one with the command line "
               "(import-returns).", className="hint"),
        field("Imported returns are", dbc.Select(id=ids.ADM_IMP_STATUS, value="approved", options=[
            {"label": "Approved", "value": "approved"},
            {"label": "Submitted, for you to approve", "value": "submitted"}])),
        html.Div([
            dbc.Checkbox(id=ids.ADM_IMP_REPLACE, value=False,
                         label="Replace returns already in the app for the same quarters"),
        ], className="mb-2 admin-field"),
        field("Why they are replaced (kept in the audit log)",
              dbc.Input(id=ids.ADM_IMP_REASON, type="text", maxLength=500, autoComplete="off",
                        debounce=True)),
        dcc.Upload(id=ids.ADM_IMP_UPLOAD, multiple=False,
                   children=html.Div(["Drag the file (.csv or .xlsx) here, or ",
                                      html.A("choose the file", href="#")]),
                   className="upload-box"),
        html.Div(id=ids.ADM_IMP_PREVIEW, role="status", className="mt-3"),
        dcc.Store(id=ids.ADM_IMP_CHECKED),
        dbc.Button("Import these returns", id=ids.ADM_IMP_CONFIRM, color="success",
                   className="mt-2", n_clicks=0, disabled=True),
        # The import runs as a background job (callbacks/admin/imports.py): its stage in words
        # and a bar while it runs, announced politely, and Cancel (nothing is then written).
        job_progress(ids.ADM_IMP_JOB, ids.ADM_IMP_STAGE, ids.ADM_IMP_BAR, ids.ADM_IMP_CANCEL, "mt-2"),
        html.Div(id=ids.ADM_IMP_RESULT, className="mt-2", role="status", **{"aria-live": "polite"}),
    ]))


def import_problems(filename: str, lines: list[str], count: int) -> html.Div:
    """What is wrong with a file: nothing is imported."""
    return html.Div([
        html.H3(f"{count:,} problem{'s' if count != 1 else ''} in {filename}. Nothing has been imported.",
                className="h5"),
        html.Ul([html.Li(line) for line in lines], id="adm-imp-problems"),
        html.P("Correct the file and choose it again.", className="mb-0"),
    ], className="error-summary", role="alert")


def import_preview(filename: str, status: str, returns: list[tuple[str, str, str]]) -> html.Div:
    """What an import would write: each return (service, quarter, what it replaces), the
    first PREVIEW_ROWS of them; then the button below confirms."""
    replacing = sum(1 for _, _, replaced in returns if replaced)
    shown = returns[:PREVIEW_ROWS]
    rows = [[service, quarter, replaced or "New"] for service, quarter, replaced in shown]
    more = len(returns) - len(shown)
    return html.Div([
        html.P([html.Strong(f"{filename}: {len(returns):,} return{'s' if len(returns) != 1 else ''} "
                            f"ready to import as {status}"),
                f", {replacing:,} replacing one already in the app." if replacing else ".",
                " Nothing is written until you press “Import these returns”."]),
        html.Div(data_table(f"Returns in {filename}", ["Service", "Quarter", "Replaces"], rows),
                 className="table-responsive"),
        html.P(f"… and {more:,} more.") if more else None,
    ], id="adm-imp-ready")


def users_section(users: list[UserRow], lk: dict) -> html.Section:
    roles = [{"label": "Provider", "value": "provider"}, {"label": "Viewer (CWP member)", "value": "viewer"},
             {"label": "Admin (lead officer)", "value": "admin"}]
    provider_opts = [{"label": "None", "value": NO_PROVIDER}, *options(lk["provider"])]
    return _section("Users", "users", html.Div([
        html.H2("Invite a user", className="h4 mt-3"),
        html.Div([
            field("Email address", dbc.Input(id=ids.ADM_USR_EMAIL, type="email")),
            field("Role", dbc.Select(id=ids.ADM_USR_ROLE, options=roles, value="viewer")),
            field("Provider (for provider users)", dbc.Select(id=ids.ADM_USR_PROVIDER,
                                                              options=provider_opts, value=NO_PROVIDER)),
            dbc.Button("Invite", id=ids.ADM_USR_INVITE, color="success", className="mt-2"),
        ], className="admin-form"),
        html.H2("Change a user", className="h4 mt-4"),
        html.Div([
            field("User", dbc.Select(id=ids.ADM_USR_PICK, placeholder="Choose a user",
                                     options=[{"label": u.email, "value": str(u.id)} for u in users])),
            field("Role", dbc.Select(id=ids.ADM_USR_EDIT_ROLE, options=roles)),
            field("Provider", dbc.Select(id=ids.ADM_USR_EDIT_PROVIDER, options=provider_opts)),
            dbc.Checkbox(id=ids.ADM_USR_ACTIVE, value=True, label="Active (untick to deactivate)"),
            html.Div([
                dbc.Button("Save user", id=ids.ADM_USR_SAVE, color="success", className="me-2"),
                dbc.Button("Reset password", id=ids.ADM_USR_RESET, color="secondary"),
            ], className="mt-2"),
        ], className="admin-form"),
        html.Div(id=ids.ADM_USR_MSG),
        html.Div(user_table(users), id=ids.ADM_USR_LIST, className="table-responsive"),
    ]))


def settings_section(green: float, amber: float, rule: str, threshold: int,
                     schedule: ReminderSchedule | None = None) -> html.Section:
    return _section("RAG rule and publication", "settings", html.Div([
        html.H2("RAG thresholds", className="h4 mt-3"),
        html.P(rule, id=ids.ADM_RAG_RULE),
        html.Div([
            field("Green at or above (% of target)", dbc.Input(id=ids.ADM_RAG_GREEN, type="text",
                                                               inputMode="decimal", value=f"{green * 100:g}")),
            field("Amber at or above (% of target)", dbc.Input(id=ids.ADM_RAG_AMBER, type="text",
                                                               inputMode="decimal", value=f"{amber * 100:g}")),
            field("Publication mode hides counts below", dbc.Input(
                id=ids.ADM_PUB_THRESHOLD, type="text", inputMode="numeric", value=str(threshold)),
                  f"A whole number from 2 to 20; {DEFAULT_THRESHOLD} hides 1 to {DEFAULT_THRESHOLD - 1} "
                  f"as {small_marker(DEFAULT_THRESHOLD)} in published packs."),
            dbc.Button("Save the rule", id=ids.ADM_RAG_SAVE, color="success", className="mt-2"),
            html.Div(id=ids.ADM_RAG_MSG),
        ], className="admin-form"),
        reminder_schedule_form(schedule or ReminderSchedule()),
    ]))


REMINDER_ON_DUE, REMINDER_WEEKLY = "on_due", "weekly_overdue"


def reminder_schedule_form(schedule: ReminderSchedule) -> html.Div:
    """When `send-reminders` (cron) emails providers whose returns are not yet submitted."""
    chosen = [k for k, on in ((REMINDER_ON_DUE, schedule.on_due),
                              (REMINDER_WEEKLY, schedule.weekly_overdue)) if on]
    return html.Div([
        html.H2("Reminder emails", className="h4 mt-4"),
        html.P("Providers with returns not yet submitted get one email per run of the daily "
               "reminder job, listing only their own returns. Each reminder is sent once."),
        html.Div([
            field("Days before the due date", dbc.Input(
                id=ids.ADM_REM_DAYS, type="text", value=schedule.days_before_text, maxLength=40),
                  f"Whole numbers from 1 to {MAX_DAYS_BEFORE}, separated by commas, like "
                  f"{DAYS_BEFORE_EXAMPLE}. Leave empty for none."),
            html.Fieldset([
                html.Legend("Also remind", className="form-label mb-0 fs-6"),
                dbc.Checklist(id=ids.ADM_REM_OPTIONS, value=chosen, options=[
                    {"label": "On the due date", "value": REMINDER_ON_DUE},
                    {"label": "Once a week while returns are overdue", "value": REMINDER_WEEKLY},
                ]),
            ], className="mb-2 admin-field"),
            dbc.Button("Save the reminder schedule", id=ids.ADM_REM_SAVE, color="success",
                       className="mt-2"),
            html.Div(id=ids.ADM_REM_MSG),
        ], className="admin-form"),
    ])


def audit_section() -> html.Section:
    entities = ["return", "service", "metric", "provider", "period", "user", "rag thresholds",
                "publication threshold"]
    return _section("Audit log", "audit", html.Div([
        html.H2("Audit log", className="h4 mt-3"),
        html.Div([
            field("User's email contains", dbc.Input(id=ids.ADM_AUD_USER, type="text", debounce=True)),
            field("Record", dbc.Select(id=ids.ADM_AUD_ENTITY, value="any",
                                       options=[{"label": "Any", "value": "any"},
                                                *[{"label": e, "value": e} for e in entities]])),
            # Read when the box is left or Enter pressed, not at each key of a half-typed date.
            date_field("From", ids.ADM_AUD_FROM, debounce=True),
            date_field("To", ids.ADM_AUD_TO, debounce=True),
        ], className="d-flex gap-3 flex-wrap"),
        html.Div(id=ids.ADM_AUD_LIST, className="table-responsive"),
    ]))


def mail_table(rows: list[MailRow], limit: int) -> object:
    if not rows:
        return html.P("No email has been sent yet.", className="empty-state")
    caption = (f"The latest {len(rows)} messages, newest first" if len(rows) >= limit
               else f"All {len(rows)} messages, newest first")
    return data_table(caption, ["When", "To", "Event", "Subject", "Status", "Attempts", "Error"],
                      [[format_datetime(r.at), r.to, r.event, r.subject, r.status, str(r.attempts),
                        r.error or "—"] for r in rows], table_id="adm-mail-table")


def mail_section(rows: list[MailRow], limit: int, outbox: str | None) -> html.Section:
    """Every message sent, and, when no mail server is configured (`outbox` is then the
    folder messages are written to), the note saying so and a way to read one."""
    readable = [r for r in rows if r.in_outbox]
    reader = html.Div([
        html.H3("Read a message in the outbox", className="h5 mt-4"),
        html.Div([
            field("Message", dbc.Select(
                id=ids.ADM_MAIL_PICK, placeholder="Choose a message",
                options=[{"label": f"{format_datetime(r.at)}: {r.subject} (to {r.to})",
                          "value": str(r.id)} for r in readable])),
            dbc.Button("Show the message", id=ids.ADM_MAIL_SHOW, color="secondary",
                       className="align-self-end mb-2"),
        ], className="d-flex gap-3 flex-wrap align-items-end"),
        html.Div(id=ids.ADM_MAIL_TEXT, **{"aria-live": "polite"}),
    ]) if outbox is not None else None
    return _section("Mail", "mail", html.Div([
        html.H2("Mail", className="h4 mt-3"),
        html.P(["Mail is not configured: messages are written to ", html.Code(outbox),
                " instead of being sent."], className="admin-warning", id="adm-mail-outbox-note")
        if outbox is not None else
        html.P("Messages are sent through the mail server set in SMTP_URL. A failed message "
               "was tried three times; the action that caused it was saved all the same."),
        html.Div(mail_table(rows, limit), id=ids.ADM_MAIL_LIST, className="table-responsive"),
        reader,
    ]))


def outbox_message(subject: str, to: str, text: str) -> html.Div:
    """One outbox message's text, as written (it holds no figures or comments)."""
    return html.Div([
        html.P([html.Strong("To: "), to, html.Br(), html.Strong("Subject: "), subject],
               className="mb-1"),
        html.Pre(text, className="outbox-text", id="adm-mail-body", tabIndex="0"),
    ])


def admin_nav(current: str) -> html.Nav:
    """Links between the sub-pages; the current one is marked for screen readers
    (aria-current) and by a heavier underline, not by colour alone."""
    def item(slug: str, label: str) -> html.Li:
        href = f"/admin/{slug}"
        if slug == current:
            return html.Li(html.A(label, href=href, className="admin-current",
                                  **{"aria-current": "page"}))
        return html.Li(dcc.Link(label, href=href))
    return html.Nav(html.Ul([item(slug, label) for slug, label in ADMIN_PAGES],
                            className="admin-contents"),
                    **{"aria-label": "Administration pages"})


def admin_page(current: str, section: html.Section) -> html.Div:
    """One administration sub-page: the heading, the links between them and its section."""
    return html.Div([
        html.H1("Administration", className="h2"),
        html.P("Configure what the partnership commissions and who reports it. Every change is "
               "written to the audit log."),
        admin_nav(current),
        section,
    ])
