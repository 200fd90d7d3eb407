"""The data model: spans, sentences and word alignments, as plain data."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np


class Span(NamedTuple):
    """An entity over token indices `start` .. `end` (end exclusive)."""

    start: int
    end: int
    label: str


class ProjectedSpan(NamedTuple):
    """A span on the target side, with its confidence and the source entity it came from."""

    start: int
    end: int
    label: str
    score: float = 1.0
    source: int = -1

    def span(self) -> Span:
        """The plain span, without score and origin."""
        return Span(self.start, self.end, self.label)


@dataclass(slots=True)
class Sentence:
    """Tokens plus entity spans; `id` and `meta` are carried through untouched."""

    tokens: list[str]
    spans: list[Span] = field(default_factory=list)
    id: str | None = None
    meta: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.tokens)


_EMPTY_LINKS = np.zeros((0, 2), dtype=np.int32)


@dataclass(frozen=True, slots=True, eq=False)
class Alignment:
    """Word links (source index, target index) of one sentence pair, optionally scored.

    `links` is an int32 array of shape (k, 2), sorted and without duplicates;
    `scores`, when present, is a float32 array of shape (k,) in [0, 1].
    """

    links: np.ndarray = field(default_factory=lambda: _EMPTY_LINKS.copy())
    scores: np.ndarray | None = None

    @classmethod
    def from_pairs(
        cls, pairs: Iterable[tuple[int, int]], scores: Iterable[float] | None = None
    ) -> Alignment:
        """Build from (i, j) pairs; duplicates keep their highest score."""
        links = np.asarray(list(pairs), dtype=np.int32).reshape(-1, 2)
        sc = None if scores is None else np.asarray(list(scores), dtype=np.float32)
        return cls.from_arrays(links, sc)

    @classmethod
    def from_arrays(cls, links: np.ndarray, scores: np.ndarray | None = None) -> Alignment:
        """Build from a (k, 2) link array and optional (k,) scores, normalising order."""
        links = np.asarray(links, dtype=np.int32).reshape(-1, 2)
        if len(links) == 0:
            return cls(_EMPTY_LINKS.copy(), None if scores is None else np.zeros(0, np.float32))
        keys = (links[:, 0].astype(np.int64) << 32) | links[:, 1].astype(np.int64)
        in_order = bool(np.all(keys[1:] > keys[:-1]))  # sorted, no duplicates already
        if scores is None:
            if not in_order:
                keys = np.unique(keys)
                links = np.stack([keys >> 32, keys & 0xFFFFFFFF], axis=1).astype(np.int32)
            return cls(np.ascontiguousarray(links), None)
        scores = np.asarray(scores, dtype=np.float32).reshape(-1)
        if len(scores) != len(links):
            raise ValueError(f"{len(links)} links but {len(scores)} scores")
        if in_order:
            return cls(np.ascontiguousarray(links), scores.copy())
        # highest score first, then keep the first of each (i, j)
        order = np.lexsort((-scores, links[:, 1], links[:, 0]))
        links, scores = links[order], scores[order]
        keep = np.ones(len(links), dtype=bool)
        keep[1:] = np.any(links[1:] != links[:-1], axis=1)
        return cls(links[keep], scores[keep])

    @classmethod
    def from_matrix(cls, matrix: np.ndarray, *, scored: bool = False) -> Alignment:
        """Links where `matrix` (n_src x n_tgt) is non-zero; its values as scores if `scored`."""
        ii, jj = np.nonzero(matrix)
        links = np.stack([ii, jj], axis=1)
        return cls.from_arrays(links, matrix[ii, jj] if scored else None)

    def to_matrix(self, n_src: int, n_tgt: int) -> np.ndarray:
        """A dense float32 (n_src x n_tgt) matrix of link scores (1.0 when unscored)."""
        m = np.zeros((n_src, n_tgt), dtype=np.float32)
        if len(self.links):
            ok = (self.links[:, 0] < n_src) & (self.links[:, 1] < n_tgt)
            vals = 1.0 if self.scores is None else self.scores[ok]
            m[self.links[ok, 0], self.links[ok, 1]] = vals
        return m

    def inverted(self) -> Alignment:
        """The same links with source and target swapped."""
        return Alignment.from_arrays(self.links[:, ::-1], self.scores)

    def pairs(self) -> list[tuple[int, int]]:
        """The links as a list of (i, j) tuples."""
        return [(int(i), int(j)) for i, j in self.links]

    def check_bounds(self, n_src: int, n_tgt: int) -> None:
        """Raise ValueError if a link points outside a sentence of the given lengths."""
        if len(self.links) == 0:
            return
        bad = (self.links[:, 0] >= n_src) | (self.links[:, 1] >= n_tgt) | (self.links < 0).any(1)
        if bad.any():
            i, j = self.links[np.argmax(bad)]
            raise ValueError(
                f"link {i}-{j} is outside a pair of {n_src} source and {n_tgt} target tokens"
            )

    def __len__(self) -> int:
        return len(self.links)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self.pairs())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Alignment):
            return NotImplemented
        if not np.array_equal(self.links, other.links):
            return False
        if self.scores is None or other.scores is None:
            return self.scores is None and other.scores is None
        return bool(np.allclose(self.scores, other.scores))

    def __repr__(self) -> str:
        body = " ".join(f"{i}-{j}" for i, j in self.pairs())
        return f"Alignment({body!r}{', scored' if self.scores is not None else ''})"


def add_spans(
    sentences: Sequence[Sentence], extra: Sequence[Sequence[Span | ProjectedSpan]]
) -> tuple[list[Sentence], int]:
    """`sentences` with the spans of `extra` (one list per sentence) added in order, and how
    many were added; sentences that gain nothing are passed through as they are."""
    out, added = [], 0
    for s, more in zip(sentences, extra):
        if more:
            added += len(more)
            spans = sorted([*s.spans, *(Span(m[0], m[1], m[2]) for m in more)])
            s = Sentence(list(s.tokens), spans, s.id, dict(s.meta))
        out.append(s)
    return out, added


def spans_to_array(spans: Sequence[Span] | Sequence[ProjectedSpan]) -> np.ndarray:
    """An int32 (n, 2) array of (start, end) of `spans`."""
    if not spans:
        return np.zeros((0, 2), dtype=np.int32)
    return np.asarray([(s[0], s[1]) for s in spans], dtype=np.int32)


def check_spans(spans: Iterable[Sequence], n_tokens: int) -> None:
    """Raise ValueError naming the first span that is empty or outside `n_tokens` tokens."""
    for s in spans:
        if not 0 <= s[0] < s[1] <= n_tokens:
            raise ValueError(f"source span {s[0]}..{s[1]} ({s[2]}) does not fit a sentence of "
                             f"{n_tokens} tokens")
