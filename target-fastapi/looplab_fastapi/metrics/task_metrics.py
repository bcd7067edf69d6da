"""Task wait/run histograms, outcomes, queue depth and in-flight, named by the contract."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from ..contract import Contract


class QueueProbe(Protocol):
    strategy: str

    def queue_depth(self) -> int: ...

    def in_flight(self) -> int: ...


class _QueueCollector(Collector):
    """Reads the executors' queues at scrape time."""

    def __init__(self, contract: Contract, probes: list[QueueProbe]) -> None:
        self.depth = contract.metric("taskQueueDepth")
        self.running = contract.metric("tasksInFlight")
        self.probes = probes

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily(self.depth.name, self.depth.help, labels=list(self.depth.labels))
        running = GaugeMetricFamily(
            self.running.name, self.running.help, labels=list(self.running.labels)
        )
        for probe in self.probes:
            depth.add_metric([probe.strategy], probe.queue_depth())
            running.add_metric([probe.strategy], probe.in_flight())
        yield depth
        yield running


class TaskMetrics:
    def __init__(self, registry: CollectorRegistry, contract: Contract) -> None:
        wait, run, tasks = (contract.metric(k) for k in ("taskWait", "taskRun", "tasks"))
        self._wait = Histogram(
            wait.name, wait.help, list(wait.labels), registry=registry, buckets=wait.buckets or ()
        )
        self._run = Histogram(
            run.name, run.help, list(run.labels), registry=registry, buckets=run.buckets or ()
        )
        self._outcomes = Counter(tasks.name, tasks.help, list(tasks.labels), registry=registry)
        self._probes: list[QueueProbe] = []
        registry.register(_QueueCollector(contract, self._probes))

    def watch(self, probes: Sequence[QueueProbe]) -> None:
        self._probes[:] = probes

    def observe_wait(self, strategy: str, workload: str, ms: float) -> None:
        self._wait.labels(strategy=strategy, workload=workload).observe(ms / 1000)

    def observe_run(self, strategy: str, workload: str, ms: float) -> None:
        self._run.labels(strategy=strategy, workload=workload).observe(ms / 1000)

    def count_outcome(self, strategy: str, workload: str, outcome: str) -> None:
        self._outcomes.labels(strategy=strategy, workload=workload, outcome=outcome).inc()
