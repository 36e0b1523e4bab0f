"""``AuditSettings``: the audit part of vlgate's configuration.

Defaults: SQLite at ``$VLGATE_DATA_DIR/audit.db`` (``~/.local/share/vlgate`` when
unset), the journal next to it, fail closed when the store cannot keep up.
"""

from __future__ import annotations

import os
import socket
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from vlgate.audit.postures import PostureTable


class OverloadPolicy(StrEnum):
    FAIL_CLOSED = "fail_closed"  # open() raises ServiceUnavailable: the client gets a 503
    SPOOL = "spool"  # keep journaling locally, replay when the store is back


def data_dir() -> Path:
    env = os.environ.get("VLGATE_DATA_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "vlgate"


def default_instance_id() -> str:
    """This gateway process's stable name: ``VLGATE_INSTANCE_ID`` or the host name.
    It names the journal folder and scopes crash recovery, so it must survive a
    restart and differ between processes sharing a journal_dir or a database."""
    return os.environ.get("VLGATE_INSTANCE_ID") or socket.gethostname()


def default_dsn() -> str:
    return f"sqlite:///{data_dir() / 'audit.db'}"


def default_journal_dir() -> Path:
    return data_dir() / "audit-journal"


class AuditSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    dsn: str = Field(default_factory=default_dsn)
    journal_dir: Path = Field(default_factory=default_journal_dir)
    instance_id: str = Field(
        default_factory=default_instance_id, pattern=r"^[A-Za-z0-9._-]{1,100}$"
    )
    policy: OverloadPolicy = OverloadPolicy.FAIL_CLOSED
    queue_size: int = Field(default=10_000, ge=1)
    batch_size: int = Field(default=256, ge=1)
    batch_interval_s: float = Field(default=0.05, gt=0)
    # fsync the journal after every entry and run SQLite with synchronous=FULL:
    # survives power loss, costs a disk flush per request event.
    fsync: bool = False
    segment_bytes: int = Field(default=8 * 1024 * 1024, ge=4096)
    spool_max_bytes: int = Field(default=1024 * 1024 * 1024, ge=4096)
    probe_interval_s: float = Field(default=2.0, gt=0)
    pool_size: int = Field(default=5, ge=1)
    postures: PostureTable = PostureTable()
