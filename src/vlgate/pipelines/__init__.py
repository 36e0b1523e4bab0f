"""Task pipelines on vlgate's public API: each picks its mode, validates its output
and records its traces (``client.TraceLog``).

    forms           receipts and KYC forms -> JSON (Instruct)
    second_opinion  checklist read with trace and disclaimer (Thinking)
    video           long-video summary, chunked key frames (Thinking)
    documents       PDF ask / contradictions (Thinking), extract / classify (Instruct)
    grading         MCQ sheets at volume (Instruct), tutor solutions (Thinking)
    grounding       bbox_2d / point_2d -> pixel boxes drawn on the image
    batch           folders -> JSONL/CSV with progress
    cli             ``register(app)`` for the ``vlgate`` CLI
"""

from vlgate.pipelines.client import Caller, Gateway, Reply, TraceLog

__all__ = ["Caller", "Gateway", "Reply", "TraceLog"]
