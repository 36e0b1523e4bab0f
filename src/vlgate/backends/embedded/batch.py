"""One batched generation: left-padded prefill, then step-wise decode with a KV cache.

Every row keeps its own sampler, stop strings and token budget; rows that finish or
are cancelled stop emitting and, once all have, the batch ends. Positions are given
explicitly (Qwen3-VL's 3-D M-RoPE for visual prompts, ``cumsum(mask) - 1`` for text)
so a padded row computes the same as the row alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from vlgate.backends.embedded.job import GenState, Job
from vlgate.backends.embedded.runtime import LoadedModel
from vlgate.backends.embedded.sampling import RowSampler, resolve
from vlgate.backends.embedded.settings import EngineSettings
from vlgate.backends.embedded.textstream import IncrementalDecoder, StopMatcher
from vlgate.errors import (
    ContextTooLong,
    InvalidRequest,
    UpstreamError,
    UpstreamTimeout,
    VlgateError,
)
from vlgate.types import Finish

END_THINK = "</think>"


def _max_tokens(job: Job, settings: EngineSettings) -> int:
    asked = job.request.sampling.max_tokens
    if asked is None:
        return min(settings.default_max_tokens, settings.max_new_tokens)
    if asked < 1:
        raise InvalidRequest("max_tokens must be at least 1", param="max_tokens")
    if asked > settings.max_new_tokens:
        raise InvalidRequest(
            f"max_tokens {asked} is above this engine's cap of {settings.max_new_tokens}",
            param="max_tokens",
        )
    return asked


def prepare(job: Job, lm: LoadedModel, settings: EngineSettings) -> None:
    """Render the prompt and set up sampling and streaming state (may raise)."""
    req = job.request
    job.prompt = lm.prompts.build(req.messages, req.extra.get("tools"))
    limit = int(lm.model.config.text_config.max_position_embeddings)
    max_tokens = _max_tokens(job, settings)
    if len(job.prompt.input_ids) + max_tokens > limit:
        raise ContextTooLong(
            f"prompt ({len(job.prompt.input_ids)} tokens) plus max_tokens ({max_tokens}) "
            f"exceeds the context of {limit} tokens"
        )
    job.sampler = RowSampler(resolve(req.sampling, lm.defaults), lm.vocab_size, lm.device)
    tok = lm.tokenizer
    end_think = tok.convert_tokens_to_ids(END_THINK) if lm.variant == "thinking" else None
    job.state = GenState(
        decoder=IncrementalDecoder(lambda ids: tok.decode(ids, skip_special_tokens=True)),
        stopper=StopMatcher(req.sampling.stop),
        max_tokens=max_tokens,
        eos_ids=lm.eos_ids,
        end_think_id=int(end_think) if end_think is not None else None,
    )


def _cat(values: list[Any], torch: Any) -> Any:
    values = [v for v in values if v is not None]
    return torch.cat(values) if values else None


def _inputs(jobs: list[Job], lm: LoadedModel, torch: Any) -> dict[str, Any]:
    prompts = [j.prompt for j in jobs if j.prompt is not None]
    width = max(len(p.input_ids) for p in prompts)
    pad = int(lm.tokenizer.pad_token_id or 0)
    ids = torch.full((len(prompts), width), pad, dtype=torch.long)
    mask = torch.zeros((len(prompts), width), dtype=torch.long)
    types = torch.zeros((len(prompts), width), dtype=torch.int)
    for row, p in enumerate(prompts):
        n = len(p.input_ids)
        ids[row, width - n :] = torch.tensor(p.input_ids)
        mask[row, width - n :] = 1
        types[row, width - n :] = torch.tensor(p.mm_token_type_ids, dtype=torch.int)
    dev = lm.device
    out = {"input_ids": ids.to(dev), "attention_mask": mask.to(dev), "mm_token_type_ids": types}
    for key in ("pixel_values", "image_grid_thw", "pixel_values_videos", "video_grid_thw"):
        value = _cat([getattr(p, key) for p in prompts], torch)
        if value is not None:
            out[key] = value.to(dev)
    return out


def _positions(inputs: dict[str, Any], lm: LoadedModel, torch: Any) -> tuple[Any, Any]:
    mask = inputs["attention_mask"]
    if "image_grid_thw" in inputs or "video_grid_thw" in inputs:
        pos, _ = lm.model.model.get_rope_index(
            inputs["input_ids"],
            mm_token_type_ids=inputs["mm_token_type_ids"].to(mask.device),
            image_grid_thw=inputs.get("image_grid_thw"),
            video_grid_thw=inputs.get("video_grid_thw"),
            attention_mask=mask,
        )
    else:
        pos = (mask.cumsum(-1) - 1).masked_fill(mask == 0, 0)
        pos = pos.unsqueeze(0).expand(3, -1, -1)
    nxt = pos.amax(dim=(0, 2)) + 1
    return pos, nxt


def _forward(lm: LoadedModel, cache: Any, **kwargs: Any) -> tuple[Any, Any]:
    out = lm.model(use_cache=True, cache=cache, logits_to_keep=1, **kwargs)
    new_cache = getattr(out, "cache", None) or getattr(out, "past_key_values", None)
    return out.logits[:, -1, :], new_cache


def _deliver(job: Job, events: list[Any]) -> None:
    for event in events:
        job.sink(event)


def _fail(job: Job, exc: BaseException, sent: bool) -> None:
    if isinstance(exc, VlgateError):
        job.sink(exc)
    else:
        job.sink(UpstreamError(f"embedded engine failed: {exc!r}", sent_output=sent))


def run_batch(
    jobs: list[Job],
    lm: LoadedModel,
    settings: EngineSettings,
    on_step: Callable[[int, list[Job]], None] | None = None,
) -> list[Job]:
    """Generate every job to completion (or cancellation); returns the jobs that ran."""
    import torch

    ready: list[Job] = []
    for job in jobs:
        try:
            prepare(job, lm, settings)
            ready.append(job)
        except Exception as exc:
            _fail(job, exc, sent=False)
    if not ready:
        return []
    try:
        with torch.inference_mode():
            _decode(ready, lm, on_step, torch)
    except Exception as exc:
        for job in ready:
            if not job.done:
                _fail(job, exc, sent=bool(job.state and job.state.tokens))
    return ready


def _decode(jobs: list[Job], lm: LoadedModel, on_step: Any, torch: Any) -> None:
    inputs = _inputs(jobs, lm, torch)
    pos, nxt = _positions(inputs, lm, torch)
    mask = inputs["attention_mask"]
    logits, cache = _forward(lm, None, position_ids=pos, **inputs)
    pad = int(lm.tokenizer.pad_token_id or 0)
    while True:
        step = torch.full((len(jobs), 1), pad, dtype=torch.long)
        released: list[tuple[Job, list[Any]]] = []
        for row, job in enumerate(jobs):
            if job.done:
                continue
            if job.request.deadline is not None and time.monotonic() > job.request.deadline:
                sent = bool(job.state and job.state.tokens)
                job.sink(UpstreamTimeout("deadline passed during generation", sent_output=sent))
                job.cancel()
                continue
            token = job.sampler.choose(logits[row])
            step[row, 0] = token
            released.append((job, job.step(token)))
        if on_step is not None:  # before delivery: a finished row is accounted already
            finished = [j for j, evs in released if evs and isinstance(evs[-1], Finish)]
            on_step(sum(1 for j in jobs if not j.done), finished)
        for job, events in released:
            _deliver(job, events)
        if all(j.done for j in jobs):
            return
        mask = torch.cat([mask, mask.new_ones((len(jobs), 1))], dim=1)
        step_pos = nxt.view(1, -1, 1).expand(3, -1, 1)
        nxt = nxt + 1
        logits, cache = _forward(
            lm, cache, input_ids=step.to(lm.device), attention_mask=mask, position_ids=step_pos
        )
