"""Decoding per-token tag marginals into a valid tag sequence, with O down-weighted.

A tagger trained on projected data learns that the names projection missed are `O`, so
it finds too few entities: high precision, low recall. Multiplying each token's marginal
probability of `O` by `o_weight` < 1 before choosing the best valid tag sequence (the
sequence maximising the product of the weighted marginals, under the scheme's
transition rules) trades some precision for recall. `o_weight = 1` picks the sequence
of most probable tags that is valid.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from annoproj.data.tags import split_tag

__all__ = ["constrained_decode", "transition_rules"]

_NEG = -1e9


def transition_rules(labels: Sequence[str], scheme: str = "IOB2") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start_ok (L,), allowed (L, L) previous -> next, end_ok (L,)) for IOB2 or BIOES tags;
    read-only arrays, computed once per tag set.

    >>> start, allowed, end = transition_rules(["B-PER", "I-PER", "O"])
    >>> start.tolist(), allowed[2].tolist(), end.tolist()
    ([True, False, True], [True, False, True], [True, True, True])
    """
    if scheme not in ("IOB2", "BIOES"):
        raise ValueError(f"constrained decoding knows IOB2 and BIOES, not {scheme!r}")
    return _rules(tuple(labels), scheme)


@lru_cache(maxsize=32)
def _rules(labels: tuple[str, ...], scheme: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    parts = [split_tag(t) for t in labels]
    # a tag that continues an entity, and a tag after which the entity must go on
    inside = {"I", "E"} if scheme == "BIOES" else {"I"}
    open_ = {"B", "I"} if scheme == "BIOES" else set()
    start = np.array([p not in inside for p, _ in parts])
    end = np.array([p not in open_ for p, _ in parts])
    allowed = np.ones((len(labels), len(labels)), dtype=bool)
    for i, (pp, pt) in enumerate(parts):
        for j, (np_, nt) in enumerate(parts):
            if np_ in inside:  # continuing: only after B/I of the same type
                allowed[i, j] = pp in ("B", "I") and pt == nt
            elif pp in open_:  # the previous entity must go on
                allowed[i, j] = False
    for a in (start, allowed, end):
        a.flags.writeable = False
    return start, allowed, end


def constrained_decode(
    marginals: np.ndarray, labels: Sequence[str], *, o_weight: float = 1.0,
    scheme: str = "IOB2",
) -> list[str]:
    """The valid tag sequence maximising the product of the marginals, O's times `o_weight`.

    marginals: (n_tokens, n_labels) probabilities, columns in the order of `labels`.

    >>> m = np.array([[0.7, 0.3, 0.0], [0.4, 0.2, 0.4]])  # columns O, B-PER, I-PER
    >>> constrained_decode(m, ["O", "B-PER", "I-PER"])
    ['O', 'O']
    >>> constrained_decode(m, ["O", "B-PER", "I-PER"], o_weight=0.5)
    ['B-PER', 'I-PER']
    """
    if o_weight <= 0:
        raise ValueError(f"o_weight must be > 0, got {o_weight}")
    m = np.asarray(marginals, dtype=np.float64)
    n = len(m)
    if n == 0:
        return []
    if m.shape[1] != len(labels):
        raise ValueError(f"marginals have {m.shape[1]} columns for {len(labels)} labels")
    logp = np.log(np.clip(m, 1e-12, 1.0))
    if "O" in labels:
        logp[:, list(labels).index("O")] += np.log(o_weight)
    start, allowed, end = transition_rules(labels, scheme)
    step = np.where(allowed, 0.0, _NEG)
    score = np.where(start, logp[0], _NEG)
    back = np.zeros((n, len(labels)), dtype=np.int64)
    for t in range(1, n):
        cand = score[:, None] + step
        back[t] = cand.argmax(axis=0)
        score = cand[back[t], np.arange(len(labels))] + logp[t]
    best = int(np.argmax(np.where(end, score, _NEG)))
    path = [best]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return [labels[k] for k in reversed(path)]
