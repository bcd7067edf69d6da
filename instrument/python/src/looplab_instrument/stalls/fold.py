"""Folding and weighting: a stall's samples become stacks weighted by time.

A sample stands for the time from the previous sample (the first: from the window's start, so
the threshold's worth of time before the watchdog looked goes to what it then saw) up to itself;
the last one also stands for the rest of the window. The weights of a stall therefore add up to
its duration. Under `others` blame an interval is split between the threads by the CPU each used
in it; an interval no thread used goes to an "(unattributed)" stack rather than to a guess.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Blame, Sample, Stack

OTHER_STACKS = "(other stacks)"
UNATTRIBUTED = "(unattributed)"
SEVERAL_THREADS = "(several threads)"

_Key = tuple[str, Stack]


@dataclass(frozen=True)
class FoldedStack:
    thread: str
    seconds: float
    stack: Stack


def inside(samples: Sequence[Sample], start: float, end: float) -> list[Sample]:
    return [sample for sample in samples if start <= sample.at <= end]


def _shares(sample: Sample, blame: Blame) -> list[tuple[_Key, float]]:
    if blame == "loop":
        loop = sample.loop
        return [((loop.thread, loop.stack), 1.0)] if loop else [((UNATTRIBUTED, ()), 1.0)]
    total = sum(other.cpu for other in sample.others)
    if total <= 0:
        return [((UNATTRIBUTED, ()), 1.0)]
    return [((o.thread, o.stack), o.cpu / total) for o in sample.others if o.cpu > 0]


def weigh(samples: Sequence[Sample], start: float, end: float, blame: Blame) -> dict[_Key, float]:
    """Seconds per (thread, stack), from the samples inside [start, end]."""
    within = inside(samples, start, end)
    weights: dict[_Key, float] = defaultdict(float)
    previous = start
    for index, sample in enumerate(within):
        span = sample.at - previous
        if index == len(within) - 1:
            span += end - sample.at
        previous = sample.at
        for key, share in _shares(sample, blame):
            weights[key] += span * share
    return weights


def fold(weights: dict[_Key, float], limit: int) -> list[FoldedStack]:
    """Heaviest first; past `limit`, the rest merged into one stack so the weights still add up."""
    ranked = sorted(weights.items(), key=lambda item: item[1], reverse=True)
    kept = [FoldedStack(thread, seconds, stack) for (thread, stack), seconds in ranked[:limit]]
    rest = ranked[limit:]
    if rest:
        threads = {thread for (thread, _), _ in rest}
        thread = threads.pop() if len(threads) == 1 else SEVERAL_THREADS
        merged: Stack = ((OTHER_STACKS, "", 0),)
        kept.append(FoldedStack(thread, sum(seconds for _, seconds in rest), merged))
    return kept
