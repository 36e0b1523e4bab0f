"""The SSE decoder and the engines' queue-metric reader."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from vlgate.backends.engine_metrics import parse_queue
from vlgate.backends.sse import SSEDecoder

STREAM = b'data: {"a":1}\r\n\r\n: keep-alive\n\ndata: {"b":\ndata: 2}\n\nevent: x\ndata: [DONE]\n\n'


def test_sse_whole() -> None:
    d = SSEDecoder()
    assert d.feed(STREAM) == [b'{"a":1}', b'{"b":\n2}', b"[DONE]"]
    assert d.close() == []


@given(st.lists(st.integers(0, len(STREAM)), max_size=10))
def test_sse_any_split(cuts: list[int]) -> None:
    bounds = [0, *sorted(cuts), len(STREAM)]
    d = SSEDecoder()
    out: list[bytes] = []
    for a, b in itertools.pairwise(bounds):
        out += d.feed(STREAM[a:b])
    out += d.close()
    assert out == [b'{"a":1}', b'{"b":\n2}', b"[DONE]"]


def test_sse_unterminated_last_event_counts_at_close() -> None:
    d = SSEDecoder()
    assert d.feed(b"data: x") == []
    assert d.close() == [b"x"]


def test_vllm_sglang_llamacpp_metrics() -> None:
    vllm = (
        "# HELP vllm:num_requests_waiting Number of requests waiting.\n"
        "# TYPE vllm:num_requests_waiting gauge\n"
        'vllm:num_requests_waiting{engine="0",model_name="Qwen/Qwen3-VL-4B-Thinking"} 7.0\n'
        'vllm:num_requests_running{engine="0",model_name="Qwen/Qwen3-VL-4B-Thinking"} 3.0\n'
        'vllm:num_requests_waiting{engine="1",model_name="Qwen/Qwen3-VL-4B-Thinking"} 2.0\n'
        "vllm:kv_cache_usage_perc 0.5\n"
    )
    r = parse_queue(vllm)
    assert r is not None and (r.engine, r.waiting, r.running) == ("vllm", 9.0, 3.0)
    r = parse_queue(
        'sglang:num_queue_reqs{model_name="m"} 4\nsglang:num_running_reqs{model_name="m"} 2\n'
    )
    assert r is not None and (r.engine, r.waiting, r.running) == ("sglang", 4.0, 2.0)
    r = parse_queue("llamacpp:requests_deferred 1\nllamacpp:requests_processing 5 1700000000000\n")
    assert r is not None and (r.engine, r.waiting, r.running) == ("llamacpp", 1.0, 5.0)
    assert parse_queue("process_cpu_seconds_total 3\n") is None
    assert parse_queue('vllm:num_requests_waiting{x="1"} NaNish\n') is None


def test_pick_model_per_mode() -> None:
    from vlgate.backends.upstream import pick_model
    from vlgate.modes import Mode

    served = [
        "auto",
        "instruct",
        "thinking",
        "Qwen/Qwen3-VL-4B-Instruct",
        "Qwen/Qwen3-VL-4B-Thinking",
    ]
    assert pick_model(served, Mode.THINKING) == "Qwen/Qwen3-VL-4B-Thinking"
    assert pick_model(served, Mode.INSTRUCT) == "Qwen/Qwen3-VL-4B-Instruct"
    assert pick_model(["my-model"], Mode.THINKING) == "my-model"
    assert pick_model([], Mode.THINKING) is None
