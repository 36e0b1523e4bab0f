"""Reliability proof under load and faults; prints a table and writes docs/reliability.md.

    python bench/faults.py            # full: 5,000 streams at 50, 20 crash cycles x 100
                                      # streams, 60 s store outage per policy
    python bench/faults.py --quick    # the same checks, smaller (under 2 minutes)

Parts (``--only faults,shift,crash,store,fuzz`` picks some):
- faults: scripted engines (2 per mode) inject 10% 5xx/429 before the first byte,
  5% connection resets mid-stream, 5% stalls past the per-try timeout. Checks: no
  client error before streaming started, no cut stream reported as success, audit ids
  == accepted ids, retries within the pool's budget; p99 added latency vs a clean run.
- shift: Thinking's queue gauges pushed past a reviewer budget and drained again:
  seconds until traffic moves to Instruct and back, reasons from the audit trail.
- crash: kill -9 under N concurrent streams, restart, repeated; every request that
  sent bytes is in the store, none left open, SQLite integrity check passes.
- store: PostgreSQL refuses the audit role for S seconds (fail_closed, spool):
  no answer without a record / nothing lost, time to recover after it returns.
- fuzz: tests/scale/test_schema_fuzz.py at a larger example count.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import sqlalchemy as sa
import yaml
from prometheus_client.parser import text_string_to_metric_families

from vlgate.testing.fake_engine import INSTRUCT_REPLY, THINKING_REPLY, FakeEngine
from vlgate.testing.process import GatewayProcess, wait_until

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "reliability.md"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FAULTS = {"fail": 0.10, "reset": 0.05, "stall": 0.05}
PER_TRY_TIMEOUT_S = 1.0


# -- load ---------------------------------------------------------------------------


@dataclass(slots=True)
class Outcome:
    rid: str
    status: int = 0
    content: str = ""
    finish: str | None = None
    done: bool = False
    error: str | None = None
    took_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.done and not self.error and self.finish is not None

    @property
    def started(self) -> bool:
        return bool(self.content)


async def stream_one(
    client: httpx.AsyncClient, url: str, rid: str, model: str, on_bytes: Callable[[str], None]
) -> Outcome:
    out = Outcome(rid)
    body = {"model": model, "stream": True, "messages": [{"role": "user", "content": rid}]}
    t0 = time.perf_counter()
    try:
        async with client.stream(
            "POST", url + "/v1/chat/completions", json=body, headers={"x-request-id": rid}
        ) as resp:
            out.status, out.headers = resp.status_code, dict(resp.headers)
            if resp.status_code != 200:
                out.error = (await resp.aread()).decode("utf-8", "replace")[:200]
            else:
                async for line in resp.aiter_lines():
                    _take(out, line, on_bytes)
    except httpx.HTTPError as exc:
        out.error = out.error or type(exc).__name__
    out.took_s = time.perf_counter() - t0
    return out


def _take(out: Outcome, line: str, on_bytes: Callable[[str], None]) -> None:
    if not line.startswith("data: "):
        return
    if line == "data: [DONE]":
        out.done = True
        return
    obj = orjson.loads(line[6:])
    if "error" in obj:
        out.error = str(obj["error"])[:200]
        return
    for choice in obj.get("choices") or ():
        text = (choice.get("delta") or {}).get("content") or ""
        if text and not out.content:
            on_bytes(out.rid)
        out.content += text
        out.finish = choice.get("finish_reason") or out.finish


async def load(
    url: str,
    ids: list[str],
    concurrency: int,
    model_of: Callable[[int], str],
    on_bytes: Callable[[str], None] = lambda rid: None,
) -> list[Outcome]:
    queue = list(enumerate(ids))
    results: list[Outcome] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=60.0, limits=limits) as client:

        async def worker() -> None:
            while queue:
                i, rid = queue.pop(0)
                results.append(await stream_one(client, url, rid, model_of(i), on_bytes))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def metric(url: str, name: str, **labels: str) -> float:
    text = httpx.get(url + "/metrics", timeout=5).text
    return sum(
        s.value
        for fam in text_string_to_metric_families(text)
        for s in fam.samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


# -- stacks -------------------------------------------------------------------------


def engines(n: int, **kw: Any) -> tuple[list[FakeEngine], list[FakeEngine]]:
    ins = [FakeEngine(model="qwen-instruct", seed=i, **kw).start() for i in range(n)]
    thk = [
        FakeEngine(model="qwen-thinking", reply=THINKING_REPLY, seed=100 + i, **kw).start()
        for i in range(n)
    ]
    return ins, thk


def write_config(tmp: Path, ins: list[FakeEngine], thk: list[FakeEngine], **over: Any) -> Path:
    up = {"first_byte_timeout_s": PER_TRY_TIMEOUT_S, "read_timeout_s": 5.0}
    cfg: dict[str, Any] = {
        "server": {"graceful_timeout_s": 10, "request_timeout_s": 30},
        "instruct": [{"url": e.url, "name": f"ins-{i}", **up} for i, e in enumerate(ins)],
        "thinking": [{"url": e.url, "name": f"thk-{i}", **up} for i, e in enumerate(thk)],
        # 15% of tries fail before the first byte (10% 5xx/429 + 5% stalls): with 7
        # tries a request is lost with p = 0.15**7 (~2e-6), so "every pre-first-byte
        # fault recovered" holds over 5,000 requests; the retry budget still caps
        # retries at ~20% of requests. (With 5 tries: ~0.4 losses expected per run.)
        "pool": {"max_retries": 6, "retry_ratio": 0.2, "eject_after": 3},
        "audit": {
            "dsn": f"sqlite:///{tmp / 'audit.db'}",
            "journal_dir": str(tmp / "journal"),
            "batch_interval_s": 0.02,
        },
    }
    for key, value in over.items():
        cfg[key] = {**cfg.get(key, {}), **value} if isinstance(value, dict) else value
    path = tmp / "vlgate.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


@contextmanager
def gateway(tmp: Path, config: Path, name: str = "gw") -> Iterator[GatewayProcess]:
    env = {"VLGATE_SERVER__INSTANCE_ID": name}
    gw = GatewayProcess(["--config", str(config)], env=env, log_path=tmp / f"{name}.log")
    gw.start()
    try:
        yield gw
    finally:
        gw.terminate(timeout=60)
        gw.kill()


def audit_rows(db: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(db)
    try:
        return list(con.execute("SELECT request_id, status FROM audit_records"))
    finally:
        con.close()


# -- parts --------------------------------------------------------------------------


def part_faults(n: int, concurrency: int) -> dict[str, Any]:
    def model_of(i: int) -> str:
        return "instruct" if i % 2 == 0 else "thinking"

    def run(tmp: Path, faulty: bool) -> tuple[list[Outcome], float, float, set[str]]:
        ins, thk = engines(2, fault_rates=FAULTS if faulty else {})
        try:
            with gateway(tmp, write_config(tmp, ins, thk)) as gw:
                warm = [f"w-{i:04d}" for i in range(200)]
                asyncio.run(load(gw.url, warm, concurrency, model_of))
                ids = [f"{'f' if faulty else 'c'}-{i:05d}" for i in range(n)]
                out = asyncio.run(load(gw.url, ids, concurrency, model_of))
                retries = metric(gw.url, "vlgate_retries_total")
                reqs = metric(gw.url, "vlgate_requests_total")
            stored = [rid for rid, _ in audit_rows(tmp / "audit.db") if rid[0] in "cf"]
            assert len(stored) == len(set(stored))
            return out, retries, reqs, set(stored)
        finally:
            for e in (*ins, *thk):
                e.stop()

    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        clean, _, _, _ = run(Path(a), faulty=False)
        out, retries, reqs, stored = run(Path(b), faulty=True)
    full = {"instruct": INSTRUCT_REPLY, "thinking": THINKING_REPLY.rsplit("\n\n", 1)[1]}
    # The gateway answers 200 only after the engine's first event: an unrecovered
    # pre-first-byte fault is a non-200; a 200 that ends in an error was cut mid-stream.
    pre = [o for o in out if o.status != 200]
    cut = [o for o in out if o.status == 200 and not o.ok]
    lying = [o for o in out if o.ok and o.content not in full.values()]
    accepted = {o.rid for o in out if o.status == 200}
    lat_clean = [o.took_s for o in clean if o.ok]
    lat = [o.took_s for o in out if o.ok]
    return {
        "requests": n,
        "concurrency": concurrency,
        "ok": sum(o.ok for o in out),
        "errors before first byte (goal 0)": len(pre),
        "cut mid-stream, reported as errors": len(cut),
        "cut streams reported as success (goal 0)": len(lying),
        "accepted ids missing from audit (goal 0)": len(accepted - stored),
        "audit ids not accepted (goal 0)": len(stored - accepted),
        "retries / requests (budget 0.2)": round(retries / max(reqs, 1), 3),
        "p50 latency clean / faulty (ms)": f"{pct(lat_clean, 0.5) * 1e3:.0f} / {pct(lat, 0.5) * 1e3:.0f}",
        "p99 latency clean / faulty (ms)": f"{pct(lat_clean, 0.99) * 1e3:.0f} / {pct(lat, 0.99) * 1e3:.0f}",
        "p99 added latency (ms)": round((pct(lat, 0.99) - pct(lat_clean, 0.99)) * 1e3),
        "_pass": not pre and not lying and accepted == stored,
    }


def part_shift(cycles: int) -> dict[str, Any]:
    interval = 0.5
    ins, thk = engines(2, ttft_s=0.1)
    review = {"x-vlgate-audience": "reviewer", "x-vlgate-latency-budget-ms": "2000"}
    body = {"model": "auto", "messages": [{"role": "user", "content": "is it rising?"}]}
    shifts: list[float] = []
    returns: list[float] = []
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        up = {"metrics_interval_s": interval}
        cfg = write_config(
            tmp, ins, thk, routing={"initial_service_s": {"instruct": 0.05, "thinking": 0.5}}
        )
        data = yaml.safe_load(cfg.read_text())
        for r in (*data["instruct"], *data["thinking"]):
            r.update(up)
        cfg.write_text(yaml.safe_dump(data))
        try:
            with gateway(tmp, cfg) as gw, httpx.Client(base_url=gw.url, timeout=10) as c:

                def until(mode: str, since: float) -> float:
                    while True:
                        r = c.post("/v1/chat/completions", json=body, headers=review)
                        if r.headers.get("x-vlgate-mode") == mode:
                            return time.monotonic() - since
                        if time.monotonic() - since > 10:
                            raise TimeoutError(f"no shift to {mode}")

                for _ in range(cycles):
                    since = time.monotonic()
                    for e in thk:
                        httpx.post(e.url[:-3] + "/_metrics", json={"waiting": 50, "running": 1})
                    shifts.append(until("instruct", since))
                    since = time.monotonic()
                    for e in thk:
                        httpx.post(e.url[:-3] + "/_metrics", json={"waiting": 0, "running": 0})
                    returns.append(until("thinking", since))
            con = sqlite3.connect(tmp / "audit.db")
            reasons = dict(
                con.execute(
                    "SELECT route_reason, count(*) FROM audit_records GROUP BY route_reason"
                ).fetchall()
            )
            con.close()
        finally:
            for e in (*ins, *thk):
                e.stop()
    return {
        "metrics interval (s)": interval,
        "cycles": cycles,
        "shift to Instruct, max (s)": round(max(shifts), 2),
        "back to Thinking, max (s)": round(max(returns), 2),
        "audit reasons": ", ".join(f"{k}: {v}" for k, v in sorted(reasons.items())),
        "_pass": max(shifts + returns) <= 2 * interval + 0.5,
    }


async def kill_when_streaming(gw: GatewayProcess, ids: list[str], mine: set[str]) -> None:
    """Open len(ids) streams; kill -9 the gateway once every one has sent bytes."""
    all_started = asyncio.Event()

    def started(rid: str) -> None:
        mine.add(rid)
        if len(mine) == len(ids):
            all_started.set()

    task = asyncio.ensure_future(load(gw.url, ids, len(ids), lambda i: "instruct", started))
    await asyncio.wait(
        [task, asyncio.ensure_future(all_started.wait())], return_when=asyncio.FIRST_COMPLETED
    )
    gw.kill()  # kill -9 with every stream mid-flight
    await asyncio.gather(task, return_exceptions=True)


def part_crash(cycles: int, streams: int) -> dict[str, Any]:
    engine = FakeEngine(model="qwen-instruct", tokens=2000, token_interval_s=0.01).start()
    got: set[str] = set()
    missing: list[str] = []
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        cfg = write_config(tmp, [engine], [])
        data = yaml.safe_load(cfg.read_text())
        data["thinking"] = []
        cfg.write_text(yaml.safe_dump(data))
        t0 = time.monotonic()
        try:
            for cycle in range(cycles):
                gw = GatewayProcess(["--config", str(cfg)], env={"VLGATE_SERVER__INSTANCE_ID": "gw"},
                                    log_path=tmp / "gw.log").start()  # fmt: skip
                ids = [f"crash-{cycle:02d}-{i:03d}" for i in range(streams)]
                mine: set[str] = set()

                asyncio.run(kill_when_streaming(gw, ids, mine))
                got |= mine
            final = GatewayProcess(["--config", str(cfg)], env={"VLGATE_SERVER__INSTANCE_ID": "gw"},
                                   log_path=tmp / "gw.log").start()  # fmt: skip
            final.terminate(timeout=60)
            took = time.monotonic() - t0
            rows = dict(audit_rows(tmp / "audit.db"))
            con = sqlite3.connect(tmp / "audit.db")
            integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
            con.close()
        finally:
            engine.stop()
    missing = sorted(got - set(rows))
    still_open = [r for r, s in rows.items() if s == "open"]
    return {
        "cycles x concurrent streams": f"{cycles} x {streams}",
        "streams that sent bytes": len(got),
        "missing from store (goal 0)": len(missing),
        "left open (goal 0)": len(still_open),
        "statuses": ", ".join(
            f"{s}: {list(rows.values()).count(s)}" for s in sorted(set(rows.values()))
        ),
        "SQLite integrity_check": integrity,
        "wall time (s)": round(took, 1),
        "_pass": not missing and not still_open and integrity == "ok",
    }


def part_store(policy: str, outage_s: float) -> dict[str, Any]:
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    role = f"bench_down_{uuid.uuid4().hex[:8]}"

    def sql(stmt: str) -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(stmt))

    sql(f"CREATE ROLE {role} LOGIN")
    sql(f"CREATE SCHEMA {role} AUTHORIZATION {role}")
    ins, _ = engines(1)
    dsn = f"postgresql+psycopg://{role}@127.0.0.1:5432/test?options=-csearch_path%3D{role}"
    answered: list[str] = []
    refused = unrecorded = 0
    try:
        with tempfile.TemporaryDirectory() as t:
            tmp = Path(t)
            audit = {"dsn": dsn, "policy": policy, "probe_interval_s": 0.5}
            cfg = write_config(tmp, ins, [], thinking=[], audit=audit)
            with gateway(tmp, cfg) as gw, httpx.Client(base_url=gw.url, timeout=10) as c:

                def ask(rid: str) -> bool:
                    body = {"model": "instruct", "messages": [{"role": "user", "content": "hi"}]}
                    r = c.post("/v1/chat/completions", json=body, headers={"x-request-id": rid})
                    if r.status_code == 200:
                        answered.append(rid)
                    return r.status_code == 200

                for i in range(20):
                    ask(f"up-{i}")
                sql(f"ALTER ROLE {role} NOLOGIN")
                sql(
                    f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'"
                )
                end, i = time.monotonic() + outage_s, 0
                while time.monotonic() < end:
                    refused += not ask(f"down-{i}")
                    i += 1
                    time.sleep(0.05)
                during = i
                sql(f"ALTER ROLE {role} LOGIN")
                back = time.monotonic()
                wait_until(lambda: ask(f"back-{uuid.uuid4().hex[:6]}"), timeout=30, every=0.05)
                recovered = time.monotonic() - back

                def stored() -> set[str]:
                    with admin.connect() as conn:
                        q = f"SELECT request_id FROM {role}.audit_records WHERE status = 'completed'"
                        return {r[0] for r in conn.execute(sa.text(q))}

                wait_until(lambda: set(answered) <= stored(), timeout=60, every=0.2)
                caught_up = time.monotonic() - back
                unrecorded = len(set(answered) - stored())
    finally:
        for e in ins:
            e.stop()
        sql(f"ALTER ROLE {role} LOGIN")
        sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'")
        sql(f"DROP SCHEMA {role} CASCADE")
        sql(f"DROP ROLE {role}")
        admin.dispose()
    ok = (
        unrecorded == 0
        and recovered < 5
        and (refused > 0 if policy == "fail_closed" else refused == 0)
    )
    return {
        "policy": policy,
        "outage (s)": outage_s,
        "requests during outage": during,
        "refused with 503": refused,
        "answered without a record (goal 0)": unrecorded,
        "first success after return (s, goal < 5)": round(recovered, 2),
        "store caught up after return (s)": round(caught_up, 2),
        "_pass": ok,
    }


def part_fuzz(scale: float) -> dict[str, Any]:
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:randomly",
        str(ROOT / "tests/scale/test_schema_fuzz.py"),
    ]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "VLGATE_FUZZ_SCALE": str(scale)},
                          capture_output=True, text=True)  # fmt: skip
    return {
        "examples (about)": int(304 * scale),
        "result": proc.stdout.strip().splitlines()[-1] if proc.stdout else proc.stderr[-200:],
        "wall time (s)": round(time.monotonic() - t0, 1),
        "_pass": proc.returncode == 0,
    }


# -- report -------------------------------------------------------------------------


def table(title: str, result: dict[str, Any]) -> str:
    lines = [f"### {title} — {'PASS' if result['_pass'] else 'FAIL'}", "", "| | |", "| --- | --- |"]
    lines += [f"| {k} | {v} |" for k, v in result.items() if not k.startswith("_")]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (under 2 minutes)")
    ap.add_argument("--only", default="faults,shift,crash,store,fuzz")
    ap.add_argument("--no-doc", action="store_true", help="print only; leave docs/reliability.md")
    args = ap.parse_args(argv)
    # Stalled fake-engine requests are cancelled at shutdown; their tracebacks are noise.
    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
    q = args.quick
    plan: dict[str, Callable[[], dict[str, Any]]] = {
        "faults": lambda: part_faults(500 if q else 5000, 50),
        "shift": lambda: part_shift(2 if q else 5),
        "crash": lambda: part_crash(3 if q else 20, 30 if q else 100),
        "store": lambda: {
            **part_store("fail_closed", 5 if q else 60),
            "_then": part_store("spool", 5 if q else 60),
        },
        "fuzz": lambda: part_fuzz(1 if q else 4),
    }
    titles = {"faults": "Faults under load", "shift": "Thinking overloaded", "crash": "Crash (kill -9)",
              "store": "Store down", "fuzz": "Schema fuzz (schemathesis)"}  # fmt: skip
    out = []
    for name in args.only.split(","):
        t0 = time.monotonic()
        result = plan[name]()
        then = result.pop("_then", None)
        out.append(table(titles[name], result))
        if then:
            out.append(table(titles[name] + " (spool)", then))
        print(out[-2] if then else "", out[-1], f"({time.monotonic() - t0:.0f} s)\n", flush=True)
    if not args.no_doc:
        write_doc(out, q, args.only)
    return 0 if all("— PASS" in o for o in out) else 1


def write_doc(sections: list[str], quick: bool, only: str) -> None:
    cmd = "python bench/faults.py" + (" --quick" if quick else "")
    if only != "faults,shift,crash,store,fuzz":
        cmd += f" --only {only}"
    head = DOC.read_text().split("<!-- results -->")[0] if DOC.exists() else "# Reliability\n\n"
    body = (
        f"<!-- results -->\n## Results\n\nCommand: `{cmd}` ({time.strftime('%Y-%m-%d')}, "
        f"{os.cpu_count()} CPUs, scripted engines on loopback).\n\n" + "\n".join(sections)
    )
    DOC.write_text(head + body)


if __name__ == "__main__":
    sys.exit(main())
