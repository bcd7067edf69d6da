"""The real app as a child process on an ephemeral port (PORT=0), as `npm run start:fastapi` runs it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

APP_DIR = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 30


class AppProcess:
    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        full_env = {
            **os.environ,
            "PORT": "0",
            "HOST": "127.0.0.1",
            "LOG_LEVEL": "debug",
            # Every trace kept, so exemplar and trace-id assertions do not depend on a 10 % draw.
            "OTEL_TRACES_SAMPLER": "always_on",
            **(env or {}),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "looplab_fastapi"],
            cwd=APP_DIR,
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[dict[str, Any]] = []
        self.raw_lines: list[str] = []
        self._listening = threading.Event()
        self.url = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._listening.wait(START_TIMEOUT_S):
            self.process.kill()
            raise RuntimeError("app did not start:\n" + "\n".join(self.raw_lines[-30:]))
        self.client = httpx.Client(base_url=self.url, timeout=30)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            self.raw_lines.append(raw.rstrip())
            try:
                line = json.loads(raw)
            except json.JSONDecodeError:
                continue
            self.lines.append(line)
            if line.get("msg") == "looplab target app (fastapi) listening":
                self.url = str(line["url"])
                self._listening.set()

    def log(self, message_prefix: str) -> list[dict[str, Any]]:
        return [line for line in self.lines if str(line.get("msg", "")).startswith(message_prefix)]

    def wait_for_log(
        self, message_prefix: str, task_id: str, timeout_s: float = 10
    ) -> list[dict[str, Any]]:
        """The task's log lines; the task's status can be read before its line reaches our reader."""
        deadline = time.monotonic() + timeout_s
        while True:
            found = [line for line in self.log(message_prefix) if line.get("task_id") == task_id]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.02)

    def wait_for_task(self, task_id: str, timeout_s: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while True:
            view: dict[str, Any] = self.client.get(f"/tasks/{task_id}").json()
            if view["status"] not in ("queued", "running") or time.monotonic() > deadline:
                return view
            time.sleep(0.02)

    def stop(self, timeout_s: float = 40) -> int:
        self.client.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self._reader.join(5)
        return code
