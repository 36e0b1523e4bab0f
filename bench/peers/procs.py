"""Server processes for the suite: start, wait until ready, read CPU, stop.

CPU comes from ``/proc/<pid>/stat`` (utime + stime) summed over the process and
its descendants, so nginx's worker and any child a server forks are counted.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A currently free loopback port, for servers that cannot take port 0."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces: split after its closing paren
    return raw[raw.rindex(")") + 2 :].split()


def tree(pid: int) -> list[int]:
    """``pid`` and all its live descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, ()))
    return out


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU seconds used so far by ``pids``."""
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / TICK


def start(cmd: Sequence[str], env: Mapping[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = log.open("wb")
    full_env = {**os.environ, **env}
    return subprocess.Popen(
        list(cmd), env=full_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def read_port(proc: subprocess.Popen[bytes], log: Path, timeout_s: float = 30) -> int:
    """Wait for a ``PORT <n>`` line in the process's log."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith("PORT "):
                return int(line.split()[1])
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError(f"no PORT line from {proc.args!r}; log:\n{log.read_text()[-2000:]}")


def get(port: int, path: str, timeout_s: float = 2.0) -> tuple[int, bytes]:
    return request("GET", port, path, None, timeout_s)


def request(
    method: str, port: int, path: str, body: bytes | None, timeout_s: float = 10.0
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout_s)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def wait_ready(
    proc: subprocess.Popen[bytes] | None, port: int, path: str, log: Path, timeout_s: float
) -> None:
    """Poll ``GET path`` until 200; fail early if the process exits."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            break
        try:
            if get(port, path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    raise RuntimeError(f"not ready on :{port}{path} within {timeout_s:.0f}s; log:\n{tail}")


def stop(proc: subprocess.Popen[bytes], timeout_s: float = 10) -> None:
    """SIGINT the process group, SIGKILL it if it lingers.

    SIGINT rather than SIGTERM: uvicorn re-raises the signal it caught once it has
    shut down, and only SIGINT (as KeyboardInterrupt) lets cProfile write its stats.
    """
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=timeout_s)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        proc.wait(timeout=timeout_s)
