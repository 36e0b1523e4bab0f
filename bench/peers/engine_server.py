"""Run vlgate's FakeEngine in its own process for the suite.

    python -m bench.peers.engine_server --ttft-s 0.02 --interval-s 0.02 --tokens 64

``POST /_profile`` changes the timing between phases, so one engine process and
one set of peers serve the whole run. Binds 127.0.0.1 on an ephemeral port, prints ``PORT <n>`` on stdout (the suite
then polls ``/health``), and serves until killed. It runs under uvicorn with uvloop
and httptools, like a production engine's HTTP front, so the direct path is as
fast as the fake can be.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
from collections import deque

import orjson
import uvicorn
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vlgate.testing.fake_engine import FakeEngine


class PacedFakeEngine(FakeEngine):
    """FakeEngine whose whole (non-streamed) replies also take the token intervals.

    The stock fake answers ``stream: false`` after ``ttft_s`` only, which a real
    engine cannot: it generates every token either way. A gateway that streams
    from the engine and assembles the reply would otherwise be charged the whole
    generation time as its own overhead.
    """

    def __post_init__(self) -> None:
        super().__post_init__()
        self.app.router.routes.append(Route("/_profile", self._profile, methods=["POST"]))

    async def _profile(self, request: Request) -> Response:
        """Switch timing between phases: ``{"ttft_s": 0.02, "token_interval_s": 0.01}``."""
        for key, value in orjson.loads(await request.body()).items():
            if key not in ("ttft_s", "token_interval_s"):
                return Response(f"unknown timing {key!r}", status_code=400)
            setattr(self, key, float(value))
        return Response(status_code=204)

    async def _chat(self, request: Request) -> Response:
        body = orjson.loads(await request.body())  # Starlette caches it for the parent
        if not body.get("stream") and self.token_interval_s and self.tokens:
            limit = body.get("max_tokens")
            n = min(self.tokens, limit) if isinstance(limit, int) else self.tokens
            await asyncio.sleep(self.token_interval_s * max(0, n - 1))
        return await super()._chat(request)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ttft-s", type=float, default=0.0)
    parser.add_argument("--interval-s", type=float, default=0.0)
    parser.add_argument("--tokens", type=int, default=64)
    args = parser.parse_args(argv)
    engine = PacedFakeEngine(
        ttft_s=args.ttft_s, token_interval_s=args.interval_s, tokens=args.tokens
    )
    # The fake keeps request bodies for tests; 1 MB image bodies x 1000 would be a
    # gigabyte here, so keep only the last one.
    engine.requests = deque(maxlen=1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        engine.app,
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,
        lifespan="off",
        backlog=4096,
    )
    server = uvicorn.Server(config)
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    sys.stdout.flush()
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
