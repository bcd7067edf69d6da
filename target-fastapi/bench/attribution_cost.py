"""What stall attribution costs on /ping: two copies of the app, LOOPLAB_ATTRIBUTION=on and off,
both pinned to one core (taskset), wrk on another, in alternating rounds (on off off on ...), so
drift on a shared machine falls on both alike. Prints every round, then medians and spread, the
median of the on/off ratios of adjacent rounds, and the app's own CPU time per request (what a
shared machine disturbs least: it counts work, not the CPU the app was given).

    target-fastapi/.venv/bin/python target-fastapi/bench/attribution_cost.py [--rounds 8]
        [--seconds 10] [--connections 10] [--app-cpu 0] [--wrk-cpu 1]

Target (issue 17): throughput on >= 0.98 x off, p99 on <= off + 1 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

APP_DIR = Path(__file__).resolve().parents[1]
WRK = "/usr/bin/wrk"
_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class Round:
    attribution: str
    requests_per_s: float
    p99_ms: float
    cpu_us_per_request: float


class App:
    def __init__(self, attribution: str, cpu: int) -> None:
        env = {**os.environ, "PORT": "0", "HOST": "127.0.0.1", "LOOPLAB_ATTRIBUTION": attribution}
        self.process = subprocess.Popen(
            ["taskset", "-c", str(cpu), sys.executable, "-m", "looplab_fastapi"],
            cwd=APP_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.url = ""
        listening = threading.Event()

        def read() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                if "listening" in line:
                    try:
                        self.url = str(json.loads(line)["url"])
                        listening.set()
                    except (ValueError, KeyError):
                        pass

        threading.Thread(target=read, daemon=True).start()
        if not listening.wait(30):
            self.process.kill()
            raise SystemExit(f"the app (attribution {attribution}) did not start")

    def cpu_seconds(self) -> float:
        """User + system CPU of the whole process (the loop, the watchdog, every thread)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(40)


def wrk(url: str, seconds: int, connections: int, cpu: int) -> tuple[float, float]:
    command = ["taskset", "-c", str(cpu), WRK, "-t1", f"-c{connections}", f"-d{seconds}s"]
    out = subprocess.run(
        [*command, "--latency", f"{url}/ping"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    return rate, float(value) * _UNITS_MS[unit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8, help="rounds per setting (default 8)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--app-cpu", type=int, default=0)
    parser.add_argument("--wrk-cpu", type=int, default=1)
    parser.add_argument(
        "--together",
        action="store_true",
        help="drive both apps at once, sharing the app core: each round compares the two under "
        "exactly the same machine load (then the throughput ratio is work per CPU share)",
    )
    args = parser.parse_args()
    apps = {setting: App(setting, args.app_cpu) for setting in ("on", "off")}
    try:
        for app in apps.values():  # warm-up: imports, first requests, allocator
            wrk(app.url, 3, args.connections, args.wrk_cpu)
        rounds = together(apps, args) if args.together else alternating(apps, args)
    finally:
        for app in apps.values():
            app.stop()
    summarize(rounds)


def alternating(apps: dict[str, App], args: argparse.Namespace) -> list[Round]:
    rounds: list[Round] = []
    order = ["on", "off", "off", "on"]
    for index in range(2 * args.rounds):
        setting = order[index % 4]
        app = apps[setting]
        cpu_before = app.cpu_seconds()
        rate, p99 = wrk(app.url, args.seconds, args.connections, args.wrk_cpu)
        cpu_us = (app.cpu_seconds() - cpu_before) / (rate * args.seconds) * 1e6
        rounds.append(Round(setting, rate, p99, cpu_us))
        print(
            f"round {index + 1:2d}  attribution {setting:3s}  {rate:8.0f} req/s  "
            f"p99 {p99:6.2f} ms  {cpu_us:6.1f} us CPU/request",
            flush=True,
        )
    return rounds


def together(apps: dict[str, App], args: argparse.Namespace) -> list[Round]:
    rounds: list[Round] = []
    for index in range(args.rounds):
        cpu_before = {setting: app.cpu_seconds() for setting, app in apps.items()}
        with ThreadPoolExecutor(2) as pool:
            results = dict(
                zip(
                    apps,
                    pool.map(
                        lambda app: wrk(app.url, args.seconds, args.connections, args.wrk_cpu),
                        apps.values(),
                    ),
                    strict=True,
                )
            )
        for setting in ("on", "off"):
            rate, p99 = results[setting]
            used = apps[setting].cpu_seconds() - cpu_before[setting]
            rounds.append(Round(setting, rate, p99, used / (rate * args.seconds) * 1e6))
        on, off = rounds[-2], rounds[-1]
        print(
            f"round {index + 1:2d}  on {on.requests_per_s:6.0f} req/s p99 {on.p99_ms:6.2f} ms "
            f"{on.cpu_us_per_request:5.1f} us/req | off {off.requests_per_s:6.0f} req/s "
            f"p99 {off.p99_ms:6.2f} ms {off.cpu_us_per_request:5.1f} us/req | "
            f"on/off {on.requests_per_s / off.requests_per_s:.3f}x",
            flush=True,
        )
    return rounds


def summarize(rounds: list[Round]) -> None:
    medians = {}
    for setting in ("on", "off"):
        mine = [r for r in rounds if r.attribution == setting]
        rates = [r.requests_per_s for r in mine]
        p99s = [r.p99_ms for r in mine]
        cpu = [r.cpu_us_per_request for r in mine]
        medians[setting] = statistics.median(cpu)
        print(
            f"attribution {setting:3s}: median {statistics.median(rates):8.0f} req/s "
            f"(min {min(rates):.0f}, max {max(rates):.0f}), median p99 "
            f"{statistics.median(p99s):.2f} ms (min {min(p99s):.2f}, max {max(p99s):.2f}), "
            f"median {medians[setting]:.1f} us CPU/request (min {min(cpu):.1f}, max {max(cpu):.1f})"
        )
    # Rounds run as on off | off on | on off ... (each pair back to back, under the same load),
    # or both at once with --together.
    pairs = [
        (a, b) if a.attribution == "on" else (b, a)
        for a, b in zip(rounds[::2], rounds[1::2], strict=True)
    ]
    rate = statistics.median(on.requests_per_s / off.requests_per_s for on, off in pairs)
    p99 = statistics.median(on.p99_ms - off.p99_ms for on, off in pairs)
    print(
        f"paired rounds ({len(pairs)}): median throughput on/off {rate:.3f}x, "
        f"median p99 on - off {p99:+.2f} ms"
    )
    print(f"capacity from CPU per request (off/on): {medians['off'] / medians['on']:.3f}x")
    verdict = "meets" if rate >= 0.98 and p99 <= 1.0 else "misses"
    print(f"{verdict} the target (>= 0.98x, p99 <= +1 ms) by the paired medians")


if __name__ == "__main__":
    main()
