"""The package as a user gets it: a wheel built from this folder, installed into a new venv, and a
small Starlette service (tests/service.py, copied out) run with it under uvicorn.

Offline: the wheel is built with the locked hatchling (no build isolation, no index), and the new
venv borrows only the service's other dependencies (Starlette, uvicorn, prometheus-client) from
the dev venv through a path line, so what it imports as looplab_instrument is the wheel.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .service_process import SERVICE_DIR, ServiceProcess

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _run(*command: str | Path) -> str:
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _run(
        sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "--no-index",
        "--wheel-dir", out, PACKAGE_DIR,
    )  # fmt: skip
    (built,) = out.glob("looplab_instrument-*.whl")
    return built


@pytest.fixture(scope="module")
def venv_python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    venv = tmp_path_factory.mktemp("venv")
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
    # Starlette, uvicorn and prometheus-client from the dev venv; never its looplab_instrument
    # (a path line does not process the .pth files of the folder it adds).
    Path(site, "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(
        sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel
    )
    yield python


def test_the_wheel_carries_the_typed_package_and_its_one_dependency(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(name for name in names if name.endswith(".dist-info/METADATA"))
        text = archive.read(metadata).decode()
    for module in ("__init__.py", "py.typed", "_contract.py", "asgi.py", "stalls/watchdog.py"):
        assert f"looplab_instrument/{module}" in names, module
    assert "Name: looplab-instrument" in text
    assert [line for line in text.splitlines() if line.startswith("Requires-Dist")] == [
        "Requires-Dist: prometheus-client>=0.20"
    ]


def test_a_starlette_service_runs_with_the_installed_wheel(
    venv_python: Path, tmp_path: Path
) -> None:
    where = _run(venv_python, "-c", "import looplab_instrument; print(looplab_instrument.__file__)")
    assert where.startswith(str(venv_python.parents[1])) and "site-packages" in where, where
    shutil.copy(SERVICE_DIR / "service.py", tmp_path / "service.py")
    service = ServiceProcess(python=str(venv_python), app_dir=tmp_path)
    try:
        service.client.get("/block/cpu?ms=150")
        stall = service.stalls()["stalls"][-1]
        assert stall["durationMs"] >= 100
        leaves = [stack["frames"][-1] for stack in stall["stacks"]]
        assert any(
            leaf["function"] == "burn_cpu" and leaf["file"] == str(tmp_path / "service.py")
            for leaf in leaves
        ), leaves
        assert 'looplab_eventloop_stalls_total{class="' in service.client.get("/metrics").text
    finally:
        assert service.stop() == -signal.SIGTERM
