"""The classes, from the evidence each kind of stall leaves (seconds over a 0.2 s window)."""

from __future__ import annotations

from looplab_instrument.stalls.classify import Evidence, classify

WINDOW = 0.2


def evidence(
    loop_cpu: float,
    run_delay: float | None = 0.0,
    timeslices: int | None = 2,
    others_cpu: float = 0.0,
    held_up: float = 0.0,
) -> Evidence:
    return Evidence(WINDOW, loop_cpu, run_delay, timeslices, others_cpu, WINDOW, held_up)


def test_the_loop_burning_cpu_is_on_cpu_even_when_the_box_makes_it_wait_for_a_cpu() -> None:
    assert classify(evidence(0.19)) == ("on_cpu", "loop")
    assert classify(evidence(0.07, run_delay=0.12, timeslices=20)) == ("on_cpu", "loop")


def test_a_sleeping_loop_is_off_cpu() -> None:
    assert classify(evidence(0.001, timeslices=1)) == ("off_cpu", "loop")


def test_an_idle_loop_the_box_gave_no_cpu_is_off_cpu() -> None:
    assert classify(evidence(0.002, run_delay=0.19, timeslices=2)) == ("off_cpu", "loop")


def test_a_loop_waking_to_ask_for_the_gil_while_others_ran_is_a_gil_wait() -> None:
    assert classify(evidence(0.01, timeslices=40, others_cpu=0.17)) == ("gil_wait", "others")


def test_a_sleeping_loop_is_off_cpu_even_while_a_pool_thread_burns() -> None:
    # It woke once (when the sleep ended): no GIL wait, whatever the other threads did.
    assert classify(evidence(0.001, timeslices=1, others_cpu=0.19)) == ("off_cpu", "loop")


def test_a_watchdog_kept_from_the_gil_while_the_loop_ran_is_native() -> None:
    assert classify(evidence(0.19, held_up=0.15)) == ("native", "loop")


def test_held_up_while_the_loop_waited_for_the_gil_is_not_native() -> None:
    stall = evidence(0.01, timeslices=40, others_cpu=0.17, held_up=0.15)
    assert classify(stall) == ("gil_wait", "others")


def test_without_schedstat_the_cpu_split_decides() -> None:
    assert classify(evidence(0.15, run_delay=None, timeslices=None)) == ("on_cpu", "loop")
    gil = evidence(0.01, run_delay=None, timeslices=None, others_cpu=0.15)
    assert classify(gil) == ("gil_wait", "others")
    alone = evidence(0.01, run_delay=None, timeslices=None)
    assert classify(alone) == ("off_cpu", "loop")
