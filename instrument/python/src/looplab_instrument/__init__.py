"""looplab's event-loop instruments for any asyncio service.

    from looplab_instrument import LooplabMiddleware
    app.add_middleware(LooplabMiddleware)          # FastAPI / Starlette: that is all

or, in plain asyncio, from a coroutine on the loop: `instrument = looplab_instrument.start()`.
"""

from .asgi import STALLS_PATH, LooplabMiddleware
from .instrument import Instrument, start
from .settings import RANGES, Settings, SettingsError, settings_from_env
from .stalls.model import STALL_CLASSES

__all__ = [
    "RANGES",
    "STALLS_PATH",
    "STALL_CLASSES",
    "Instrument",
    "LooplabMiddleware",
    "Settings",
    "SettingsError",
    "settings_from_env",
    "start",
]
