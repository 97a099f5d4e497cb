"""Settings read from the environment (prefix ``MARRAKECH_``, plus ``DATABASE_URL``)."""

import os
from functools import lru_cache
from ipaddress import ip_network
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The tree holding templates/, migrations/, seed/, alembic.ini and app/static, app/locale:
# the checkout, or MARRAKECH_HOME where the package is installed apart from it (the image).
ROOT_DIR = Path(os.environ.get("MARRAKECH_HOME") or Path(__file__).resolve().parent.parent)
DEVELOPMENT_SECRET = "development-secret-change-me"  # noqa: S105 - the refused placeholder
DEVELOPMENT_BASE_URL = "http://127.0.0.1:8000"
LOCAL_HOSTS = ("localhost", "127.0.0.1")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MARRAKECH_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(
        default=f"sqlite:///{ROOT_DIR / 'var' / 'marrakech.db'}",
        validation_alias="DATABASE_URL",
    )
    secret_key: str = DEVELOPMENT_SECRET
    var_dir: Path = ROOT_DIR / "var"
    # The address readers use, for every absolute link (API urls, feeds, private links in
    # emails), never the request's Host header. `marrakech serve` sets it to the address it
    # serves when it is not configured; production requires it.
    base_url: str = DEVELOPMENT_BASE_URL
    # Host names the server answers to (comma-separated); other Host headers get 400.
    # Empty: the base URL's host, plus localhost and 127.0.0.1 outside production.
    allowed_hosts: str = ""
    login_session_hours: int = 12
    login_throttle_attempts: int = 5  # failures per account and client address
    login_throttle_address_attempts: int = 20  # failures per client address, any accounts
    login_throttle_minutes: int = 15
    # Proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For is believed; none by default.
    trusted_proxies: Annotated[list[str], NoDecode] = []
    secure_cookies: bool = False
    # Production without TLS (a test deployment only): cookies then travel in clear text.
    allow_insecure_cookies: bool = False
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "Marrakech Platform <no-reply@marrakech-platform.example>"
    retention_days: int = 180
    # Worker processes of `marrakech serve`; None: 2 in production, 1 otherwise.
    web_workers: int | None = None
    # Render a published agenda revision's or statement's PDFs in a background thread.
    pdf_background: bool = True
    max_request_mb: int = 4  # the largest request body; nomination letters may be larger
    log_format: Literal["text", "json"] = "text"  # json: one object a line (the image's choice)
    log_level: str = "INFO"

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        for proxy in value if isinstance(value, list) else []:
            ip_network(proxy, strict=False)  # a typo fails at start, not at the first sign-in
        return value

    @model_validator(mode="after")
    def _refuse_development_secret(self) -> "Settings":
        if self.environment == "production" and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError(
                "MARRAKECH_SECRET_KEY must be set to a private random value in production"
            )
        if self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError("MARRAKECH_SECRET_KEY must be at least 32 characters in production")
        url = urlsplit(self.base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError("MARRAKECH_BASE_URL must be an http(s) address, e.g. https://host")
        if self.environment == "production":
            if "base_url" not in self.model_fields_set:
                raise ValueError(
                    "MARRAKECH_BASE_URL must be set to the public address in production"
                )
            if not self.allowed_hosts.strip():
                raise ValueError(
                    "MARRAKECH_ALLOWED_HOSTS must list the served host names in production"
                )
        if (
            self.environment == "production"
            and not self.secure_cookies
            and not self.allow_insecure_cookies
        ):
            raise ValueError(
                "MARRAKECH_SECURE_COOKIES=true is required in production: the site is meant to "
                "be served over HTTPS, and without it the login cookie travels in clear text. "
                "For a test deployment without TLS, set MARRAKECH_ALLOW_INSECURE_COOKIES=true."
            )
        return self

    @property
    def workers(self) -> int:
        """How many worker processes `marrakech serve` starts."""
        if self.web_workers is not None:
            return self.web_workers
        return 2 if self.environment == "production" else 1

    @property
    def public_origin(self) -> str:
        """The base URL without its trailing slash: absolute links start with it."""
        return self.base_url.rstrip("/")

    @property
    def trusted_hosts(self) -> list[str]:
        """The Host names requests may carry (Starlette's TrustedHostMiddleware)."""
        configured = [host.strip() for host in self.allowed_hosts.split(",") if host.strip()]
        if configured:
            return configured
        hosts = [urlsplit(self.base_url).hostname or ""]
        if self.environment != "production":
            hosts += [host for host in LOCAL_HOSTS if host not in hosts]
        return hosts


@lru_cache
def get_settings() -> Settings:
    return Settings()
