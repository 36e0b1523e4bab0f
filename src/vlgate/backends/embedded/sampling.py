"""Per-row next-token choice: logits processors, then greedy or seeded sampling.

Each running request owns a :class:`RowSampler` with its own ``torch.Generator``, so
a seed reproduces the same tokens whatever else shares the batch. The processors run
in the order vLLM applies them: penalties on the raw logits, then temperature, top-k,
top-p.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vlgate.errors import InvalidRequest
from vlgate.types import SamplingParams


@dataclass(slots=True, frozen=True)
class SamplingConfig:
    """Resolved sampling values (request over checkpoint defaults)."""

    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0  # 0: off
    presence_penalty: float = 0.0
    frequency_penalty: float = 0.0
    repetition_penalty: float = 1.0
    seed: int | None = None

    @property
    def greedy(self) -> bool:
        return self.temperature <= 0.0


def resolve(params: SamplingParams, defaults: dict[str, Any]) -> SamplingConfig:
    """Merge a request's sampling with the checkpoint's generation defaults; validate."""

    def pick(name: str, fallback: Any) -> Any:
        value = getattr(params, name)
        return value if value is not None else defaults.get(name, fallback)

    cfg = SamplingConfig(
        temperature=float(pick("temperature", 1.0)),
        top_p=float(pick("top_p", 1.0)),
        top_k=int(pick("top_k", 0) or 0),
        presence_penalty=float(pick("presence_penalty", 0.0)),
        frequency_penalty=float(pick("frequency_penalty", 0.0)),
        repetition_penalty=float(pick("repetition_penalty", 1.0)),
        seed=params.seed,
    )
    if cfg.temperature < 0:
        raise InvalidRequest("temperature must be >= 0", param="temperature")
    if not 0 < cfg.top_p <= 1:
        raise InvalidRequest("top_p must be in (0, 1]", param="top_p")
    if cfg.top_k < 0:
        raise InvalidRequest("top_k must be >= 0", param="top_k")
    if cfg.repetition_penalty <= 0:
        raise InvalidRequest("repetition_penalty must be > 0", param="repetition_penalty")
    return cfg


class RowSampler:
    """Chooses one request's tokens; tracks what it generated for the penalties."""

    def __init__(self, cfg: SamplingConfig, vocab_size: int, device: Any) -> None:
        import torch

        self.cfg = cfg
        self._counts = torch.zeros(vocab_size, dtype=torch.float32, device=device)
        self._gen: Any = None
        if not cfg.greedy:
            self._gen = torch.Generator(device=device)
            if cfg.seed is not None:
                self._gen.manual_seed(cfg.seed)
            else:
                self._gen.seed()

    def process(self, logits: Any) -> Any:
        """Apply the penalties and temperature/top-k/top-p to one row of logits."""
        import torch

        cfg = self.cfg
        logits = logits.float()
        seen = self._counts > 0
        if cfg.repetition_penalty != 1.0:
            penalised = torch.where(
                logits > 0, logits / cfg.repetition_penalty, logits * cfg.repetition_penalty
            )
            logits = torch.where(seen, penalised, logits)
        if cfg.presence_penalty:
            logits = logits - cfg.presence_penalty * seen.float()
        if cfg.frequency_penalty:
            logits = logits - cfg.frequency_penalty * self._counts
        if cfg.greedy:
            return logits
        logits = logits / cfg.temperature
        if cfg.top_k and cfg.top_k < logits.numel():
            kth = torch.topk(logits, cfg.top_k).values[-1]
            logits = logits.masked_fill(logits < kth, float("-inf"))
        if cfg.top_p < 1.0:
            sorted_logits, order = torch.sort(logits, descending=True)
            probs = sorted_logits.softmax(-1)
            drop = probs.cumsum(-1) - probs > cfg.top_p  # keep the first token always
            logits = logits.masked_fill(drop.scatter(0, order, drop), float("-inf"))
        return logits

    def choose(self, logits: Any) -> int:
        import torch

        cfg = self.cfg
        plain = (
            not (cfg.presence_penalty or cfg.frequency_penalty) and cfg.repetition_penalty == 1.0
        )
        processed = logits if cfg.greedy and plain else self.process(logits)
        if cfg.greedy:
            token = int(processed.argmax())
        else:
            probs = processed.softmax(-1)
            token = int(torch.multinomial(probs, 1, generator=self._gen))
        self._counts[token] += 1
        return token
