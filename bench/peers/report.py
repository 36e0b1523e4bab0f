"""Render the suite's results (a plain JSON-able dict) as Markdown. Pure.

Results shape (all times in ms)::

    {"meta": {...}, "skipped": {peer: reason},
     "latency": {profile: {peer: {"p50": ms, "p99": ms, "n": int}}},
     "image": {peer: {"p50": ms, "p99": ms, "n": int}},
     "cpu": {peer: {"proxy_ms": ms/request, "engine_ms": ms/request}},
     "rps": {peer: max requests/s}, "rps_steps": {peer: [[offered, p99_ms, errors], ...]},
     "stream": {"1": {peer: {"ttft_p50": ms, "itl_p99": ms, "tokens_s": float}}, "64": {...}},
     "client": {"cpu_ms_per_request": ms, "cpu_share_at_direct_max": fraction}}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

BASE = "direct"
MAIN = "vlgate"


def _fmt(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def added(stats: Mapping[str, Mapping[str, float]], peer: str, key: str) -> float:
    """``peer``'s figure minus the direct path's (NaN when either is missing)."""
    if peer not in stats or BASE not in stats:
        return math.nan
    return stats[peer][key] - stats[BASE][key]


def latency_table(results: Mapping[str, Any]) -> str:
    rows = []
    for profile, stats in results.get("latency", {}).items():
        cpu, image = results.get("cpu", {}), results.get("image", {})
        for peer, s in stats.items():
            img = image.get(peer, {}) if profile == "instant" else {}
            c = cpu.get(peer, {}) if profile == "instant" else {}
            cpu_ms = c.get("engine_ms") if peer == BASE else c.get("proxy_ms")
            rows.append(
                [
                    profile,
                    peer,
                    _fmt(s["p50"], 3),
                    _fmt(s["p99"], 3),
                    _fmt(added(stats, peer, "p50"), 3) if peer != BASE else "0",
                    _fmt(added(stats, peer, "p99"), 3) if peer != BASE else "0",
                    _fmt(cpu_ms, 3),
                    _fmt(img.get("p50"), 2),
                    _fmt(added(image, peer, "p50"), 2) if img and peer != BASE else "–",
                ]
            )
    header = [
        "engine",
        "path",
        "p50 ms",
        "p99 ms",
        "added p50 ms",
        "added p99 ms",
        "CPU ms/req (proxy; direct: engine)",
        "1 MB image p50 ms",
        "image added ms",
    ]
    return table(header, rows)


def rps_table(results: Mapping[str, Any]) -> str:
    rps = results.get("rps", {})
    base = rps.get(BASE)
    top = results.get("rps_top")

    def shown(v: float) -> str:  # a path that passed the last step may go faster
        return (">= " if v == top else "") + _fmt(v, 0)

    rows = [[peer, shown(v), _fmt(v / base if base else math.nan, 2)] for peer, v in rps.items()]
    return table(["path", "max req/s at p99 <= 50 ms", "x direct"], rows)


def stream_table(results: Mapping[str, Any]) -> str:
    rows = []
    for conc, stats in results.get("stream", {}).items():
        for peer, s in stats.items():
            base = stats.get(BASE, {}).get("tokens_s")
            rows.append(
                [
                    conc,
                    peer,
                    _fmt(s["ttft_p50"], 2),
                    _fmt(added(stats, peer, "ttft_p50"), 2) if peer != BASE else "0",
                    _fmt(s["itl_p99"], 2),
                    _fmt(s["tokens_s"], 0),
                    _fmt(s["tokens_s"] / base if base else math.nan, 3),
                ]
            )
    header = [
        "clients",
        "path",
        "TTFT p50 ms",
        "added TTFT ms",
        "ITL p99 ms",
        "tokens/s",
        "x direct",
    ]
    return table(header, rows)


@dataclass(frozen=True)
class Goal:
    text: str
    value: float
    limit: float
    higher_is_better: bool

    @property
    def met(self) -> bool | None:
        if math.isnan(self.value) or math.isnan(self.limit):
            return None
        if self.higher_is_better and self.limit == 0 == self.value:
            return None  # both below the lowest rate step: nothing was compared
        return self.value >= self.limit if self.higher_is_better else self.value <= self.limit


def goals(results: Mapping[str, Any]) -> list[Goal]:
    lat = results.get("latency", {}).get("instant", {})
    rps, stream = results.get("rps", {}), results.get("stream", {})
    nan = math.nan

    def tok(conc: str, peer: str) -> float:
        return float(stream.get(conc, {}).get(peer, {}).get("tokens_s", nan))

    many = max((c for c in stream if c != "1"), key=int, default="64")

    ours = added(lat, MAIN, "p50")
    return [
        Goal("vlgate added p50 (ms) <= 1", ours, 1.0, False),
        Goal(
            "vlgate added p50 <= 0.25x LiteLLM's (ms)",
            ours,
            0.25 * added(lat, "litellm", "p50"),
            False,
        ),
        Goal("vlgate added p50 <= 3x nginx's (ms)", ours, 3 * added(lat, "nginx", "p50"), False),
        Goal(
            "vlgate max RPS >= 3x LiteLLM's", rps.get(MAIN, nan), 3 * rps.get("litellm", nan), True
        ),
        Goal(
            "stream tokens/s at 1 client >= 0.99x direct",
            tok("1", MAIN),
            0.99 * tok("1", BASE),
            True,
        ),
        Goal(
            f"stream tokens/s at {many} clients >= 0.95x direct (goal set at 64)",
            tok(many, MAIN),
            0.95 * tok(many, BASE),
            True,
        ),
        Goal(
            "max RPS audit on >= 0.9x audit off",
            rps.get("vlgate+audit", nan),
            0.9 * rps.get(MAIN, nan),
            True,
        ),
    ]


def goals_table(results: Mapping[str, Any]) -> str:
    label = {True: "met", False: "**missed**", None: "not measured"}
    rows = [[g.text, _fmt(g.value, 3), _fmt(g.limit, 3), label[g.met]] for g in goals(results)]
    return table(["goal", "measured", "bound", "status"], rows)


def render(results: Mapping[str, Any], plots: list[str]) -> str:
    meta = results.get("meta", {})
    versions = ", ".join(f"{k} {v}" for k, v in meta.get("versions", {}).items())
    skipped = results.get("skipped", {})
    parts = [
        "# Benchmark suite: vlgate against its peers",
        "",
        "<!-- generated by bench/suite.py: edit the generator, not this file -->",
        "",
        f"Command: `{meta.get('command', '')}` ({meta.get('mode', '')} mode, {meta.get('date', '')}).",
        "",
        f"Machine: {meta.get('nproc', '?')} CPUs ({meta.get('cpu', '?')}), Python {meta.get('python', '?')}; {versions}.",
        "",
        meta.get("method", ""),
        "",
        "## Goals",
        "",
        goals_table(results),
        "",
        "## Non-streaming latency at one client",
        "",
        latency_table(results),
        "",
        "## Open-loop throughput",
        "",
        rps_table(results),
        "",
        "## Streaming",
        "",
        stream_table(results),
        "",
        "## Load client",
        "",
        f"Client CPU per request on the direct path: {_fmt(results.get('client', {}).get('cpu_ms_per_request'), 3)} ms; "
        f"share of one core at the direct path's max rate: {_fmt(results.get('client', {}).get('cpu_share_at_direct_max'), 2)}.",
    ]
    if skipped:
        parts += ["", "## Skipped", ""] + [f"- {peer}: {why}" for peer, why in skipped.items()]
    if notes := meta.get("notes"):
        parts += ["", "## Notes", "", notes]
    if plots:
        parts += ["", "## Plots", ""] + [f"![{p}]({p})" for p in plots]
    return "\n".join(parts) + "\n"
