"""Audit trail figures: ``python -m vlgate.audit.bench [--dsn DSN ...] [--http]``.

1. hot path: microseconds per ``open`` + ``complete`` on the request thread;
2. end to end: records per second from ``open`` to committed in the store;
3. ``--http``: a gateway-shaped server (an SSE endpoint streaming a few chunks,
   uvicorn in a child process) driven by an httpx client, audit off vs on,
   alternating rounds on the same machine; reports requests per second and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from vlgate.audit.config import AuditSettings
from vlgate.audit.record import AuditRecord, InputDigest, RecordStatus
from vlgate.audit.store import AuditStore
from vlgate.audit.writer import AuditWriter

ANSWER = "The chart shows revenue rising from 50 to 56, a 12% increase. " * 4
TRACE = "Step: read the bar, compare it with the previous one, compute the ratio. " * 20


def _record(i: int) -> AuditRecord:
    return AuditRecord(
        f"bench-{os.getpid()}-{i}",
        tenant="bench",
        requested_mode="auto",
        decided_mode="thinking",
        route_reason="task class chart -> thinking",
        task_class="chart",
        input_digest=[InputDigest("image", "ab" * 32, 120_000, 1280, 720, 880)],
    )


def _finish(rec: AuditRecord) -> None:
    rec.answer, rec.reasoning, rec.status = ANSWER, TRACE, RecordStatus.COMPLETED
    rec.prompt_tokens, rec.visual_tokens, rec.completion_tokens = 60, 880, 900
    rec.finished_at, rec.cost_usd = time.time(), 0.00035


def bench_writer(dsn: str, n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        store = AuditStore.from_dsn(dsn)
        store.migrate()
        settings = AuditSettings(dsn=dsn, journal_dir=Path(tmp), queue_size=max(10_000, n * 2))
        writer = AuditWriter(store, settings, instance_id=f"bench-{os.getpid()}")
        writer.start()
        t0, c0 = time.perf_counter(), time.thread_time()
        for i in range(n):
            rec = _record(i)
            writer.open(rec)
            _finish(rec)
            writer.complete(rec)
        hot, hot_cpu = time.perf_counter() - t0, time.thread_time() - c0
        assert writer.flush(120), "store did not keep up"
        total = time.perf_counter() - t0
        writer.close()
        store.close()
    return {
        "us_per_open_complete": hot / n * 1e6,
        "cpu_us_per_open_complete": hot_cpu / n * 1e6,
        "records_per_s": n / total,
    }


# --- the HTTP comparison ----------------------------------------------------------


def make_app(audit_dir: str | None, batch_interval_s: float = 0.05) -> Any:
    from fastapi import FastAPI
    from fastapi.responses import StreamingResponse

    app = FastAPI()
    state: dict[str, Any] = {}
    if audit_dir is not None:
        store = AuditStore.from_dsn(f"sqlite:///{audit_dir}/audit.db")
        store.migrate()
        settings = AuditSettings(journal_dir=Path(audit_dir), batch_interval_s=batch_interval_s)
        writer = AuditWriter(store, settings, instance_id="b")
        writer.start()
        state["writer"] = writer

    @app.post("/v1/chat/completions")
    async def chat() -> StreamingResponse:
        writer: AuditWriter | None = state.get("writer")
        rec = AuditRecord(os.urandom(8).hex(), decided_mode="instruct", tenant="bench")
        if writer is not None:
            writer.open(rec)

        async def body() -> AsyncIterator[bytes]:
            for i in range(5):
                yield f'data: {{"choices":[{{"delta":{{"content":"tok{i} "}}}}]}}\n\n'.encode()
            yield b"data: [DONE]\n\n"
            if writer is not None:
                rec.answer, rec.status = "tok0 tok1 tok2 tok3 tok4", RecordStatus.COMPLETED
                writer.complete(rec)

        return StreamingResponse(body(), media_type="text/event-stream")

    return app


def _serve(
    audit: bool, interval: float
) -> tuple[subprocess.Popen[str], str, tempfile.TemporaryDirectory[str]]:
    tmp = tempfile.TemporaryDirectory()
    arg = tmp.name if audit else "-"
    code = (
        "import os,socket,sys,uvicorn; from vlgate.audit.bench import make_app;"
        "os.sched_setaffinity(0, {int(sys.argv[3])});"
        "s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(1024);"
        "print(s.getsockname()[1], flush=True);"
        "a=sys.argv[1]; app=make_app(None if a=='-' else a, float(sys.argv[2]));"
        "uvicorn.Server(uvicorn.Config(app,"
        "log_level='warning', access_log=False)).run(sockets=[s])"
    )
    cmd = [sys.executable, "-c", code, arg, str(interval), str(_SERVER_CPU)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    port = proc.stdout.readline().strip()
    return proc, f"http://127.0.0.1:{port}", tmp


async def _load(url: str, seconds: float, concurrency: int) -> float:
    import httpx

    done = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                async with client.stream("POST", "/v1/chat/completions", json={}) as r:
                    async for _ in r.aiter_bytes():
                        pass
                    if r.status_code == 200:
                        done += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.perf_counter() - t0)


_SERVER_CPU = 0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (Linux /proc), robust to other load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_http(
    rounds: int, seconds: float, concurrency: int, interval: float = 0.05
) -> dict[str, float]:
    """Alternating off/on rounds. Requests per second is what a client sees but
    is noisy on a shared machine; the server's CPU per request is not, and its
    ratio bounds the throughput ratio of a CPU-bound gateway."""
    results: dict[bool, list[float]] = {False: [], True: []}
    cpu: dict[bool, list[float]] = {False: [], True: []}
    mine = os.sched_getaffinity(0)
    others = mine - {_SERVER_CPU}
    if others:  # the server gets one core, the load generator the rest
        os.sched_setaffinity(0, others)
    for _ in range(rounds):
        for audit in (False, True):
            proc, url, tmp = _serve(audit, interval)
            try:
                asyncio.run(_load(url, 1.0, concurrency))  # warm-up
                c0 = _cpu_seconds(proc.pid)
                rps = asyncio.run(_load(url, seconds, concurrency))
                cpu[audit].append((_cpu_seconds(proc.pid) - c0) / (rps * seconds) * 1e6)
                results[audit].append(rps)
            finally:
                proc.terminate()
                proc.wait(10)
                if proc.stdout is not None:
                    proc.stdout.close()
                tmp.cleanup()
    os.sched_setaffinity(0, mine)
    off, on = statistics.median(results[False]), statistics.median(results[True])
    c_off, c_on = statistics.median(cpu[False]), statistics.median(cpu[True])
    return {
        "rps_audit_off": off,
        "rps_audit_on": on,
        "ratio": on / off,
        "cpu_us_off": c_off,
        "cpu_us_on": c_on,
        "cpu_ratio": c_off / c_on,
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--dsn", action="append", help="store DSN (repeatable; default a temp SQLite)")
    p.add_argument("-n", type=int, default=20_000, help="records per writer run")
    p.add_argument("--http", action="store_true", help="also run the audit on/off HTTP comparison")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--batch-interval", type=float, default=0.05, help="writer batch_interval_s")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for dsn in args.dsn or [f"sqlite:///{tmp}/bench.db"]:
            shown = dsn.split("?")[0]
            r = bench_writer(dsn, args.n)
            print(f"writer {shown}: open+complete {r['us_per_open_complete']:.1f} us wall, "
                  f"{r['cpu_us_per_open_complete']:.1f} us CPU on the request thread; "
                  f"{r['records_per_s']:.0f} records/s committed (n={args.n})")  # fmt: skip
    if args.http:
        h = bench_http(args.rounds, args.seconds, args.concurrency, args.batch_interval)
        print(f"http (median of {args.rounds} x {args.seconds:.0f}s, concurrency "
              f"{args.concurrency}): audit off {h['rps_audit_off']:.0f} req/s, audit on "
              f"{h['rps_audit_on']:.0f} req/s, ratio {h['ratio']:.3f}; server CPU per request "
              f"off {h['cpu_us_off']:.0f} us, on {h['cpu_us_on']:.0f} us, "
              f"CPU-bound throughput ratio {h['cpu_ratio']:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
