"""The ner scorer: how likely a target-language NER model finds the candidate to be an
entity of the source entity's type.

A token-classification model (any Hugging Face `AutoModelForTokenClassification`, e.g.
Davlan/xlm-roberta-large-ner-hrl or a model trained on projected data) gives each
target word a distribution over tags (the first subword's softmax). For a candidate
span s..e (end exclusive, length L = e - s) and the entity type T the span score is

    log p = sum of the log-probabilities of the tags that make s..e one T entity
    score = exp(log p / L ** alpha)

where the tags are, by the model's tag set:

- IOB (B-T, I-T): B-T at s, I-T at s+1 .. e-1, and (with `boundary`, when e < n) "not
  I-T" at e, i.e. log(1 - P_e(I-T)): the entity ends where the candidate does.
- BIOES / BILOU (also S-/E- or U-/L- tags): S-T at s if L = 1, else B-T at s, I-T at
  s+1 .. e-2 and E-T at e-1 (the boundaries are in the tags themselves).
- IO (plain T, or only I-T): T at s .. e-1 and, with `boundary`, "not T" at s-1 and e.

With alpha = 1 the score is the geometric mean of the per-word tag probabilities;
alpha > 1 (default 1.15) penalises length less, so a long entity is not beaten by a
confident fragment of it. Entity types are mapped to the model's with `label_map`
(e.g. {"PER": "PERSON"}); an entity whose type the model lacks scores 0 (with a
warning). Words beyond the model's length limit have probability 0.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from annoproj.errors import ConfigError, ModelError
from annoproj.project.base import MatchInstance, scorers
from annoproj.text_encoder import (
    LRUCache,
    batches,
    import_torch,
    load_model,
    load_tokenizer,
    model_max_length,
    resolve_device,
)

_TAG = re.compile(r"^(?P<prefix>[BIESLU])[-_](?P<type>.+)$")
_EPS = 1e-12


@dataclass(frozen=True, slots=True)
class TypeTags:
    """Column indices of one entity type's tags in the model's output (-1: absent)."""

    scheme: str  # "iob", "bioes" or "io"
    b: int = -1
    i: int = -1
    e: int = -1
    s: int = -1


def parse_tagset(id2label: Mapping[int, str]) -> dict[str, TypeTags]:
    """Entity type -> its tag columns, from a model's id2label."""
    cols: dict[str, dict[str, int]] = {}
    for idx, tag in id2label.items():
        if tag.upper() == "O":
            continue
        m = _TAG.match(tag)
        prefix, typ = (m["prefix"], m["type"]) if m else ("", tag)
        prefix = {"U": "S", "L": "E"}.get(prefix, prefix)
        cols.setdefault(typ, {})[prefix or "T"] = int(idx)
    out = {}
    for typ, c in cols.items():
        if "T" in c:
            out[typ] = TypeTags("io", i=c["T"])
        elif "B" in c and ("E" in c or "S" in c):
            out[typ] = TypeTags(
                "bioes", b=c["B"], i=c.get("I", -1), e=c.get("E", -1), s=c.get("S", -1)
            )
        elif "B" in c:
            out[typ] = TypeTags("iob", b=c["B"], i=c.get("I", -1))
        elif "I" in c:
            out[typ] = TypeTags("io", i=c["I"])
    return out


def _logp(probs: np.ndarray, col: int) -> np.ndarray:
    """log P of column `col` per word (-inf-ish when the model lacks the tag)."""
    if col < 0:
        return np.full(len(probs), np.log(_EPS))
    return np.log(np.clip(probs[:, col], _EPS, 1.0))


def _lognot(probs: np.ndarray, col: int) -> np.ndarray:
    """log(1 - P of column `col`) per word, with a 0 appended for "past the end"."""
    if col < 0:
        return np.zeros(len(probs) + 1)
    return np.concatenate([np.log(np.clip(1.0 - probs[:, col], _EPS, 1.0)), [0.0]])


def span_log_probs(
    probs: np.ndarray, spans: np.ndarray, tags: TypeTags, *, boundary: bool = True
) -> np.ndarray:
    """(S,) log-probability that each (start, end) span is one entity of `tags`' type."""
    spans = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    s, e = spans[:, 0], spans[:, 1]
    logi = _logp(probs, tags.i)
    pi = np.concatenate([[0.0], np.cumsum(logi)])  # pi[k] = sum logi[:k]
    if tags.scheme == "iob":
        out = _logp(probs, tags.b)[s] + (pi[e] - pi[np.minimum(s + 1, e)])
        if boundary:
            out = out + _lognot(probs, tags.i)[e]
        return out
    if tags.scheme == "bioes":
        single = _logp(probs, tags.s)[s]
        inner = pi[np.maximum(e - 1, s + 1)] - pi[np.minimum(s + 1, e)]
        multi = _logp(probs, tags.b)[s] + inner + _logp(probs, tags.e)[np.maximum(e - 1, 0)]
        return np.where(e - s == 1, single, multi)
    out = pi[e] - pi[s]  # io
    if boundary:
        nots = _lognot(probs, tags.i)
        out = out + nots[e] + np.where(s > 0, nots[np.maximum(s - 1, 0)], 0.0)
    return out


def span_scores(log_p: np.ndarray, lengths: np.ndarray, alpha: float) -> np.ndarray:
    """exp(log_p / length ** alpha), in [0, 1]."""
    return np.exp(log_p / np.maximum(lengths, 1).astype(np.float64) ** alpha)


@scorers.register("ner")
class NERScorer:
    """Scores pairs by a target-language NER model's belief that the candidate is an
    entity of the source entity's type (see the module docstring for the formula).

    model: a token-classification model name or folder. alpha: length exponent.
    boundary: include the "entity ends here" factor. label_map: source type -> model
    type. Word tag distributions are cached per target sentence (`cache_size`).
    """

    name = "ner"

    def __init__(
        self,
        model: str = "Davlan/xlm-roberta-large-ner-hrl",
        *,
        alpha: float = 1.15,
        boundary: bool = True,
        label_map: Mapping[str, str] | None = None,
        device: str = "auto",
        batch_size: int = 32,
        fp16: bool = True,
        max_length: int | None = None,
        cache_size: int | None = 20_000,
    ) -> None:
        if alpha <= 0:
            raise ConfigError(f"alpha must be > 0, got {alpha}")
        self.torch = import_torch()
        self.model_name = str(model)
        self.device = resolve_device(device)
        self.tokenizer = load_tokenizer(self.model_name)
        self.model = load_model("AutoModelForTokenClassification", self.model_name,
                                device=self.device, fp16=fp16)  # fmt: skip
        limit = model_max_length(self.tokenizer, self.model.config)
        self.max_length = min(limit, max_length) if max_length else limit
        id2label = {int(k): v for k, v in self.model.config.id2label.items()}
        self.tags = parse_tagset(id2label)
        if not self.tags:
            raise ModelError(f"{self.model_name!r} has no entity tags in its id2label: {id2label}")
        self.alpha = float(alpha)
        self.boundary = boundary
        self.label_map = dict(label_map or {})
        self.batch_size = max(1, int(batch_size))
        self.cache: LRUCache[tuple[str, ...], np.ndarray] = LRUCache(cache_size)
        self._warned: set[str] = set()

    def clear_cache(self) -> None:
        """Forget the cached tag distributions."""
        self.cache.clear()

    def tag_probs(self, sentences: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """(n_words, n_tags) tag distribution of each word (first subword; zeros when cut off)."""
        keys = [tuple(s) for s in sentences]
        todo = [k for k in dict.fromkeys(keys) if k not in self.cache]
        fresh = dict(zip(todo, self._predict(todo))) if todo else {}
        for k, v in fresh.items():
            self.cache[k] = v
        return [fresh[k] if k in fresh else self.cache[k] for k in keys]

    def _predict(self, sentences: Sequence[tuple[str, ...]]) -> list[np.ndarray]:
        torch = self.torch
        n_tags = int(self.model.config.num_labels)
        out: dict[int, np.ndarray] = {}
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        unk = self.tokenizer.unk_token or "_"
        with torch.inference_mode():
            for chunk in batches(order, self.batch_size):
                todo = [i for i in chunk if sentences[i]]
                for i in chunk:
                    if not sentences[i]:
                        out[i] = np.zeros((0, n_tags), np.float32)
                if not todo:
                    continue
                words = [[w if w.strip() else unk for w in sentences[i]] for i in todo]
                enc = self.tokenizer(words, is_split_into_words=True, truncation=True,
                                     max_length=self.max_length, padding=True, return_tensors="pt")  # fmt: skip
                inputs = {k: v.to(self.device) for k, v in enc.items()}
                probs = self.model(**inputs).logits.float().softmax(-1).cpu().numpy()
                for b, i in enumerate(todo):
                    p = np.zeros((len(sentences[i]), n_tags), np.float32)
                    seen: set[int] = set()
                    for t, w in enumerate(enc.word_ids(b)):
                        if w is not None and w not in seen:  # first subword of each word
                            seen.add(w)
                            p[w] = probs[b, t]
                    out[i] = p
        return [out[i] for i in range(len(sentences))]

    def _type(self, label: str) -> TypeTags | None:
        typ = self.label_map.get(label, label)
        tags = self.tags.get(typ)
        if tags is None and typ not in self._warned:
            self._warned.add(typ)
            warnings.warn(
                f"NER model {self.model_name!r} has no entity type {typ!r} (types: "
                f"{', '.join(sorted(self.tags))}): its entities score 0; map it with label_map",
                RuntimeWarning,
                stacklevel=3,
            )
        return tags

    def score(self, batch: Sequence[MatchInstance]) -> list[np.ndarray]:
        """One (E, C) score matrix per instance."""
        probs = self.tag_probs([inst.tgt_tokens for inst in batch])
        out = []
        for inst, p in zip(batch, probs):
            cands = np.asarray(inst.candidates, dtype=np.int64).reshape(-1, 2)
            m = np.zeros((len(inst.entities), len(cands)), dtype=np.float32)
            lengths = cands[:, 1] - cands[:, 0]
            by_type: dict[str, np.ndarray] = {}
            for k, label in enumerate(inst.labels):
                if label not in by_type:
                    tags = self._type(label)
                    by_type[label] = (
                        np.zeros(len(cands)) if tags is None or len(cands) == 0
                        else span_scores(span_log_probs(p, cands, tags, boundary=self.boundary),
                                         lengths, self.alpha)
                    )  # fmt: skip
                m[k] = by_type[label]
            out.append(np.clip(m, 0.0, 1.0))
        return out
