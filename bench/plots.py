"""PNG plots of the suite's results; run by bench/suite.py in the peers venv.

    bench/.venv-peers/bin/python bench/plots.py bench/out/suite-results.json docs/

Prints the file name of each plot it wrote (relative to the output folder).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

PREFIX = "benchmarks-suite-"


def _bars(ax: Any, labels: list[str], series: dict[str, list[float]], ylabel: str) -> None:
    width = 0.8 / max(1, len(series))
    for i, (name, values) in enumerate(series.items()):
        xs = [x + i * width for x in range(len(labels))]
        ax.bar(xs, values, width, label=name)
    ax.set_xticks([x + width * (len(series) - 1) / 2 for x in range(len(labels))])
    ax.set_xticklabels(labels, rotation=20, ha="right")
    ax.set_ylabel(ylabel)
    ax.legend()
    ax.grid(axis="y", alpha=0.3)


def latency(results: dict[str, Any], out: Path) -> str:
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, key in zip(axes, ("p50", "p99"), strict=True):
        series = {}
        labels: list[str] = []
        for profile, stats in results.get("latency", {}).items():
            base = stats.get("direct", {}).get(key, 0.0)
            labels = [p for p in stats if p != "direct"]
            series[f"engine {profile}"] = [stats[p][key] - base for p in labels]
        _bars(ax, labels, series, f"added {key} latency, ms (log)")
        ax.set_yscale("symlog", linthresh=0.1)
        ax.set_title(f"Added {key} at one client, non-streaming")
    return _save(fig, out, "latency.png")


def throughput(results: dict[str, Any], out: Path) -> str:
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    rps = results.get("rps", {})
    _bars(axes[0], list(rps), {"max req/s at p99 <= 50 ms": list(rps.values())}, "requests/s")
    axes[0].set_title("Open-loop max rate")
    for name, steps in results.get("rps_steps", {}).items():
        pts = [(s[0], s[1]) for s in steps if s[1] is not None]
        if pts:
            axes[1].plot(*zip(*pts, strict=True), marker="o", label=name)
    axes[1].axhline(50, color="grey", linestyle="--", linewidth=1)
    axes[1].set_xscale("log")
    axes[1].set_yscale("log")
    axes[1].set_xlabel("offered requests/s")
    axes[1].set_ylabel("p99 latency from scheduled send, ms")
    axes[1].legend()
    axes[1].set_title("p99 per rate step")
    return _save(fig, out, "throughput.png")


def streaming(results: dict[str, Any], out: Path) -> str:
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    stream = results.get("stream", {})
    labels = list(next(iter(stream.values()), {}))
    ratio = {
        f"{conc} client(s)": [
            s[p]["tokens_s"] / s["direct"]["tokens_s"] if "direct" in s else 0.0 for p in labels
        ]
        for conc, s in stream.items()
    }
    _bars(axes[0], labels, ratio, "tokens/s relative to direct")
    axes[0].set_title("Streaming throughput")
    ttft = {f"{conc} client(s)": [s[p]["ttft_p50"] for p in labels] for conc, s in stream.items()}
    _bars(axes[1], labels, ttft, "TTFT p50, ms")
    axes[1].set_title("Time to first token")
    return _save(fig, out, "streaming.png")


def _save(fig: Any, out: Path, name: str) -> str:
    fig.tight_layout()
    fig.savefig(out / (PREFIX + name), dpi=90)
    plt.close(fig)
    return PREFIX + name


def main() -> None:
    results = json.loads(Path(sys.argv[1]).read_text())
    out = Path(sys.argv[2])
    for plot in (latency, throughput, streaming):
        print(plot(results, out))


if __name__ == "__main__":
    main()
