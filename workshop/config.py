"""Settings from the environment, with safe defaults for one offline laptop."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"
MAPS_DIR = ROOT / "maps"


class Settings(BaseSettings):
    """Every setting is documented in README.md (a test checks it)."""

    model_config = SettingsConfigDict(env_prefix="WORKSHOP_", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"), description="Folder for the SQLite file and the secret key."
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means SQLite at <data_dir>/workshop.db.",
    )
    secret_key: str = Field(
        default="",
        description="Signs cookies; empty means generate once and keep in <data_dir>/secret.key.",
    )
    sqlite_busy_timeout_ms: int = Field(
        default=5000, description="How long a SQLite writer waits for the lock."
    )
    write_queue_max: int = Field(
        default=400,
        ge=1,
        description=(
            "Write requests that may wait for the database at once (SQLite: for the one "
            "writer; PostgreSQL: for a pooled connection); more get an immediate 503 with "
            "Retry-After, which tablets resend."
        ),
    )
    write_wait_s: float = Field(
        default=10.0,
        gt=0,
        description="Deadline for a request waiting in that queue (then 503 + Retry-After).",
    )
    db_pool_size: int = Field(
        default=10,
        ge=1,
        description=(
            "PostgreSQL connections per worker process (requests beyond it wait in the "
            "queue above; workers × pool size must stay under the server's max_connections)."
        ),
    )
    access_log: bool = Field(
        default=False, description="Log every request (uvicorn's access log) on `serve`."
    )
    public_url: str = Field(
        default="",
        description="Base URL tablets use (e.g. http://192.168.1.10:8000); empty = detect.",
    )
    cookie_secure: bool = Field(
        default=False, description="Send cookies only over HTTPS (turn on behind TLS)."
    )
    session_idle_minutes: int = Field(
        default=120, ge=1, description="A planner's login session ends after this idle time."
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated reverse-proxy addresses whose X-Forwarded-For/Proto "
        "headers are believed; empty = none.",
    )

    @property
    def photos_dir(self) -> Path:
        """Where asset photos are kept (random names, served only inside their workshop)."""
        return self.data_dir / "photos"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'workshop.db').resolve()}"

    def resolved_secret_key(self) -> str:
        """Return the configured key, or the one kept in the data folder (made once)."""
        if self.secret_key:
            return self.secret_key
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key_file = self.data_dir / "secret.key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return key_file.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
