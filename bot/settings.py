"""Settings from the environment and ``.env`` (documented in ``.env.example``).

Secrets are ``SecretStr``: they print as ``**********`` in reprs, logs and tracebacks;
call ``.get_secret_value()`` only where the value is handed to Telegram.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")
#: What Telegram accepts as setWebhook's secret_token.
WEBHOOK_SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str | None = None
    telegram_base_file_url: str | None = None
    database_url: str = "sqlite+aiosqlite:///./data/kl44.db"
    admin_user_ids: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    timezone: str = "Asia/Ho_Chi_Minh"
    default_language: Language = "vi"
    webhook_url: str | None = None
    # Behind a reverse proxy on the same host by default; 0.0.0.0 only on purpose.
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    log_level: str = "INFO"
    # "text" (one readable line per event) or "json" (one JSON object per line).
    log_format: Literal["text", "json"] = "text"
    # Throttle outgoing requests to Telegram's limits (PTB AIORateLimiter: ~30/s overall,
    # 20/min per group, retries on 429). Off only for measurements against the emulator.
    rate_limit: bool = True
    # How many updates (of different chats) are processed at once; each chat stays in
    # order. 1 (one at a time) until every area is known to be free of cross-chat races.
    concurrent_updates: int = Field(default=1, ge=1, le=256)
    # Per-user throttle: more than THROTTLE_MESSAGES updates in THROTTLE_SECONDS get one
    # "slow down", then silence until the window passes; 0 = off.
    throttle_messages: int = Field(default=20, ge=0, le=10_000)
    throttle_seconds: float = Field(default=30, gt=0, le=3600)
    # Curation: where the knowledge base's files live (default: knowledge/data in the
    # package), reloaded from there by /taiknowledge; the key of the pseudonymous ids of
    # askers in the unanswered-questions log (default: a random per-install salt in the DB).
    knowledge_dir: str | None = None
    pseudonym_secret: SecretStr | None = None
    # Operations: /metrics and /healthz on METRICS_LISTEN:METRICS_PORT (0 = off), and
    # replicas: on PostgreSQL ("auto"/"on") one replica is active and the others stand
    # by; "off" = a single replica without the lease. SQLite is always one replica.
    metrics_listen: str = "127.0.0.1"
    metrics_port: int = Field(default=9464, ge=0, le=65535)
    replica_mode: Literal["auto", "on", "off"] = "auto"

    @property
    def replicated(self) -> bool:
        """Several replicas may share the database: hold the lease to be the active one."""
        postgres = self.database_url.startswith(("postgresql", "postgres"))
        return postgres and self.replica_mode != "off"

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if value is None:
            return frozenset()
        if isinstance(value, int):
            return frozenset({value})
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            try:
                return frozenset(int(p) for p in parts if p)
            except ValueError:
                raise ValueError("ADMIN_USER_IDS must be integers separated by commas") from None
        return value

    @field_validator("telegram_bot_token", "webhook_secret", "pseudonym_secret", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator(
        "telegram_base_url", "telegram_base_file_url", "webhook_url", "knowledge_dir", mode="before"
    )
    @classmethod
    def _blank_url_is_none(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.strip().upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value

    @field_validator("default_language", mode="before")
    @classmethod
    def _lang(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _webhook_needs_a_secret(self) -> Settings:
        """Webhook mode without a secret lets anyone who reaches the port post updates
        "from" any user, an admin included: refuse to run that way."""
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else None
        if secret is not None and not WEBHOOK_SECRET_SHAPE.fullmatch(secret):
            raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z a-z 0-9 _ -")
        if self.webhook_url and secret is None:
            raise ValueError(
                "WEBHOOK_SECRET is required when WEBHOOK_URL is set (make one with: "
                'python -c "import secrets; print(secrets.token_urlsafe(32))")'
            )
        return self

    # -- derived values ------------------------------------------------------------

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def token(self) -> str | None:
        """The bot token, or None. Hand it to Telegram only; never log it."""
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None

    @property
    def base_url(self) -> str | None:
        """Bot API base URL such as ``http://127.0.0.1:8081/bot`` (the token is appended)."""
        return self.telegram_base_url

    @property
    def base_file_url(self) -> str | None:
        """File download base: explicit, or derived from the base URL (…/bot → …/file/bot)."""
        if self.telegram_base_file_url:
            return self.telegram_base_file_url
        if not self.telegram_base_url:
            return None
        base = self.telegram_base_url.rstrip("/")
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base + "/file"

    @property
    def webhook_path(self) -> str:
        """The path part of WEBHOOK_URL, where the local webhook server listens."""
        if not self.webhook_url:
            return ""
        return urlsplit(self.webhook_url).path.lstrip("/")

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admin_user_ids


def describe_invalid(exc: ValidationError) -> str:
    """One line naming each bad setting by its variable, never echoing the value."""
    problems = []
    for error in exc.errors():
        name = "_".join(str(part) for part in error["loc"]).upper()
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.append(f"{name}: {message}" if name else message)
    return "invalid settings: " + "; ".join(problems)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment and ``.env``; keyword overrides win."""
    return Settings(**overrides)  # type: ignore[arg-type]  # field values by keyword
