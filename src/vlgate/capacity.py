"""GPU memory planner for the Qwen3-VL-4B pair. Pure arithmetic, no I/O.

    need = margin + engines x (weights + runtime + LM activations + vision encoder)
           + concurrency x context x KV bytes per token

* **Weights** are counted per tensor group (decoder linears, the tied embedding,
  the vision tower) from the architecture (FACTS.md), times the bytes per parameter
  of the precision's format (``PRECISIONS``: each entry says why).
* **KV cache**: 36 layers x 8 KV heads x 128 x 2 (K, V) x 2 bytes = 147,456 bytes a
  token in bf16, half that with an fp8 KV cache. ``context`` is the engine's
  max-model-len: visual tokens are *inside* it, so the images of a request must fit.
* **Activations** of the language model scale with the prefill chunk (chunked
  prefill, vLLM's default 8,192 tokens, or the context if smaller); the vision
  encoder's transient memory scales with the patches of the images of one request,
  encoded together (with a memory-efficient attention kernel; eager attention adds
  ``heads x patches^2`` scores a picture: see ``vision_bytes``).
* **Runtime**: CUDA context, cuBLAS workspaces and CUDA graphs per engine process,
  plus a safety margin for allocator fragmentation (``Assumptions``).

Both variants co-resident means two engines on one card (twice weights, runtime and
activations; the ``concurrency`` sequences share one KV budget). Hot-swapped means
one engine at a time; switching costs a reload (``swap_seconds``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

__all__ = [
    "KV_BYTES",
    "PRECISIONS",
    "QWEN3_VL_4B",
    "Architecture",
    "Assumptions",
    "Breakdown",
    "GiB",
    "Layout",
    "MiB",
    "Plan",
    "WeightFormat",
    "image_tokens",
    "lm_activation_bytes",
    "parse_bytes",
    "plan",
    "q4_k_m_linear_bytes",
    "vision_bytes",
]

GiB = 1024**3
MiB = 1024**2


# --- the architecture -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Architecture:
    hidden: int = 2560
    intermediate: int = 9728
    layers: int = 36
    heads: int = 32
    kv_heads: int = 8
    head_dim: int = 128
    vocab: int = 151_936
    max_positions: int = 262_144
    v_depth: int = 24
    v_hidden: int = 1024
    # Not in FACTS.md. 4096 makes the total 4.44B (the published count);
    # transformers' default 4304 gives 4.448B (tests check both against a
    # meta-device instantiation of Qwen3VLForConditionalGeneration).
    v_intermediate: int = 4096
    v_heads: int = 16
    patch: int = 16
    merge: int = 2
    temporal_patch: int = 2
    v_positions: int = 2304
    deepstack: int = 3

    def attn_v_params(self) -> int:
        return self.kv_heads * self.head_dim * self.hidden

    def ffn_down_params(self) -> int:
        return self.intermediate * self.hidden

    def text_linear_params(self) -> int:
        """Decoder layers (norms included) plus the final norm."""
        q = self.heads * self.head_dim
        kv = self.kv_heads * self.head_dim
        attn = self.hidden * q + 2 * self.hidden * kv + q * self.hidden + 2 * self.head_dim
        mlp = 3 * self.hidden * self.intermediate
        return self.layers * (attn + mlp + 2 * self.hidden) + self.hidden

    def embedding_params(self) -> int:
        return self.vocab * self.hidden  # tied: the LM head reuses it

    def vision_params(self) -> int:
        h, i = self.v_hidden, self.v_intermediate
        patch_in = 3 * self.temporal_patch * self.patch * self.patch
        block = 4 * h + (3 * h * h + 3 * h) + (h * h + h) + (h * i + i) + (i * h + h)
        merged = h * self.merge * self.merge
        merger = (merged * merged + merged) + (merged * self.hidden + self.hidden)
        return (
            (patch_in * h + h)
            + self.v_positions * h
            + self.v_depth * block
            + (2 * h + merger)  # the final merger normalises before the 2x2 merge
            + self.deepstack * (2 * merged + merger)  # deepstack ones after it
        )

    def total_params(self) -> int:
        return self.text_linear_params() + self.embedding_params() + self.vision_params()

    def kv_bytes_per_token(self, bytes_per_value: float = 2) -> float:
        return self.layers * self.kv_heads * self.head_dim * 2 * bytes_per_value


QWEN3_VL_4B = Architecture()

#: bytes per KV value by KV-cache dtype
KV_BYTES: Mapping[str, float] = {"bf16": 2.0, "fp8": 1.0}


# --- precisions -------------------------------------------------------------------

Q4_K = 144 / 256  # GGUF Q4_K: 256 weights in 128 B of nibbles + 12 B scales/mins + 2 fp16
Q6_K = 210 / 256  # GGUF Q6_K: 256 weights in 192 B (6 bits) + 16 int8 scales + 1 fp16
Q8_0 = 34 / 32  # GGUF Q8_0: 32 int8 weights + one fp16 scale


def q4_k_m_linear_bytes(arch: Architecture) -> float:
    """llama.cpp's Q4_K_M puts ``attn_v`` and ``ffn_down`` in Q6_K on the layers
    ``i < n/8``, ``i >= 7n/8`` and every third in between (18 of 36 here), the rest
    of the decoder in Q4_K: about 0.598 bytes a parameter for this model."""
    n = arch.layers
    more = sum(1 for i in range(n) if i < n // 8 or i >= 7 * n // 8 or (i - n // 8) % 3 == 2)
    q6 = more * (arch.attn_v_params() + arch.ffn_down_params())
    total = arch.text_linear_params()
    return (q6 * Q6_K + (total - q6) * Q4_K) / total


@dataclass(frozen=True, slots=True)
class WeightFormat:
    linear: Callable[[Architecture], float]  # bytes per decoder parameter
    embedding: float  # bytes per embedding parameter (tied LM head)
    vision: float  # bytes per vision-tower parameter
    kv: str  # the KV-cache dtype engines use with it by default
    why: str

    def weight_bytes(self, arch: Architecture) -> float:
        return (
            arch.text_linear_params() * self.linear(arch)
            + arch.embedding_params() * self.embedding
            + arch.vision_params() * self.vision
        )


def _const(v: float) -> Callable[[Architecture], float]:
    return lambda _arch: v


PRECISIONS: Mapping[str, WeightFormat] = {
    "bf16": WeightFormat(
        _const(2.0), 2.0, 2.0, "bf16", "the released checkpoint: 2 bytes everywhere"
    ),
    "fp8": WeightFormat(
        _const(1.0),
        2.0,
        2.0,
        "bf16",
        "FP8 (e4m3) decoder linears, 1 byte (block scales: 4 B per 128x128, negligible); "
        "embedding and vision tower stay bf16 as in FP8 checkpoints and vLLM's fp8",
    ),
    "q8": WeightFormat(
        _const(Q8_0),
        Q8_0,
        2.0,
        "bf16",
        "GGUF Q8_0: 34 bytes per 32 weights = 1.0625 incl. the fp16 scale; the vision "
        "tower ships as an f16 mmproj file",
    ),
    "q4": WeightFormat(
        q4_k_m_linear_bytes,
        Q6_K,
        2.0,
        "bf16",
        "GGUF Q4_K_M: Q4_K (4.5 bits = 0.5625 B) with attn_v/ffn_down on half the layers "
        "and the tied embedding in Q6_K (0.82 B); f16 mmproj vision tower",
    ),
}


# --- visual tokens --------------------------------------------------------------


def image_tokens(
    width: int, height: int, *, min_pixels: int = 65_536, max_pixels: int = 16_777_216
) -> int:
    """Visual tokens of one image (markers excluded), by ``vlgate.media.tokens``
    (smart-resize to multiples of 32, one token per 32x32 block) with the
    Qwen3-VL processor's default pixel limits."""
    from vlgate.media.tokens import image_tokens as media_image_tokens

    return media_image_tokens(width, height, min_pixels=min_pixels, max_pixels=max_pixels)


# --- assumptions and results ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assumptions:
    runtime_bytes: int = 1 * GiB  # CUDA context ~0.5 GiB + cuBLAS/graphs ~0.5 GiB
    margin_fraction: float = 0.05  # of the card, kept free (fragmentation)
    prefill_chunk: int = 8192  # tokens per prefill step
    vision_attention: str = "sdpa"  # "sdpa" (memory-efficient) | "eager"
    swap_gb_per_s: float = 5.0  # reload rate for a hot swap (page cache -> GPU)


@dataclass(frozen=True, slots=True)
class Breakdown:
    weights: float
    runtime: float
    activations: float
    vision: float
    kv: float
    margin: float

    @property
    def total(self) -> float:
        return self.weights + self.runtime + self.activations + self.vision + self.kv + self.margin


@dataclass(frozen=True, slots=True)
class Layout:
    name: str  # "hot-swap" (one engine resident) | "co-resident" (both)
    need: Breakdown
    fits: bool
    max_context: int  # at the asked concurrency (0: not even the images fit)
    max_concurrency: int  # at the asked context
    max_context_alone: int  # with a single sequence
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Plan:
    gpu_bytes: int
    precision: str
    kv_dtype: str
    context: int
    images: int
    concurrency: int
    tokens_per_image: int
    kv_bytes_per_token: float
    hot_swap: Layout
    co_resident: Layout
    swap_seconds: float
    both_resident: bool = False

    @property
    def chosen(self) -> Layout:
        return self.co_resident if self.both_resident else self.hot_swap

    @property
    def fits(self) -> bool:
        return self.chosen.fits


# --- the arithmetic ---------------------------------------------------------------


def lm_activation_bytes(arch: Architecture, tokens: int, sequences: int) -> float:
    """Peak transient of one decoder layer for a step of ``tokens`` tokens (bf16
    residual, norm, q/k/v, attention out, gate, up, product), plus fp32 logits of
    the last position of each running sequence."""
    q = arch.heads * arch.head_dim
    per_token = (2 * arch.hidden + q + 2 * arch.kv_heads * arch.head_dim + q) * 2
    per_token += 3 * arch.intermediate * 2
    return tokens * per_token + sequences * arch.vocab * 4


def vision_bytes(arch: Architecture, tokens_per_image: int, images: int, attention: str) -> float:
    """Transient memory to encode the ``images`` of one request together.

    Per patch per block (bf16): residual, norm, q, k, v, attention out, projection
    and the two MLP activations; then the merged embeddings (main + deepstack)
    kept until the prefill consumes them. ``eager`` attention also materialises
    ``heads x patches^2`` scores for one image at a time."""
    if images == 0:
        return 0.0
    patches = tokens_per_image * arch.merge * arch.merge
    per_patch = (7 * arch.v_hidden + 2 * arch.v_intermediate) * 2
    embeddings = tokens_per_image * arch.hidden * 2 * (1 + arch.deepstack)
    total = images * (patches * per_patch + embeddings)
    if attention == "eager":
        total += arch.v_heads * patches * patches * 2
    return float(total)


@dataclass(frozen=True, slots=True)
class _Workload:
    gpu: int
    fmt: WeightFormat
    kv_per_token: float
    tokens_per_image: int
    images: int
    engines: int
    arch: Architecture
    a: Assumptions

    def need(self, context: int, concurrency: int) -> Breakdown:
        arch, a, n = self.arch, self.a, self.engines
        chunk = min(context, a.prefill_chunk)
        return Breakdown(
            weights=n * self.fmt.weight_bytes(arch),
            runtime=n * a.runtime_bytes,
            activations=n * lm_activation_bytes(arch, chunk, concurrency),
            vision=n * vision_bytes(arch, self.tokens_per_image, self.images, a.vision_attention),
            kv=concurrency * context * self.kv_per_token,
            margin=a.margin_fraction * self.gpu,
        )

    def why_not(self, context: int, concurrency: int) -> str:
        visual = self.images * self.tokens_per_image
        if visual > context:
            return f"{self.images} images need {visual:,} tokens > context {context:,}"
        if context > self.arch.max_positions:
            return f"context {context:,} > the model's {self.arch.max_positions:,} positions"
        need = self.need(context, concurrency).total
        if need > self.gpu:
            return f"needs {need / GiB:.2f} GiB > {self.gpu / GiB:.2f} GiB"
        return ""

    def largest(self, ok: Callable[[int], bool], lo: int, hi: int) -> int:
        """The largest x in [lo, hi] with ok(x) (ok is monotone), else 0."""
        if not ok(lo):
            return 0
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if ok(mid) else (lo, mid - 1)
        return lo

    def layout(self, name: str, context: int, concurrency: int) -> Layout:
        reason = self.why_not(context, concurrency)
        first = max(1, self.images * self.tokens_per_image)
        max_ctx = self.largest(
            lambda c: not self.why_not(c, concurrency), first, self.arch.max_positions
        )
        max_conc = self.largest(lambda k: not self.why_not(context, k), 1, 1 << 20)
        alone = self.largest(lambda c: not self.why_not(c, 1), first, self.arch.max_positions)
        need = self.need(context, concurrency)
        return Layout(name, need, not reason, max_ctx, max_conc, alone, reason)


def plan(
    gpu_bytes: int,
    precision: str = "bf16",
    context: int = 32_768,
    images: int = 1,
    concurrency: int = 1,
    *,
    both_resident: bool = False,
    kv_dtype: str | None = None,
    image_size: tuple[int, int] = (1920, 1080),
    arch: Architecture = QWEN3_VL_4B,
    assumptions: Assumptions | None = None,
) -> Plan:
    """Whether ``concurrency`` sequences of ``context`` tokens (each with ``images``
    images of ``image_size``) fit on a card of ``gpu_bytes``, for one variant
    resident (hot-swap) and for both co-resident; and what would fit."""
    from vlgate.errors import InvalidRequest

    if precision not in PRECISIONS:
        raise InvalidRequest(f"precision must be one of {sorted(PRECISIONS)}", param="precision")
    fmt = PRECISIONS[precision]
    kv_dtype = kv_dtype or fmt.kv
    if kv_dtype not in KV_BYTES:
        raise InvalidRequest(f"kv dtype must be one of {sorted(KV_BYTES)}", param="kv_dtype")
    for value, name, low in (
        (gpu_bytes, "gpu_memory", 1),
        (context, "context", 1),
        (images, "images", 0),
        (concurrency, "concurrency", 1),
    ):
        if value < low:
            raise InvalidRequest(f"{name} must be >= {low}", param=name)
    a = assumptions or Assumptions()
    try:
        per_image = image_tokens(*image_size)
    except ValueError as e:
        raise InvalidRequest(str(e), param="image_size") from e
    kv = arch.kv_bytes_per_token(KV_BYTES[kv_dtype])
    one = _Workload(gpu_bytes, fmt, kv, per_image, images, 1, arch, a)
    two = replace(one, engines=2)
    return Plan(
        gpu_bytes=gpu_bytes,
        precision=precision,
        kv_dtype=kv_dtype,
        context=context,
        images=images,
        concurrency=concurrency,
        tokens_per_image=per_image,
        kv_bytes_per_token=kv,
        hot_swap=one.layout("hot-swap", context, concurrency),
        co_resident=two.layout("co-resident", context, concurrency),
        swap_seconds=fmt.weight_bytes(arch) / (a.swap_gb_per_s * 1e9),
        both_resident=both_resident,
    )


_UNITS = {
    "": GiB,
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "kib": 1024,
    "mib": MiB,
    "gib": GiB,
    "tib": 1024**4,
    "g": GiB,
    "m": MiB,
}


def parse_bytes(text: str) -> int:
    """``12GiB`` / ``12GB`` (decimal) / ``12G`` or ``12`` (GiB) -> bytes."""
    from vlgate.errors import InvalidRequest

    s = text.strip().lower().replace(" ", "")
    num = s.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = s[len(num) :]
    try:
        value = float(num)
    except ValueError:
        raise InvalidRequest(f"not a size: {text!r}", param="gpu_memory") from None
    if unit not in _UNITS or value <= 0:
        raise InvalidRequest(f"not a size: {text!r} (try 24GiB)", param="gpu_memory")
    return int(value * _UNITS[unit])
