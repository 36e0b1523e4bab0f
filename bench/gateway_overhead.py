"""vlgate's added latency and throughput against calling the same fake engine directly.

    python bench/gateway_overhead.py            # full run, writes docs/benchmarks.md
    python bench/gateway_overhead.py --quick    # a smoke run, prints only

Four processes besides this one: two fake vLLM engines (one answering at once, one
streaming 64 tokens at fixed intervals) and one vlgate in front of each (uvicorn
with uvloop + httptools, audit off). This process is the client: a minimal
keep-alive HTTP/1.1 client on asyncio streams (bench/common.py), the same for both
paths. After a warm-up, rounds alternate direct / via vlgate (order flipped every
round); each figure is the median over rounds of that round's statistic.

Measured, at one client unless said: non-streaming latency p50/p99; streaming
time to the first content token p50/p99; streaming tokens/s of a 64-token stream;
requests/s with ``--concurrency`` clients (non-streaming). ``--profile FILE``
runs vlgate under cProfile and writes its stats there.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RawClient, Timing, machine_info, median, percentile, write_section

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "Gateway overhead"
PATH = "/v1/chat/completions"
STREAM_TOKENS = 64
MESSAGES = [{"role": "user", "content": "Describe the picture in one sentence."}]


# -- the server processes --------------------------------------------------------


def _listen() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def _exit(signum: int, frame: Any) -> None:
    raise SystemExit(0)


def _serve(app: Any, sock: socket.socket, lifespan: Literal["on", "off"]) -> None:
    import uvicorn

    # uvicorn re-raises the stop signal once it has shut down: exit quietly then
    # (and run ``finally`` blocks, e.g. the profile dump).
    signal.signal(signal.SIGTERM, _exit)

    config = uvicorn.Config(
        app, loop="uvloop", http="httptools", log_level="warning", access_log=False,
        lifespan=lifespan,
    )  # fmt: skip
    print(sock.getsockname()[1], flush=True)
    uvicorn.Server(config).run(sockets=[sock])


def serve_engine(tokens: int, interval_s: float) -> None:
    from vlgate.testing.fake_engine import FakeEngine

    engine = FakeEngine(model="bench-instruct", tokens=tokens, token_interval_s=interval_s)
    _serve(engine.app, _listen(), "off")


def serve_gateway(engine_url: str, profile: str | None, guards: bool) -> None:
    from vlgate.config import load_settings
    from vlgate.server.app import create_app

    settings = load_settings(
        overrides={
            "instruct": [{"url": engine_url, "model": "bench-instruct"}],
            "audit": {"enabled": False},
            "guard": {"enabled": guards},
        },
        environ={},
    )
    app = create_app(settings)
    if not profile:
        _serve(app, _listen(), "on")
        return
    import cProfile

    prof = cProfile.Profile()
    prof.enable()
    try:
        _serve(app, _listen(), "on")
    finally:
        prof.disable()
        prof.dump_stats(profile)


@dataclass
class Proc:
    popen: subprocess.Popen[str]
    port: int

    @classmethod
    def start(cls, *args: str) -> Proc:
        p = subprocess.Popen(
            [sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        assert p.stdout is not None
        line = p.stdout.readline()
        if not line.strip().isdigit():
            p.kill()
            raise RuntimeError(f"server {args} did not start: {line!r}")
        return cls(p, int(line))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self) -> None:
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


async def _ready(port: int, body: bytes) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            c = RawClient("127.0.0.1", port)
            t = await c.post(PATH, body)
            await c.close()
            if t.status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"port {port} never answered 200")
        await asyncio.sleep(0.05)


# -- measuring ---------------------------------------------------------------------


def _body(model: str, stream: bool) -> bytes:
    return orjson.dumps({"model": model, "messages": MESSAGES, "stream": stream})


async def _sequential(port: int, body: bytes, n: int) -> list[Timing]:
    client = RawClient("127.0.0.1", port)
    try:
        out = []
        for _ in range(n):
            t = await client.post(PATH, body)
            if t.status != 200:
                raise RuntimeError(f"status {t.status}")
            out.append(t)
        return out
    finally:
        await client.close()


async def _throughput(port: int, body: bytes, clients: int, seconds: float) -> float:
    stop = time.perf_counter() + seconds
    done = 0

    async def worker() -> None:
        nonlocal done
        c = RawClient("127.0.0.1", port)
        try:
            while time.perf_counter() < stop:
                t = await c.post(PATH, body)
                if t.status != 200:
                    raise RuntimeError(f"status {t.status}")
                done += 1
        finally:
            await c.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return done / (time.perf_counter() - started)


@dataclass
class Paths:
    """Ports: (direct, via vlgate) for the instant engine and the streaming engine."""

    fast: tuple[int, int]
    stream: tuple[int, int]


Rounds = dict[str, list[list[float]]]  # metric -> [direct per round, vlgate per round]


async def measure(paths: Paths, args: argparse.Namespace) -> Rounds:
    bodies = {
        "direct": (_body("bench-instruct", False), _body("bench-instruct", True)),
        "vlgate": (_body("instruct", False), _body("instruct", True)),
    }
    for i, side in enumerate(("direct", "vlgate")):
        await _ready(paths.fast[i], bodies[side][0])
        await _ready(paths.stream[i], bodies[side][1])
        await _sequential(paths.fast[i], bodies[side][0], args.warmup)
        await _sequential(paths.fast[i], bodies[side][1], args.warmup)
        await _sequential(paths.stream[i], bodies[side][1], max(2, args.warmup // 50))
    # The whole streamed text, as the engine sends it directly.
    expected_chars = (await _sequential(paths.stream[0], bodies["direct"][1], 1))[0].chars
    rounds: Rounds = {}

    def add(metric: str, side: int, value: float) -> None:
        rounds.setdefault(metric, [[], []])[side].append(value)

    for r in range(args.rounds):
        order = (0, 1) if r % 2 == 0 else (1, 0)
        for i in order:
            side = ("direct", "vlgate")[i]
            plain, stream = bodies[side]
            lat = [t.total_s * 1e3 for t in await _sequential(paths.fast[i], plain, args.requests)]
            add("latency_p50", i, percentile(lat, 50))
            add("latency_p99", i, percentile(lat, 99))
            ts = await _sequential(paths.fast[i], stream, args.requests)
            ttft = [(t.first_token_s or t.total_s) * 1e3 for t in ts]
            add("ttft_p50", i, percentile(ttft, 50))
            add("ttft_p99", i, percentile(ttft, 99))
            streams = await _sequential(paths.stream[i], stream, args.streams)
            # The engine sends STREAM_TOKENS tokens; a proxy may merge them into fewer
            # SSE events (the guard holds back possible entities), so the rate is the
            # engine's tokens over the time until the whole text has arrived.
            whole = [t for t in streams if t.chars >= expected_chars]
            assert whole, f"{side}: streams arrived incomplete"
            add("stream_tps", i, median([STREAM_TOKENS / t.total_s for t in whole]))
            rps = await _throughput(paths.fast[i], plain, args.concurrency, args.seconds)
            add("rps", i, rps)
            rps1 = await _throughput(paths.fast[i], plain, 1, args.seconds)
            add("rps1", i, rps1)
    return rounds


# -- report ------------------------------------------------------------------------

ROWS = [
    ("latency_p50", "non-streaming latency p50 (ms)", "ms"),
    ("latency_p99", "non-streaming latency p99 (ms)", "ms"),
    ("ttft_p50", "streaming time to first token p50 (ms)", "ms"),
    ("ttft_p99", "streaming time to first token p99 (ms)", "ms"),
    ("stream_tps", "streaming tokens/s, 64 tokens at {interval} ms, 1 client", "x"),
    ("rps1", "requests/s, 1 client", "x"),
    ("rps", "requests/s, {concurrency} clients", "x"),
]


def table(rounds: Rounds, args: argparse.Namespace) -> str:
    lines = [
        "| measure | direct | via vlgate | vlgate added / ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for key, label, kind in ROWS:
        d, v = (median(x) for x in rounds[key])
        name = label.format(interval=f"{args.interval * 1e3:g}", concurrency=args.concurrency)
        extra = f"+{v - d:.3f} ms" if kind == "ms" else f"{v / d:.3f}x"
        lines.append(f"| {name} | {d:.3f} | {v:.3f} | {extra} |")
    return "\n".join(lines)


def verdict(rounds: Rounds) -> str:
    added = median(rounds["latency_p50"][1]) - median(rounds["latency_p50"][0])
    ratio = median(rounds["stream_tps"][1]) / median(rounds["stream_tps"][0])
    ok_lat = "met" if added < 1.0 else "missed"
    ok_tps = "met" if ratio >= 0.99 else "missed"
    return (
        f"Goal (issue 2): added p50 under 1 ms: **{ok_lat}** ({added:.3f} ms); streaming "
        f"throughput at least 0.99x direct at one client: **{ok_tps}** ({ratio:.3f}x)."
    )


def run(args: argparse.Namespace) -> None:
    info = machine_info(["uvicorn", "uvloop", "httptools", "fastapi", "starlette", "httpx"])
    procs: list[Proc] = []
    try:
        fast = Proc.start("--serve-engine", "16", "0")
        procs.append(fast)
        slow = Proc.start("--serve-engine", "64", str(args.interval))
        procs.append(slow)
        guard_args = ["--guards"] if args.guards else []
        gw_args = [*guard_args, *(["--profile-out", args.profile] if args.profile else [])]
        gw_fast = Proc.start("--serve-gateway", fast.url, *gw_args)
        procs.append(gw_fast)
        gw_slow = Proc.start("--serve-gateway", slow.url, *guard_args)
        procs.append(gw_slow)
        paths = Paths((fast.port, gw_fast.port), (slow.port, gw_slow.port))
        started = time.perf_counter()
        rounds = asyncio.run(measure(paths, args))
        took = time.perf_counter() - started
    finally:
        for p in reversed(procs):
            p.stop()
    cmd = "python bench/gateway_overhead.py " + " ".join(args.argv)
    body = "\n\n".join(
        [
            f"Command: `{cmd.strip()}` ({took:.0f} s).",
            f"Machine: {info}.",
            f"{args.rounds} rounds alternating direct / via vlgate; per round "
            f"{args.requests} sequential requests per latency figure, {args.streams} "
            f"streams for tokens/s, {args.seconds:g} s per requests/s figure. Each cell is "
            "the median over rounds. The engine, vlgate and this client share the CPUs, "
            "so requests/s with many clients is bounded by the machine, not by vlgate "
            "alone. The fake engine answers 16 tokens at once (latency, requests/s) "
            "or streams 64 tokens at fixed intervals (tokens/s).",
            table(rounds, args),
            verdict(rounds),
        ]
    )
    print(body)
    section = SECTION + (" with guards on" if args.guards else "")
    if args.write:
        write_section(DOC, section, body)
        print(f"\nwrote the '{section}' section of {DOC.relative_to(ROOT)}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-engine":
        serve_engine(int(sys.argv[2]), float(sys.argv[3]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-gateway":
        rest = sys.argv[3:]
        profile = rest[rest.index("--profile-out") + 1] if "--profile-out" in rest else None
        serve_gateway(sys.argv[2], profile, guards="--guards" in rest)
        return
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--requests", type=int, default=300, help="per latency figure per round")
    p.add_argument("--streams", type=int, default=5, help="64-token streams per round")
    p.add_argument("--interval", type=float, default=0.005, help="seconds between tokens")
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--seconds", type=float, default=2.0, help="per requests/s figure")
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--profile", help="write vlgate's cProfile stats to this file")
    p.add_argument("--quick", action="store_true", help="a short smoke run; writes nothing")
    p.add_argument("--no-write", dest="write", action="store_false")
    p.add_argument(
        "--guards",
        action="store_true",
        help="run vlgate with the guard layer on (PII redaction, filters, injection screen)",
    )
    args = p.parse_args()
    args.argv = sys.argv[1:]
    if args.quick:
        args.rounds, args.requests, args.streams, args.seconds, args.warmup = 2, 30, 2, 0.5, 20
        args.write = False
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    run(args)


if __name__ == "__main__":
    main()
