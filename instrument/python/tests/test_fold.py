"""Folding, weighting and windowing on a recorded set of samples (times in seconds)."""

from __future__ import annotations

import pytest

from looplab_instrument.stalls.fold import (
    OTHER_STACKS,
    SEVERAL_THREADS,
    UNATTRIBUTED,
    fold,
    inside,
    weigh,
)
from looplab_instrument.stalls.model import Sample, Stack, ThreadStack
from looplab_instrument.stalls.watchdog import held_up_seconds

ROOT = ("run", "/app/main.py", 10)
BURN: Stack = (ROOT, ("handler", "/app/h.py", 20), ("burn", "/app/w.py", 41))
BURN_OTHER_LINE: Stack = (ROOT, ("handler", "/app/h.py", 20), ("burn", "/app/w.py", 42))
SLEEP: Stack = (ROOT, ("handler", "/app/h.py", 30), ("nap", "/app/w.py", 50))


def loop(stack: Stack) -> ThreadStack:
    return ThreadStack("MainThread", stack, 0.0)


def recorded() -> list[Sample]:
    """A stall [1.000, 1.100] sampled at 1.050 (the threshold in), 1.060, 1.070, 1.090; one
    sample before and one after the window, which must not count."""
    return [
        Sample(0.990, loop(SLEEP), ()),
        Sample(1.050, loop(BURN), ()),
        Sample(1.060, loop(BURN), ()),
        Sample(1.070, loop(BURN_OTHER_LINE), ()),
        Sample(1.090, loop(BURN), ()),
        Sample(1.120, loop(SLEEP), ()),
    ]


def test_only_samples_inside_the_window_count() -> None:
    assert [s.at for s in inside(recorded(), 1.0, 1.1)] == [1.050, 1.060, 1.070, 1.090]


def test_each_sample_stands_for_the_time_since_the_previous_one_and_weights_add_up() -> None:
    weights = weigh(recorded(), 1.0, 1.1, "loop")
    # 1.000-1.050 and 1.050-1.060 to BURN at its first two looks, 1.070-1.090 and the tail
    # 1.090-1.100 to BURN at the last one; 1.060-1.070 to the other line.
    assert weights[("MainThread", BURN)] == pytest.approx(0.050 + 0.010 + 0.020 + 0.010)
    assert weights[("MainThread", BURN_OTHER_LINE)] == pytest.approx(0.010)
    assert sum(weights.values()) == pytest.approx(0.100)
    assert ("MainThread", SLEEP) not in weights


def test_others_blame_splits_each_interval_by_the_cpu_each_thread_used() -> None:
    a = ThreadStack("pool_0", BURN, 0.006)
    b = ThreadStack("pool_1", SLEEP, 0.002)
    samples = [
        Sample(1.02, loop(SLEEP), (a, b)),
        Sample(1.04, loop(SLEEP), ()),  # nobody ran: unattributed, never the loop
    ]
    weights = weigh(samples, 1.0, 1.04, "others")
    assert weights[("pool_0", BURN)] == pytest.approx(0.015)
    assert weights[("pool_1", SLEEP)] == pytest.approx(0.005)
    assert weights[(UNATTRIBUTED, ())] == pytest.approx(0.020)
    assert not any(thread == "MainThread" for thread, _ in weights)


def test_fold_keeps_the_heaviest_and_merges_the_rest_so_weights_still_add_up() -> None:
    weights = {
        ("MainThread", BURN): 0.5,
        ("MainThread", SLEEP): 0.2,
        ("pool_0", BURN_OTHER_LINE): 0.1,
        ("pool_1", BURN_OTHER_LINE): 0.05,
    }
    folded = fold(weights, limit=2)
    assert [(f.thread, f.stack, f.seconds) for f in folded[:2]] == [
        ("MainThread", BURN, 0.5),
        ("MainThread", SLEEP, 0.2),
    ]
    assert folded[2].thread == SEVERAL_THREADS
    assert folded[2].stack == ((OTHER_STACKS, "", 0),)
    assert folded[2].seconds == pytest.approx(0.15)
    assert sum(f.seconds for f in folded) == pytest.approx(0.85)
    assert len(fold(weights, limit=10)) == 4


def test_a_stall_without_samples_has_no_stacks() -> None:
    assert fold(weigh([], 1.0, 1.1, "loop"), limit=50) == []


def test_held_up_is_the_time_between_looks_beyond_the_interval_and_allowance() -> None:
    # Should first look at 1.05; looked at 1.06, then nothing until 1.30; the stall ended 1.31.
    held = held_up_seconds(1.05, [1.06, 1.30], 1.31, interval=0.005, allowance=0.02)
    assert held == pytest.approx(0.24 - 0.025)
    # Looks every 7 ms: never held up.
    assert held_up_seconds(1.05, [1.057, 1.064, 1.071], 1.075, 0.005, 0.02) == 0.0
