"""Settings from environment variables, read once by create_app (never at import)."""

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from adapters.http.scopes import SCOPES
from app.connection_limits import CLIENT_TIMEOUT_SECONDS, KEEP_ALIVE_SECONDS

STORAGES = ("sqlite", "dynamodb")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("json", "console")
DEFAULT_RATE_PER_SECOND = 1000.0
DEFAULT_BURST = 2000
HIGHEST_RATE = 1_000_000
DEFAULT_BODY_CACHE_BYTES = 16 * 1024 * 1024
HIGHEST_BODY_CACHE_BYTES = 1024**3
DEFAULT_CURSOR_SECRET = "workflow-orders-cursor-v1"  # noqa: S105 - integrity key, see docs/operations.md


class SettingsError(ValueError):
    """An environment variable has a value the service cannot run with (exit code 2)."""


@dataclass(frozen=True, slots=True)
class Settings:
    storage: str = "sqlite"
    sqlite_path: str = "./workflow-orders.db"
    auth_tokens: Mapping[str, str] = field(default_factory=dict)
    log_level: str = "INFO"
    log_format: str = "console"
    cursor_secret: str = DEFAULT_CURSOR_SECRET
    dynamodb_table_prefix: str = ""
    storage_timeout_seconds: float = 2.5
    access_log: bool = True
    aws_region: str | None = None
    shutdown_drain_seconds: float = 2.0
    stream_heartbeat_seconds: float = 15.0
    stream_max_subscribers: int = 1000
    rate_limit_per_second: float = DEFAULT_RATE_PER_SECOND
    """Each consumer's sustained request budget on this replica; 0 turns fair use off."""
    rate_limit_burst: int = DEFAULT_BURST
    """How many requests a consumer may make at once, on top of which its budget refills."""
    keep_alive_seconds: int = KEEP_ALIVE_SECONDS
    """How long an idle kept-alive connection stays open; behind a load balancer, longer than its idle timeout."""
    client_timeout_seconds: int = CLIENT_TIMEOUT_SECONDS
    """How long a request's head or body may take to arrive, and a response wait on a client that stops reading."""
    body_cache_bytes: int = DEFAULT_BODY_CACHE_BYTES
    """Bytes of encoded response bodies kept by entity tag (adapters.body_cache); 0 keeps none."""
    tracing: bool = False
    """OpenTelemetry traces exported over OTLP/HTTP; the SDK reads every other OTEL_* variable itself."""
    dynamodb_endpoint: str | None = None
    """AWS_ENDPOINT_URL_DYNAMODB (or AWS_ENDPOINT_URL), named in the start line; botocore reads it itself."""

    def storage_description(self) -> str:
        """Which storage a command or the service uses, resolved: the absolute SQLite path (a relative
        WFO_SQLITE_PATH follows the current directory), or DynamoDB's region, endpoint and prefix."""
        if self.storage == "sqlite":
            return f"SQLite file {os.path.abspath(self.sqlite_path)}"
        return (
            f"DynamoDB in {self.aws_region} at {self.dynamodb_endpoint or 'the AWS endpoint'}, "
            f"table prefix {self.dynamodb_table_prefix!r}"
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """Read WFO_* variables; raise SettingsError naming the first bad one."""
        env = os.environ if env is None else env
        storage = _choice(env, "WFO_STORAGE", "sqlite", STORAGES)
        log_level = _choice(env, "WFO_LOG_LEVEL", "INFO", LOG_LEVELS, upper=True)
        default_format = "console" if _stdout_is_tty() else "json"
        log_format = _choice(env, "WFO_LOG_FORMAT", default_format, LOG_FORMATS)
        tokens = parse_tokens(env.get("WFO_AUTH_TOKENS", ""), "WFO_AUTH_TOKENS")
        if token_file := env.get("WFO_AUTH_TOKENS_FILE", "").strip():
            tokens = {**tokens, **_tokens_from_file(token_file)}
        aws_region = (env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "").strip() or None
        if storage == "dynamodb" and aws_region is None:
            raise SettingsError("WFO_STORAGE=dynamodb needs AWS_REGION (or AWS_DEFAULT_REGION)")
        sqlite_path = env.get("WFO_SQLITE_PATH", "./workflow-orders.db").strip()
        if not sqlite_path:
            raise SettingsError("WFO_SQLITE_PATH must not be empty")
        secret = env.get("WFO_CURSOR_SECRET", DEFAULT_CURSOR_SECRET)
        if len(secret) < 16:
            raise SettingsError("WFO_CURSOR_SECRET must be at least 16 characters")
        return cls(
            storage=storage,
            sqlite_path=sqlite_path,
            auth_tokens=tokens,
            log_level=log_level,
            log_format=log_format,
            cursor_secret=secret,
            dynamodb_table_prefix=env.get("WFO_DYNAMODB_TABLE_PREFIX", ""),
            storage_timeout_seconds=_seconds(env, "WFO_STORAGE_TIMEOUT_SECONDS", 2.5),
            access_log=_choice(env, "WFO_ACCESS_LOG", "true", ("true", "false")) == "true",
            aws_region=aws_region,
            shutdown_drain_seconds=_seconds(env, "WFO_SHUTDOWN_DRAIN_SECONDS", 2.0, allow_zero=True),
            stream_heartbeat_seconds=_seconds(env, "WFO_STREAM_HEARTBEAT_SECONDS", 15.0),
            stream_max_subscribers=_count(env, "WFO_STREAM_MAX_SUBSCRIBERS", 1000, highest=100_000),
            rate_limit_per_second=_rate(env, "WFO_RATE_LIMIT_PER_SECOND", DEFAULT_RATE_PER_SECOND),
            rate_limit_burst=_count(env, "WFO_RATE_LIMIT_BURST", DEFAULT_BURST, highest=HIGHEST_RATE),
            keep_alive_seconds=_count(env, "WFO_KEEP_ALIVE_SECONDS", KEEP_ALIVE_SECONDS, highest=4000),
            client_timeout_seconds=_count(env, "WFO_CLIENT_TIMEOUT_SECONDS", CLIENT_TIMEOUT_SECONDS, highest=600),
            body_cache_bytes=_count(
                env, "WFO_BODY_CACHE_BYTES", DEFAULT_BODY_CACHE_BYTES, highest=HIGHEST_BODY_CACHE_BYTES, lowest=0
            ),
            tracing=_tracing_requested(env),
            dynamodb_endpoint=(env.get("AWS_ENDPOINT_URL_DYNAMODB") or env.get("AWS_ENDPOINT_URL") or "").strip()
            or None,
        )


def parse_tokens(text: str, variable: str) -> dict[str, str]:
    """`tokenA=write,tokenB=read` (commas or newlines between entries) → {token: scope}."""
    tokens: dict[str, str] = {}
    for entry in text.replace("\n", ",").split(","):
        entry = entry.strip()
        if not entry:
            continue
        token, sep, scope = entry.rpartition("=")
        token, scope = token.strip(), scope.strip().lower()
        if not sep or not token or scope not in SCOPES:
            raise SettingsError(f"{variable} entries must look like TOKEN=read or TOKEN=write")
        tokens[token] = scope
    return tokens


def _tokens_from_file(path: str) -> dict[str, str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise SettingsError(f"WFO_AUTH_TOKENS_FILE cannot be read: {error.strerror}") from error
    return parse_tokens(text, "WFO_AUTH_TOKENS_FILE")


def _choice(env: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...], upper: bool = False) -> str:
    raw = env.get(name, default).strip()
    value = raw.upper() if upper else raw.lower()
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)} (got {raw!r})")
    return value


def _seconds(env: Mapping[str, str], name: str, default: float, allow_zero: bool = False) -> float:
    return _number(env, name, default, (0.0, 60.0), allow_zero, "a number of seconds from 0 to 60")


def _rate(env: Mapping[str, str], name: str, default: float) -> float:
    unit = f"a number of requests per second from 0 (off) to {HIGHEST_RATE}"
    return _number(env, name, default, (0.0, HIGHEST_RATE), True, unit)


def _number(
    env: Mapping[str, str], name: str, default: float, bounds: tuple[float, float], allow_lowest: bool, unit: str
) -> float:
    """The number `name` holds (`default` when unset), within `bounds` (the lowest itself only when
    `allow_lowest`); a SettingsError naming `unit` otherwise, NaN and text included."""
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    lowest, highest = bounds
    if not ((value >= lowest if allow_lowest else value > lowest) and value <= highest):
        raise SettingsError(f"{name} must be {unit} (got {raw!r})")
    return value


def _count(env: Mapping[str, str], name: str, default: int, *, highest: int, lowest: int = 1) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    value = int(raw) if raw.strip().isdigit() else -1
    if not lowest <= value <= highest:
        raise SettingsError(f"{name} must be a whole number from {lowest} to {highest} (got {raw!r})")
    return value


def _tracing_requested(env: Mapping[str, str]) -> bool:
    """Traces are on when an OTLP endpoint is set (for traces, or for every signal) and the SDK is
    not disabled: the standard variables, so that a collector set-up needs nothing of ours."""
    endpoint = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").strip() or env.get("OTEL_EXPORTER_OTLP_ENDPOINT", "")
    disabled = env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true"
    return bool(endpoint.strip()) and not disabled


def _stdout_is_tty() -> bool:
    try:
        return os.isatty(1)
    except OSError:
        return False
