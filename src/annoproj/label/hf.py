"""Hugging Face token-classification NER on pre-tokenised sentences.

>>> lab = HFLabeller("Davlan/xlm-roberta-base-ner-hrl", label_map="DATE=O")
>>> lab.label([["Angela", "Merkel", "visited", "Paris", "."]])
[[Span(start=0, end=2, label='PER'), Span(start=3, end=4, label='LOC')]]

Subword predictions become word predictions by `aggregation`: "first" (the word's first
subword), "average" (mean of subword probabilities) or "max" (the label of the most
confident subword). Tags in any scheme (IOB1, IOB2, BIOES/BILOU, or bare types) are decoded
with `annoproj.data.tags.tags_to_spans`. Sentences longer than the model's limit are cut
into word chunks that fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from annoproj._neural import dtype_kwargs, load_error, require, resolve_device, torch_dtype
from annoproj.data.labels import LabelMap
from annoproj.data.model import Span
from annoproj.data.tags import tags_to_spans
from annoproj.errors import ConfigError
from annoproj.label.base import labellers

__all__ = ["AGGREGATIONS", "HFLabeller", "aggregate"]

AGGREGATIONS = ("first", "average", "max")



def aggregate(probs: np.ndarray, word_ids: np.ndarray, n_words: int, how: str) -> np.ndarray:
    """Label index of each of `n_words` words from subword `probs` (n_sub x n_labels).

    `word_ids[i]` is the word of subword i, or -1 for special tokens and padding; a word
    without subwords gets label 0 (usually O), as does any word index >= n_words.
    """
    n_labels = probs.shape[1]
    ok = (word_ids >= 0) & (word_ids < n_words)
    w, p = word_ids[ok], probs[ok]
    out = np.zeros((n_words, n_labels), dtype=np.float32)
    has = np.zeros(n_words, dtype=bool)
    has[w] = True
    if how == "first":
        words, first = np.unique(w, return_index=True)
        out[words] = p[first]
    elif how == "average":
        np.add.at(out, w, p)
        counts = np.bincount(w, minlength=n_words).astype(np.float32)
        out[has] /= counts[has, None]
    elif how == "max":
        out[:] = -np.inf
        np.maximum.at(out, w, p)
        out[~has] = 0.0
    else:
        raise ValueError(f"unknown aggregation {how!r}; use one of {', '.join(AGGREGATIONS)}")
    labels = out.argmax(axis=1)
    labels[~has] = 0
    return labels


@labellers.register("hf")
class HFLabeller:
    """A token-classification model (name or folder) tagging pre-tokenised sentences."""

    name = "hf"

    def __init__(
        self,
        model: str | Path,
        *,
        device: str = "auto",
        batch_size: int = 32,
        aggregation: str = "first",
        label_map: str | LabelMap | dict | None = None,
        max_length: int = 512,
        fp16: bool = True,
    ) -> None:
        if aggregation not in AGGREGATIONS:
            raise ConfigError(f"unknown aggregation {aggregation!r}; use one of "
                             f"{', '.join(AGGREGATIONS)}")
        if batch_size < 1:
            raise ConfigError("batch_size must be >= 1")
        transformers = require("transformers", what="HFLabeller")
        self.torch = require("torch", what="HFLabeller")
        self.model_name = str(model)
        self.device = resolve_device(device)
        self.batch_size = batch_size
        self.aggregation = aggregation
        self.label_map = None if label_map is None else LabelMap.parse(label_map)
        from annoproj.models import resolve_model
        from annoproj.subwords import load_tokenizer, max_input_length

        try:
            path = resolve_model(str(model))
            self.tokenizer = load_tokenizer(path)
            self.model = transformers.AutoModelForTokenClassification.from_pretrained(
                path, **dtype_kwargs(torch_dtype(self.device, fp16))
            )
        except (OSError, ValueError) as exc:
            raise load_error("token-classification model", str(model), exc) from exc
        self.model.to(self.device).eval()
        id2label = self.model.config.id2label
        self.tags = [str(id2label[i]) for i in range(len(id2label))]
        self.max_length = max_input_length(self.tokenizer, self.model.config, max_length)
        self._specials = self.tokenizer.num_special_tokens_to_add(pair=False)

    def _chunks(self, sentences: Sequence[Sequence[str]]) -> list[tuple[int, int, int]]:
        """(sentence, first word, end word) pieces whose subwords fit the model; an empty
        sentence is one empty piece."""
        from annoproj.subwords import word_chunks

        room = max(1, self.max_length - self._specials)
        empty = [(k, 0, 0) for k, s in enumerate(sentences) if not len(s)]
        return sorted(word_chunks(self.tokenizer, sentences, room) + empty)

    def _tag_chunks(self, pieces: list[list[str]]) -> list[list[str]]:
        torch = self.torch
        enc = self.tokenizer(pieces, is_split_into_words=True, truncation=True,
                             max_length=self.max_length, padding=True, return_tensors="pt")
        word_ids = [[-1 if w is None else w for w in enc.word_ids(k)] for k in range(len(pieces))]
        inputs = {k: v.to(self.device) for k, v in enc.items()}
        with torch.inference_mode():
            logits = self.model(**inputs).logits
            probs = logits.float().softmax(-1).cpu().numpy()
        out = []
        for k, words in enumerate(pieces):
            labels = aggregate(probs[k], np.asarray(word_ids[k]), len(words), self.aggregation)
            out.append([self.tags[i] for i in labels])
        return out

    def label(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        """Entity spans of each tokenised sentence."""
        result: list[list[Span]] = [[] for _ in sentences]
        todo = [k for k, s in enumerate(sentences) if len(s)]
        if not todo:
            return result
        todo.sort(key=lambda k: -len(sentences[k]))
        tags: dict[int, list[str]] = {k: ["O"] * len(sentences[k]) for k in todo}
        for b in range(0, len(todo), self.batch_size):
            batch = todo[b : b + self.batch_size]
            chunks = self._chunks([sentences[k] for k in batch])
            pieces = [list(sentences[batch[i]][s:e]) for i, s, e in chunks]
            for c in range(0, len(pieces), self.batch_size):
                part = chunks[c : c + self.batch_size]
                for (i, s, e), chunk_tags in zip(part,
                                                 self._tag_chunks(pieces[c : c + self.batch_size])):
                    tags[batch[i]][s:e] = chunk_tags
        for k in todo:
            spans = tags_to_spans(tags[k])
            result[k] = self.label_map.map_spans(spans) if self.label_map else spans
        return result
