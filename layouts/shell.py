"""The frame around every page: header, navigation for the user's role, demo banner."""

from __future__ import annotations

from collections.abc import Callable

from dash import dcc, html

from layouts import ids

NAV_ITEMS: list[tuple[str, str]] = [
    # (label, path): each shown to those who may open it (models.access.may_open)
    ("Overview", "/"),
    ("Needs attention", "/attention"),  # the page: "What needs attention"
    ("Services", "/service"),
    ("Priorities", "/priorities"),
    ("Strategy progress", "/progress"),
    ("Submissions", "/submissions"),
    ("Performance table", "/performance"),
    ("Returns", "/returns"),
    ("Review queue", "/review"),
    ("Admin", "/admin"),
]
# Pages whose first view is an AG Grid: when one is opened directly,
# assets/ag_grid_loader.js starts fetching the grid's bundle as the page starts, not once the
# page has been drawn (dash_app/factory.MonitorDash). A page with a grid missing here still
# draws it, a little later (the administration's targets page: its grid is not its first view).
# (/returns and /performance are plain tables, drawn on the server: no grid bundle there.)
GRID_PAGES: frozenset[str] = frozenset()
ROLE_NAMES = {"admin": "Lead officer", "viewer": "CWP member", "provider": "Provider"}


def waiting_badge(waiting: int | None) -> html.Span | None:
    """The count of returns waiting for review, beside its link: "3 waiting" in words, so
    a screen reader hears what the number means."""
    if waiting is None:
        return None
    return html.Span(f"{waiting} waiting" if waiting else "", id=ids.NAV_WAITING,
                     className="nav-count ms-1")


def navigation(may_open: Callable[[str], bool], waiting: int | None = None) -> html.Nav:
    links = [
        html.Li(dcc.Link([label, waiting_badge(waiting) if path == "/review" else None],
                         href=path, className="nav-link"), className="nav-item")
        for label, path in NAV_ITEMS
        if may_open(path)
    ]
    # assets/navigation.js marks the current page's link with aria-current as the path changes.
    return html.Nav(html.Ul(links, className="nav"), id=ids.MAIN_NAV, **{"aria-label": "Main"})


def demo_banner() -> html.Div:
    return html.Div(
        [html.Strong("Demo data. "),
         "The figures on these pages are synthetic, made up to show how the app works. "
         "They are not real performance data."],
        className="demo-banner", role="note", id="demo-banner",
    )


def sign_out_form(token: str) -> html.Form:
    """Sign-out is a POST from this site, with the CSRF token: a link could be followed
    from anywhere. The button looks like the header's links."""
    return html.Form([
        dcc.Input(type="hidden", name="csrf_token", value=token),
        html.Button("Sign out", type="submit", className="monitor-signout", id="sign-out"),
    ], method="post", action="/logout", className="d-inline")


def shell(email: str, role: str, provider_name: str | None, demo: bool,
          may_open: Callable[[str], bool], sign_out_token: str = "",
          waiting: int | None = None, session: html.Div | None = None) -> html.Div:
    """`may_open(path)`: whether the user may open the page (models.access decides);
    `waiting`: the returns waiting for review, for those who review them (else None);
    `session`: layouts.keep_work.session_info, for the timeout warning and kept figures."""
    who = ROLE_NAMES.get(role, role)
    if provider_name:
        who = f"{who}, {provider_name}"
    return html.Div([
        dcc.Location(id=ids.URL, refresh="callback-nav"),
        dcc.Store(id=ids.VIEW),
        dcc.Store(id=ids.REDRAW),
        # assets/navigation.js moves focus to <main> without adding "#page" to the address
        # (which a copied link would carry); without script the link still lands there.
        html.A("Skip to main content", href=f"#{ids.PAGE}", id=ids.SKIP_LINK,
               className="visually-hidden-focusable skip-link"),
        html.Header(
            html.Div([
                html.Span("CWP Outcomes Monitor", className="monitor-brand me-4"),
                navigation(may_open, waiting),
                html.Div([
                    html.Span([email, html.Span(f" ({who})", className="monitor-role")],
                              className="me-3"),
                    dcc.Link("Your account", href="/account", className="me-3", id="account-link"),
                    html.A("Change password", href="/set-password", className="me-3"),
                    sign_out_form(sign_out_token),
                ], className="ms-auto small d-flex align-items-center flex-wrap"),
            ], className="container d-flex align-items-center flex-wrap gap-2"),
            className="monitor-header py-2 mb-3",
        ),
        html.Div(demo_banner(), className="container") if demo else None,
        print_header(),
        html.Main(id=ids.PAGE, className="container pb-5", tabIndex="-1"),
        session,
    ])


# The page as first sent, before any script has run: the header band and a line saying the
# page is on its way, where Dash's bare "Loading..." would be. A reader on a slow phone sees the
# app at once instead of a blank screen for the seconds its scripts take to arrive (Lighthouse's
# first contentful paint). Dash replaces all of it when it draws the page; nothing in it moves.
LOADING_FRAME = """
<div id="react-entry-point">
  <div class="_dash-loading">
    <header class="monitor-header py-2 mb-3"><div class="container">
      <span class="monitor-brand">CWP Outcomes Monitor</span></div></header>
    <div class="container"><p class="loading-frame" role="status">Loading the page&hellip;</p>
      <noscript><p>This app needs JavaScript: turn it on in your browser's settings, then
      reload the page.</p></noscript></div>
  </div>
</div>
"""


def print_header() -> html.Div:
    """Shown on paper only (assets/print.css): the view's filters and the print date, which
    assets/print.js writes from the page's own filter controls as they change. Hidden from
    screen readers, which hear the filters themselves."""
    return html.Div([
        html.P("CWP Outcomes Monitor", className="print-brand mb-0"),
        html.P(id="print-view", className="mb-0"),
        html.P(id="print-date", className="mb-0"),
    ], id="print-header", className="print-only container", **{"aria-hidden": "true"})


def not_found(path: str) -> html.Div:
    return html.Div([
        html.H1("Page not found", className="h2"),
        html.P(f"There is no page at {path}."),
        dcc.Link("Go to the overview", href="/"),
    ])
