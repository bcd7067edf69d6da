"""Ready once serving; not ready from the moment shutdown begins, so balancers stop sending."""

from __future__ import annotations

from typing import Literal

State = Literal["starting", "ready", "draining"]


class Readiness:
    def __init__(self) -> None:
        self.current: State = "starting"

    def mark_ready(self) -> None:
        if self.current == "starting":
            self.current = "ready"

    def mark_draining(self) -> None:
        self.current = "draining"
