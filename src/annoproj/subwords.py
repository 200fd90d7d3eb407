"""Subword tokenizers of Hugging Face models, for sentences already split into words.

One home for what every model-backed component needs: a fast tokenizer that takes pre-split
words (`load_tokenizer`), the longest input a model takes (`max_input_length`), and the
pieces of sentences whose subwords fit it (`word_chunks`). transformers loads only when a
tokenizer is loaded; importing this module is cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annoproj.errors import ModelError

__all__ = ["OFFSET_POSITIONS", "PREFIX_SPACE", "load_tokenizer", "max_input_length",
           "word_chunks"]

#: Byte-level BPE models that need ``add_prefix_space=True`` for pre-split words.
PREFIX_SPACE = frozenset({"roberta", "longformer", "deberta", "bart", "gpt2", "mpnet"})
#: Models whose position indices start after the padding index (usable length is shorter).
OFFSET_POSITIONS = frozenset({"roberta", "xlm-roberta", "camembert", "longformer",
                              "xlm-roberta-xl"})
#: Tokenizers report about 1e30 when they know no limit; larger than this means "none".
_NO_LIMIT = 100_000


def load_tokenizer(model: str, **kwargs: Any) -> Any:
    """The fast tokenizer of `model` (a name, folder or ``bundled:`` name), set up for
    pre-split words. An OSError when it cannot be loaded; a `ModelError` when it has no
    fast (Rust) version, which word-level alignment of subwords needs."""
    from annoproj._neural import require
    from annoproj.models import resolve_model

    transformers = require("transformers", what="a Hugging Face tokenizer")
    path = resolve_model(str(model))
    try:
        model_type = transformers.AutoConfig.from_pretrained(path).model_type
    except (OSError, ValueError):  # a tokenizer-only folder
        model_type = ""
    extra = {"add_prefix_space": True} if model_type in PREFIX_SPACE else {}
    tok = transformers.AutoTokenizer.from_pretrained(path, **extra, **kwargs)
    if not extra:
        try:
            tok([["a"]], is_split_into_words=True)
        except (ValueError, AssertionError):
            # byte-level BPE (RoBERTa, GPT-2 style) takes pre-split words only this way
            tok = transformers.AutoTokenizer.from_pretrained(path, add_prefix_space=True,
                                                             **kwargs)
    if not getattr(tok, "is_fast", False):
        raise ModelError(f"the tokenizer of {model!r} has no fast (Rust) version, which word "
                         "alignment needs (save the model with a tokenizer.json)")
    return tok


def max_input_length(tokenizer: Any, config: Any, cap: int | None = None) -> int:
    """The longest input (in subwords, special tokens included) the model of `config`
    takes through `tokenizer`, at most `cap`: the smallest of `cap`, the tokenizer's limit
    and the position embeddings (fewer for models in `OFFSET_POSITIONS`); 512 when none
    is known."""
    limits = [int(cap)] if cap else []
    n = getattr(tokenizer, "model_max_length", None)
    if isinstance(n, int) and 0 < n <= _NO_LIMIT:
        limits.append(n)
    pos = getattr(config, "max_position_embeddings", None)
    if isinstance(pos, int) and pos > 0:
        if getattr(config, "model_type", "") in OFFSET_POSITIONS:
            pos -= int(getattr(config, "pad_token_id", 1) or 1) + 1
        limits.append(pos)
    return min(limits) if limits else 512


def word_chunks(tokenizer: Any, sentences: Sequence[Sequence[str]],
                room: int) -> list[tuple[int, int, int]]:
    """(sentence, first word, end word) pieces of the non-empty `sentences` whose subwords
    (without special tokens) fit in `room`; a word longer than `room` is a piece alone."""
    import numpy as np

    todo = [k for k, s in enumerate(sentences) if len(s)]
    if not todo:
        return []
    enc = tokenizer([list(sentences[k]) for k in todo], is_split_into_words=True,
                    add_special_tokens=False)
    out = []
    for j, k in enumerate(todo):
        n = len(sentences[k])
        ids = np.asarray([-1 if w is None else w for w in enc.word_ids(j)], dtype=np.int64)
        counts = np.bincount(ids[ids >= 0], minlength=n)
        start, used = 0, 0
        for i, c in enumerate(counts.tolist()):
            if used + c > room and i > start:
                out.append((k, start, i))
                start, used = i, 0
            used += c
        out.append((k, start, n))
    return out
