"""tests/service.py under uvicorn, as a child process on an ephemeral port."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

SERVICE_DIR = Path(__file__).resolve().parent
_LISTENING = re.compile(r"Uvicorn running on (http://\S+)")
START_TIMEOUT_S = 30
_LOOPBACK_PORT_0 = ("--host", "127.0.0.1", "--port", "0")


class ServiceProcess:
    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        python: str = sys.executable,
        app_dir: Path = SERVICE_DIR,
    ) -> None:
        self.process = subprocess.Popen(
            [python, "-m", "uvicorn", "service:app", "--app-dir", str(app_dir), *_LOOPBACK_PORT_0],
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.url = ""
        self._listening = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._listening.wait(START_TIMEOUT_S):
            self.process.kill()
            raise RuntimeError("service did not start:\n" + "\n".join(self.lines[-30:]))
        self.client = httpx.Client(base_url=self.url, timeout=30)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            found = _LISTENING.search(line)
            if found:
                self.url = found.group(1)
                self._listening.set()

    def stalls(self, since: int | None = None) -> dict[str, Any]:
        params = {} if since is None else {"since": since}
        response = self.client.get("/looplab/stalls", params=params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def stop(self) -> int:
        """Exit code: uvicorn re-raises SIGTERM once it has shut down, so a clean stop is -15."""
        self.client.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self._reader.join(5)
        return code
