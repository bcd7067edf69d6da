"""The instrument's settings: looplab's defaults (contract/data/defaults.json), their ranges, and
the same environment variables as the looplab apps. Bad values are errors naming the variable
and the range, never clipped."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from ._contract import CONTRACT

_DEFAULTS: dict[str, Any] = CONTRACT["defaults"]
_DECIMAL = re.compile(r"^-?\d+$")
ON_OFF = ("on", "off")

#: Integer settings: environment variable -> (lowest, highest) allowed value.
RANGES: dict[str, tuple[int, int]] = {
    "LOOPLAB_EVENT_LOOP_RESOLUTION_MS": (1, 100),
    "LOOPLAB_EVENT_LOOP_WINDOW_S": (1, 600),
    "LOOPLAB_STALL_THRESHOLD_MS": (1, 60_000),
    "LOOPLAB_STALL_SAMPLE_INTERVAL_MS": (1, 1000),
}
#: How often the loop writes its heartbeat; a stall is the heartbeat late past the threshold.
HEARTBEAT_MS = 10


class SettingsError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("Invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Settings:
    """Each field is named after its environment variable (see `ENV`)."""

    resolution_ms: int = int(_DEFAULTS["LOOPLAB_EVENT_LOOP_RESOLUTION_MS"])
    window_s: int = int(_DEFAULTS["LOOPLAB_EVENT_LOOP_WINDOW_S"])
    attribution: bool = _DEFAULTS["LOOPLAB_ATTRIBUTION"] == "on"
    stall_threshold_ms: int = int(_DEFAULTS["LOOPLAB_STALL_THRESHOLD_MS"])
    stall_sample_interval_ms: int = int(_DEFAULTS["LOOPLAB_STALL_SAMPLE_INTERVAL_MS"])

    def __post_init__(self) -> None:
        problems = []
        for field in fields(self):
            variable = ENV[field.name]
            if variable not in RANGES:
                continue
            low, high = RANGES[variable]
            value = getattr(self, field.name)
            if not low <= value <= high:
                problems.append(
                    f"{field.name}={value} ({variable}): must be between {low} and {high}"
                )
        if problems:
            raise SettingsError(problems)


ENV: dict[str, str] = {
    "resolution_ms": "LOOPLAB_EVENT_LOOP_RESOLUTION_MS",
    "window_s": "LOOPLAB_EVENT_LOOP_WINDOW_S",
    "attribution": "LOOPLAB_ATTRIBUTION",
    "stall_threshold_ms": "LOOPLAB_STALL_THRESHOLD_MS",
    "stall_sample_interval_ms": "LOOPLAB_STALL_SAMPLE_INTERVAL_MS",
}


def settings_from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Reads LOOPLAB_* (unset or empty: the default); every bad value is reported, not just the first."""
    source = os.environ if env is None else env
    problems: list[str] = []
    values: dict[str, Any] = {}
    for name, variable in ENV.items():
        raw = source.get(variable) or None
        if raw is None:
            continue
        if variable not in RANGES:
            if raw not in ON_OFF:
                problems.append(f'{variable}="{raw}": must be one of {"|".join(ON_OFF)}')
            values[name] = raw == "on"
            continue
        low, high = RANGES[variable]
        if not _DECIMAL.match(raw):
            problems.append(f'{variable}="{raw}": must be a decimal integer')
        elif not low <= int(raw) <= high:
            problems.append(f'{variable}="{raw}": must be between {low} and {high}')
        else:
            values[name] = int(raw)
    if problems:
        raise SettingsError(problems)
    return Settings(**values)
