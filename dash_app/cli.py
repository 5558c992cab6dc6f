"""`python -m dash_app <command>`: short verbs that do one thing and say so in one line."""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select

from dash_app.settings import ConfigError, Settings, load_settings
from models.rules.disclosure import DEFAULT_THRESHOLD, small_marker
from models.store.db import make_engine, make_sessionmaker, unit_of_work


def _sessions(settings: Settings):  # noqa: ANN202
    from dash_app.database import check_database

    engine = make_engine(settings.database_url)
    check_database(engine, settings.database_url)
    return make_sessionmaker(engine)


def cmd_init_db(args: argparse.Namespace, settings: Settings) -> str:
    from dash_app.database import check_database
    from models.store.migrate import upgrade

    check_database(make_engine(settings.database_url), settings.database_url, require_schema=False)
    upgrade(settings.database_url)
    return "Database migrated to the latest schema."


def cmd_seed_catalogue(args: argparse.Namespace, settings: Settings) -> str:
    from models.catalogue.strategy import seed_catalogue

    with unit_of_work(_sessions(settings)) as session:
        counts = seed_catalogue(session)
    return (f"Catalogue loaded: {counts['priorities']} priorities, {counts['services']} services, "
            f"{counts['metrics']} metrics.")


def _demo_password(args: argparse.Namespace) -> tuple[str, bool]:
    """The demo password: given, kept in a file, or generated (and then printed)."""
    if args.demo_password:
        return args.demo_password, False
    if args.demo_password_file:
        path = Path(args.demo_password_file)
        if path.exists():
            return path.read_text().strip(), False
        password = secrets.token_urlsafe(12)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(password)
        path.chmod(0o600)
        return password, True
    return secrets.token_urlsafe(12), True


def cmd_seed_demo(args: argparse.Namespace, settings: Settings) -> str:
    from models.catalogue.demo import demo_users, seed_demo
    from models.store.entities import Return

    password, _generated = _demo_password(args)
    with unit_of_work(_sessions(settings)) as session:
        has_data = session.scalars(select(Return.id).limit(1)).first() is not None
        if args.if_empty and has_data:
            users = demo_users(session)
            created = None
        else:
            result = seed_demo(session, password, settings.current_date())
            users, created = result.users, result.returns
    lines = []
    if created is None:
        lines.append("Database already has returns; demo data left as it is.")
    else:
        lines.append(f"Demo data loaded: {created} synthetic returns (labelled as demo data).")
    if users:
        lines.append("Demo sign-ins (password for all: " + password + "):")
        lines += [f"  {email:45} {role}" for email, role in users]
    return "\n".join(lines)


def cmd_create_user(args: argparse.Namespace, settings: Settings) -> str:
    from models.store.entities import Provider
    from models.store.users import create_user

    password = args.password or getpass.getpass("Password: ")
    with unit_of_work(_sessions(settings)) as session:
        provider = None
        if args.provider:
            provider = session.scalars(
                select(Provider).where((Provider.slug == args.provider) | (Provider.name == args.provider))
            ).one_or_none()
            if provider is None:
                raise ConfigError(f"No provider is called {args.provider}.")
        user = create_user(session, args.email, password, args.role, provider)
        return f"Created {user.role} user {user.email}."


def cmd_set_password(args: argparse.Namespace, settings: Settings) -> str:
    from models.store.users import set_password

    password = args.password or getpass.getpass("New password: ")
    with unit_of_work(_sessions(settings)) as session:
        user = set_password(session, args.email, password)
        return f"Password changed for {user.email}."


def cmd_export(args: argparse.Namespace, settings: Settings) -> str:
    """The export as the user named: what that user may see (a provider user's own
    services), with that user's email on it; refused for an unknown or deactivated user."""
    from dash_app.cache import chart_store
    from exports.build import build_export
    from exports.errors import ExportUnavailable
    from models.access import AccessRefused, require_active
    from models.rules.periods import parse_quarter, parse_year_label
    from models.store.db import one_snapshot
    from models.store.users import find_user

    year = parse_year_label(args.year)
    quarter = parse_quarter(args.quarter)
    with unit_of_work(_sessions(settings)) as session:
        one_snapshot(session)  # a big export reads in parts: all of them from one state
        try:
            user = require_active(find_user(session, args.user))
            body = build_export(session, user, args.format, year, quarter, settings.current_date(),
                                include_submitted=args.provisional, publish=args.publish,
                                chart_store=chart_store(settings.chart_cache_dir))
        except (AccessRefused, ExportUnavailable) as exc:
            raise ConfigError(str(exc)) from None
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(body)
    return f"Wrote {args.format.upper()} ({len(body):,} bytes) to {out}."


def cmd_import_returns(args: argparse.Namespace, settings: Settings) -> str:
    """A file of returns in long form, all or nothing (models/returns/bulk_import.py): every
    problem listed by row and column and nothing written; with --dry-run, what would be
    written and nothing written."""
    from exports.returns_file import ReturnsFileError, read_returns_file
    from models.returns.bulk_import import apply_import, plan_import, problem_lines

    if args.replace and not (args.reason or "").strip():
        raise ConfigError("--replace needs --reason: say why returns already in the app are replaced.")
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"Cannot read {path}: {exc.strerror}.") from None
    try:
        contents = read_returns_file(data, path.name)
    except ReturnsFileError as exc:
        raise ConfigError(str(exc)) from None
    with unit_of_work(_sessions(settings)) as session:
        plan = plan_import(session, None, contents.headings, contents.rows, settings.current_date(),
                           replace=args.replace, row_numbers=contents.row_numbers)
        if not plan.ok:
            listed = "\n".join(f"  {line}" for line in problem_lines(plan.problems))
            raise ConfigError(f"Nothing was imported: {len(plan.problems):,} "
                              f"problem{'s' if len(plan.problems) != 1 else ''} in {path.name}.\n{listed}")
        replacing = len(plan.replaced())
        if args.dry_run:  # the plan only read
            return (f"Checked {path.name}: {len(plan.returns):,} returns would be imported as "
                    f"{args.status} ({replacing:,} replacing returns already in the app). "
                    "Nothing was written (--dry-run).")
        result = apply_import(session, None, plan, status=args.status, reason=args.reason or "",
                              source=f"{path.name} (command line)")
    return (f"Imported {result.created + result.replaced:,} returns from {path.name} as {args.status}: "
            f"{result.created:,} new, {result.replaced:,} replaced"
            + (f", {result.periods_created:,} quarters added" if result.periods_created else "") + ".")


def cmd_export_returns(args: argparse.Namespace, settings: Settings) -> str:
    """Every approved return in the import's long form (or, with --template, the catalogue
    with its figures blank): a history the import reads back to the same figures."""
    from exports.returns_file import returns_csv
    from models.returns.bulk_export import history_rows, template_rows

    with unit_of_work(_sessions(settings)) as session:
        rows = list(template_rows(session, None) if args.template else history_rows(session, None))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(returns_csv(rows))
    return f"Wrote {len(rows):,} rows to {out}."


def cmd_create_api_token(args: argparse.Namespace, settings: Settings) -> str:
    """A personal API token for the user named, printed once (only its hash is kept)."""
    from models.access import AccessRefused, require_active
    from models.store.api_tokens import TokenError, create_token
    from models.store.users import find_user

    with unit_of_work(_sessions(settings)) as session:
        try:
            user = require_active(find_user(session, args.email))
            token = create_token(session, user, args.name, args.days)
        except (AccessRefused, TokenError) as exc:
            raise ConfigError(str(exc)) from None
    return (f"API token \u201c{args.name}\u201d for {args.email}, valid for {args.days} days. It is shown "
            f"this once; keep it like a password:\n{token}")


def cmd_revoke_api_token(args: argparse.Namespace, settings: Settings) -> str:
    from models.access import AccessRefused, require_active
    from models.store.api_tokens import TokenError, revoke_token
    from models.store.users import find_user

    with unit_of_work(_sessions(settings)) as session:
        try:
            user = require_active(find_user(session, args.email))
            name = revoke_token(session, user, name=args.name)
        except (AccessRefused, TokenError) as exc:
            raise ConfigError(str(exc)) from None
    return f"Revoked the API token \u201c{name}\u201d of {args.email}: it no longer works."


def cmd_backup(args: argparse.Namespace, settings: Settings) -> str:
    from models.store.backup import BackupError, backup

    try:
        pages = backup(settings.database_url, Path(args.out))
    except BackupError as exc:
        raise ConfigError(str(exc)) from None
    return f"Backed up the database to {args.out} ({pages} pages)."


def cmd_restore(args: argparse.Namespace, settings: Settings) -> str:
    from models.store.backup import BackupError, restore

    try:
        restore(settings.database_url, Path(args.file))
    except BackupError as exc:
        raise ConfigError(str(exc)) from None
    return f"Restored the database from {args.file}."


def cmd_send_reminders(args: argparse.Namespace, settings: Settings) -> str:
    """Today's scheduled reminders (for cron): one line per provider, then a summary."""
    import datetime as dt

    from models.rules.formats import format_date
    from notifications.reminders import run_reminders

    try:
        today = dt.date.fromisoformat(args.today) if args.today else settings.current_date()
    except ValueError:
        raise ConfigError(f"--today must be a date like 2026-11-25, not '{args.today}'.") from None
    outcomes = run_reminders(_sessions(settings), settings, today, dry_run=args.dry_run)
    lines = []
    for o in outcomes:
        count = len(o.plan.returns)
        who = ", ".join(r.email for r in o.plan.recipients) or "nobody"
        done = o.note or (f"{o.sent} email{'s' if o.sent != 1 else ''} sent"
                          + (f", {o.failed} failed" if o.failed else "") + ".")
        lines.append(f"{o.plan.provider}: {o.plan.kind_words.lower()}, {count} return"
                     f"{'s' if count != 1 else ''}, to {who}. {done}")
    emails = sum(o.sent for o in outcomes)
    if not outcomes:
        lines.append(f"No reminders are due on {format_date(today)}: nothing to send.")
    elif args.dry_run:
        planned = sum(len(o.plan.recipients) for o in outcomes)
        lines.append(f"Dry run for {format_date(today)}: {len(outcomes)} provider"
                     f"{'s' if len(outcomes) != 1 else ''} would be reminded ({planned} email"
                     f"{'s' if planned != 1 else ''}); nothing was sent or recorded.")
    else:
        failed = sum(o.failed for o in outcomes)
        lines.append(f"Reminders for {format_date(today)}: {emails} email{'s' if emails != 1 else ''} "
                     f"sent to {sum(1 for o in outcomes if o.sent)} of {len(outcomes)} provider"
                     f"{'s' if len(outcomes) != 1 else ''} due a reminder"
                     + (f"; {failed} failed (tried again next run)." if failed else "."))
    return "\n".join(lines)


def cmd_send_mail(args: argparse.Namespace, settings: Settings) -> str:
    """Deliver every message still queued (left by an app process that stopped before its
    background sender got to it); record as failed any left half-sent (never sent twice)."""
    from notifications.mail import deliver_queued, release_stale

    factory = _sessions(settings)
    stale = release_stale(factory)
    done = deliver_queued(factory, settings)
    sent = sum(1 for r in done if r.status != "failed")
    return (f"Mail: {sent} queued message{'s' if sent != 1 else ''} delivered, "
            f"{len(done) - sent} failed" + (f"; {stale} left half-sent by a stopped process recorded "
                                            "as failed." if stale else "."))


def mail_note(settings: Settings) -> str:
    """Where the app's emails go, said as it starts (issue 18): a newcomer running `make run`
    learns that nothing is sent, and where to read what would have been."""
    if settings.smtp_url:
        from notifications.mail import smtp_config

        return f"Mail: sent through the mail server at {smtp_config(settings.smtp_url).host} (SMTP_URL)."
    folder = settings.outbox_dir
    try:
        shown = folder.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        shown = folder
    return (f"Mail: SMTP_URL is not set, so messages are written to {shown}/ and listed under "
            "Administration → Mail.")


def cmd_prepare_exports(args: argparse.Namespace, settings: Settings) -> str:
    """The whole partnership's CSV and XLSX for the current data version, kept as files
    (dash_app/export_files.py): what each web process starts after a change at national
    scale; by hand or from cron too."""
    from dash_app.export_files import parse_choice, prepare_exports

    if args.quietly:
        os.nice(10)  # started by a web process: the requests come first
    say = (lambda _: None) if args.quietly else (lambda line: print(line, flush=True))
    try:
        only = [parse_choice(text) for text in args.only] if args.only else None
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    return prepare_exports(_sessions(settings), settings, force=args.force, only=only, say=say)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> str:
    from dash_app.factory import create_app

    app = create_app(settings)
    print(mail_note(settings), flush=True)
    from dash_app.runtime import tune_gc

    tune_gc()
    app.run(host=args.host, port=args.port, debug=False)
    return "Stopped."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dash_app",
                                     description="CWP Outcomes Monitor commands.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    sub.add_parser("init-db", help="create or migrate the database").set_defaults(func=cmd_init_db)
    sub.add_parser("seed-catalogue", help="load the strategy's services, metrics and baselines"
                   ).set_defaults(func=cmd_seed_catalogue)
    demo = sub.add_parser("seed-demo", help="catalogue plus synthetic demo returns and users")
    demo.add_argument("--demo-password", help="password for every demo user")
    demo.add_argument("--demo-password-file",
                      help="read the demo password from this file, creating it if missing")
    demo.add_argument("--if-empty", action="store_true",
                      help="only load demo data into a database with no returns")
    demo.set_defaults(func=cmd_seed_demo)
    user = sub.add_parser("create-user", help="add a user")
    user.add_argument("--email", required=True)
    user.add_argument("--role", required=True, choices=["admin", "viewer", "provider"])
    user.add_argument("--provider", help="provider slug or name (for role provider)")
    user.add_argument("--password", help="prompted for when left out")
    user.set_defaults(func=cmd_create_user)
    setpw = sub.add_parser("set-password", help="set a user's password")
    setpw.add_argument("--email", required=True)
    setpw.add_argument("--password", help="prompted for when left out")
    setpw.set_defaults(func=cmd_set_password)
    export = sub.add_parser("export", help="write the quarterly performance table")
    export.add_argument("--user", required=True, metavar="EMAIL",
                        help="the user to export as: the export holds what they may see")
    export.add_argument("--year", required=True, help="financial year, like 2024/25")
    export.add_argument("--quarter", default="year", help="Q1, Q2, Q3, Q4 or year")
    export.add_argument("--format", default="csv", choices=["csv", "xlsx", "pdf"])
    export.add_argument("--out", required=True, help="file to write")
    export.add_argument("--provisional", action="store_true",
                        help="include submitted (not yet approved) returns")
    export.add_argument("--publish", action="store_true",
                        help=f"publication mode: show counts of 1 to {DEFAULT_THRESHOLD - 1} as "
                             f"{small_marker(DEFAULT_THRESHOLD)} (unless an admin changed the threshold), "
                             "withhold small rates")
    export.set_defaults(func=cmd_export)
    imp = sub.add_parser("import-returns", help="import returns from a CSV or XLSX file, all or nothing")
    imp.add_argument("file", help="a .csv or .xlsx in long form (see the README, Importing history)")
    imp.add_argument("--dry-run", action="store_true", help="check the file and say what would be "
                     "imported; write nothing")
    imp.add_argument("--status", default="approved", choices=["approved", "submitted"],
                     help="the imported returns' status (default approved)")
    imp.add_argument("--replace", action="store_true",
                     help="replace returns already in the app (needs --reason)")
    imp.add_argument("--reason", help="why returns are replaced (kept in the audit trail)")
    imp.set_defaults(func=cmd_import_returns)
    exp = sub.add_parser("export-returns", help="write every approved return in the import's long form")
    exp.add_argument("--out", required=True, help="file to write (.csv)")
    exp.add_argument("--template", action="store_true",
                     help="the catalogue's services, measures and categories with blank figures")
    exp.set_defaults(func=cmd_export_returns)
    tok = sub.add_parser("create-api-token", help="make a personal API token for a user (shown once)")
    tok.add_argument("--email", required=True)
    tok.add_argument("--name", required=True, help="what it is for, like \"Power BI\"")
    tok.add_argument("--days", type=int, default=90, help="how long it lasts (1 to 365, default 90)")
    tok.set_defaults(func=cmd_create_api_token)
    rev = sub.add_parser("revoke-api-token", help="revoke one of a user's API tokens by its name")
    rev.add_argument("--email", required=True)
    rev.add_argument("--name", required=True)
    rev.set_defaults(func=cmd_revoke_api_token)
    back = sub.add_parser("backup", help="copy the SQLite database, safely while it runs")
    back.add_argument("--out", required=True, help="file to write")
    back.set_defaults(func=cmd_backup)
    rest = sub.add_parser("restore", help="replace the SQLite database with a backup")
    rest.add_argument("file", help="a file written by backup")
    rest.set_defaults(func=cmd_restore)
    remind = sub.add_parser("send-reminders",
                            help="email today's reminders to providers with returns to submit (for cron)")
    remind.add_argument("--today", metavar="YYYY-MM-DD", help="act as if today were this date")
    remind.add_argument("--dry-run", action="store_true",
                        help="list who would be reminded; send and record nothing")
    remind.set_defaults(func=cmd_send_reminders)
    sub.add_parser("send-mail", help="deliver mail left queued by a stopped app process"
                   ).set_defaults(func=cmd_send_mail)
    prep = sub.add_parser("prepare-exports", help="keep the whole partnership's CSV and XLSX "
                          "files for the current figures, ready to download")
    prep.add_argument("--force", action="store_true",
                      help="whatever the partnership's size (EXPORT_PREPARE_METRICS)")
    prep.add_argument("--quietly", action="store_true",
                      help="at a low priority, printing only the outcome (as the web app runs it)")
    prep.add_argument("--only", action="append", metavar="FILE",
                      help="this file instead of the default ones, as fmt:year:quarter:open|published:"
                           "approved|provisional, e.g. xlsx:2025:year:open:approved (repeatable)")
    prep.set_defaults(func=cmd_prepare_exports)
    serve = sub.add_parser("serve", help="run the development server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        print(args.func(args, settings))
    except (ConfigError, ValueError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    return 0
