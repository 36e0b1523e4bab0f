from __future__ import annotations

from pathlib import Path

import pytest
import tiktoken
from tokenizers import Tokenizer

from vlgate.backends.embedded import tokenizer as qtok

SAMPLES = [
    "Hello world",
    " apples",
    "The year 2026 has 365 days; 1234567 digits split one by one.",
    "It's we'll DON'T they've I'm",
    "café, naïve, 你好世界, こんにちは, Привет мир 🙂🚀",
    "  leading spaces\n\n\ttabs\r\nand  trailing   ",
    "def f(x):\n    return x ** 2  # comment\n",
]


@pytest.fixture(scope="module")
def fast(demo_dirs: dict[str, Path]) -> Tokenizer:
    return Tokenizer.from_file(str(demo_dirs["instruct"] / "tokenizer.json"))


@pytest.fixture(scope="module")
def reference() -> tiktoken.Encoding:
    ranks = qtok.load_ranks(qtok.rank_file())
    return tiktoken.Encoding(
        "qwen", pat_str=qtok.SPLIT_PATTERN, mergeable_ranks=ranks, special_tokens={}
    )


@pytest.mark.parametrize("text", SAMPLES)
def test_ids_equal_the_rank_table(fast: Tokenizer, reference: tiktoken.Encoding, text: str) -> None:
    assert fast.encode(text, add_special_tokens=False).ids == reference.encode(text)


def test_known_ids(fast: Tokenizer) -> None:
    assert fast.encode("Hello world").ids == [9707, 1879]
    assert fast.encode(" apples").ids == [40676]


def test_rank_table_size() -> None:
    assert len(qtok.load_ranks(qtok.rank_file())) == 151_643


def test_special_ids(fast: Tokenizer) -> None:
    want = {
        "<|endoftext|>": 151643,
        "<|im_start|>": 151644,
        "<|im_end|>": 151645,
        "<|vision_start|>": 151652,
        "<|vision_end|>": 151653,
        "<|vision_pad|>": 151654,
        "<|image_pad|>": 151655,
        "<|video_pad|>": 151656,
        "<tool_call>": 151657,
        "</tool_call>": 151658,
        "<think>": 151667,
        "</think>": 151668,
    }
    for token, tid in want.items():
        assert fast.token_to_id(token) == tid
    ids = fast.encode("<|im_start|>user\n<think>x</think><|im_end|>").ids
    assert ids[0] == 151644 and ids[-1] == 151645 and 151667 in ids and 151668 in ids


def test_think_tags_survive_skip_special(fast: Tokenizer) -> None:
    ids = fast.encode("<think>a</think><|im_end|>").ids
    assert fast.decode(ids, skip_special_tokens=True) == "<think>a</think>"


def test_disk_cache_makes_the_second_build_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    qtok._files_cached.cache_clear()
    first = qtok.tokenizer_files(tmp_path)
    assert len(list(tmp_path.glob("qwen-tokenizer-*/*"))) == 3
    qtok._files_cached.cache_clear()

    def fail(path: Path) -> dict[str, str]:
        raise AssertionError("rebuilt despite the cache")

    monkeypatch.setattr(qtok, "build_tokenizer_files", fail)
    assert qtok.tokenizer_files(tmp_path) == first
    qtok._files_cached.cache_clear()
