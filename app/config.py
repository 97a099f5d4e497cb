"""Settings read from the environment (prefix ``MARRAKECH_``, plus ``DATABASE_URL``)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT_DIR = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET = "development-secret-change-me"  # noqa: S105 - the refused placeholder


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MARRAKECH_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(
        default=f"sqlite:///{ROOT_DIR / 'var' / 'marrakech.db'}",
        validation_alias="DATABASE_URL",
    )
    secret_key: str = DEVELOPMENT_SECRET
    var_dir: Path = ROOT_DIR / "var"
    base_url: str = "http://127.0.0.1:8000"
    login_session_hours: int = 12
    login_throttle_attempts: int = 5
    login_throttle_minutes: int = 15
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
    max_request_mb: int = 4  # the largest request body; nomination letters may be larger

    @model_validator(mode="after")
    def _refuse_development_secret(self) -> "Settings":
        if self.environment == "production" and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError(
                "MARRAKECH_SECRET_KEY must be set to a private random value in production"
            )
        if self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError("MARRAKECH_SECRET_KEY must be at least 32 characters in production")
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


@lru_cache
def get_settings() -> Settings:
    return Settings()
