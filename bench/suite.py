"""The gateway benchmark side by side with its peers, in one run on this machine.

    python -m bench.suite            # full run, ~10 minutes; rewrites docs/benchmarks-suite.md
    python -m bench.suite --quick    # < ~60 s, to check the machinery

Paths compared, all in front of the same fake engine process
(``bench/peers/engine_server.py``): the engine called directly, nginx
``proxy_pass`` (the floor for a proxy), the LiteLLM proxy (one worker, offline),
and vlgate with audit and guards off, audit on, audit and guards on. A variant
whose switch is not in the request path yet is skipped with the reason printed.

One engine process and one process per path live for the whole run; between
phases the engine is re-timed (``POST /_profile``). Phases: (1) instant engine:
one-client latency (with CPU per request from /proc), a 1 MB base64 image
payload, and open-loop fixed-rate steps for the max rate at p99 <= 50 ms;
(2) an engine answering after 20 ms: one-client latency; (3) streaming engine
(20 ms to the first token, then 64 tokens at fixed intervals): streaming at 1
and 64 clients. ``--profile PEER`` runs one vlgate peer under cProfile.
Every measurement interleaves the peers round by round; p50s are medians of
round medians. Run from the repository root with the project venv active.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import io
import json
import platform
import pstats
import random
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

from bench.peers import measure, procs
from bench.peers.loadgen import Client, Endpoint
from bench.peers.report import render
from bench.peers.targets import PEERS, PEERS_VENV, PROFILE, REPO, Running

DOCS = REPO / "docs" / "benchmarks-suite.md"
OUT = REPO / "bench" / "out"
P99_LIMIT_S = 0.050


@dataclass(frozen=True)
class Options:
    quick: bool
    rounds: int
    per_round: int
    image_per_round: int
    delay_per_round: int
    rates: tuple[float, ...]
    step_s: float
    stream_rounds: int
    stream_one: int  # streams per round at one client
    stream_many: tuple[int, int]  # (clients, streams per client per round)
    paced: tuple[float, float]  # streaming engine: (ttft_s, token interval_s)
    grace_s: float  # how long a rate step waits for stragglers before counting errors
    delay_s: float = 0.020  # the "realistic" engine's whole-reply delay
    tokens: int = 64

    @classmethod
    def make(cls, quick: bool) -> Options:
        if quick:
            return cls(
                quick=True, rounds=2, per_round=30, image_per_round=3, delay_per_round=5,
                rates=(25.0, 50.0, 100.0, 200.0, 400.0, 800.0, 1600.0), step_s=0.4,
                stream_rounds=1, stream_one=2, stream_many=(16, 1), paced=(0.020, 0.005),
                grace_s=1.5,
            )  # fmt: skip
        return cls(
            quick=False, rounds=7, per_round=200, image_per_round=20, delay_per_round=40,
            rates=(10.0, 25.0, 50.0, 75.0, 100.0, 150.0, 200.0, 300.0, 400.0, 500.0, 650.0,
                   800.0, 1000.0, 1250.0, 1600.0, 2000.0, 2500.0, 3200.0, 4000.0, 5000.0,
                   6400.0, 8000.0),
            step_s=2.0, stream_rounds=3, stream_one=4, stream_many=(64, 2),
            paced=(0.020, 0.010), grace_s=5.0,
        )  # fmt: skip


def chat_body(model: str, *, stream: bool = False, image_url: str | None = None) -> bytes:
    content: Any = "Describe the weather in one sentence."
    if image_url is not None:
        content = [
            {"type": "text", "text": "Describe this picture."},
            {"type": "image_url", "image_url": {"url": image_url}},
        ]
    body: dict[str, Any] = {
        "model": model,
        "messages": [{"role": "user", "content": content}],
        "max_tokens": 64,
    }
    if stream:
        body["stream"] = True
    return orjson.dumps(body)


def noise_png_data_url(side: int = 512, seed: int = 0) -> str:
    """A PNG of random pixels (incompressible): 512x512 is ~1.05 MB as base64."""
    from PIL import Image

    raw = random.Random(seed).randbytes(side * side * 3)
    buf = io.BytesIO()
    Image.frombytes("RGB", (side, side), raw).save(buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


@contextmanager
def engine(workdir: Path, ttft_s: float, interval_s: float, tokens: int) -> Iterator[Running]:
    log = workdir / "engine.log"
    cmd = [sys.executable, "-m", "bench.peers.engine_server", "--ttft-s", str(ttft_s)]
    cmd += ["--interval-s", str(interval_s), "--tokens", str(tokens)]
    proc = procs.start(cmd, {"PYTHONPATH": str(REPO)}, log)
    try:
        port = procs.read_port(proc, log)
        procs.wait_ready(proc, port, "/health", log, 30)
        yield Running("engine", Endpoint("127.0.0.1", port), "fake-model", proc, workdir)
    finally:
        procs.stop(proc)


@contextmanager
def fleet(
    workdir: Path, eng: Running, names: list[str], skipped: dict[str, str], profile: str | None
) -> Iterator[dict[str, Running]]:
    """Start each peer in front of ``eng``; a peer that cannot run lands in ``skipped``."""
    running: dict[str, Running] = {}
    try:
        for name in names:
            peer = PEERS[name]
            if reason := peer.needs():
                skipped[name] = reason
                continue
            up = _launch(name, workdir / name.replace("+", "_"), eng, name == profile)
            if isinstance(up, str):
                skipped[name] = up
                continue
            running[name] = up
            if peer.probe is not None and (reason := peer.probe(up, eng.endpoint.port)):
                skipped[name] = reason
                if up.proc is not None:
                    procs.stop(up.proc)
                del running[name]
        yield running
    finally:
        for up in running.values():
            if up.proc is not None:
                procs.stop(up.proc)


def _launch(name: str, workdir: Path, eng: Running, profile: bool) -> Running | str:
    workdir.mkdir(parents=True, exist_ok=True)
    plan = PEERS[name].plan(eng.endpoint.port, workdir, profile)
    for fname, text in plan.files.items():
        (workdir / fname).write_text(text)
    if not plan.cmd:  # the engine itself
        return Running(name, eng.endpoint, plan.model, eng.proc, workdir)
    log = workdir / "server.log"
    proc = procs.start(plan.cmd, plan.env, log)
    try:
        procs.wait_ready(proc, plan.port, plan.ready_path, log, 90)
    except RuntimeError as exc:
        procs.stop(proc)
        return f"did not start: {str(exc)[:600]}"
    return Running(name, Endpoint("127.0.0.1", plan.port), plan.model, proc, workdir)


def say(msg: str) -> None:
    print(f"[suite {time.strftime('%H:%M:%S')}] {msg}", flush=True)


async def _warm(clients: dict[str, Client], bodies: dict[str, bytes], n: int) -> None:
    for name, client in clients.items():
        for _ in range(n):
            await client.call(bodies[name])


def _proxy_pids(peers: dict[str, Running], eng: Running) -> dict[str, measure.Pids]:
    """The proxy's own processes (none for the direct path)."""
    return {n: (p.pids if p.proc is not eng.proc else list) for n, p in peers.items()}


async def instant_phase(opts: Options, peers: dict[str, Running], eng: Running) -> dict[str, Any]:
    clients = {n: Client(p.endpoint) for n, p in peers.items()}
    plain = {n: p.endpoint.request_bytes(chat_body(p.model)) for n, p in peers.items()}
    url = noise_png_data_url()
    image = {
        n: p.endpoint.request_bytes(chat_body(p.model, image_url=url)) for n, p in peers.items()
    }
    out: dict[str, Any] = {}
    try:
        await _warm(clients, plain, 20 if opts.quick else 200)
        say("latency at one client, instant engine")
        pids = _proxy_pids(peers, eng)
        lat = await measure.latency(clients, plain, pids, eng.pids, opts.rounds, opts.per_round)
        out["latency"], out["cpu"] = lat.summary(), lat.cpu()
        say(f"1 MB image payload ({len(url) / 1e6:.2f} MB data URL)")
        await _warm(clients, image, 2)
        img = await measure.latency(
            clients, image, pids, eng.pids, opts.rounds, opts.image_per_round
        )
        out["image"] = img.summary()
        say("open-loop rate steps")
        ladder = await measure.rps_ladder(
            clients, plain, opts.rates, opts.step_s, P99_LIMIT_S, grace_s=opts.grace_s
        )
        out["rps"] = ladder.max_rates(P99_LIMIT_S)
        out["rps_top"] = max(opts.rates)
        out["rps_steps"] = {
            n: [[s.offered, s.p99 * 1000 if s.latencies else None, s.errors] for s in steps]
            for n, steps in ladder.steps.items()
        }
        direct_max = out["rps"].get("direct", 0.0)
        out["client"] = {
            "cpu_ms_per_request": out["cpu"].get("direct", {}).get("client_ms"),
            "cpu_share_at_direct_max": ladder.client_share.get(("direct", direct_max)),
        }
    finally:
        for c in clients.values():
            await c.aclose()
    return out


async def delay_phase(opts: Options, peers: dict[str, Running], eng: Running) -> dict[str, Any]:
    clients = {n: Client(p.endpoint) for n, p in peers.items()}
    plain = {n: p.endpoint.request_bytes(chat_body(p.model)) for n, p in peers.items()}
    try:
        await _warm(clients, plain, 5)
        say(f"latency at one client, engine delay {opts.delay_s * 1000:.0f} ms")
        pids = _proxy_pids(peers, eng)
        lat = await measure.latency(
            clients, plain, pids, eng.pids, opts.rounds, opts.delay_per_round
        )
    finally:
        for c in clients.values():
            await c.aclose()
    return {"latency": lat.summary()}


async def stream_phase(opts: Options, peers: dict[str, Running], eng: Running) -> dict[str, Any]:
    clients = {n: Client(p.endpoint) for n, p in peers.items()}
    streamed = {
        n: p.endpoint.request_bytes(chat_body(p.model, stream=True)) for n, p in peers.items()
    }
    out: dict[str, Any] = {}
    try:
        for name, client in clients.items():
            await client.stream(streamed[name])
        many, per_client = opts.stream_many
        for conc, count in ((1, opts.stream_one), (many, per_client)):
            say(f"streaming at {conc} client(s)")
            run = await measure.streaming(clients, streamed, conc, opts.stream_rounds, count)
            out[str(conc)] = run.summary()
    finally:
        for c in clients.values():
            await c.aclose()
    return {"stream": out}


def _version(cmd: list[str]) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except OSError:
        return "absent"
    return (
        (done.stdout + done.stderr).strip().splitlines()[-1] if done.returncode == 0 else "absent"
    )


def _dist(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def meta(opts: Options, argv: list[str], profile: str | None) -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.machine(),
    )
    pkgs = {p: _dist(p) for p in ("vlgate", "fastapi", "starlette", "uvicorn", "httpx")}
    lite = PEERS_VENV / "bin" / "python"
    pkgs["litellm"] = _version(
        [str(lite), "-c", "import importlib.metadata as m; print(m.version('litellm'))"]
    )
    pkgs["nginx"] = _version(["nginx", "-v"]).replace("nginx version: ", "")
    pkgs["git"] = _version(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    ttft, interval = opts.paced
    method = (
        f"Method: one fake-engine process ({opts.tokens} tokens per reply) and one process per "
        f"path for the whole run, the engine re-timed between phases: instant for latency, CPU, "
        f"image and rate steps; a {opts.delay_s * 1000:.0f} ms reply delay for the second latency "
        f"row; streaming at TTFT {ttft * 1000:.0f} ms and a token every "
        f"{interval * 1000:.0f} ms. Latency: {opts.rounds} "
        f"interleaved rounds x {opts.per_round} sequential requests per path, p50 = median of "
        f"round medians, p99 = nearest rank over all samples; added = path minus direct. Rate steps: "
        f"open loop, {opts.step_s:g} s per step, latency from each request's scheduled send time, "
        f"a path passes a step with no error and p99 <= {P99_LIMIT_S * 1000:.0f} ms. CPU per request: "
        f"/proc utime+stime of the proxy's process tree over the latency requests."
    )
    return {
        "command": "python -m bench.suite"
        + (" " + " ".join(map(shlex.quote, argv)) if argv else ""),
        "mode": "quick" if opts.quick else "full",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "nproc": len(__import__("os").sched_getaffinity(0)),
        "cpu": cpu,
        "python": platform.python_version(),
        "versions": pkgs,
        "method": method,
        "paced": {"ttft_s": ttft, "interval_s": interval},
        "notes": (
            f"**{profile} ran under cProfile: its figures include the profiler's cost.**"
            if profile
            else ""
        ),
    }


def plots(results_path: Path) -> list[str]:
    """PNG plots via bench/plots.py in the peers venv (matplotlib lives there)."""
    py = PEERS_VENV / "bin" / "python"
    if not py.exists():
        say("plots skipped: no peers venv with matplotlib")
        return []
    done = subprocess.run(
        [str(py), str(REPO / "bench" / "plots.py"), str(results_path), str(DOCS.parent)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        say(f"plots skipped: {done.stderr.strip()[-500:]}")
        return []
    return [line for line in done.stdout.splitlines() if line.endswith(".png")]


Phase = Callable[[Options, dict[str, Running], Running], Coroutine[Any, Any, dict[str, Any]]]


def phases(opts: Options) -> list[tuple[str, tuple[float, float], Phase]]:
    """(name, (engine ttft_s, token interval_s), measurement) in run order."""
    return [
        ("instant", (0.0, 0.0), instant_phase),
        (f"{opts.delay_s * 1000:.0f}ms", (opts.delay_s, 0.0), delay_phase),
        ("stream", opts.paced, stream_phase),
    ]


NOTES_START, NOTES_END = "<!-- notes:start -->", "<!-- notes:end -->"


def kept_notes(path: Path) -> str:
    """The hand-written analysis block of the current docs page, kept across runs."""
    old = path.read_text() if path.exists() else ""
    if NOTES_START in old and NOTES_END in old:
        start, end = old.index(NOTES_START), old.index(NOTES_END) + len(NOTES_END)
        return "\n" + old[start:end] + "\n"
    return f"\n{NOTES_START}\n{NOTES_END}\n"


def profile_top(path: Path, limit: int = 25) -> str:
    """The heaviest functions by own time, then vlgate's own by cumulative time."""
    if not path.exists():
        return f"no profile at {path} (the peer did not exit cleanly or is not profilable)"
    parts = []
    for sort, pattern in (("tottime", ""), ("cumulative", "vlgate/")):
        buf = io.StringIO()
        pstats.Stats(str(path), stream=buf).sort_stats(sort).print_stats(pattern, limit)
        text = buf.getvalue()
        parts.append(f"## by {sort} {pattern}\n" + text[text.find("   ncalls") :])
    return "\n".join(parts)


def run(opts: Options, names: list[str], profile: str | None = None) -> dict[str, Any]:
    """Start one engine and the peers once; each phase re-times the engine and measures."""
    skipped: dict[str, str] = {}
    results: dict[str, Any] = {"skipped": skipped, "latency": {}}
    with tempfile.TemporaryDirectory(prefix="vlgate-suite-") as tmp:
        work = Path(tmp)
        with engine(work, 0.0, 0.0, opts.tokens) as eng:
            with fleet(work, eng, names, skipped, profile) as peers:
                say(f"running {', '.join(peers)}; skipped {', '.join(skipped) or 'none'}")
                for phase, (ttft, interval), measurement in phases(opts):
                    timing = {"ttft_s": ttft, "token_interval_s": interval}
                    status, _ = procs.request(
                        "POST", eng.endpoint.port, "/_profile", orjson.dumps(timing)
                    )
                    if status != 204:
                        raise RuntimeError(f"engine refused timing {timing}: HTTP {status}")
                    say(
                        f"phase {phase}: engine TTFT {ttft * 1000:g} ms, token every {interval * 1000:g} ms"
                    )
                    got = asyncio.run(measurement(opts, peers, eng))
                    if "latency" in got:
                        results["latency"][phase] = got.pop("latency")
                    results.update(got)
            if profile:
                results["profile"] = profile_top(work / profile.replace("+", "_") / PROFILE)
    return results


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a < ~60 s check of the machinery")
    parser.add_argument(
        "--peers", default=",".join(PEERS), help="comma-separated subset of: " + ", ".join(PEERS)
    )
    parser.add_argument(
        "--profile",
        metavar="PEER",
        help="run this vlgate peer under cProfile in the instant phase; top functions go to "
        "bench/out/suite-profile.txt (figures for that peer then include the profiler's cost)",
    )
    parser.add_argument(
        "--no-docs", action="store_true", help="do not rewrite docs/benchmarks-suite.md"
    )
    args = parser.parse_args(argv)
    names = [n for n in args.peers.split(",") if n]
    if unknown := [n for n in names if n not in PEERS]:
        parser.error(f"unknown peers: {unknown}")
    if "direct" not in names:
        names.insert(0, "direct")
    opts = Options.make(args.quick)
    started = time.monotonic()
    if args.profile and args.profile not in names:
        parser.error(f"--profile {args.profile}: not among the peers run")
    results = {"meta": meta(opts, argv, args.profile), **run(opts, names, args.profile)}
    results["meta"]["wall_s"] = round(time.monotonic() - started, 1)
    for peer, why in results["skipped"].items():
        say(f"skipped {peer}: {why}")
    OUT.mkdir(parents=True, exist_ok=True)
    if "profile" in results:
        (OUT / "suite-profile.txt").write_text(results.pop("profile"))
        say(f"profile of {args.profile}: {OUT.relative_to(REPO)}/suite-profile.txt")
    path = OUT / "suite-results.json"
    path.write_text(json.dumps(results, indent=1, default=str))
    text = render(results, [] if args.no_docs else plots(path))
    if not args.no_docs:
        DOCS.write_text(text + kept_notes(DOCS))
        say(f"wrote {DOCS.relative_to(REPO)} and {path.relative_to(REPO)}")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
