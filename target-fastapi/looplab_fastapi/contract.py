"""Typed read-only view of the repository's contract (contract/data/*.json).

Every name, route, bound and default the app uses comes from here; nothing is restated.
The directory is the repository's contract/data, or LOOPLAB_CONTRACT_DIR (for Docker).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

RUNTIME = "fastapi"
_REPO_CONTRACT_DIR = Path(__file__).resolve().parents[2] / "contract" / "data"


@dataclass(frozen=True)
class MetricSpec:
    key: str
    name: str
    type: str
    labels: tuple[str, ...]
    help: str
    buckets: tuple[float, ...] | None
    runtimes: tuple[str, ...]
    source: tuple[str, ...]


@dataclass(frozen=True)
class StrategySpec:
    name: str
    method: str
    route: str
    status: int
    runtimes: tuple[str, ...]
    does: str
    expect: str


@dataclass(frozen=True)
class WorkloadKind:
    name: str
    max_iterations: int
    iteration: str


@dataclass(frozen=True)
class Contract:
    metrics: dict[str, MetricSpec]
    strategies: tuple[StrategySpec, ...]
    probe_route: str
    workloads: tuple[WorkloadKind, ...]
    ms_min: int
    ms_max: int
    iterations_min: int
    faults: tuple[str, ...]
    outcomes: tuple[str, ...]
    defaults: dict[str, int | str]
    max_body_bytes: int
    python: str

    def metric(self, key: str) -> MetricSpec:
        return self.metrics[key]

    def strategy(self, name: str) -> StrategySpec:
        for spec in self.strategies:
            if spec.name == name:
                return spec
        raise KeyError(f"strategy {name!r} is not in contract/data/strategies.json")

    def workload(self, name: str) -> WorkloadKind:
        for kind in self.workloads:
            if kind.name == name:
                return kind
        raise KeyError(f"workload {name!r} is not in contract/data/workloads.json")

    @property
    def workload_names(self) -> tuple[str, ...]:
        return tuple(kind.name for kind in self.workloads)

    @property
    def own_strategies(self) -> tuple[StrategySpec, ...]:
        """The strategies this runtime implements, in contract order."""
        return tuple(s for s in self.strategies if RUNTIME in s.runtimes)

    @property
    def own_metrics(self) -> tuple[MetricSpec, ...]:
        """The metrics this runtime's app exports."""
        return tuple(
            m for m in self.metrics.values() if "app" in m.source and RUNTIME in m.runtimes
        )


def contract_dir() -> Path:
    override = os.environ.get("LOOPLAB_CONTRACT_DIR")
    return Path(override) if override else _REPO_CONTRACT_DIR


def _read(directory: Path, name: str) -> Any:
    path = directory / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise FileNotFoundError(
            f"contract file {path} not found (set LOOPLAB_CONTRACT_DIR to the contract/data folder)"
        ) from error


def _metric(key: str, raw: dict[str, Any], buckets: dict[str, list[float]]) -> MetricSpec:
    bucket_key = raw.get("buckets")
    return MetricSpec(
        key=key,
        name=raw["name"],
        type=raw["type"],
        labels=tuple(raw.get("labels", [])),
        help=raw["help"],
        buckets=tuple(buckets[bucket_key]) if bucket_key else None,
        runtimes=tuple(raw.get("runtimes", [])),
        source=tuple(raw.get("source", [])),
    )


@cache
def load_contract(directory: Path | None = None) -> Contract:
    base = directory or contract_dir()
    metrics = _read(base, "metrics.json")
    strategies = _read(base, "strategies.json")
    workloads = _read(base, "workloads.json")
    defaults = _read(base, "defaults.json")
    versions = _read(base, "versions.json")
    return Contract(
        metrics={
            key: _metric(key, raw, metrics["buckets"]) for key, raw in metrics["metrics"].items()
        },
        strategies=tuple(
            StrategySpec(
                name=s["name"],
                method=s["method"],
                route=s["route"],
                status=s["status"],
                runtimes=tuple(s["runtimes"]),
                does=s["does"],
                expect=s["expect"],
            )
            for s in strategies["strategies"]
        ),
        probe_route=strategies["probe"]["route"],
        workloads=tuple(
            WorkloadKind(
                name=k["name"], max_iterations=k["maxIterations"], iteration=k["iteration"][RUNTIME]
            )
            for k in workloads["kinds"]
        ),
        ms_min=workloads["ms"]["min"],
        ms_max=workloads["ms"]["max"],
        iterations_min=workloads["iterations"]["min"],
        faults=tuple(workloads["faults"]),
        outcomes=tuple(workloads["outcomes"]),
        defaults=dict(defaults["app"]),
        max_body_bytes=int(defaults["maxBodyBytes"]),
        python=versions["python"],
    )
