"""Time arguments of the trace filters: epoch seconds, ISO-8601, or "2h ago" style."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from vlgate.errors import InvalidRequest

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
_RELATIVE = re.compile(r"^(\d+(?:\.\d+)?)([smhdw])$")


def parse_time(value: str | None, param: str, *, now: float | None = None) -> float | None:
    """``"1700000000"``, ``"2026-05-01"``, ``"2026-05-01T12:00:00+02:00"`` (naive is
    UTC) or ``"15m"`` / ``"2h"`` / ``"7d"`` (that long before now) -> epoch seconds."""
    if value is None or value == "":
        return None
    text = value.strip()
    m = _RELATIVE.match(text)
    if m:
        return (time.time() if now is None else now) - float(m.group(1)) * _UNITS[m.group(2)]
    try:
        return float(text)
    except ValueError:
        pass
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidRequest(
            f"{param} must be epoch seconds, an ISO-8601 time or a span like 2h: {value!r}",
            param=param,
        ) from exc
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()
