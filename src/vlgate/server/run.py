"""Run the gateway under uvicorn with a graceful stop.

On SIGTERM/SIGINT: readiness turns false at once (load balancers stop sending),
after ``drain_delay_s`` the listener closes, in-flight streams get
``graceful_timeout_s`` to finish, then the lifespan closes engines and drains the
audit queue. A second signal stops at once.
"""

from __future__ import annotations

import asyncio
import sys
from types import FrameType
from typing import Any

import uvicorn


class GracefulServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, drain_delay_s: float) -> None:
        super().__init__(config)
        self.drain_delay_s = drain_delay_s
        self._draining = False

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._draining or self.drain_delay_s <= 0:
            self._mark_not_ready()
            super().handle_exit(sig, frame)
            return
        self._draining = True
        self._mark_not_ready()
        loop = asyncio.get_event_loop()
        loop.call_later(self.drain_delay_s, super().handle_exit, sig, frame)

    def _mark_not_ready(self) -> None:
        app = self.config.loaded_app if self.config.loaded else None
        gateway = _find_gateway(app)
        if gateway is not None:
            gateway.accepting = False


def _find_gateway(app: Any) -> Any:
    # uvicorn wraps the app in middleware; walk down to the FastAPI app's state.
    for _ in range(8):
        if app is None:
            return None
        state = getattr(app, "state", None)
        if state is not None and hasattr(state, "gateway"):
            return state.gateway
        app = getattr(app, "app", None)
    return None


def serve_app(
    app: Any, host: str, port: int, *, graceful_s: float, drain_delay_s: float = 0.0
) -> None:
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="uvloop" if sys.platform != "win32" else "asyncio",
        http="httptools",
        log_level="info",
        access_log=False,
        timeout_graceful_shutdown=max(1, int(graceful_s)),
    )
    GracefulServer(config, drain_delay_s).run()
