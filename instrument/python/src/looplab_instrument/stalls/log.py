"""The stalls kept for GET /looplab/stalls: bounded, each serialized once when it is recorded, so
an answer only joins bytes (it never walks stacks on the loop)."""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = 1
MAX_STALLS = 2000


@dataclass(frozen=True)
class Header:
    attribution: bool
    threshold_ms: int
    sample_interval_ms: int


class StallLog:
    def __init__(self, header: Header, capacity: int = MAX_STALLS) -> None:
        self.header = header
        self.capacity = capacity
        self._stalls: deque[tuple[int, bytes]] = deque()
        self._next = 0
        self._read_up_to = 0
        self._dropped = 0
        self._lock = threading.Lock()

    def add(self, stall: dict[str, Any]) -> int:
        """Records a stall (without its `seq`, which it gets here); returns the seq."""
        with self._lock:
            seq = self._next
            self._next += 1
            body = json.dumps({"seq": seq, **stall}, separators=(",", ":")).encode()
            self._stalls.append((seq, body))
            while len(self._stalls) > self.capacity:
                evicted, _ = self._stalls.popleft()
                if evicted >= self._read_up_to:
                    self._dropped += 1
            return seq

    def answer(self, since: int | None = None) -> bytes:
        """The JSON of GET /looplab/stalls?since=<cursor>: the stalls with seq >= since."""
        with self._lock:
            bodies = [body for seq, body in self._stalls if since is None or seq >= since]
            self._read_up_to = max(self._read_up_to, self._next)
            head = {
                "schemaVersion": SCHEMA_VERSION,
                "runtime": "python",
                "attribution": self.header.attribution,
                "thresholdMs": self.header.threshold_ms,
                "sampleIntervalMs": self.header.sample_interval_ms,
                "next": self._next,
                "dropped": self._dropped,
            }
        opening = json.dumps(head, separators=(",", ":"))[:-1].encode()
        return opening + b',"stalls":[' + b",".join(bodies) + b"]}"
