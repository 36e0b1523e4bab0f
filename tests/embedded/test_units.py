"""Pure pieces: the job's token accounting and LRU residency (no model)."""

from __future__ import annotations

from typing import Any

from vlgate.backends.embedded.job import GenState, Job
from vlgate.backends.embedded.prompt import Prompt
from vlgate.backends.embedded.runtime import LoadedModel, Residency
from vlgate.backends.embedded.settings import EngineSettings
from vlgate.backends.embedded.textstream import IncrementalDecoder, StopMatcher
from vlgate.modes import Mode
from vlgate.types import Finish, GenerationRequest, SamplingParams, TextDelta

VOCAB = {1: "<think>", 2: "plan", 3: "</think>", 4: "\n\n", 5: "answer", 9: ""}
END_THINK, EOS = 3, 9


def _job(max_tokens: int = 10, stops: list[str] | None = None, thinking: bool = True) -> Job:
    req = GenerationRequest("r", Mode.THINKING, [], SamplingParams())
    job = Job(request=req, variant="thinking", sink=lambda e: None)
    job.prompt = Prompt(input_ids=[0] * 5, mm_token_type_ids=[0] * 5, visual_tokens=2)
    job.state = GenState(
        decoder=IncrementalDecoder(lambda ids: "".join(VOCAB[i] for i in ids)),
        stopper=StopMatcher(stops or []),
        max_tokens=max_tokens,
        eos_ids=frozenset({EOS}),
        end_think_id=END_THINK if thinking else None,
    )
    return job


def _feed(job: Job, tokens: list[int]) -> list[Any]:
    return [ev for t in tokens for ev in job.step(t)]


def test_reasoning_tokens_run_up_to_and_including_end_think() -> None:
    job = _job()
    events = _feed(job, [2, 2, 3, 4, 5, EOS])
    finish = events[-1]
    assert isinstance(finish, Finish) and finish.finish_reason == "stop"
    assert finish.usage is not None
    assert (finish.usage.reasoning_tokens, finish.usage.completion_tokens) == (3, 6)
    assert (finish.usage.prompt_tokens, finish.usage.visual_tokens) == (5, 2)
    assert (
        "".join(e.text for e in events if isinstance(e, TextDelta)) == "planplan</think>\n\nanswer"
    )


def test_instruct_has_no_reasoning_count() -> None:
    job = _job(thinking=False, max_tokens=2)
    finish = _feed(job, [5, 5])[-1]
    assert isinstance(finish, Finish) and finish.finish_reason == "length"
    assert finish.usage is not None and finish.usage.reasoning_tokens is None


def test_stop_beats_length_on_the_same_token() -> None:
    job = _job(max_tokens=2, stops=["answer"])
    events = _feed(job, [2, 5])
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "plan"
    assert isinstance(events[-1], Finish) and events[-1].finish_reason == "stop"


def _fake_loader(calls: list[str]) -> Any:
    def load(variant: str, source: str, settings: EngineSettings) -> LoadedModel:
        calls.append(variant)
        return LoadedModel(variant, source, object(), None, None, "cpu", {}, frozenset(), 10)  # type: ignore[arg-type]

    return load


def test_lru_keeps_at_most_n_resident() -> None:
    calls: list[str] = []
    settings = EngineSettings(checkpoints={"instruct": "a", "thinking": "b"}, max_resident=1)
    res = Residency(settings, _fake_loader(calls))
    res.get("instruct")
    res.get("instruct")
    assert res.resident() == ["instruct"]
    res.get("thinking")
    assert res.resident() == ["thinking"]
    res.get("instruct")
    assert calls == ["instruct", "thinking", "instruct"]


def test_both_resident_by_default() -> None:
    calls: list[str] = []
    res = Residency(
        EngineSettings(checkpoints={"instruct": "a", "thinking": "b"}), _fake_loader(calls)
    )
    res.get("instruct")
    res.get("thinking")
    res.get("instruct")
    assert sorted(res.resident()) == ["instruct", "thinking"]
    assert calls == ["instruct", "thinking"]
