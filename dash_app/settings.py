"""Settings read from the environment in one place (DESIGN §5)."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE = PROJECT_ROOT / "instance"
DEFAULT_DATABASE_URL = f"sqlite:///{INSTANCE / 'monitor.db'}"
ENVIRONMENTS = ("development", "production")
_WEAK_KEYS = {"", "change-me", "changeme", "secret", "dev", "development"}


class ConfigError(RuntimeError):
    """Configuration the app cannot start with; the message is one plain sentence."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    env: str
    today: dt.date | None = None  # fixed "today" for demos and tests; None means the real date
    session_lifetime: dt.timedelta = dt.timedelta(hours=12)  # absolute, however active
    idle_timeout: dt.timedelta = dt.timedelta(minutes=30)  # signed out after this long idle
    timeout_warning: dt.timedelta = dt.timedelta(minutes=2)  # the dialog shows this long before
    autosave_seconds: float = 4.0  # a draft is saved this long after typing stops; 0: never
    one_time_password_lifetime: dt.timedelta = dt.timedelta(days=7)
    max_request_bytes: int = 2_000_000  # Flask's MAX_CONTENT_LENGTH
    login_rate_limit: str = "20 per minute"  # per client, on POST /login (Flask-Limiter)
    api_rate_limit: str = "120 per minute"  # per API token, on /api/v1 (Flask-Limiter)
    cache_url: str | None = None  # redis://… shares the view cache and the rate limits
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For/-Proto to trust
    # Mail (issue 18): smtp://user:password@host:587?starttls=1 or smtps://…:465; None writes
    # each message as an .eml file to outbox_dir instead (development, `make run`).
    smtp_url: str | None = None
    mail_from: str = "CWP Outcomes Monitor <no-reply@localhost>"
    outbox_dir: Path = INSTANCE / "outbox"
    # The address people open the app at, for links in emails (no trailing slash).
    public_url: str = "http://127.0.0.1:8050"
    # Background jobs (issue 20: the PDF pack and big exports). Without a broker they run in
    # a process of their own beside the web worker, their progress and result kept in a
    # diskcache folder (one machine); mail goes from a thread of each app process and
    # reminders from cron. With CELERY_BROKER_URL (redis://…) Celery workers run the jobs
    # (`celery -A dash_app.worker worker`) and deliver mail, and beat sends the reminders;
    # results go to CELERY_RESULT_BACKEND, the broker's URL unless set.
    jobs_dir: Path = INSTANCE / "jobs"
    chart_cache_dir: Path = INSTANCE / "chart-cache"  # the PDF's chart pictures (dash_app/cache.py)
    # CSV and XLSX exports kept as files, per data version and scope (dash_app/export_files.py):
    # the folder, its bound, and from how many measures the whole partnership's are prepared
    # in the background after each change (0: never).
    export_cache_dir: Path = INSTANCE / "export-cache"
    export_cache_mb: int = 1024
    export_prepare_metrics: int = 20_000
    celery_broker_url: str | None = None
    celery_result_backend: str | None = None
    reminder_hour: int = 7  # the hour (Europe/London) beat sends the day's reminders

    @property
    def production(self) -> bool:
        return self.env == "production"

    def current_date(self) -> dt.date:
        return self.today or dt.date.today()


def _development_key() -> str:
    """A key kept in the instance folder, so sessions survive restarts and workers agree."""
    path = INSTANCE / "secret_key"
    if path.exists():
        return path.read_text().strip()
    INSTANCE.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    environ = os.environ if environ is None else environ
    env = str(overrides.get("env") or environ.get("MONITOR_ENV", "development")).strip()
    if env not in ENVIRONMENTS:
        raise ConfigError(f"MONITOR_ENV must be development or production, not '{env}'.")
    url = str(overrides.get("database_url") or environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    if url.startswith("sqlite:///instance/"):
        # The documented default is relative to the project, not to wherever we run from.
        url = f"sqlite:///{PROJECT_ROOT / url.removeprefix('sqlite:///')}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    key = str(overrides.get("secret_key") or environ.get("SECRET_KEY", "")).strip()
    if env == "production" and (key.lower() in _WEAK_KEYS or len(key) < 32):
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production "
            "(for example the output of: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    if not key:
        key = _development_key()
    _check_rate_limit(environ.get("LOGIN_RATE_LIMIT", "").strip())
    today_text = str(overrides.get("today") or environ.get("MONITOR_TODAY", "")).strip()
    try:
        today = dt.date.fromisoformat(today_text) if today_text else None
    except ValueError as exc:
        raise ConfigError(f"MONITOR_TODAY must be a date like 2026-11-25, not '{today_text}'.") from exc
    return Settings(
        database_url=url, secret_key=key, env=env, today=today,
        session_lifetime=dt.timedelta(hours=_number(environ, "SESSION_LIFETIME_HOURS", 12)),
        idle_timeout=dt.timedelta(minutes=_number(environ, "IDLE_TIMEOUT_MINUTES", 30)),
        one_time_password_lifetime=dt.timedelta(days=_number(environ, "ONE_TIME_PASSWORD_DAYS", 7)),
        max_request_bytes=int(_number(environ, "MAX_CONTENT_LENGTH", 2_000_000)),
        login_rate_limit=environ.get("LOGIN_RATE_LIMIT", "").strip() or "20 per minute",
        api_rate_limit=environ.get("API_RATE_LIMIT", "").strip() or "120 per minute",
        cache_url=environ.get("CACHE_URL", "").strip() or None,
        trusted_proxies=_proxies(environ),
        smtp_url=_smtp_url(environ),
        mail_from=environ.get("MAIL_FROM", "").strip() or Settings.mail_from,
        outbox_dir=Path(environ.get("MAIL_OUTBOX", "").strip() or INSTANCE / "outbox"),
        public_url=_public_url(environ),
        jobs_dir=Path(environ.get("JOBS_DIR", "").strip() or INSTANCE / "jobs"),
        chart_cache_dir=Path(environ.get("CHART_CACHE_DIR", "").strip() or INSTANCE / "chart-cache"),
        export_cache_dir=Path(environ.get("EXPORT_CACHE_DIR", "").strip() or INSTANCE / "export-cache"),
        export_cache_mb=int(_number(environ, "EXPORT_CACHE_MB", 1024)),
        export_prepare_metrics=_whole(environ, "EXPORT_PREPARE_METRICS", 20_000),
        celery_broker_url=_redis_url(environ, "CELERY_BROKER_URL"),
        celery_result_backend=(_redis_url(environ, "CELERY_RESULT_BACKEND")
                               or _redis_url(environ, "CELERY_BROKER_URL")),
        reminder_hour=_hour(environ),
    )


def _redis_url(environ: Mapping[str, str], name: str) -> str | None:
    """A Redis address for Celery, or None when unset. Only Redis is offered: it is what the
    tests and the README's production set-up run, and what Dash's Celery manager needs as a
    result store (one that can keep the job's progress beside its result)."""
    text = environ.get(name, "").strip()
    if not text:
        return None
    if not text.startswith(("redis://", "rediss://")):
        raise ConfigError(f"{name} must be a Redis address like redis://127.0.0.1:6379/0, "
                          f"not '{text.split('@')[-1]}'.")
    return text


def _smtp_url(environ: Mapping[str, str]) -> str | None:
    text = environ.get("SMTP_URL", "").strip()
    if not text:
        return None
    from notifications.mail import MailConfigError, smtp_config

    try:
        smtp_config(text)
    except MailConfigError as exc:
        raise ConfigError(str(exc)) from None
    return text


def _public_url(environ: Mapping[str, str]) -> str:
    text = environ.get("PUBLIC_URL", "").strip().rstrip("/") or Settings.public_url
    if not text.startswith(("http://", "https://")):
        raise ConfigError(f"PUBLIC_URL must start with http:// or https://, not '{text}'.")
    return text


def _hour(environ: Mapping[str, str]) -> int:
    text = environ.get("REMINDER_HOUR", "").strip() or "7"
    if not text.isdigit() or int(text) > 23:
        raise ConfigError(f"REMINDER_HOUR must be an hour of the day from 0 to 23, like 7, not '{text}'.")
    return int(text)


def _proxies(environ: Mapping[str, str]) -> int:
    text = environ.get("TRUSTED_PROXIES", "").strip() or "0"
    if not text.isdigit():
        raise ConfigError(f"TRUSTED_PROXIES must be a whole number of proxies, like 1, not '{text}'.")
    return int(text)


def _whole(environ: Mapping[str, str], name: str, default: int) -> int:
    """A whole number, 0 allowed (a threshold of 0 turns the feature off)."""
    text = environ.get(name, "").strip() or str(default)
    if not text.isdigit():
        raise ConfigError(f"{name} must be a whole number, like {default}, not '{text}'.")
    return int(text)


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1
    if value <= 0:
        raise ConfigError(f"{name} must be a positive number, not '{text}'.")
    return value


def _check_rate_limit(text: str) -> None:
    if not text:
        return
    from limits import parse_many

    try:
        parse_many(text)
    except ValueError:
        raise ConfigError(f"LOGIN_RATE_LIMIT must be like '20 per minute', not '{text}'.") from None
