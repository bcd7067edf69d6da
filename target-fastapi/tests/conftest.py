from __future__ import annotations

from collections.abc import Iterator

import pytest

from looplab_fastapi.contract import Contract, load_contract

from .app_process import AppProcess


@pytest.fixture(scope="session")
def contract() -> Contract:
    return load_contract()


@pytest.fixture(scope="module")
def app() -> Iterator[AppProcess]:
    process = AppProcess({"LOOPLAB_POOL_SIZE": "1"})
    yield process
    assert process.stop() == 0
