"""One variant's running batch: continuous batching over a transformers KV cache.

:class:`RunningBatch` holds the rows being generated, their left-padded KV cache,
attention mask, next M-RoPE position per row and the logits of their next token.
The engine drives it one step at a time:

- :meth:`RunningBatch.admit` prepares newcomers, prefills them as their own
  left-padded mini-batch and merges their cache into the running one (a request can
  join between any two steps);
- :meth:`RunningBatch.step` picks every row's next token (:func:`.sampling.choose_tokens`),
  turns it into events, drops the rows that finished, were cancelled, timed out or
  failed (their cache rows go, and columns only they used are trimmed), then runs
  one decode forward for the rest.

Positions are explicit: Qwen3-VL's 3-D M-RoPE for visual prompts, ``cumsum(mask) -
1`` for text, then one more per generated token. With the padding masked, a row
computes what it would alone, whoever joins or leaves around it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from vlgate.backends.embedded import kvcache
from vlgate.backends.embedded.job import GenState, Job
from vlgate.backends.embedded.lmhead import OutputProjection, projection_for
from vlgate.backends.embedded.runtime import LoadedModel
from vlgate.backends.embedded.sampling import RowSampler, choose_tokens, resolve
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


@dataclass(slots=True)
class StepReport:
    """What one step did; given to the step hook before any of its events goes out."""

    sampled: int  # rows that got a token this step
    running: int  # rows left in the batch
    finished: list[Job]  # ran to completion this step
    dropped: list[Job]  # left without finishing: cancelled, timed out or failed


StepHook = Callable[[StepReport], None]


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


def _forward(
    lm: LoadedModel, project: OutputProjection, cache: Any, **kwargs: Any
) -> tuple[Any, Any]:
    """The decoder on ``kwargs``; the logits of each row's last position, and the cache."""
    out = lm.model.model(use_cache=True, cache=cache, **kwargs)
    new_cache = getattr(out, "cache", None) or getattr(out, "past_key_values", None)
    return project(out.last_hidden_state[:, -1, :].contiguous()), new_cache


def _error(job: Job, exc: BaseException, sent: bool) -> BaseException:
    """Take the job out (cancel it); the error to send it: ``exc`` or an UpstreamError."""
    job.cancel()
    if isinstance(exc, VlgateError):
        return exc
    return UpstreamError(f"embedded engine failed: {exc!r}", sent_output=sent)


def send_errors(failed: list[tuple[Job, BaseException]]) -> None:
    for job, error in failed:
        with contextlib.suppress(Exception):  # a broken sink must not take the batch down
            job.sink(error)


def fail_job(job: Job, exc: BaseException, sent: bool) -> None:
    """Take the job out and send it ``exc`` (or an UpstreamError wrapping it) now."""
    error = _error(job, exc, sent)
    with contextlib.suppress(Exception):  # a broken sink must not take the batch down
        job.sink(error)


def _sent(job: Job) -> bool:
    return bool(job.state and job.state.tokens)


def _padding(mask: Any) -> Any:
    """``mask`` if some row has padding, else None (then no mask is built or passed)."""
    return mask if bool((mask == 0).any()) else None


def _full(cache: Any, mask: Any, rows: int) -> Any:
    """``mask``, or the all-ones mask it stands for when it is None."""
    if mask is not None:
        return mask
    import torch

    keys = cache.layers[0].keys
    return torch.ones((rows, keys.shape[2]), dtype=torch.long, device=keys.device)


class RunningBatch:
    """The rows one variant is generating, and their KV cache, mask and positions."""

    def __init__(self, lm: LoadedModel, settings: EngineSettings) -> None:
        import torch

        self.lm = lm
        self.settings = settings
        self.rows: list[Job] = []
        self._torch = torch
        self._project = projection_for(
            lm.model, allow_onednn=settings.onednn_lm_head, batch_hint=settings.max_batch_size
        )
        self._cache: Any = None
        self._mask: Any = None  # [rows, columns] long, 0 on left padding; None: no padding
        self._nxt: Any = None  # [rows] next M-RoPE position
        self._logits: Any = None  # [rows, vocab] for each row's next token

    def __len__(self) -> int:
        return len(self.rows)

    # --- joining -------------------------------------------------------------------

    def admit(self, jobs: list[Job]) -> tuple[list[Job], list[tuple[Job, BaseException]]]:
        """Prepare and prefill ``jobs`` and add them to the batch.

        Returns the jobs added and, for the others, the error to send them (see
        :func:`send_errors`; the caller accounts first). A request that cannot be
        prepared or prefilled fails on its own: when a mini-batch prefill raises,
        its rows are retried one at a time.
        """
        failed: list[tuple[Job, BaseException]] = []
        ready: list[Job] = []
        for job in jobs:
            if job.cancelled:
                continue
            try:
                prepare(job, self.lm, self.settings)
                ready.append(job)
            except Exception as exc:
                failed.append((job, _error(job, exc, False)))
        if not ready:
            return [], failed
        try:
            self._prefill(ready)
            return ready, failed
        except Exception as exc:
            if len(ready) == 1:
                return [], [*failed, (ready[0], _error(ready[0], exc, False))]
        added: list[Job] = []
        for job in ready:
            try:
                self._prefill([job])
                added.append(job)
            except Exception as exc:
                failed.append((job, _error(job, exc, False)))
        return added, failed

    def _prefill(self, jobs: list[Job]) -> None:
        torch = self._torch
        with torch.inference_mode():
            inputs = _inputs(jobs, self.lm, torch)
            pos, nxt = _positions(inputs, self.lm, torch)
            mask = _padding(inputs["attention_mask"])
            inputs["attention_mask"] = mask
            logits, cache = _forward(self.lm, self._project, None, position_ids=pos, **inputs)
            if not self.rows:
                self._cache, self._mask, self._nxt, self._logits = cache, mask, nxt, logits
            else:
                self._mask = _padding(
                    kvcache.merge(
                        self._cache, self._full_mask(), cache, _full(cache, mask, len(jobs))
                    )
                )
                self._nxt = torch.cat([self._nxt, nxt])
                self._logits = torch.cat([self._logits, logits.to(self._logits.dtype)])
        self.rows.extend(jobs)

    # --- one step --------------------------------------------------------------------

    def step(
        self,
        on_step: StepHook | None = None,
        delivering: Callable[[], AbstractContextManager[Any]] = contextlib.nullcontext,
    ) -> None:
        """Choose every row's next token, stream it, drop the rows that are done and
        run the decode forward for the others. The events go out inside
        ``delivering()`` (the engine batches its consumers' wake-ups there)."""
        torch = self._torch
        now = time.monotonic()
        # what each row has to be told (events, or one error), sent after the report
        outbox: list[tuple[Job, list[Any]]] = []
        active: list[int] = []
        for row, job in enumerate(self.rows):
            if job.done:
                continue
            deadline = job.request.deadline
            if deadline is not None and now > deadline:
                late = UpstreamTimeout("deadline passed during generation", sent_output=_sent(job))
                outbox.append((job, [_error(job, late, _sent(job))]))
                continue
            active.append(row)
        sampled = self._choose(active, outbox)
        finished = [job for job, evs in outbox if evs and isinstance(evs[-1], Finish)]
        keep = [row for row, job in enumerate(self.rows) if not job.done]
        kept = set(keep)
        dropped = [j for r, j in enumerate(self.rows) if r not in kept and j not in finished]
        if on_step is not None:  # before delivery: a finished row is accounted already
            on_step(StepReport(sampled, len(keep), finished, dropped))
        with delivering():
            for job, events in outbox:
                for event in events:
                    try:
                        job.sink(event)
                    except Exception as exc:  # this row only
                        if not isinstance(event, BaseException):
                            fail_job(job, exc, sent=True)
                        break
        survivors = [self.rows[row] for row in keep]
        try:
            if not keep:
                self.clear()
                return
            tokens = [job.state.tokens[-1] for job in survivors]  # type: ignore[union-attr]
            with torch.inference_mode():
                if len(keep) < len(self.rows):
                    self._retain(keep)
                self._decode(tokens)
        except Exception as exc:
            self.fail_all(exc, on_step, survivors)

    def fail_all(
        self, exc: BaseException, on_step: StepHook | None = None, rows: list[Job] | None = None
    ) -> None:
        """The rows (default: all) fail with ``exc`` and the batch empties: a forward
        that raised belongs to no one row. ``rows`` are those not yet reported."""
        rows = list(self.rows) if rows is None else rows
        errors = [(job, _error(job, exc, _sent(job))) for job in rows if not job.done]
        self.clear()
        if on_step is not None:  # accounted before the errors go out
            on_step(StepReport(0, 0, [], rows))
        send_errors(errors)

    def _choose(self, active: list[int], outbox: list[tuple[Job, list[Any]]]) -> int:
        """Pick each active row's token; put the events it releases (or the row's error:
        a failing row fails alone) in ``outbox``. Returns the rows that got a token."""
        if not active:
            return 0
        torch = self._torch
        jobs = [self.rows[row] for row in active]
        logits = self._logits
        if len(active) < len(self.rows):
            logits = logits.index_select(0, torch.tensor(active, device=logits.device))
        try:
            tokens = choose_tokens([j.sampler for j in jobs], logits)
        except Exception:
            tokens = []  # find the row that fails: one at a time
            for job, row_logits in zip(jobs, logits, strict=True):
                try:
                    tokens.append(job.sampler.choose(row_logits))
                except Exception as exc:
                    outbox.append((job, [_error(job, exc, _sent(job))]))
                    tokens.append(-1)
        sampled = 0
        for job, token in zip(jobs, tokens, strict=True):
            if token < 0:
                continue
            try:
                events: list[Any] = job.step(token)
                sampled += 1
            except Exception as exc:
                events = [_error(job, exc, _sent(job))]
            outbox.append((job, events))
        return sampled

    def _retain(self, keep: list[int]) -> None:
        torch = self._torch
        index = torch.tensor(keep, device=self._nxt.device)
        mask = kvcache.select_rows(self._cache, self._full_mask(), index)
        self.rows = [self.rows[row] for row in keep]
        self._mask = _padding(kvcache.trim_left(self._cache, mask))
        self._nxt = self._nxt.index_select(0, index)

    def _full_mask(self) -> Any:
        return _full(self._cache, self._mask, len(self.rows))

    def _decode(self, tokens: list[int]) -> None:
        torch = self._torch
        n = len(tokens)
        ids = torch.tensor(tokens, dtype=torch.long, device=self._nxt.device).view(n, 1)
        if self._mask is not None:
            self._mask = torch.cat([self._mask, self._mask.new_ones((n, 1))], dim=1)
        pos = self._nxt.view(1, n, 1).expand(3, n, 1)
        self._nxt = self._nxt + 1
        self._logits, self._cache = _forward(
            self.lm,
            self._project,
            self._cache,
            input_ids=ids,
            attention_mask=self._mask,
            position_ids=pos,
        )

    def clear(self) -> None:
        """Forget every row and the cache (the rows' own state is left as it is)."""
        self.rows = []
        self._cache = self._mask = self._nxt = self._logits = None


def run_batch(
    jobs: list[Job],
    lm: LoadedModel,
    settings: EngineSettings,
    on_step: StepHook | None = None,
) -> list[Job]:
    """Generate ``jobs`` together to completion, no joiners; returns those that ran."""
    batch = RunningBatch(lm, settings)
    ran, failed = batch.admit(jobs)
    send_errors(failed)
    while batch.rows:
        batch.step(on_step)
    return ran
