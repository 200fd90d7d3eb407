"""The embedding scorer: cosine similarity of multilingual encoder embeddings of the
entity and the candidate (LaBSE, paraphrase-multilingual, XLM-R, ...).

`StringEmbeddingScorer` is the shared base of the scorers that embed span *strings*
(this one and `annoproj.project.scorers.clip`): subclasses give `_embed(texts)`; the
base caches one unit vector per distinct string and builds the (E, C) matrices.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from annoproj.errors import ConfigError, ModelError
from annoproj.project.base import MatchInstance, scorers
from annoproj.text_encoder import HFEncoder, LRUCache, WordStates, l2_normalize

RESCALES = ("clip", "linear")


def span_text(tokens: Sequence[str], spans: np.ndarray) -> list[str]:
    """The text of each (start, end) span: its tokens joined by one space."""
    return [" ".join(tokens[s:e]) for s, e in np.asarray(spans).reshape(-1, 2).tolist()]


def rescale_cosine(cos: np.ndarray, how: str) -> np.ndarray:
    """Cosine similarity in [0, 1]: "clip" max(cos, 0), "linear" (cos + 1) / 2."""
    if how == "clip":
        out = np.maximum(cos, 0.0)
    elif how == "linear":
        out = (cos + 1.0) / 2.0
    else:
        raise ValueError(f"rescale must be one of {', '.join(RESCALES)}; got {how!r}")
    return np.clip(out, 0.0, 1.0).astype(np.float32)


class StringEmbeddingScorer:
    """Base of scorers comparing embeddings of the entity and candidate strings.

    Subclasses set `name` and implement `_embed(texts) -> (N, D)` array; vectors are
    normalised and cached by string (`cache_size` strings at most).
    """

    name = "string-embedding"

    def __init__(self, *, rescale: str = "clip", cache_size: int | None = 200_000) -> None:
        if rescale not in RESCALES:
            raise ConfigError(f"rescale must be one of {', '.join(RESCALES)}; got {rescale!r}")
        self.rescale = rescale
        self.cache: LRUCache[str, np.ndarray] = LRUCache(cache_size)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def clear_cache(self) -> None:
        """Forget all cached embeddings."""
        self.cache.clear()

    def lookup(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Unit vector of each distinct text, embedding only those not cached yet."""
        found: dict[str, np.ndarray] = {}
        todo = []
        for t in dict.fromkeys(texts):
            v = self.cache.get(t)
            if v is None:
                todo.append(t)
            else:
                found[t] = v
        if todo:
            vecs = l2_normalize(np.asarray(self._embed(todo), dtype=np.float32))
            for t, v in zip(todo, vecs):
                self.cache[t] = v
                found[t] = v
        return found

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """(N, D) unit vectors of `texts`."""
        found = self.lookup(texts)
        return np.stack([found[t] for t in texts]) if texts else np.zeros((0, 0), np.float32)

    def score(self, batch: Sequence[MatchInstance]) -> list[np.ndarray]:
        """One (E, C) score matrix per instance."""
        ents = [span_text(inst.src_tokens, inst.entities) for inst in batch]
        cands = [span_text(inst.tgt_tokens, inst.candidates) for inst in batch]
        vec = self.lookup([t for group in (*ents, *cands) for t in group])  # one embedding pass
        out = []
        for e, c in zip(ents, cands):
            if not e or not c:
                out.append(np.zeros((len(e), len(c)), dtype=np.float32))
                continue
            ev = np.stack([vec[t] for t in e])
            cv = np.stack([vec[t] for t in c])
            out.append(rescale_cosine(ev @ cv.T, self.rescale))
        return out


@scorers.register("embedding")
class EmbeddingScorer(StringEmbeddingScorer):
    """Cosine similarity of sentence-encoder embeddings of entity and candidate, in [0, 1].

    `model`: a Hugging Face encoder name or folder (e.g. sentence-transformers/LaBSE,
    sentence-transformers/paraphrase-multilingual-mpnet-base-v2, xlm-roberta-large).
    Without `context`, each span string is embedded alone (`pooling` "mean" over its
    subwords, "cls" or "pooler"); with `context`, each sentence is encoded once and a
    span is the mean of its subword states in that contextual encoding (`layer`, default
    the last). `rescale`: "clip" max(cos, 0) or "linear" (cos + 1) / 2. Distinct strings
    (and, with `context`, the last `sentence_cache` sentences) are encoded once. `prefix`
    is put before each span string (e5 models expect "query: " or "passage: ").
    `model` may be a bundled one: "bundled:e5-small" (an encoder) or "bundled:use-m"
    (sentence vectors: span strings only).
    """

    name = "embedding"

    def __init__(
        self,
        model: str = "sentence-transformers/LaBSE",
        *,
        context: bool = False,
        pooling: str = "mean",
        layer: int = -1,
        rescale: str = "clip",
        device: str = "auto",
        batch_size: int = 64,
        fp16: bool = True,
        max_length: int | None = None,
        cache_size: int | None = 200_000,
        sentence_cache: int = 2048,
        prefix: str = "",
    ) -> None:
        from annoproj.models import bundled_kind, sentence_embedder

        super().__init__(rescale=rescale, cache_size=cache_size)
        if pooling not in ("mean", "cls", "pooler"):
            raise ConfigError(f"pooling must be mean, cls or pooler; got {pooling!r}")
        self.prefix = prefix
        self.sentence = None
        if bundled_kind(model) == "sentence":  # sentence vectors only (bundled:use-m)
            if context:
                raise ModelError(f"{model} gives sentence vectors only, no token states: "
                                 "it cannot score spans in context (context=False)")
            self.sentence = sentence_embedder(model)
            self.encoder = None
        else:
            self.encoder = HFEncoder(model, device=device, fp16=fp16, batch_size=batch_size,
                                     max_length=max_length)  # fmt: skip
            self.encoder.check_layer(layer)
        self.context = context
        self.pooling = pooling
        self.layer = layer
        self.sentences: LRUCache[tuple[str, ...], WordStates] = LRUCache(sentence_cache)

    def clear_cache(self) -> None:
        """Forget all cached embeddings."""
        super().clear_cache()
        self.sentences.clear()

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = [self.prefix + t for t in texts] if self.prefix else list(texts)
        if self.sentence is not None:
            return self.sentence.embed(texts)
        layer = None if self.layer == -1 else self.layer
        return self.encoder.embed(texts, pooling=self.pooling, layer=layer)

    def _states(self, sentences: Sequence[tuple[str, ...]]) -> dict[tuple[str, ...], WordStates]:
        todo = list(dict.fromkeys(s for s in sentences if s not in self.sentences))
        fresh = dict(zip(todo, self.encoder.word_states(todo, layer=self.layer))) if todo else {}
        for key, ws in fresh.items():
            self.sentences[key] = ws
        return {s: fresh[s] if s in fresh else self.sentences[s] for s in dict.fromkeys(sentences)}

    def score(self, batch: Sequence[MatchInstance]) -> list[np.ndarray]:
        """One (E, C) score matrix per instance."""
        if not self.context:
            return super().score(batch)
        keys = [tuple(inst.src_tokens) for inst in batch] + [
            tuple(inst.tgt_tokens) for inst in batch
        ]
        states = self._states(keys)
        out = []
        for inst in batch:
            e = l2_normalize(states[tuple(inst.src_tokens)].spans(inst.entities))
            c = l2_normalize(states[tuple(inst.tgt_tokens)].spans(inst.candidates))
            out.append(rescale_cosine(e @ c.T, self.rescale))
        return out
