"""The page router: which layout a path shows, decided on the server for this user. A
refused page is audited like every other refusal."""

from __future__ import annotations

from typing import NamedTuple

from dash import Dash, Input, Output, State, ctx, html, no_update

from callbacks.common import outbox_folder, query_params, require_user, today, transaction
from callbacks.navigation import ViewRecord, needs_drawing, record, view_title
from callbacks.performance import performance_title
from callbacks.performance import view_from_url as performance_view_from_url
from callbacks.returns import QUEUE_TITLE, queue_names, queue_page
from callbacks.returns_list import view_from_url
from dash_app.cache import cached
from dash_app.database import sessions
from layouts import admin, ids
from layouts.admin import ADMIN_PAGES, admin_page, admin_slug
from layouts.attention import attention_page
from layouts.dashboard_pages import priorities_page, submissions_page
from layouts.filters import chosen_id
from layouts.overview import overview_page
from layouts.paging import page_of
from layouts.performance import performance_page
from layouts.progress import progress_page
from layouts.return_form import return_form_page
from layouts.returns_home import returns_home_page
from layouts.review import review_page
from layouts.service import service_page
from layouts.shell import not_found
from models.access import (
    AccessRefused,
    Actor,
    audience_of,
    check_page,
    is_admin,
    may_edit_returns,
    provider_scope,
    record_id,
)
from models.reporting.overview import default_quarter, filter_choices, year_choices
from models.reporting.service_figures import service_choices
from models.reporting.slugs import url_slugs
from models.returns.view import load_return_view
from models.rules.periods import parse_quarter, year_label
from models.store.audit import record_refusal


class Drawn(NamedTuple):
    """A page as the router draws it, with its part of the <title>."""
    page: object
    title: str


def render_overview(user, search: str | None) -> Drawn:  # noqa: ANN001
    """The Overview for the view in the URL, or the latest due quarter. Priority, workstream
    and provider come as slugs (or ids, from older links); one that names nothing offered is
    the "all" of its filter."""
    params = query_params(search)
    options, year, quarter = _year_and_quarter(search)
    with transaction() as session:
        filters = cached(session, filter_choices, audience_of(user))
        slugs = cached(session, url_slugs)
    chosen = {}
    for key in ("priority", "workstream", "provider"):
        found = chosen_id(params.get(key), filters[key], slugs[key])
        chosen[key] = "all" if found is None else slugs[key][found]
    # The provider filter is offered to those who see every provider.
    page = overview_page(options, year, quarter, filters, chosen,
                         params.get("provisional") == "1", provider_scope(user) is None, slugs)
    return Drawn(page, view_title("Overview", f"{quarter} {year}"))


def render_service(user, search: str | None) -> Drawn:  # noqa: ANN001
    """A service's page: ?service=<slug> (or ?id=<id>, from older links); a service the user
    may not see, or none, is the first one they may."""
    params = query_params(search)
    with transaction() as session:
        services = service_choices(session, user)
        slugs = cached(session, url_slugs)["service"]
    if not services:
        return Drawn(html.Div([html.H1("Service performance", className="h2"),
                               html.P("There are no services for you to see.")]),
                     "Service performance")
    # Only ids the user may see are offered; the callback checks again on the server.
    service_id = (chosen_id(params.get("service"), services, slugs)
                  or chosen_id(params.get("id"), services) or services[0][0])
    options, year, _ = _year_and_quarter(search)
    name = dict(services)[service_id]
    return Drawn(service_page(services, service_id, options, year, params.get("provisional") == "1",
                              slugs), view_title(name, year))


def _year_and_quarter(search: str | None) -> tuple[list[dict], str, str]:
    params = query_params(search)
    with transaction() as session:
        choices = year_choices(session)
        default = default_quarter(session, today())
    values = {value for _, value in choices}
    year = params.get("year") if params.get("year") in values else year_label(default.year)
    try:
        quarter = parse_quarter(params.get("quarter", "")) or default.quarter
    except ValueError:
        quarter = default.quarter
    return [{"label": label, "value": value} for label, value in choices], year, f"Q{quarter}"


def render_returns(user, search: str | None) -> html.Div:  # noqa: ANN001
    """The returns home for the view in the URL (its filters, sort and page, each checked),
    drawn with its page of rows: read once, from the cache (callbacks/returns_list.py)."""
    drawn = view_from_url(user, query_params(search))
    return returns_home_page(drawn.choices, drawn.view, drawn.rows, drawn.shown,
                             own_only=provider_scope(user) is not None,
                             may_edit=may_edit_returns(user))


def render_performance(search: str | None) -> Drawn:
    """The Performance table for the view in the URL (year, quarter, the switches, the
    search, filters, sort, page and page size, each checked), drawn with its page of rows; a
    national table still being worked out in the background says so and asks again."""
    years, year, quarter = _year_and_quarter(search)
    params = query_params(search)
    period = "year" if params.get("quarter") == "year" else quarter
    title = performance_title(year, None if period == "year" else quarter)
    try:
        shown = performance_view_from_url(params, year, period)
    except AccessRefused as exc:  # an account that may see nothing is told so
        return Drawn(html.Div([html.H1("Quarterly performance table", className="h2"),
                               html.P(str(exc))]), title)
    return Drawn(performance_page(years, year, period, params.get("provisional") == "1",
                                  params.get("publish") == "1", shown.heading, shown.page,
                                  shown.chosen, shown.order, shown.size, shown.priorities,
                                  shown.working, shown.polling), title)


def render_return_form(user, search: str | None) -> Drawn:  # noqa: ANN001
    params = query_params(search)
    try:
        service_id, period_id = record_id(params["service"]), record_id(params["period"])
    except (KeyError, ValueError):
        return Drawn(html.Div([html.H1("Return not found", className="h2"),
                               html.P("Choose a return from the returns page.")]),
                     "Return not found")
    try:
        with transaction() as session:
            view = load_return_view(session, user, service_id, period_id, today())
    except AccessRefused as exc:
        return Drawn(refused(user, f"open return for service {params['service'][:40]}, "
                             f"period {params['period'][:40]}", exc), NO_ACCESS)
    # The return form's own callbacks may put "Error: " before this while it shows errors
    # (cwpTitle.prefix in assets/navigation.js).
    return Drawn(return_form_page(view), view_title(f"Return: {view.service_name}", view.label))


def render_review(user, search: str | None = None) -> html.Div:  # noqa: ANN001
    """The queue for the URL's provider, quarter and page (?provider=&period=&page=), each
    checked: a value that names nothing offered is the default."""
    params = query_params(search)
    with transaction() as session:
        names = queue_names(session, user)
        view = names.view(params.get("provider"), params.get("quarter") or params.get("period"),
                          page_of(params.get("page")))
        items, shown, view = queue_page(session, user, view)
    return review_page(items, names, view, shown)


def render_account(user) -> html.Div:  # noqa: ANN001
    """The signed-in user's own account: only theirs (models.account reads the actor)."""
    from layouts.account import account_page
    from layouts.shell import ROLE_NAMES
    from models.account import account
    from models.store.api_tokens import user_tokens

    with transaction() as session:
        mine = account(session, user)
        tokens = user_tokens(session, user)
    return account_page(mine.email, ROLE_NAMES.get(user.role, user.role), mine.reminder_emails, tokens)


def render_admin(user, pathname: str | None) -> html.Div:  # noqa: ANN001
    """One administration sub-page, built from only what it shows (the targets page does
    not list users). Every sub-page has its own URL; the lead officer's check (check_page)
    has been made by display_page before this runs."""
    from models.admin import views as admin_views
    from models.admin.changes import service_change_rows
    from models.admin.settings import rag_rule_words
    from models.store.settings import disclosure_threshold, rag_thresholds, reminder_schedule

    slug = admin_slug(pathname)
    if slug is None:
        return not_found(pathname)
    years, year, _ = _year_and_quarter(None) if slug == "targets" else ([], "", "")
    with transaction() as session:
        if slug == "providers":
            section = admin.providers_section(admin_views.lookups(session, user),
                                              admin_views.providers(session, user),
                                              admin_views.services(session, user),
                                              admin_views.change_periods(session, user),
                                              service_change_rows(session, user))
        elif slug == "metrics":
            section = admin.metrics_section(admin_views.services(session, user))
        elif slug == "targets":
            section = admin.targets_section(admin_views.services(session, user), years, year)
        elif slug == "periods":
            section = admin.periods_section(admin_views.periods(session, user))
        elif slug == "users":
            section = admin.users_section(admin_views.users(session, user),
                                          admin_views.lookups(session, user))
        elif slug == "settings":
            thresholds = rag_thresholds(session)
            section = admin.settings_section(thresholds.green, thresholds.amber,
                                             rag_rule_words(session), disclosure_threshold(session),
                                             reminder_schedule(session))
        elif slug == "mail":
            from models.admin.mail import MAIL_LOG_LIMIT, mail_log

            outbox = outbox_folder()
            section = admin.mail_section(mail_log(session, user), MAIL_LOG_LIMIT,
                                         None if outbox is None else str(outbox))
        elif slug == "import":
            from exports.return_template import MAX_BYTES

            section = admin.import_section(MAX_BYTES / 1_000_000)
        else:
            section = admin.audit_section()
    return admin_page(slug, section)


def refused(user: Actor, what: str, exc: AccessRefused) -> html.Div:
    """The page a refusal shows, after the audit record every refusal writes."""
    record_refusal(sessions(), user.id, what, exc.entity, exc.entity_id)
    return html.Div([html.H1("No access", className="h2"), html.P(str(exc))])


NO_ACCESS = "No access"


def display_page(pathname: str | None, search: str | None) -> object:
    """The page for this path and query, as the signed-in user may see it."""
    return draw_page(pathname, search).page


def draw_page(pathname: str | None, search: str | None) -> Drawn:
    try:
        user = require_user()
    except AccessRefused:
        return Drawn(html.P("Sign in to see this page."), "Sign in")
    try:
        # The page itself first (the review queue and administration are the lead
        # officer's), then whatever its read-models refuse.
        check_page(user, pathname or "/")
        return _page(user, pathname, search)
    except AccessRefused as exc:
        return Drawn(refused(user, f"open {(pathname or '/')[:80]}", exc), NO_ACCESS)


def _page(user: Actor, pathname: str | None, search: str | None) -> Drawn:
    if pathname in (None, "/", "/overview"):
        return render_overview(user, search)
    if pathname == "/service":
        return render_service(user, search)
    if pathname == "/attention":
        years, year, quarter = _year_and_quarter(search)
        params = query_params(search)
        # The priority and page of a long report's lines: checked by the page's callback
        # against the report (a priority it does not have is every priority).
        priority = params.get("priority", "")[:200] or None
        return Drawn(attention_page(years, year, quarter, params.get("provisional") == "1",
                                    priority, page_of(params.get("page"))),
                     view_title("What needs attention", f"{quarter} {year}"))
    if pathname == "/priorities":
        years, year, quarter = _year_and_quarter(search)
        return Drawn(priorities_page(years, year, quarter), view_title("Priorities", f"{quarter} {year}"))
    if pathname == "/progress":
        return Drawn(progress_page(query_params(search).get("provisional") == "1"),
                     view_title("Strategy progress"))
    if pathname == "/submissions":
        years, year, _ = _year_and_quarter(search)
        return Drawn(submissions_page(years, year, can_remind=is_admin(user)),
                     view_title("Submission status", year))
    if pathname == "/performance":
        return render_performance(search)
    if pathname == "/admin" or (pathname or "").startswith("/admin/"):
        slug = admin_slug(pathname)
        section = dict(ADMIN_PAGES).get(slug or "")
        return Drawn(render_admin(user, pathname),
                     view_title("Administration", section) if section else "Page not found")
    if pathname == "/account":
        return Drawn(render_account(user), "Your account")
    if pathname == "/returns":
        return Drawn(render_returns(user, search), "Returns")
    if pathname == "/returns/edit":
        return render_return_form(user, search)
    if pathname == "/review":
        return Drawn(render_review(user, search), QUEUE_TITLE)
    return Drawn(not_found(pathname), "Page not found")


def route(pathname: str | None, search: str | None, _redraw: object, shown: ViewRecord | None) -> tuple:
    """The router's callback: the page and the record of what it shows, or nothing when the
    URL's query is the one the page's own filters just wrote (callbacks/navigation.py)."""
    if not needs_drawing(pathname, search, shown, set(ctx.triggered_prop_ids)):
        return no_update, no_update
    drawn = draw_page(pathname, search)
    return drawn.page, {**record(search, drawn.title), "drawn": True}


def register(app: Dash) -> None:
    app.callback(
        Output(ids.PAGE, "children"),
        Output(ids.VIEW, "data"),
        Input(ids.URL, "pathname"),
        Input(ids.URL, "search"),
        Input(ids.REDRAW, "data"),
        State(ids.VIEW, "data"),
    )(route)
