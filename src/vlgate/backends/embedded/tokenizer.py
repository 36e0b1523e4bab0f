"""The real Qwen BPE tokenizer, assembled offline from the rank table in ``dashscope``.

``qwen.tiktoken`` holds 151,643 byte-level BPE ranks (base64 token, space, rank;
Apache-2.0). The merges are derived from the ranks the way tiktoken applies them
(a pair merges when it and both halves are in the table, lower merged rank first),
then Qwen3's added tokens are appended with their fixed ids (151643..151668).

The build takes a couple of seconds; :func:`tokenizer_json` caches the result on
disk, keyed by the rank file's digest, and in memory.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
from pathlib import Path

SPLIT_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

# (content, special) in id order from 151643; <think> and friends are not "special",
# so they survive skip_special_tokens (FACTS.md).
ADDED_TOKENS: tuple[tuple[str, bool], ...] = (
    ("<|endoftext|>", True),
    ("<|im_start|>", True),
    ("<|im_end|>", True),
    ("<|object_ref_start|>", True),
    ("<|object_ref_end|>", True),
    ("<|box_start|>", True),
    ("<|box_end|>", True),
    ("<|quad_start|>", True),
    ("<|quad_end|>", True),
    ("<|vision_start|>", True),
    ("<|vision_end|>", True),
    ("<|vision_pad|>", True),
    ("<|image_pad|>", True),
    ("<|video_pad|>", True),
    ("<tool_call>", False),
    ("</tool_call>", False),
    ("<|fim_prefix|>", False),
    ("<|fim_middle|>", False),
    ("<|fim_suffix|>", False),
    ("<|fim_pad|>", False),
    ("<|repo_name|>", False),
    ("<|file_sep|>", False),
    ("<tool_response>", False),
    ("</tool_response>", False),
    ("<think>", False),
    ("</think>", False),
)
FIRST_ADDED_ID = 151643
RANK_COUNT = 151643
TOKENIZER_FILES = ("tokenizer.json", "vocab.json", "merges.txt")


def special_token_ids() -> dict[str, int]:
    """Every added token and its fixed id."""
    return {tok: FIRST_ADDED_ID + i for i, (tok, _) in enumerate(ADDED_TOKENS)}


def rank_file() -> Path:
    """Where the installed ``dashscope`` keeps ``qwen.tiktoken``."""
    import importlib.util

    spec = importlib.util.find_spec("dashscope")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the `dashscope` package (Qwen's BPE ranks) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "qwen.tiktoken"


def load_ranks(path: Path) -> dict[bytes, int]:
    """Parse a tiktoken rank file: one ``base64 rank`` pair per line."""
    ranks: dict[bytes, int] = {}
    for line in path.read_bytes().splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


@functools.cache
def _byte_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character map (byte-level BPE)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    table = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + extra)
            extra += 1
    return table


@functools.cache
def _latin1_table() -> dict[int, str]:
    return {b: c for b, c in _byte_to_unicode().items()}


def _to_str(token: bytes) -> str:
    return token.decode("latin-1").translate(_latin1_table())


def _merges(ranks: dict[bytes, int]) -> list[tuple[str, str]]:
    found: list[tuple[int, int, int, bytes, bytes]] = []
    for token, rank in ranks.items():
        for cut in range(1, len(token)):
            left, right = token[:cut], token[cut:]
            lr, rr = ranks.get(left), ranks.get(right)
            if lr is not None and rr is not None:
                found.append((rank, lr, rr, left, right))
    found.sort(key=lambda m: (m[0], m[1], m[2]))
    return [(_to_str(m[3]), _to_str(m[4])) for m in found]


def build_tokenizer_files(path: Path) -> dict[str, str]:
    """Assemble ``tokenizer.json``, ``vocab.json`` and ``merges.txt`` from a rank file."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers
    from tokenizers import pre_tokenizers as pre
    from tokenizers.models import BPE

    ranks = load_ranks(path)
    if len(ranks) != RANK_COUNT:
        raise RuntimeError(f"{path}: expected {RANK_COUNT} ranks, found {len(ranks)}")
    vocab = {_to_str(tok): rank for tok, rank in ranks.items()}
    merges = _merges(ranks)
    tok = Tokenizer(BPE(vocab, merges, fuse_unk=False, ignore_merges=True))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre.Sequence(
        [
            pre.Split(Regex(SPLIT_PATTERN), behavior="isolated", invert=False),
            pre.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    for content, special in ADDED_TOKENS:
        tok.add_tokens([AddedToken(content, special=special, normalized=False)])
    for content, want in special_token_ids().items():
        if tok.token_to_id(content) != want:
            raise RuntimeError(f"added token {content} got id {tok.token_to_id(content)}")
    return {
        "tokenizer.json": tok.to_str(),
        "vocab.json": json.dumps(vocab, ensure_ascii=False),
        "merges.txt": "#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges),
    }


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@functools.cache
def _files_cached(path: Path, cache_dir: Path | None) -> dict[str, str]:
    target = cache_dir / f"qwen-tokenizer-{_digest(path)}" if cache_dir else None
    if target is not None and all((target / n).is_file() for n in TOKENIZER_FILES):
        return {n: (target / n).read_text(encoding="utf-8") for n in TOKENIZER_FILES}
    files = build_tokenizer_files(path)
    if target is not None:
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        tmp.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
        if not target.exists():
            tmp.replace(target)
    return files


def tokenizer_files(cache_dir: Path | None = None) -> dict[str, str]:
    """The Qwen tokenizer files, built once and cached (on disk under ``cache_dir``)."""
    return _files_cached(rank_file(), cache_dir)


def tokenizer_json(cache_dir: Path | None = None) -> str:
    """Just ``tokenizer.json`` (see :func:`tokenizer_files`)."""
    return tokenizer_files(cache_dir)["tokenizer.json"]
