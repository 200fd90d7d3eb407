"""Composition of word alignments through a third sentence, and combination of several paths.

A *path* from a source sentence S to a target sentence T through a pivot sentence P is
the composition of an alignment S->P with an alignment P->T: source word i is linked to
target word k when some pivot word j is linked to both (a boolean matrix product). The
pivot is the same sentence in a third language (`annoproj.align.refine.PivotRefiner`)
or the target translated back into the source language
(`annoproj.align.refine.BacktranslationRefiner`).

Composed links are noisy in their own way, so they are *combined* with the direct
S->T alignment by one of the policies in `COMBINERS`:

- ``"union"``: every link of any path (recall);
- ``"vote"``: links that at least `k` of the paths, the direct one included, contain
  (majority by default: the errors of independent paths rarely agree);
- ``"intersect-grow"``: direct links confirmed by a composed path, grown towards the
  union through diagonal neighbours and completed with direct links between two still
  unaligned words (grow-diag-final-and with "direct" and "composed" as the two sides);
- ``"weighted"``: a weighted mean of the matrices (scores, or 1.0 per link),
  thresholded; with scored links (soft-union legs composed by max-product) this is the
  policy measured best for the matching projection;
- ``"confirm"``: the direct aligner's *sure* links (eflomal: both directions agree)
  plus its *possible* ones (one direction only) that at least `k` composed paths
  contain. Composed paths only vote here, they never add a link of their own. This is
  the policy measured best for the heuristic projection on Europarl
  (docs/refinement.md).

Everything works on dense per-sentence matrices with numpy; sentences are short
(tens of words), so an (n_src x n_pivot x n_tgt) product is cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from annoproj.data.model import Alignment

__all__ = [
    "COMBINERS",
    "COMPOSE_SCORES",
    "MATRIX_OPTIONS",
    "POLICY_OPTIONS",
    "check_policy_options",
    "combine",
    "combine_all",
    "combine_matrices",
    "compose",
    "fuse_links",
    "compose_all",
    "compose_matrices",
    "matrix_alignment",
]

#: How composition scores links: "none" (unscored boolean product), "max" or "sum".
COMPOSE_SCORES = ("none", "max", "sum")


def compose_matrices(first: np.ndarray, second: np.ndarray, *, scores: str = "none") -> np.ndarray:
    """Compose an (n_src x n_piv) and an (n_piv x n_tgt) link matrix into (n_src x n_tgt).

    - ``"none"``: boolean product: 1.0 where some pivot word links both words.
    - ``"max"`` (max-product): the best single path, ``max_j first[i, j] * second[j, k]``;
      an unscored link counts 1.0, so a composed link is as strong as its weaker leg.
    - ``"sum"`` (sum-product): ``sum_j first[i, j] * second[j, k]`` clipped to 1.0: links
      reached through several pivot words get stronger.

    >>> a = np.array([[1, 0], [0, .5]])        # S0-P0, S1-P1 (score .5)
    >>> b = np.array([[1, 1, 0], [0, .8, 0]])  # P0-T0, P0-T1, P1-T1 (score .8)
    >>> compose_matrices(a, b)
    array([[1., 1., 0.],
           [0., 1., 0.]], dtype=float32)
    >>> compose_matrices(a, b, scores="max")
    array([[1. , 1. , 0. ],
           [0. , 0.4, 0. ]], dtype=float32)
    >>> compose_matrices(np.ones((1, 2)), np.full((2, 1), .3), scores="sum")
    array([[0.6]], dtype=float32)
    """
    first = np.asarray(first, dtype=np.float32)
    second = np.asarray(second, dtype=np.float32)
    if first.ndim != 2 or second.ndim != 2 or first.shape[1] != second.shape[0]:
        raise ValueError(
            f"cannot compose a {first.shape} with a {second.shape} matrix: "
            "the pivot sides differ"
        )
    if scores == "none":
        out = (first > 0).astype(np.float32) @ (second > 0).astype(np.float32)
        return (out > 0).astype(np.float32)
    if scores == "max":
        if first.shape[1] == 0:
            return np.zeros((first.shape[0], second.shape[1]), dtype=np.float32)
        return (first[:, :, None] * second[None, :, :]).max(axis=1)
    if scores == "sum":
        return np.minimum(first @ second, 1.0).astype(np.float32)
    raise ValueError(f"unknown composition score {scores!r}; choose one of {COMPOSE_SCORES}")


def matrix_alignment(m: np.ndarray, *, scored: bool = False) -> Alignment:
    """`Alignment.from_matrix` without re-sorting: non-zero cells come out in order."""
    ii, jj = np.nonzero(m)
    links = np.stack([ii, jj], axis=1).astype(np.int32)
    return Alignment(links, m[ii, jj].astype(np.float32) if scored else None)


def _unscored(a: Alignment) -> Alignment:
    return a if a.scores is None else Alignment(a.links, None)


def compose(
    first: Alignment,
    second: Alignment,
    n_src: int,
    n_pivot: int,
    n_tgt: int,
    *,
    scores: str = "none",
) -> Alignment:
    """The alignment S->T through P, from `first` (S->P) and `second` (P->T).

    Scored (``scores="max"`` or ``"sum"``, see `compose_matrices`) or not (``"none"``).

    >>> a = Alignment.from_pairs([(0, 0), (1, 2), (2, 1)])  # S->P
    >>> b = Alignment.from_pairs([(0, 1), (1, 0), (2, 2)])  # P->T
    >>> compose(a, b, 3, 3, 3)
    Alignment('0-1 1-2 2-0')
    """
    if scores == "none":  # a link scored 0.0 is still a link
        first, second = _unscored(first), _unscored(second)
    m = compose_matrices(
        first.to_matrix(n_src, n_pivot), second.to_matrix(n_pivot, n_tgt), scores=scores
    )
    return matrix_alignment(m, scored=scores != "none")


def compose_all(
    first: Sequence[Alignment],
    second: Sequence[Alignment],
    src_lens: Sequence[int],
    pivot_lens: Sequence[int],
    tgt_lens: Sequence[int],
    *,
    scores: str = "none",
) -> list[Alignment]:
    """`compose` over a corpus, sentence by sentence."""
    n = len(first)
    if not (len(second) == len(src_lens) == len(pivot_lens) == len(tgt_lens) == n):
        raise ValueError(
            f"inputs differ in length: {n} and {len(second)} alignments, "
            f"{len(src_lens)}, {len(pivot_lens)} and {len(tgt_lens)} sentence lengths"
        )
    return [
        compose(a, b, ns, np_, nt, scores=scores)
        for a, b, ns, np_, nt in zip(first, second, src_lens, pivot_lens, tgt_lens)
    ]


# --- combination -----------------------------------------------------------------------


def _union(direct: np.ndarray, paths: list[np.ndarray], **_: object) -> np.ndarray:
    """Every link of the direct alignment or of any path.

    >>> d = np.array([[1, 0], [0, 0]]); p = np.array([[0, 0], [0, 1]])
    >>> _union(d, [p]).astype(int).tolist()
    [[1, 0], [0, 1]]
    """
    out = direct > 0
    for p in paths:
        out = out | (p > 0)
    return out.astype(np.float32)


def _vote(direct: np.ndarray, paths: list[np.ndarray], *, k: int | None = None,
          **_: object) -> np.ndarray:
    """Links contained in at least `k` of the alignments (direct included).

    `k` defaults to a strict majority, ``n // 2 + 1`` of the ``n = 1 + len(paths)``
    alignments. With the direct alignment and two pivot paths, a link needs two votes:

    >>> d  = np.array([[1, 1], [0, 0]])
    >>> p1 = np.array([[1, 0], [0, 1]])
    >>> p2 = np.array([[0, 0], [0, 1]])
    >>> _vote(d, [p1, p2]).astype(int).tolist()
    [[1, 0], [0, 1]]
    >>> _vote(d, [p1, p2], k=1).astype(int).tolist()
    [[1, 1], [0, 1]]
    """
    n = 1 + len(paths)
    need = n // 2 + 1 if k is None else int(k)
    if not 1 <= need <= n:
        raise ValueError(f"k must lie in 1..{n} for {n} alignments; got {k}")
    votes = (direct > 0).astype(np.int32)
    for p in paths:
        votes += p > 0
    return (votes >= need).astype(np.float32)


def _weighted(direct: np.ndarray, paths: list[np.ndarray], *,
              weights: Sequence[float] | None = None, direct_weight: float | None = None,
              threshold: float = 0.5, **_: object) -> np.ndarray:
    """A weighted mean of the alignments' scores, kept where it reaches `threshold`.

    Unscored links count 1.0 and scored ones their score; `weights` (direct first, then
    one per path) default to 1 each and are normalised to sum to 1; `direct_weight`
    instead gives the direct alignment that share and splits the rest evenly among the
    paths, whatever their number. The kept links carry the mean as their score. Direct
    weight .5 and two paths at .25 each, threshold .5: a direct link survives with one
    confirming path, a link of both paths without direct support does not reach .5 alone:

    >>> d  = np.array([[1., 1.], [0., 0.]])
    >>> p1 = np.array([[1., 0.], [0., 1.]])
    >>> p2 = np.array([[0., 0.], [0., 1.]])
    >>> _weighted(d, [p1, p2], weights=[.5, .25, .25]).tolist()
    [[0.75, 0.5], [0.0, 0.5]]
    >>> _weighted(d, [p1, p2], weights=[.5, .25, .25], threshold=.6).tolist()
    [[0.75, 0.0], [0.0, 0.0]]
    >>> _weighted(d, [p1, p2], direct_weight=.5, threshold=.6).tolist()
    [[0.75, 0.0], [0.0, 0.0]]
    """
    mats = [direct, *paths]
    if direct_weight is not None:
        if weights is not None:
            raise ValueError("give weights or direct_weight, not both")
        if not 0.0 <= direct_weight <= 1.0:
            raise ValueError(f"direct_weight must lie in [0, 1]; got {direct_weight}")
        share = (1.0 - direct_weight) / len(paths) if paths else 0.0
        weights = [direct_weight if paths else 1.0] + [share] * len(paths)
    w = np.ones(len(mats), dtype=np.float64) if weights is None else np.asarray(
        weights, dtype=np.float64
    )
    if w.shape != (len(mats),):
        raise ValueError(f"{len(w)} weights for {len(mats)} alignments (direct first)")
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights must be >= 0 and not all 0")
    w = w / w.sum()
    total = np.zeros(direct.shape, dtype=np.float64)
    for wi, m in zip(w, mats):
        total += wi * np.clip(m, 0.0, 1.0)
    total = np.round(total, 6)  # 0.25 + 0.25 must reach a 0.5 threshold
    return np.where(total >= threshold - 1e-9, total, 0.0).astype(np.float32)


def _confirm(direct: np.ndarray, paths: list[np.ndarray], *, sure: np.ndarray | None = None,
             possible: np.ndarray | None = None, k: int = 1, **_: object) -> np.ndarray:
    """Sure links, plus possible links that at least `k` paths contain.

    `sure` and `possible` default to the direct links, which leaves them unchanged: pass
    the intersection and the union of the direct aligner's two directions (as
    `annoproj.align.refine` does) so that paths decide the links of one direction only.
    Below, 0-0 is sure; of the possible 1-1 and 1-2 only 1-1 has a path behind it; the
    path's 2-2 is no possible link and stays out:

    >>> sure = np.array([[1, 0, 0], [0, 0, 0], [0, 0, 0]])
    >>> possible = np.array([[1, 0, 0], [0, 1, 1], [0, 0, 0]])
    >>> p = np.array([[0, 0, 0], [0, 1, 0], [0, 0, 1]])
    >>> _confirm(sure, [p], sure=sure, possible=possible).astype(int).tolist()
    [[1, 0, 0], [0, 1, 0], [0, 0, 0]]
    """
    s = (direct if sure is None else sure) > 0
    cand = (direct if possible is None else possible) > 0
    if k < 1:
        raise ValueError(f"k must be >= 1; got {k}")
    votes = np.zeros(direct.shape, dtype=np.int32)
    for p in paths:
        votes += p > 0
    return (s | (cand & (votes >= k))).astype(np.float32)


def _dilate(m: np.ndarray) -> np.ndarray:
    """Cells next to a True cell of `m`, diagonals included (8-neighbourhood)."""
    p = np.pad(m, 1)
    n_src, n_tgt = m.shape
    out = np.zeros_like(m)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                out |= p[1 + di : 1 + di + n_src, 1 + dj : 1 + dj + n_tgt]
    return out


def _intersect_grow(direct: np.ndarray, paths: list[np.ndarray], *, k: int = 1,
                    final: bool = True, **_: object) -> np.ndarray:
    """Direct links confirmed by at least `k` paths, grown towards the union.

    1. start from the direct links that at least `k` composed paths contain;
    2. grow: repeatedly add union links next to (diagonals included) a kept link that
       cover a word with no link yet (all such links of one round at once);
    3. final-and (when `final`): add direct links whose two words are still unaligned.

    With no path the result is the direct alignment. In the example the direct links
    0-0 and 1-1 are confirmed by the path; the path's 2-2 is a diagonal neighbour of 1-1
    and covers the unaligned source 2, so it grows in; the unconfirmed direct 3-0 is next
    to no kept link, and final-and leaves it out because target 0 is already aligned:

    >>> d = np.eye(4)[:, :3].copy(); d[3, 0] = 1; d[2, 2] = 0
    >>> p = np.eye(4)[:, :3]
    >>> _intersect_grow(d, [p]).astype(int).tolist()
    [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]]
    """
    d = direct > 0
    if not paths:
        return d.astype(np.float32)
    votes = np.zeros(d.shape, dtype=np.int32)
    union = d.copy()
    for p in paths:
        votes += p > 0
        union |= p > 0
    current = d & (votes >= k)
    while True:
        src_done = current.any(axis=1)
        tgt_done = current.any(axis=0)
        uncovered = ~src_done[:, None] | ~tgt_done[None, :]
        add = union & ~current & _dilate(current) & uncovered
        if not add.any():
            break
        current |= add
    if final:
        src_done = current.any(axis=1)
        tgt_done = current.any(axis=0)
        for a, b in np.argwhere(d & ~current):
            if not src_done[a] and not tgt_done[b]:
                current[a, b] = True
                src_done[a] = tgt_done[b] = True
    return current.astype(np.float32)


Combiner = Callable[..., np.ndarray]

#: Combination policies by name: (direct matrix, [path matrices], **options) -> matrix.
COMBINERS: dict[str, Combiner] = {
    "union": _union,
    "vote": _vote,
    "intersect-grow": _intersect_grow,
    "weighted": _weighted,
    "confirm": _confirm,
}

#: The options each policy takes.
POLICY_OPTIONS: dict[str, tuple[str, ...]] = {
    "union": (),
    "vote": ("k",),
    "intersect-grow": ("k", "final"),
    "weighted": ("weights", "direct_weight", "threshold"),
    "confirm": ("k", "sure", "possible"),
}

#: Options that are matrices of the pair's shape (given as `Alignment`s to `combine`).
MATRIX_OPTIONS = ("sure", "possible")


def check_policy_options(policy: str, options: Mapping[str, object]) -> None:
    """Raise ValueError naming the options (other than None) that `policy` does not take."""
    takes = POLICY_OPTIONS[policy]
    unknown = sorted(k for k, v in options.items() if v is not None and k not in takes)
    if unknown:
        raise ValueError(f"combination policy {policy!r} takes {', '.join(takes) or 'no options'}; "
                         f"not {', '.join(unknown)}")


def combine_matrices(
    direct: np.ndarray, paths: Sequence[np.ndarray], *, policy: str = "vote", **options: object
) -> np.ndarray:
    """Combine the direct link matrix with path matrices of the same shape by `policy`.

    Options by policy: ``vote``: `k`; ``intersect-grow``: `k`, `final`; ``weighted``:
    `weights` or `direct_weight`, `threshold`; ``confirm``: `k`, `sure`, `possible`
    (matrices). Non-zero
    cells of the result are links (scores for ``weighted``).

    >>> d = np.array([[1, 0], [1, 0]]); p = np.array([[1, 0], [0, 1]])
    >>> combine_matrices(d, [p, p], policy="vote").astype(int).tolist()
    [[1, 0], [0, 1]]
    """
    try:
        fn = COMBINERS[policy]
    except KeyError:
        raise ValueError(
            f"unknown combination policy {policy!r}; choose one of {', '.join(COMBINERS)}"
        ) from None
    check_policy_options(policy, options)
    direct = np.asarray(direct, dtype=np.float32)
    if direct.ndim != 2:
        raise ValueError(f"the direct links must be a matrix, not of shape {direct.shape}")
    mats = [np.asarray(p, dtype=np.float32) for p in paths]
    for m in mats:
        if m.shape != direct.shape:
            raise ValueError(f"a path matrix is {m.shape} but the direct one {direct.shape}")
    for name in MATRIX_OPTIONS:
        if options.get(name) is None:
            continue
        m = np.asarray(options[name], dtype=np.float32)
        if m.shape != direct.shape:
            raise ValueError(f"the {name} matrix is {m.shape} but the direct one {direct.shape}")
        options[name] = m
    return fn(direct, mats, **options)


def combine(
    direct: Alignment,
    paths: Sequence[Alignment],
    n_src: int,
    n_tgt: int,
    *,
    policy: str = "vote",
    sure: Alignment | None = None,
    possible: Alignment | None = None,
    **options: object,
) -> Alignment:
    """Combine the direct alignment of one pair with composed ones (see `combine_matrices`).

    `sure` and `possible` are alignments of the pair for the ``"confirm"`` policy. The
    result is scored only for ``policy="weighted"``.

    >>> d = Alignment.from_pairs([(0, 0), (1, 0)])
    >>> p1 = Alignment.from_pairs([(0, 0), (1, 1)])
    >>> p2 = Alignment.from_pairs([(1, 1)])
    >>> combine(d, [p1, p2], 2, 2, policy="vote")
    Alignment('0-0 1-1')
    >>> combine(d, [p1, p2], 2, 2, policy="union")
    Alignment('0-0 1-0 1-1')
    >>> combine(d, [p2], 2, 2, policy="confirm", sure=Alignment.from_pairs([(0, 0)]),
    ...         possible=Alignment.from_pairs([(0, 0), (1, 0), (1, 1)]))
    Alignment('0-0 1-1')
    """
    keep = (lambda a: a) if policy == "weighted" else _unscored
    for name, a in (("sure", sure), ("possible", possible)):
        if a is not None:
            options[name] = keep(a).to_matrix(n_src, n_tgt)
    m = combine_matrices(
        keep(direct).to_matrix(n_src, n_tgt),
        [keep(p).to_matrix(n_src, n_tgt) for p in paths],
        policy=policy,
        **options,
    )
    return matrix_alignment(m, scored=policy == "weighted")


def combine_all(
    direct: Sequence[Alignment],
    paths: Sequence[Sequence[Alignment]],
    src_lens: Sequence[int],
    tgt_lens: Sequence[int],
    *,
    policy: str = "vote",
    sure: Sequence[Alignment] | None = None,
    possible: Sequence[Alignment] | None = None,
    **options: object,
) -> list[Alignment]:
    """`combine` over a corpus; `paths` holds one list of alignments per path.

    `sure` and `possible`, when given, hold one alignment per sentence pair.
    """
    n = len(direct)
    for p in paths:
        if len(p) != n:
            raise ValueError(f"a path has {len(p)} alignments for {n} sentence pairs")
    if len(src_lens) != n or len(tgt_lens) != n:
        raise ValueError(f"{n} alignments but {len(src_lens)}/{len(tgt_lens)} sentence lengths")
    for name, extra in (("sure", sure), ("possible", possible)):
        if extra is not None and len(extra) != n:
            raise ValueError(f"{len(extra)} {name} alignments for {n} sentence pairs")
    return [
        combine(direct[i], [p[i] for p in paths], src_lens[i], tgt_lens[i], policy=policy,
                sure=None if sure is None else sure[i],
                possible=None if possible is None else possible[i], **options)
        for i in range(n)
    ]  # fmt: skip


def fuse_links(
    direct: Sequence[Alignment],
    extra: Sequence[Alignment],
    src_lens: Sequence[int],
    tgt_lens: Sequence[int],
    *,
    direct_weight: float = 0.5,
    threshold: float = 0.5,
    scored: bool = False,
) -> list[Alignment]:
    """Links of a corpus from two aligners of the same pairs (e.g. eflomal's soft union and
    a neural aligner's): the weighted mean of their matrices (`direct_weight` for `direct`,
    the rest for `extra`; `extra`'s link scores when `scored`, else 1.0 per link), kept
    where it reaches `threshold`, scored by that mean.

    >>> d = [Alignment.from_arrays(np.array([[0, 0], [1, 0]]), np.array([1.0, 0.5]))]
    >>> e = [Alignment.from_pairs([(1, 1), (0, 0)])]
    >>> [(a.pairs(), a.scores.tolist()) for a in fuse_links(d, e, [2], [2], threshold=0.5)]
    [([(0, 0), (1, 1)], [1.0, 0.5])]
    """
    if len(extra) != len(direct):
        raise ValueError(f"{len(direct)} direct but {len(extra)} extra alignments")
    paths = list(extra) if scored else [_unscored(a) for a in extra]
    return combine_all(direct, [paths], src_lens, tgt_lens, policy="weighted",
                       direct_weight=direct_weight, threshold=threshold)
