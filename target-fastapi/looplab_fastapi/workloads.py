"""The workloads, as pure synchronous functions.

Every strategy runs exactly this code (on the event loop, in a thread, in a child process), so
any difference between strategies comes from *where* it runs, never from *what* runs. The
names, bounds and the meaning of one iteration are in contract/data/workloads.json.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import TypedDict

CPU_STEPS_PER_ITERATION = 1_000
HASH_ROUNDS_PER_ITERATION = 1_000
HASH_SALT = b"looplab-salt"
_MASK32 = 0xFFFFFFFF


@dataclass(frozen=True)
class WorkloadSpec:
    """Either a wall-clock budget (ms) or a fixed amount of work (iterations); never both."""

    workload: str
    ms: int | None = None
    iterations: int | None = None

    def as_json(self) -> dict[str, str | int]:
        size: tuple[str, int] = (
            ("ms", self.ms)
            if self.ms is not None
            else (
                "iterations",
                self.iterations or 0,
            )
        )
        return {"workload": self.workload, size[0]: size[1]}


class WorkloadResult(TypedDict):
    workload: str
    iterations: int
    elapsedMs: float
    checksum: int


def cpu_iteration(seed: int) -> int:
    """1000 xorshift32 steps in pure Python: holds the GIL for the whole loop."""
    x = (seed & _MASK32) or 1
    for _ in range(CPU_STEPS_PER_ITERATION):
        x ^= (x << 13) & _MASK32
        x ^= x >> 17
        x ^= (x << 5) & _MASK32
    return x


def sleep_iteration(ms: float) -> int:
    """time.sleep: the thread waits without using the CPU, and releases the GIL."""
    time.sleep(ms / 1000)
    return int(ms)


def hash_iteration(seed: int) -> int:
    """One PBKDF2 (OpenSSL, which runs with the GIL released for its whole computation)."""
    digest = hashlib.pbkdf2_hmac(
        "sha256", str(seed).encode(), HASH_SALT, HASH_ROUNDS_PER_ITERATION, 32
    )
    return int.from_bytes(digest[:4], "little")


def _iterate(kind: str, seed: int) -> int:
    if kind == "cpu":
        return cpu_iteration(seed)
    if kind == "sleep":
        return sleep_iteration(1)
    if kind == "hash":
        return hash_iteration(seed)
    raise ValueError(f"unknown workload {kind!r}")


def _elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def run_workload(spec: WorkloadSpec) -> WorkloadResult:
    """Runs a validated workload synchronously on the calling thread."""
    started = time.perf_counter()
    kind = spec.workload
    if spec.ms is not None:
        if kind == "sleep":
            # One sleep for the whole budget, like Node's single Atomics.wait.
            sleep_iteration(spec.ms)
            return {
                "workload": kind,
                "iterations": 1,
                "elapsedMs": _elapsed_ms(started),
                "checksum": spec.ms,
            }
        deadline = started + spec.ms / 1000
        iterations = 0
        checksum = 0
        while time.perf_counter() < deadline:
            checksum = (checksum + _iterate(kind, checksum + iterations)) & _MASK32
            iterations += 1
        return {
            "workload": kind,
            "iterations": iterations,
            "elapsedMs": _elapsed_ms(started),
            "checksum": checksum,
        }
    count = spec.iterations or 0
    checksum = 0
    for i in range(count):
        checksum = (checksum + _iterate(kind, checksum + i)) & _MASK32
    return {
        "workload": kind,
        "iterations": count,
        "elapsedMs": _elapsed_ms(started),
        "checksum": checksum,
    }


class InjectedFaultError(Exception):
    # The message is a default argument so the exception unpickles in the parent of a pool process.
    def __init__(self, message: str = "injected fault: the workload threw") -> None:
        super().__init__(message)


def run_task_workload(spec: WorkloadSpec, fault: str | None) -> WorkloadResult:
    """Runs a task's workload, honouring an injected `throw` fault (`crash` is the pool's job)."""
    if fault == "throw":
        raise InjectedFaultError()
    return run_workload(spec)
