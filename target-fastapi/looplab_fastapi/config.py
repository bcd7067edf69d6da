"""The environment, read and validated once; every problem is reported, not just the first."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from looplab_instrument import Settings as InstrumentSettings
from looplab_instrument import SettingsError, settings_from_env

from .contract import Contract
from .telemetry.sampler import SamplerConfigError, sampler_from_env

LOG_LEVELS = ("fatal", "error", "warn", "info", "debug", "trace", "silent")
_DECIMAL = re.compile(r"^-?\d+$")


class ConfigError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("Invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class AppConfig:
    port: int
    host: str
    log_level: str
    pool_size: int
    pool_queue_limit: int
    blocking_queue_limit: int
    task_history: int
    drain_timeout_ms: int
    shutdown_grace_ms: int
    retry_after_seconds: int
    instrument: InstrumentSettings
    """LOOPLAB_EVENT_LOOP_*, LOOPLAB_ATTRIBUTION, LOOPLAB_STALL_*: read by looplab_instrument."""
    instrumentation: bool
    fault_injection: bool
    otlp_endpoint: str | None
    service_name: str


def default_pool_size() -> int:
    return max(1, (os.cpu_count() or 2) - 1)


class _Reader:
    def __init__(self, env: Mapping[str, str], contract: Contract) -> None:
        self.env = env
        self.defaults = contract.defaults
        self.problems: list[str] = []

    def raw(self, key: str) -> str | None:
        value = self.env.get(key)
        return None if value is None or value == "" else value

    def integer(self, key: str, low: int, high: int, default: int | None = None) -> int:
        fallback = default if default is not None else int(self.defaults[key])
        value = self.raw(key)
        if value is None:
            return fallback
        if not _DECIMAL.match(value):
            self.problems.append(f'{key}="{value}": must be a decimal integer')
            return fallback
        number = int(value)
        if not low <= number <= high:
            self.problems.append(f'{key}="{value}": must be between {low} and {high}')
            return fallback
        return number

    def choice(self, key: str, options: tuple[str, ...], default: str) -> str:
        value = self.raw(key)
        if value is None:
            return default
        if value not in options:
            self.problems.append(f'{key}="{value}": must be one of {"|".join(options)}')
            return default
        return value

    def url(self, key: str) -> str | None:
        value = self.raw(key)
        if value is None:
            return None
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            self.problems.append(f'{key}="{value}": must be an http(s) URL')
            return None
        return value


def _instrument_settings(read: _Reader) -> InstrumentSettings:
    try:
        return settings_from_env(read.env)
    except SettingsError as error:
        read.problems.extend(error.problems)
        return InstrumentSettings()


def load_config(contract: Contract, env: Mapping[str, str] | None = None) -> AppConfig:
    read = _Reader(os.environ if env is None else env, contract)
    on_off = ("on", "off")
    config = AppConfig(
        port=read.integer("PORT", 0, 65535),
        host=read.raw("HOST") or str(contract.defaults["HOST"]),
        log_level=read.choice("LOG_LEVEL", LOG_LEVELS, "info"),
        pool_size=read.integer("LOOPLAB_POOL_SIZE", 1, 256, default_pool_size()),
        pool_queue_limit=read.integer("LOOPLAB_POOL_QUEUE_LIMIT", 1, 100_000),
        blocking_queue_limit=read.integer("LOOPLAB_BLOCKING_QUEUE_LIMIT", 1, 100_000),
        task_history=read.integer("LOOPLAB_TASK_HISTORY", 10, 1_000_000),
        drain_timeout_ms=read.integer("LOOPLAB_DRAIN_TIMEOUT_MS", 0, 600_000),
        shutdown_grace_ms=read.integer("LOOPLAB_SHUTDOWN_GRACE_MS", 0, 600_000),
        retry_after_seconds=read.integer("LOOPLAB_RETRY_AFTER_SECONDS", 1, 3600),
        instrument=_instrument_settings(read),
        instrumentation=read.choice("LOOPLAB_INSTRUMENTATION", on_off, "on") == "on",
        fault_injection=read.choice("LOOPLAB_FAULT_INJECTION", on_off, "off") == "on",
        otlp_endpoint=read.url("OTEL_EXPORTER_OTLP_ENDPOINT"),
        service_name=read.raw("OTEL_SERVICE_NAME") or "looplab-target-fastapi",
    )
    try:
        sampler_from_env(read.env)
    except SamplerConfigError as error:
        read.problems.append(str(error))
    if read.problems:
        raise ConfigError(read.problems)
    return config
