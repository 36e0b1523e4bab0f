"""The servers compared, as a registry: name -> how to launch it in front of an engine.

Each peer is a :class:`Peer`: a pure ``plan`` (command, env, files to write,
readiness path, model name) and an optional ``probe`` run once it is up, which
returns a reason to skip the variant when its switch does not work yet.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import orjson

from bench.peers import procs
from bench.peers.loadgen import Endpoint

REPO = Path(__file__).resolve().parents[2]
PEERS_VENV = REPO / "bench" / ".venv-peers"


@dataclass(frozen=True)
class Plan:
    """How to run one peer. An empty ``cmd`` means no process (the engine itself)."""

    cmd: tuple[str, ...]
    port: int
    ready_path: str
    model: str
    env: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # name in the work dir -> text


@dataclass
class Running:
    name: str
    endpoint: Endpoint
    model: str
    proc: subprocess.Popen[bytes] | None
    workdir: Path

    def pids(self) -> list[int]:
        return procs.tree(self.proc.pid) if self.proc is not None else []


PROFILE = "profile.pstats"


class Planner(Protocol):
    """(engine port, work dir) -> plan; ``profile`` runs the server under cProfile
    where the peer supports it (vlgate), writing ``workdir / PROFILE`` at exit."""

    def __call__(self, engine_port: int, workdir: Path, profile: bool = False) -> Plan: ...


Probe = Callable[[Running, int], "str | None"]  # (running peer, engine port) -> skip reason


@dataclass(frozen=True)
class Peer:
    name: str
    plan: Planner
    needs: Callable[[], str | None] = lambda: None  # a reason it cannot run here
    probe: Probe | None = None


def nginx_conf(port: int, upstream_port: int, workdir: Path) -> str:
    """One worker, keep-alive upstream, no buffering of responses (SSE passes through)."""
    temp = " ".join(
        f"{kind}_temp_path {workdir}/{kind};" for kind in ("proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""worker_processes 1;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/body;
    {temp}
    client_max_body_size 64m;
    client_body_buffer_size 4m;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    upstream engine {{
        server 127.0.0.1:{upstream_port};
        keepalive 512;
        keepalive_requests 1000000;
    }}
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        location / {{
            proxy_pass http://engine;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
            proxy_read_timeout 600s;
        }}
    }}
}}
"""


def litellm_config(upstream_port: int) -> str:
    """The fake engine as an OpenAI-compatible model; callbacks, logs and spend off."""
    return f"""model_list:
  - model_name: bench
    litellm_params:
      model: openai/fake-model
      api_base: http://127.0.0.1:{upstream_port}/v1
      api_key: none
litellm_settings:
  telemetry: false
  drop_params: true
  callbacks: []
  success_callback: []
  failure_callback: []
  turn_off_message_logging: true
  set_verbose: false
  request_timeout: 600
general_settings:
  disable_spend_logs: true
  disable_error_logs: true
  disable_adding_master_key_hash_to_db: true
"""


LITELLM_ENV = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "LITELLM_TELEMETRY": "False",
    "LITELLM_LOG": "ERROR",
    "DISABLE_ADMIN_UI": "True",
    "NO_DOCS": "True",
    "LITELLM_DONT_SHOW_FEEDBACK_BOX": "True",
}


def _plan_direct(engine_port: int, workdir: Path, profile: bool = False) -> Plan:
    return Plan((), engine_port, "/health", "fake-model")


def _plan_nginx(engine_port: int, workdir: Path, profile: bool = False) -> Plan:
    port = procs.free_port()
    nginx = shutil.which("nginx") or "nginx"
    cmd = (nginx, "-p", str(workdir), "-c", str(workdir / "nginx.conf"), "-e", "stderr")
    files = {"nginx.conf": nginx_conf(port, engine_port, workdir)}
    return Plan(cmd, port, "/health", "fake-model", files=files)


def _plan_litellm(engine_port: int, workdir: Path, profile: bool = False) -> Plan:
    port = procs.free_port()
    cmd = (
        str(PEERS_VENV / "bin" / "litellm"),
        *("--config", str(workdir / "litellm.yaml")),
        *("--host", "127.0.0.1", "--port", str(port), "--num_workers", "1"),
    )
    files = {"litellm.yaml": litellm_config(engine_port)}
    return Plan(cmd, port, "/health/liveliness", "bench", env=dict(LITELLM_ENV), files=files)


def vlgate_config(guards: bool) -> str:
    return f"guard:\n  enabled: {'true' if guards else 'false'}\n"


def _vlgate_planner(audit: bool, guards: bool) -> Planner:
    def plan(engine_port: int, workdir: Path, profile: bool = False) -> Plan:
        port = procs.free_port()
        url = f"http://127.0.0.1:{engine_port}/v1"
        cmd: tuple[str, ...] = (sys.executable, "-m", "vlgate.cli", "serve")
        if profile:  # cProfile writes its stats when the server exits on SIGINT
            cmd = (sys.executable, "-m", "cProfile", "-o", str(workdir / PROFILE), *cmd[1:])
        cmd += ("--instruct-url", url, "--port", str(port))
        env = {
            "VLGATE_CONFIG": str(workdir / "vlgate.yaml"),
            "VLGATE_DATA_DIR": str(workdir / "data"),
            "VLGATE_AUDIT__ENABLED": "true" if audit else "false",
        }
        files = {"vlgate.yaml": vlgate_config(guards)}
        return Plan(cmd, port, "/readyz", "instruct", env=env, files=files)

    return plan


def _needs_nginx() -> str | None:
    return None if shutil.which("nginx") else "nginx not installed (bench/peers/setup-peers.sh)"


def _needs_litellm() -> str | None:
    if (PEERS_VENV / "bin" / "litellm").exists():
        return None
    return f"LiteLLM not installed in {PEERS_VENV} (bench/peers/setup-peers.sh)"


def _probe_audit(peer: Running, engine_port: int) -> str | None:
    """Audit on must leave a record: something must appear in the data dir."""
    data = peer.workdir / "data"
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        if data.exists() and any(p.is_file() and p.stat().st_size for p in data.rglob("*")):
            return None
        time.sleep(0.1)
    return "VLGATE_AUDIT__ENABLED=true wrote nothing under VLGATE_DATA_DIR: audit is not in the request path yet"


PII_PROBE = "write to alice.probe@example.com today"


def _probe_guards(peer: Running, engine_port: int) -> str | None:
    """Guards on must redact an e-mail address the engine puts in its answer."""
    script = orjson.dumps([{"reply": PII_PROBE}])
    procs.request("POST", engine_port, "/_script", script)
    body = orjson.dumps(
        {"model": peer.model, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 8}
    )
    status, text = procs.request("POST", peer.endpoint.port, peer.endpoint.path, body)
    if status != 200:
        return f"guards on: probe request failed with HTTP {status}: {text[:200]!r}"
    if b"alice.probe@example.com" in text:
        return "guard.enabled=true left an e-mail address in the answer: guards are not in the request path yet"
    return None


def _probe_audit_guards(peer: Running, engine_port: int) -> str | None:
    return _probe_audit(peer, engine_port) or _probe_guards(peer, engine_port)


PEERS: dict[str, Peer] = {
    "direct": Peer("direct", _plan_direct),
    "nginx": Peer("nginx", _plan_nginx, _needs_nginx),
    "litellm": Peer("litellm", _plan_litellm, _needs_litellm),
    "vlgate": Peer("vlgate", _vlgate_planner(audit=False, guards=False)),
    "vlgate+audit": Peer("vlgate+audit", _vlgate_planner(True, False), probe=_probe_audit),
    "vlgate+audit+guards": Peer(
        "vlgate+audit+guards", _vlgate_planner(True, True), probe=_probe_audit_guards
    ),
}
