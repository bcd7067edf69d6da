"""Stall attribution: the heartbeat finds stalls, the watchdog samples them, and each one is
classed, folded and kept."""
