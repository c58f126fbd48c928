"""Settings from `LANTOA_*` environment variables.

Rules: the secret key is required outside development and test; in development
the key the demo wrote to `instance/secret_key` is used. Nothing here writes a
file or opens a connection.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

ENVIRONMENTS = ("development", "test", "production")

# name -> (default, help): what the code does when the variable is unset, as the README's settings table states it
# (`<instance>` is LANTOA_INSTANCE_PATH, `<project>` the folder holding `app/`); tests/test_readme_defaults.py
# checks the table, these defaults and `load_settings` against one another.
SETTINGS: dict[str, tuple[str, str]] = {
    "LANTOA_ENV": ("production", "development, test or production; production requires a secret key"),
    "LANTOA_SECRET_KEY": ("", "session signing key; falls back to instance/secret_key (written by the demo)"),
    "LANTOA_DATABASE_URL": ("sqlite:///<instance>/lantoa.db", "SQLAlchemy URL, e.g. postgresql+psycopg://u@h/db"),
    "LANTOA_INSTANCE_PATH": ("<project>/instance", "folder for the SQLite file, the secret key and uploads"),
    "LANTOA_SECURE_COOKIES": ("0", "1 sends the session cookie only over HTTPS (set behind TLS)"),
    "LANTOA_PROXY_HOPS": ("0", "number of reverse proxies in front of the app that set X-Forwarded-For/-Proto; "
                               "0 = not behind a proxy, the headers are ignored"),
    "LANTOA_SMTP_URL": ("", "smtp://user:pass@host:port for outgoing mail; empty keeps mail in the outbox"),
    "LANTOA_MAIL_FROM": ("lantoa@localhost", "sender address of outgoing mail"),
    "LANTOA_PAGE_SIZE": ("50", "rows per page in lists"),
    "LANTOA_TIMEZONE": ("Asia/Ho_Chi_Minh", "timezone of the scheduler and of 'today'"),
    "LANTOA_PROVINCE_CODE": ("P19", "code of the programme's province: the root of province-wide boards"),
    "LANTOA_UPLOAD_DIR": ("<instance>/uploads", "folder of uploaded evidence files (stored under random names)"),
    "LANTOA_UPLOAD_MAX_MB": ("10", "largest evidence file accepted, in megabytes (requests may be that large)"),
    "LANTOA_REMINDER_DAYS": ("7", "remind lead units this many days before an activity starts or is due"),
    "LANTOA_TODAY": ("", "pins 'today' (YYYY-MM-DD) for demos and tests; refused in production"),
    "LANTOA_REPORTS_DIR": ("<instance>/reports", "folder of the generated quarterly report workbooks (the archive)"),
    "LANTOA_EXPORTS_DIR": ("<instance>/exports", "folder of the large exports made in the background (Tệp xuất)"),
    "LANTOA_EXPORT_KEEP_DAYS": ("7", "days a background export file is kept before the cleanup job deletes it"),
    "LANTOA_BASE_URL": ("", "the address users open (https://lantoa.example.vn): links in e-mails start with it; "
                            "empty writes them as paths"),
    "LANTOA_SUMMARIES": ("serve", "serve: dashboards show stored summaries with their time, a stale one until the "
                                  "summaries_refresh job recomputes it; refresh: a stale summary is recomputed "
                                  "when read"),
}


def _env(name: str) -> str:
    return os.environ.get(name, "")


def load_settings(instance_path: Path) -> dict:
    """Return Flask config values built from the environment."""
    env = _env("LANTOA_ENV") or "production"
    if env not in ENVIRONMENTS:
        raise RuntimeError(f"LANTOA_ENV must be one of {ENVIRONMENTS}, not {env!r}")
    secret = _env("LANTOA_SECRET_KEY")
    key_file = instance_path / "secret_key"
    if not secret and key_file.is_file():
        secret = key_file.read_text().strip()
    if not secret:
        if env == "production":
            raise RuntimeError(
                "LANTOA_SECRET_KEY is required in production (or run `lantoa demo`, which writes "
                "instance/secret_key, with LANTOA_ENV=development)"
            )
        secret = "insecure-" + env
    database_url = _env("LANTOA_DATABASE_URL") or f"sqlite:///{instance_path / 'lantoa.db'}"
    secure = _env("LANTOA_SECURE_COOKIES") == "1"
    hops = _env("LANTOA_PROXY_HOPS") or "0"
    if not hops.isdigit():
        raise RuntimeError(f"LANTOA_PROXY_HOPS must be a whole number of proxies (0 = none), not {hops!r}")
    upload_max_mb = int(_env("LANTOA_UPLOAD_MAX_MB") or 10)
    pinned_today = _env("LANTOA_TODAY")
    if pinned_today:
        if env == "production":
            raise RuntimeError("LANTOA_TODAY pins the date for demos and tests; it is refused in production")
        try:
            date.fromisoformat(pinned_today)
        except ValueError:
            raise RuntimeError(f"LANTOA_TODAY must be a date YYYY-MM-DD, not {pinned_today!r}") from None
    summaries = _env("LANTOA_SUMMARIES") or "serve"
    if summaries not in ("serve", "refresh"):
        raise RuntimeError(f"LANTOA_SUMMARIES must be serve or refresh, not {summaries!r}")
    return {
        "LANTOA_ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        # 20 MB for every request (roster and table imports), more when evidence files may be larger
        "MAX_CONTENT_LENGTH": max(20, upload_max_mb + 1) * 1024 * 1024,
        "LANTOA_SMTP_URL": _env("LANTOA_SMTP_URL"),
        "LANTOA_MAIL_FROM": _env("LANTOA_MAIL_FROM") or "lantoa@localhost",
        "LANTOA_PROXY_HOPS": int(hops),
        "LANTOA_PAGE_SIZE": int(_env("LANTOA_PAGE_SIZE") or 50),
        "LANTOA_TIMEZONE": _env("LANTOA_TIMEZONE") or "Asia/Ho_Chi_Minh",
        "LANTOA_PROVINCE_CODE": _env("LANTOA_PROVINCE_CODE") or "P19",
        "LANTOA_UPLOAD_DIR": _env("LANTOA_UPLOAD_DIR") or str(instance_path / "uploads"),
        "LANTOA_UPLOAD_MAX_MB": upload_max_mb,
        "LANTOA_REMINDER_DAYS": int(_env("LANTOA_REMINDER_DAYS") or 7),
        "LANTOA_TODAY": pinned_today,
        "LANTOA_REPORTS_DIR": _env("LANTOA_REPORTS_DIR") or str(instance_path / "reports"),
        "LANTOA_EXPORTS_DIR": _env("LANTOA_EXPORTS_DIR") or str(instance_path / "exports"),
        "LANTOA_EXPORT_KEEP_DAYS": int(_env("LANTOA_EXPORT_KEEP_DAYS") or 7),
        "LANTOA_BASE_URL": _env("LANTOA_BASE_URL").rstrip("/"),
        "LANTOA_SUMMARIES": summaries,
    }
