"""A sans-I/O Server-Sent Events decoder: ``feed(bytes) -> [data, ...]``.

Only what OpenAI-compatible engines use: ``data:`` fields, events separated by a
blank line, ``\\r\\n`` or ``\\n`` line ends, ``:`` comment lines ignored.
"""

from __future__ import annotations


class SSEDecoder:
    __slots__ = ("_buf", "_data")

    def __init__(self) -> None:
        self._buf = b""
        self._data: list[bytes] = []

    def feed(self, chunk: bytes) -> list[bytes]:
        """Return the data payloads of the events completed by ``chunk``."""
        buf = self._buf + chunk if self._buf else chunk
        out: list[bytes] = []
        start = 0
        while True:
            nl = buf.find(b"\n", start)
            if nl < 0:
                break
            line = buf[start:nl]
            start = nl + 1
            if line.endswith(b"\r"):
                line = line[:-1]
            if not line:
                if self._data:
                    out.append(b"\n".join(self._data))
                    self._data = []
            elif line.startswith(b"data:"):
                value = line[5:]
                self._data.append(value[1:] if value.startswith(b" ") else value)
            # other fields (event:, id:, retry:) and comments are not used
        self._buf = buf[start:]
        return out

    def close(self) -> list[bytes]:
        """End of stream: an event without its trailing blank line still counts."""
        out = self.feed(b"\n\n") if self._buf or self._data else []
        self._buf = b""
        return out
