"""The local append-only journal: numbered segment files of JSON lines.

Every audit event is appended here with one ``os.write`` before it is queued for
the database. The kernel holds the bytes once ``write`` returns, so they survive
the process being killed (``kill -9``); surviving power loss needs ``fsync=True``
(one ``fsync`` per event). Segments are removed once all their events are
committed; whatever is left on disk at start is replayed by ``AuditWriter.recover``.

Not thread-safe by itself: the writer serialises calls with its own lock.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from vlgate.errors import ServiceUnavailable

_SUFFIX = ".jsonl"


class Journal:
    def __init__(self, directory: Path, *, segment_bytes: int, fsync: bool) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._lock_fd = os.open(directory / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(self._lock_fd)
            raise ServiceUnavailable(
                f"audit journal {directory} is in use by another vlgate process; "
                "give each gateway process its own instance id"
            ) from exc
        self._segment_bytes = segment_bytes
        self._fsync = fsync
        self.leftover = self.segments()  # from an earlier process: recover() replays them
        self.current = (self.leftover[-1] + 1) if self.leftover else 1
        self._fd = self._open(self.current)
        self._size = 0
        self.total_bytes = sum(self._path(s).stat().st_size for s in self.leftover)

    def _path(self, segment: int) -> Path:
        return self.directory / f"{segment:010d}{_SUFFIX}"

    def _open(self, segment: int) -> int:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        return os.open(self._path(segment), flags, 0o600)

    def segments(self) -> list[int]:
        return sorted(int(p.stem) for p in self.directory.glob(f"*{_SUFFIX}") if p.stem.isdigit())

    def append(self, line: bytes) -> int:
        """Write one newline-terminated entry; returns its segment number."""
        if self._size >= self._segment_bytes:
            self.rotate()
        os.write(self._fd, line)
        if self._fsync:
            os.fsync(self._fd)
        self._size += len(line)
        self.total_bytes += len(line)
        return self.current

    def rotate(self) -> int:
        """Close the current segment, start the next; returns the closed number."""
        closed = self.current
        os.close(self._fd)
        self.current += 1
        self._fd = self._open(self.current)
        self._size = 0
        return closed

    def read(self, segment: int) -> Iterator[dict[str, Any]]:
        """Entries of a segment; a torn last line (crash mid-write) is skipped."""
        with open(self._path(segment), "rb") as f:
            for line in f:
                if not line.endswith(b"\n"):
                    return
                try:
                    yield orjson.loads(line)
                except orjson.JSONDecodeError:
                    continue

    def remove(self, segment: int) -> None:
        """Delete a closed segment (never the one being written, unless closed)."""
        path = self._path(segment)
        try:
            self.total_bytes -= path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            pass

    def close(self) -> None:
        if self._fd < 0:
            return
        os.close(self._fd)
        os.close(self._lock_fd)  # releases the flock
        self._fd = self._lock_fd = -1
