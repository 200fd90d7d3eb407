"""The nmt scorer: translation likelihood of the candidate given the entity and of the
entity given the candidate (NMTScore-style, Vamvas & Sennrich 2022).

A Hugging Face seq2seq translation model (NLLB-200, M2M-100, mBART-50 or a Marian
OPUS-MT pair) scores, by teacher forcing, how probable string y is as a translation of
string x: l(y|x) = the mean log-probability of y's tokens (language-code tokens left out).
One forward pass scores a batch of (x, y) pairs. With e the entity text and c the
candidate text:

- normalize="exp" (default): score = exp((l(c|e) + l(e|c)) / 2), in (0, 1];
- normalize="self": NMTScore's normalised cross-likelihood, the mean over the directions
  of min(1, exp(l(c|e) - l(c|c))) and min(1, exp(l(e|c) - l(e|e))), where l(c|c) is
  the model "translating" c into its own language (needs a multilingual model);
- normalize="best": the "exp" score divided by the entity's best candidate's, so the
  best candidate of each entity scores 1.

`directions` "forward" (l(c|e) only) or "backward" (l(e|c) only) halve the work. A
one-direction model (Marian) scores "backward" with `reverse_model`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from annoproj.errors import ConfigError
from annoproj.project.base import MatchInstance, scorers
from annoproj.project.scorers.embedding import span_text
from annoproj.text_encoder import (
    LRUCache,
    batches,
    import_torch,
    load_model,
    load_tokenizer,
    resolve_device,
)

NORMALIZE = ("exp", "self", "best")
DIRECTIONS = ("both", "forward", "backward")


class _Seq2Seq:
    """A translation model and its tokenizer, scoring (x, y) pairs by teacher forcing."""

    def __init__(self, model: str, *, device: str, fp16: bool, max_length: int) -> None:
        from annoproj.translate.seq2seq import model_family

        self.torch = import_torch()
        self.name = str(model)
        self.device = device
        self.max_length = max_length
        self.tokenizer = load_tokenizer_any(self.name)
        self.model = load_model("AutoModelForSeq2SeqLM", self.name, device=device, fp16=fp16)
        self.family = model_family(self.tokenizer, getattr(self.model.config, "model_type", None))

    @property
    def multilingual(self) -> bool:
        return self.family in ("nllb", "m2m", "mbart")

    def setup(self, src_lang: str | None, tgt_lang: str | None) -> tuple[str, set[int]]:
        """Point the tokenizer at the language pair: (source-text prefix, ids to leave out)."""
        from annoproj.translate.seq2seq import lang_token, target_lang_token

        tok = self.tokenizer
        if self.multilingual:
            codes = []
            for side, lang in (("source", src_lang), ("target", tgt_lang)):
                if lang is None:
                    raise ValueError(
                        f"{self.name} is multilingual: give the {side} language "
                        "(src_lang / tgt_lang)"
                    )
                code = lang_token(tok, self.family, lang)
                if code is None:
                    raise ValueError(f"{self.name} has no language token for {lang!r}")
                codes.append(code)
            src_code, tgt_code = (c.strip("_") if self.family == "m2m" else c for c in codes)
            tok.src_lang = src_code
            tok.tgt_lang = tgt_code
            return "", {int(tok.convert_tokens_to_ids(c)) for c in codes}
        marker = target_lang_token(tok, self.family, tgt_lang) if tgt_lang else None
        return (marker + " " if marker else ""), set()

    def log_probs(self, pairs: Sequence[tuple[str, str]], src_lang: str | None,
                  tgt_lang: str | None, batch_size: int) -> np.ndarray:  # fmt: skip
        """(N,) mean token log-probability of each y given x."""
        torch = self.torch
        prefix, skip = self.setup(src_lang, tgt_lang)
        out = np.zeros(len(pairs), dtype=np.float64)
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        pad = self.tokenizer.pad_token_id
        with torch.inference_mode():
            for chunk in batches(order, batch_size):
                enc = self.tokenizer(
                    [prefix + pairs[i][0] for i in chunk], text_target=[pairs[i][1] for i in chunk],
                    padding=True, truncation=True, max_length=self.max_length, return_tensors="pt",
                )  # fmt: skip
                labels = enc.pop("labels")
                mask = labels != pad
                for s in skip:
                    mask &= labels != s
                labels = labels.masked_fill(labels == pad, -100)
                enc = {k: v.to(self.device) for k, v in enc.items()}
                logits = self.model(**enc, labels=labels.to(self.device)).logits.float()
                gold = labels.clamp(min=0).to(self.device)
                lp = logits.gather(-1, gold.unsqueeze(-1)).squeeze(-1) - logits.logsumexp(-1)
                m = mask.to(self.device).float()
                mean = (lp * m).sum(1) / m.sum(1).clamp(min=1.0)
                out[np.asarray(chunk)] = mean.cpu().numpy()
        return out


def load_tokenizer_any(model: str) -> Any:
    """A fast tokenizer when there is one, else the slow one (Marian, M2M-100)."""
    from annoproj.text_encoder import import_transformers

    try:
        return load_tokenizer(model)
    except ValueError:
        return import_transformers().AutoTokenizer.from_pretrained(model)


@dataclass(frozen=True, slots=True)
class _Direction:
    """One way of scoring: which model, from which language into which."""

    model: str  # "fwd" or "rev": which loaded model
    src: str | None
    tgt: str | None


@scorers.register("nmt")
class NMTScorer:
    """Scores pairs by translation likelihood in both directions (module docstring).

    model: seq2seq model name or folder (facebook/nllb-200-distilled-600M,
    facebook/m2m100_418M, Helsinki-NLP/opus-mt-en-de). src_lang / tgt_lang: language
    codes for multilingual models (ISO 639-1/3 or the model's own, e.g. en, deu_Latn).
    reverse_model: a separate target -> source model for one-direction (Marian) models.
    Log-probabilities are cached per (direction, x, y) string pair.
    """

    name = "nmt"

    def __init__(
        self,
        model: str = "facebook/nllb-200-distilled-600M",
        *,
        reverse_model: str | None = None,
        src_lang: str | None = "en",
        tgt_lang: str | None = None,
        directions: str = "both",
        normalize: str = "exp",
        device: str = "auto",
        batch_size: int = 64,
        fp16: bool = True,
        max_length: int = 64,
        cache_size: int | None = 500_000,
    ) -> None:
        if directions not in DIRECTIONS:
            raise ConfigError(
                f"directions must be one of {', '.join(DIRECTIONS)}; got {directions!r}"
            )
        if normalize not in NORMALIZE:
            raise ConfigError(f"normalize must be one of {', '.join(NORMALIZE)}; got {normalize!r}")
        dev = resolve_device(device)
        self.models = {"fwd": _Seq2Seq(model, device=dev, fp16=fp16, max_length=max_length)}
        fwd = self.models["fwd"]
        if reverse_model is not None:
            self.models["rev"] = _Seq2Seq(
                reverse_model, device=dev, fp16=fp16, max_length=max_length
            )
        if directions != "forward" and reverse_model is None and not fwd.multilingual:
            raise ConfigError(
                f"{model} translates one way only: give reverse_model= (the target -> source "
                "model) or directions='forward'"
            )
        if normalize == "self" and not fwd.multilingual:
            raise ConfigError("normalize='self' needs a multilingual model (NLLB, M2M-100, mBART)")
        if fwd.multilingual and tgt_lang is None:
            raise ConfigError(f"{model} is multilingual: give tgt_lang (the candidates' language)")
        self.src_lang, self.tgt_lang = src_lang, tgt_lang
        if fwd.multilingual:  # fail now on unknown languages, not at the first batch
            fwd.setup(src_lang, tgt_lang)
        if "rev" in self.models and self.models["rev"].multilingual:
            self.models["rev"].setup(tgt_lang, src_lang)
        self.directions = directions
        self.normalize = normalize
        self.batch_size = max(1, int(batch_size))
        self.cache: LRUCache[tuple[_Direction, str, str], float] = LRUCache(cache_size)

    def clear_cache(self) -> None:
        """Forget cached log-probabilities."""
        self.cache.clear()

    def _dir(self, which: str) -> _Direction:
        """ "fwd" (entity -> candidate), "rev" (candidate -> entity), "src" / "tgt" (self)."""
        rev = "rev" if "rev" in self.models else "fwd"
        return {
            "fwd": _Direction("fwd", self.src_lang, self.tgt_lang),
            "rev": _Direction(rev, self.tgt_lang, self.src_lang),
            "src": _Direction("fwd", self.src_lang, self.src_lang),
            "tgt": _Direction("fwd", self.tgt_lang, self.tgt_lang),
        }[which]

    def log_probs(self, direction: _Direction, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """(N,) l(y|x) of each (x, y) under `direction`, computing only uncached pairs."""
        todo = list(dict.fromkeys(p for p in pairs if (direction, *p) not in self.cache))
        fresh: dict[tuple[str, str], float] = {}
        if todo:
            vals = self.models[direction.model].log_probs(
                todo, direction.src, direction.tgt, self.batch_size
            )
            for p, v in zip(todo, vals.tolist()):
                self.cache[(direction, *p)] = v
                fresh[p] = v
        return np.asarray([fresh[p] if p in fresh else self.cache[(direction, *p)] for p in pairs],
                          dtype=np.float64)  # fmt: skip

    def score(self, batch: Sequence[MatchInstance]) -> list[np.ndarray]:
        """One (E, C) score matrix per instance."""
        ents = [span_text(inst.src_tokens, inst.entities) for inst in batch]
        cands = [span_text(inst.tgt_tokens, inst.candidates) for inst in batch]
        pairs = [(e, c) for es, cs in zip(ents, cands) for e in es for c in cs]
        parts: list[np.ndarray] = []
        if self.directions in ("both", "forward"):
            fwd = self.log_probs(self._dir("fwd"), pairs)
            if self.normalize == "self":
                own = self.log_probs(self._dir("tgt"), [(c, c) for _, c in pairs])
                fwd = np.minimum(np.exp(fwd - own), 1.0)
            parts.append(fwd)
        if self.directions in ("both", "backward"):
            bwd = self.log_probs(self._dir("rev"), [(c, e) for e, c in pairs])
            if self.normalize == "self":
                own = self.log_probs(self._dir("src"), [(e, e) for e, _ in pairs])
                bwd = np.minimum(np.exp(bwd - own), 1.0)
            parts.append(bwd)
        flat = np.mean(parts, axis=0) if pairs else np.zeros(0)
        if self.normalize != "self":
            flat = np.exp(flat)
        out, k = [], 0
        for es, cs in zip(ents, cands):
            m = flat[k : k + len(es) * len(cs)].reshape(len(es), len(cs))
            k += len(es) * len(cs)
            if self.normalize == "best" and m.size:
                m = m / np.maximum(m.max(axis=1, keepdims=True), 1e-300)
            out.append(np.clip(m, 0.0, 1.0).astype(np.float32))
        return out
