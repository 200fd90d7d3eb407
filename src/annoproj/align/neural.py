"""Word alignment from multilingual encoders: SimAlign- and AWESoME-style aligners.

Both embed the two sentences of a pair with the same Hugging Face encoder (mBERT, XLM-R,
LaBSE, ...) at a chosen layer and read links off a similarity matrix; no training. The
link extraction is plain numpy on (n_src, n_tgt) matrices (`mutual_argmax`, `itermax`,
`max_matching`, `softmax_links`), so it is tested without any model.

References: Jalili Sabet et al. 2020 (SimAlign), Dou & Neubig 2021 (AWESoME).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from annoproj.align.base import Tokens, aligners
from annoproj.data.model import Alignment
from annoproj.errors import ConfigError
from annoproj.text_encoder import HFEncoder, l2_normalize, warn_truncated

METHODS = ("itermax", "argmax", "match")


# ---------------------------------------------------------------- link extraction


def mutual_argmax(sim: np.ndarray) -> np.ndarray:
    """Boolean (m, n): (i, j) where j is row i's best column and i is column j's best row."""
    m, n = sim.shape
    out = np.zeros((m, n), dtype=bool)
    if m == 0 or n == 0:
        return out
    best_col = sim.argmax(axis=1)  # (m,)
    best_row = sim.argmax(axis=0)  # (n,)
    rows = np.flatnonzero(best_row[best_col] == np.arange(m))
    out[rows, best_col[rows]] = True
    return out


def itermax(sim: np.ndarray, *, max_iter: int = 2, alpha: float = 0.9) -> np.ndarray:
    """Iterative mutual argmax (SimAlign's IterMax) as a boolean (m, n) matrix.

    Round 1 is `mutual_argmax`. Each later round looks again at the pairs where at least
    one word is still unaligned: a pair with one aligned word has its similarity scaled
    by `alpha`, a pair of two unaligned words keeps it; mutual argmaxes of that matrix
    are added. It stops after `max_iter` rounds, when a round adds nothing, or when one
    side is fully aligned. Pairs with at most two words on a side get round 1 only.
    """
    links = mutual_argmax(sim)
    m, n = sim.shape
    if min(m, n) <= 2:
        return links
    for _ in range(max_iter - 1):
        done_src, done_tgt = links.any(axis=1), links.any(axis=0)
        if done_src.all() or done_tgt.all():
            break
        both = done_src[:, None] & done_tgt[None, :]
        one = done_src[:, None] ^ done_tgt[None, :]
        weighted = np.where(one, alpha * sim, sim)
        weighted = np.where(both, -np.inf, weighted)
        new = mutual_argmax(weighted) & ~both
        if not new.any():
            break
        links |= new
    return links


def max_matching(sim: np.ndarray) -> np.ndarray:
    """Boolean (m, n): the one-to-one matching of maximum total similarity."""
    from scipy.optimize import linear_sum_assignment

    out = np.zeros(sim.shape, dtype=bool)
    if sim.size == 0:
        return out
    rows, cols = linear_sum_assignment(sim, maximize=True)
    out[rows, cols] = True
    return out


def distort(sim: np.ndarray, ratio: float) -> np.ndarray:
    """`sim` damped away from the diagonal: * (1 - ratio * (i/m - j/n)^2), relative positions."""
    if ratio == 0.0 or sim.size == 0:
        return sim
    m, n = sim.shape
    pi = np.arange(m) / max(m - 1, 1)
    pj = np.arange(n) / max(n - 1, 1)
    return sim * (1.0 - ratio * (pi[:, None] - pj[None, :]) ** 2)


def softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """Numerically stable softmax along `axis`."""
    z = x - x.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def softmax_links(sim: np.ndarray, *, threshold: float = 1e-3) -> tuple[np.ndarray, np.ndarray]:
    """AWESoME's extraction: (keep (m, n) bool, score (m, n)).

    A pair is kept when both its row softmax (source -> target) and its column softmax
    (target -> source) exceed `threshold`; its score is the geometric mean of the two.
    """
    if sim.size == 0:
        z = np.zeros(sim.shape)
        return z.astype(bool), z
    fwd = softmax(sim, axis=1)
    bwd = softmax(sim, axis=0)
    return (fwd > threshold) & (bwd > threshold), np.sqrt(fwd * bwd)


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(m, n) cosine similarities of the rows of `a` and `b` (0 for zero rows)."""
    return l2_normalize(a) @ l2_normalize(b).T


def links_from_similarity(
    sim: np.ndarray,
    *,
    method: str = "itermax",
    distortion: float = 0.0,
    max_iter: int = 2,
    alpha: float = 0.9,
    min_similarity: float | None = None,
) -> Alignment:
    """Links of one pair from its (n_src, n_tgt) similarity matrix, scored by
    the similarity clipped to [0, 1]."""
    sim = distort(np.asarray(sim, dtype=np.float64), distortion)
    if method == "argmax":
        keep = mutual_argmax(sim)
    elif method == "itermax":
        keep = itermax(sim, max_iter=max_iter, alpha=alpha)
    elif method == "match":
        keep = max_matching(sim)
    else:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    if min_similarity is not None:
        keep &= sim > min_similarity
    ii, jj = np.nonzero(keep)
    return Alignment.from_arrays(np.stack([ii, jj], 1), np.clip(sim[ii, jj], 0.0, 1.0))


# ---------------------------------------------------------------- aligners


def fuse_with_encoder(
    src: Sequence[Tokens],
    tgt: Sequence[Tokens],
    direct: Sequence[Alignment],
    model: str | HFEncoder,
    *,
    layer: int | None = None,
    method: str | None = None,
    direct_weight: float | None = None,
    threshold: float | None = None,
    scored: bool | None = None,
    device: str = "auto",
    batch_size: int = 32,
) -> list[Alignment]:
    """`direct` links (eflomal's) with a SimAlign aligner's links on `model` fused in as
    extra evidence (`annoproj.align.compose.fuse_links`); unset options take
    `annoproj.defaults.FUSE`."""
    from annoproj import defaults
    from annoproj.align.compose import fuse_links

    d = defaults.FUSE
    aligner = SimAlignAligner(model, layer=d["layer"] if layer is None else layer,
                              method=method or d["method"], device=device, batch_size=batch_size)
    extra = aligner.align(src, tgt)
    return fuse_links(direct, extra, [len(s) for s in src], [len(t) for t in tgt],
                      direct_weight=d["direct_weight"] if direct_weight is None else direct_weight,
                      threshold=d["threshold"] if threshold is None else threshold,
                      scored=d["scored"] if scored is None else scored)  # fmt: skip


class _EncoderAligner:
    """Shared plumbing: an `HFEncoder`, chunks of sentence pairs, truncation warnings."""

    def __init__(
        self,
        model: str | HFEncoder,
        *,
        layer: int,
        device: str,
        batch_size: int,
        fp16: bool,
        max_length: int | None,
    ) -> None:
        if isinstance(model, HFEncoder):
            self.encoder = model
        else:
            self.encoder = HFEncoder(
                model, device=device, fp16=fp16, batch_size=batch_size, max_length=max_length
            )
        self.encoder.check_layer(layer)
        self.layer = layer
        self.chunk = max(1, 8 * self.encoder.batch_size)

    @property
    def truncated_words(self) -> int:
        """Words (over all calls) that fell beyond the model's length limit: no links."""
        return self.encoder.truncated_words

    def align(self, src: Sequence[Tokens], tgt: Sequence[Tokens]) -> list[Alignment]:
        """Word alignments for each (src[k], tgt[k]) pair."""
        if len(src) != len(tgt):
            raise ValueError(f"{len(src)} source but {len(tgt)} target sentences")
        before = (self.encoder.truncated_words, self.encoder.truncated_sentences)
        out: list[Alignment] = []
        for lo in range(0, len(src), self.chunk):
            out.extend(self._align_chunk(src[lo : lo + self.chunk], tgt[lo : lo + self.chunk]))
        warn_truncated(self.encoder, before, "got no links")
        return out

    def _align_chunk(self, src: Sequence[Tokens], tgt: Sequence[Tokens]) -> list[Alignment]:
        raise NotImplementedError


@aligners.register("simalign")
class SimAlignAligner(_EncoderAligner):
    """SimAlign: cosine similarity of mean-pooled subword states at `layer`, then links by
    "argmax" (mutual argmax), "itermax" (iterative mutual argmax, `max_iter` rounds) or
    "match" (maximum-weight one-to-one matching).

    `distortion` > 0 damps pairs far from the diagonal; `min_similarity` drops weaker
    links. Link scores are the cosine similarity clipped to [0, 1]. Words beyond the
    model's length limit get no links (a RuntimeWarning counts them).
    """

    name = "simalign"

    def __init__(
        self,
        model: str | HFEncoder = "bert-base-multilingual-cased",
        *,
        layer: int = 8,
        method: str = "itermax",
        device: str = "auto",
        batch_size: int = 32,
        distortion: float = 0.0,
        max_iter: int = 2,
        alpha: float = 0.9,
        min_similarity: float | None = None,
        fp16: bool = True,
        max_length: int | None = None,
    ) -> None:
        if method not in METHODS:
            raise ConfigError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
        if max_iter < 1:
            raise ConfigError(f"max_iter must be >= 1, got {max_iter}")
        super().__init__(model, layer=layer, device=device, batch_size=batch_size, fp16=fp16,
                         max_length=max_length)  # fmt: skip
        self.method = method
        self.distortion = float(distortion)
        self.max_iter = int(max_iter)
        self.alpha = float(alpha)
        self.min_similarity = min_similarity

    def similarities(self, src: Sequence[Tokens], tgt: Sequence[Tokens]) -> list[np.ndarray]:
        """(n_src, n_tgt) cosine similarity of each pair's words (0 for cut-off words)."""
        states = self.encoder.word_states([*src, *tgt], layer=self.layer)
        out = []
        for s, t in zip(states[: len(src)], states[len(src) :]):
            out.append(cosine(s.means(), t.means()))
        return out

    def _align_chunk(self, src: Sequence[Tokens], tgt: Sequence[Tokens]) -> list[Alignment]:
        states = self.encoder.word_states([*src, *tgt], layer=self.layer)
        out = []
        for s, t in zip(states[: len(src)], states[len(src) :]):
            rows, cols = np.flatnonzero(s.present), np.flatnonzero(t.present)
            sim = cosine(s.means()[rows], t.means()[cols])
            sub = links_from_similarity(
                sim, method=self.method, distortion=self.distortion, max_iter=self.max_iter,
                alpha=self.alpha, min_similarity=self.min_similarity,
            )  # fmt: skip
            links = np.stack([rows[sub.links[:, 0]], cols[sub.links[:, 1]]], 1)
            out.append(Alignment.from_arrays(links, sub.scores))
        return out


@aligners.register("awesome")
class AwesomeAligner(_EncoderAligner):
    """AWESoME-style: dot-product similarity of subword states at `layer`, softmax over
    rows and over columns, a link where both exceed `threshold`.

    With `subwords` (AWESoME's default) it works on subwords and two words are linked
    when any of their subwords are, scored by the best such pair's geometric mean of the
    two probabilities; otherwise on mean-pooled word states. Words beyond the model's
    length limit get no links.
    """

    name = "awesome"

    def __init__(
        self,
        model: str | HFEncoder = "bert-base-multilingual-cased",
        *,
        layer: int = 8,
        threshold: float = 1e-3,
        subwords: bool = True,
        device: str = "auto",
        batch_size: int = 32,
        fp16: bool = True,
        max_length: int | None = None,
    ) -> None:
        if not 0.0 <= threshold < 1.0:
            raise ConfigError(f"threshold must be in [0, 1), got {threshold}")
        super().__init__(model, layer=layer, device=device, batch_size=batch_size, fp16=fp16,
                         max_length=max_length)  # fmt: skip
        self.threshold = float(threshold)
        self.subwords = subwords

    def _align_chunk(self, src: Sequence[Tokens], tgt: Sequence[Tokens]) -> list[Alignment]:
        out = []
        if not self.subwords:
            states = self.encoder.word_states([*src, *tgt], layer=self.layer)
            for s, t in zip(states[: len(src)], states[len(src) :]):
                rows, cols = np.flatnonzero(s.present), np.flatnonzero(t.present)
                keep, score = softmax_links(s.means()[rows] @ t.means()[cols].T, threshold=self.threshold)
                ii, jj = np.nonzero(keep)
                links = np.stack([rows[ii], cols[jj]], 1)
                out.append(Alignment.from_arrays(links, np.clip(score[ii, jj], 0.0, 1.0)))
            return out
        states = self.encoder.subword_states([*src, *tgt], layer=self.layer)
        for (hs, ws), (ht, wt) in zip(states[: len(src)], states[len(src) :]):
            keep, score = softmax_links(hs @ ht.T, threshold=self.threshold)
            ii, jj = np.nonzero(keep)
            links = np.stack([ws[ii], wt[jj]], 1)
            # from_arrays keeps the highest score of each word pair
            out.append(Alignment.from_arrays(links, np.clip(score[ii, jj], 0.0, 1.0)))
        return out
