"""Run ``vlgate serve`` as a real child process (crash, drain and scale-out tests)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(predicate: Callable[[], bool], timeout: float = 30.0, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(every)


class GatewayProcess:
    """``vlgate serve`` on 127.0.0.1:``port`` with the given args and env."""

    def __init__(
        self,
        args: Sequence[str],
        *,
        port: int | None = None,
        env: Mapping[str, str] | None = None,
        log_path: Path | None = None,
    ) -> None:
        self.port = port or free_port()
        self.args = list(args)
        self.env = {**os.environ, **(env or {})}
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def spawn(self, cli_args: Sequence[str]) -> subprocess.Popen[bytes]:
        """Start ``vlgate <cli_args>`` with this object's env and log."""
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "vlgate.cli", *cli_args],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        finally:
            if out is not subprocess.DEVNULL:
                out.close()  # type: ignore[union-attr]
        return self.proc

    def start(self, timeout: float = 60.0, command: Sequence[str] = ("serve",)) -> GatewayProcess:
        """Run ``vlgate <command> --port N <args>`` and wait until it is ready."""
        proc = self.spawn([*command, "--port", str(self.port), *self.args])
        wait_until(lambda: self.ready() or not self.alive(), timeout)
        if not self.alive():
            raise RuntimeError(f"vlgate exited with {proc.returncode}: {self.log_tail()}")
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ready(self) -> bool:
        try:
            return httpx.get(self.url + "/readyz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        if self.proc is not None and self.alive():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def terminate(self, timeout: float = 30.0) -> int | None:
        if self.proc is None:
            return None
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def log_tail(self, n: int = 3000) -> str:
        if self.log_path and self.log_path.exists():
            return self.log_path.read_text(errors="replace")[-n:]
        return ""
