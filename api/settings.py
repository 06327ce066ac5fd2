"""Configuration, read only from environment variables (see docs/operations.md, "Configuration")."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from api.notifications import SmtpSettings
from api.webhooks import WebhookSettings


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _thresholds(name: str, default: tuple[int, int, int]) -> tuple[int, int, int]:
    value = os.environ.get(name)
    if not value:
        return default
    parts = [int(p) for p in value.split(",")]
    if len(parts) != 3 or any(p < 1 for p in parts):
        raise ValueError(f"{name} is three positive whole numbers, e.g. 100000,50,1000")
    return parts[0], parts[1], parts[2]


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = (os.environ.get(name) or default).strip().lower()
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str | None = None
    app_database_url: str | None = None
    read_database_url: str | None = None
    app_password: str | None = None
    data_dir: Path = field(default_factory=lambda: Path(".jointcode"))
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    pool_size: int = 10
    statement_timeout_ms: int = 10_000
    pool_timeout_ms: int = 5_000
    client_timeout_ms: int = 10_000  # a client owing part of a request, silent this long
    http: str = "httptools"  # uvicorn's HTTP protocol (api.slowclients): httptools or h11
    gc_thresholds: tuple[int, int, int] = (100_000, 50, 1_000)  # Python's collector (api.app)
    concurrent_requests: int = 8  # GraphQL requests run at once per lane (api.admission)
    queue_timeout_ms: int = 60_000  # how long a request waits for its turn, then 503
    max_body_bytes: int = 1_048_576
    log_level: str = "info"
    log_format: str = "text"  # "json": one JSON object per line, with the request id
    public_cache_entries: int = 2048  # 0 turns the public response cache off
    public_cache_refresh_ms: int = 1000
    # the keys live apart from the database's files, so a copy of one is not a copy of both;
    # default: beside the data folder, named after it (.jointcode -> .jointcode-keys)
    key_dir_setting: Path | None = None
    signing_key_file: Path | None = None  # default: checkpoint-signing-key.pem in key_dir
    data_key_file: Path | None = None  # default: data-encryption-key in key_dir
    metrics_dir: Path | None = None  # default: metrics in data_dir
    anonymous_rate: str | None = "1200/minute"  # per client address; "" turns it off
    failed_auth_rate: str | None = "30/minute"
    report_rate: str | None = "10/hour"  # reports filed per client address; "" turns it off
    trusted_proxies: tuple[str, ...] = ()  # whose X-Forwarded-For is believed; none by default
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    scheduler: bool = True  # `serve` runs the periodic jobs too (off: `jointcode scheduler`)
    metrics_token: str | None = None  # /metrics for this bearer token; unset: loopback only

    @property
    def key_dir(self) -> Path:
        return self.key_dir_setting or self.data_dir.with_name(self.data_dir.name + "-keys")

    def _key(self, given: Path | None, name: str) -> Path:
        """A key file: as configured, else in ``key_dir``; a key an older version made in
        the data folder is still used there (move it to ``key_dir``: see DEPLOYMENT.md)."""
        if given is not None:
            return given
        legacy = self.data_dir / name
        if legacy.exists() and not (self.key_dir / name).exists():
            return legacy
        return self.key_dir / name

    @property
    def data_key_path(self) -> Path:
        return self._key(self.data_key_file, "data-encryption-key")

    @property
    def metrics_path(self) -> Path:
        return self.metrics_dir or self.data_dir / "metrics"

    @property
    def signing_key_path(self) -> Path:
        return self._key(self.signing_key_file, "checkpoint-signing-key.pem")

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=env.get("DATABASE_URL") or None,
            app_database_url=env.get("APP_DATABASE_URL") or None,
            read_database_url=env.get("JOINTCODE_READ_DATABASE_URL") or None,
            app_password=env.get("JOINTCODE_APP_PASSWORD") or None,
            data_dir=Path(env.get("JOINTCODE_DATA_DIR", ".jointcode")),
            key_dir_setting=Path(env["JOINTCODE_KEY_DIR"])
            if env.get("JOINTCODE_KEY_DIR")
            else None,
            host=env.get("JOINTCODE_HOST", "127.0.0.1"),
            port=_int("JOINTCODE_PORT", 8000),
            workers=_int("JOINTCODE_WORKERS", 1),
            pool_size=_int("JOINTCODE_DB_POOL_SIZE", 10),
            statement_timeout_ms=_int("JOINTCODE_STATEMENT_TIMEOUT_MS", 10_000),
            pool_timeout_ms=_int("JOINTCODE_POOL_TIMEOUT_MS", 5_000),
            client_timeout_ms=_int("JOINTCODE_CLIENT_TIMEOUT_MS", 10_000),
            http=_choice("JOINTCODE_HTTP", "httptools", ("httptools", "h11")),
            gc_thresholds=_thresholds("JOINTCODE_GC_THRESHOLDS", (100_000, 50, 1_000)),
            concurrent_requests=_int("JOINTCODE_CONCURRENT_REQUESTS", 8),
            queue_timeout_ms=_int("JOINTCODE_QUEUE_TIMEOUT_MS", 60_000),
            max_body_bytes=_int("JOINTCODE_MAX_BODY_BYTES", 1_048_576),
            log_level=env.get("JOINTCODE_LOG_LEVEL", "info"),
            log_format=env.get("JOINTCODE_LOG_FORMAT", "text"),
            public_cache_entries=_int("JOINTCODE_PUBLIC_CACHE_ENTRIES", 2048),
            public_cache_refresh_ms=_int("JOINTCODE_PUBLIC_CACHE_REFRESH_MS", 1000),
            anonymous_rate=env.get("JOINTCODE_RATE_ANONYMOUS", "1200/minute") or None,
            failed_auth_rate=env.get("JOINTCODE_RATE_FAILED_AUTH", "30/minute") or None,
            report_rate=env.get("JOINTCODE_RATE_REPORTS", "10/hour") or None,
            trusted_proxies=tuple(
                p.strip() for p in env.get("JOINTCODE_TRUSTED_PROXIES", "").split(",") if p.strip()
            ),
            webhooks=WebhookSettings(
                allow_http=_flag("JOINTCODE_WEBHOOK_ALLOW_HTTP"),
                allow_private=_flag("JOINTCODE_WEBHOOK_ALLOW_PRIVATE"),
                retry_ms=_int("JOINTCODE_WEBHOOK_RETRY_MS", 5_000),
                max_attempts=_int("JOINTCODE_WEBHOOK_MAX_ATTEMPTS", 10),
                poll_ms=_int("JOINTCODE_WEBHOOK_POLL_MS", 1_000),
                timeout_ms=_int("JOINTCODE_WEBHOOK_TIMEOUT_MS", 10_000),
                warning_days=_int("JOINTCODE_DEADLINE_WARNING_DAYS", 2),
                lease_seconds=_int("JOINTCODE_WEBHOOK_LEASE_SECONDS", 60),
            ),
            metrics_token=env.get("JOINTCODE_METRICS_TOKEN") or None,
            scheduler=env.get("JOINTCODE_SCHEDULER", "on").strip().lower()
            not in ("0", "off", "false", "no"),
            smtp=SmtpSettings(
                host=env.get("JOINTCODE_SMTP_HOST") or None,
                port=_int("JOINTCODE_SMTP_PORT", 587),
                username=env.get("JOINTCODE_SMTP_USERNAME") or None,
                password=env.get("JOINTCODE_SMTP_PASSWORD") or None,
                sender=env.get("JOINTCODE_SMTP_FROM") or "Joint Code <no-reply@localhost>",
                starttls=env.get("JOINTCODE_SMTP_STARTTLS", "1").strip().lower()
                not in ("0", "false", "no", "off"),
                implicit_tls=_flag("JOINTCODE_SMTP_TLS"),
                public_url=env.get("JOINTCODE_PUBLIC_URL") or None,
                poll_ms=_int("JOINTCODE_SMTP_POLL_MS", 60_000),
            ),
            metrics_dir=Path(env["JOINTCODE_METRICS_DIR"])
            if env.get("JOINTCODE_METRICS_DIR")
            else None,
            data_key_file=Path(env["JOINTCODE_DATA_KEY_FILE"])
            if env.get("JOINTCODE_DATA_KEY_FILE")
            else None,
            signing_key_file=Path(env["JOINTCODE_SIGNING_KEY_FILE"])
            if env.get("JOINTCODE_SIGNING_KEY_FILE")
            else None,
        )
