"""Reads the configuration, then serves until SIGTERM/SIGINT."""

from __future__ import annotations

import logging
import sys

from .config import ConfigError, load_config
from .contract import load_contract
from .logging_setup import setup_logging
from .telemetry.setup import shutdown_telemetry, start_telemetry

EX_CONFIG = 78
EX_STARTUP_FAILURE = 3  # uvicorn's own code for a server that could not start


def main() -> None:
    contract = load_contract()
    try:
        config = load_config(contract)
    except ConfigError as error:
        sys.stderr.write(f"looplab target app (fastapi): {error}\n")
        sys.exit(EX_CONFIG)
    setup_logging(config.log_level, config.service_name)
    start_telemetry(config)
    # Imported after the tracer provider is set, so every span goes to it.
    from .app import create_app
    from .server import serve

    started = serve(create_app(config, contract), config.host, config.port)
    shutdown_telemetry()
    if not started:
        sys.exit(EX_STARTUP_FAILURE)
    logging.getLogger("looplab_fastapi").info("bye")
