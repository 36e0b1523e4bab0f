"""Read an engine's queue depth from its Prometheus ``/metrics`` text.

Each engine names the same two numbers differently (FACTS.md); a table, not
if/elif, maps engine kind to names. Values of all label sets are summed (one
engine may serve several model names).
"""

from __future__ import annotations

from dataclasses import dataclass

# engine kind -> (waiting metric, running metric)
QUEUE_METRICS: dict[str, tuple[str, str]] = {
    "vllm": ("vllm:num_requests_waiting", "vllm:num_requests_running"),
    "sglang": ("sglang:num_queue_reqs", "sglang:num_running_reqs"),
    "llamacpp": ("llamacpp:requests_deferred", "llamacpp:requests_processing"),
}


@dataclass(slots=True, frozen=True)
class QueueReading:
    waiting: float
    running: float
    engine: str


def parse_queue(text: str) -> QueueReading | None:
    """The first engine whose metrics appear in ``text``; None if none does."""
    wanted = {name for pair in QUEUE_METRICS.values() for name in pair}
    sums: dict[str, float] = {}
    for line in text.splitlines():
        if not line or line[0] == "#":
            continue
        name_end = min((i for i in (line.find("{"), line.find(" ")) if i >= 0), default=-1)
        if name_end <= 0:
            continue
        name = line[:name_end]
        if name not in wanted:
            continue
        rest = line[line.rindex("}") + 1 :] if line[name_end] == "{" else line[name_end:]
        try:
            value = float(rest.split()[0])
        except (ValueError, IndexError):
            continue
        sums[name] = sums.get(name, 0.0) + value
    for engine, (waiting, running) in QUEUE_METRICS.items():
        if waiting in sums or running in sums:
            return QueueReading(sums.get(waiting, 0.0), sums.get(running, 0.0), engine)
    return None
