"""Prometheus text for the embedded engine, with vLLM's metric names.

A gateway in front of ``vlgate engine serve`` reads the queue exactly as it reads a
vLLM server's: ``vllm:num_requests_waiting`` / ``vllm:num_requests_running`` gauges
per ``model_name``, plus token and request counters. The ``vlgate:engine_step*``
counters give the mean batch size (rows / steps) over any interval.
"""

from __future__ import annotations

from vlgate.backends.embedded.engine import Engine

_HELP = (
    ("vllm:num_requests_waiting", "gauge", "Requests waiting to be scheduled."),
    ("vllm:num_requests_running", "gauge", "Requests in the running batch."),
    ("vllm:prompt_tokens_total", "counter", "Prefill tokens processed."),
    ("vllm:generation_tokens_total", "counter", "Generation tokens produced."),
    ("vllm:request_success_total", "counter", "Requests that ran to completion."),
    ("vlgate:engine_service_time_seconds", "gauge", "EWMA of per-request service time."),
    ("vlgate:engine_steps_total", "counter", "Decode steps run (one forward each)."),
    ("vlgate:engine_step_rows_total", "counter", "Rows summed over decode steps."),
    ("vlgate:engine_joined_running_total", "counter", "Requests that joined a running batch."),
)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def engine_metrics_text(engine: Engine, model_names: dict[str, str] | None = None) -> str:
    """The engine's queue and token counters in Prometheus text format.

    ``model_names`` maps a variant to the ``model_name`` label (default: the
    checkpoint it serves).
    """
    names = model_names or dict(engine.settings.checkpoints)
    stats = engine.stats()
    values: dict[str, list[tuple[str, float]]] = {name: [] for name, _, _ in _HELP}
    for variant, st in stats.items():
        label = _label(names.get(variant, variant))
        snap = engine.load(variant)
        values["vllm:num_requests_waiting"].append((label, snap.waiting))
        values["vllm:num_requests_running"].append((label, snap.running))
        values["vllm:prompt_tokens_total"].append((label, st.prompt_tokens))
        values["vllm:generation_tokens_total"].append((label, st.generation_tokens))
        values["vllm:request_success_total"].append((label, st.requests_finished))
        values["vlgate:engine_steps_total"].append((label, st.steps))
        values["vlgate:engine_step_rows_total"].append((label, st.step_rows))
        values["vlgate:engine_joined_running_total"].append((label, st.joined_running))
        if st.service_time_s is not None:
            values["vlgate:engine_service_time_seconds"].append((label, st.service_time_s))
    lines: list[str] = []
    for name, kind, help_text in _HELP:
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        lines += [f'{name}{{model_name="{label}"}} {float(v)}' for label, v in values[name]]
    return "\n".join(lines) + "\n"
