"""Projection as matching: score (entity, target n-gram) pairs, then solve an assignment."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from annoproj import defaults
from annoproj.data.model import Alignment, ProjectedSpan, Span
from annoproj.errors import ConfigError, InfeasibleError
from annoproj.project.base import (
    Constraint,
    MatchInstance,
    Scorer,
    Solver,
    capable,
    projectors,
    scorers,
    solvers,
)
from annoproj.project.candidates import sentence_candidates
from annoproj.project.result import ProjectionResult, check_lengths
from annoproj.project.scorers.fusion import FusionScorer

#: Tuned on Europarl NER en->de/es/it (soft-union eflomal links, 5 seeds): fused scorers,
#: the weight of each (a scorer not listed weighs 1), the smallest pair score kept, n-gram cap.
#: The memory scorer, when added, weighs 1.2: 0.4 of a pair's score where it has an opinion
#: (0.4 did better than 0.6 in exploratory MasakhaNER dev runs; docs/benchmarks.md).
DEFAULT_SCORERS: tuple[str, ...] = defaults.SCORERS
DEFAULT_WEIGHTS: dict[str, float] = defaults.WEIGHTS
DEFAULT_MIN_SCORE = defaults.MIN_SCORE
DEFAULT_MAX_LEN = 15


def _entities(spans: Sequence[Span], n_src: int) -> np.ndarray:
    """Source spans as an int64 (E, 2) array, checked against the sentence length."""
    ents = np.asarray([(s[0], s[1]) for s in spans], dtype=np.int64).reshape(-1, 2)
    bad = (ents[:, 0] < 0) | (ents[:, 1] > n_src) | (ents[:, 1] <= ents[:, 0])
    if bad.any():
        s, e = ents[np.argmax(bad)]
        raise ValueError(f"source span {s}..{e} does not fit a sentence of {n_src} tokens")
    return ents


@projectors.register("match")
class MatchProjector:
    """Projects entities by choosing the best non-overlapping target n-grams for them.

    Candidates are target n-grams of up to `max_len` tokens, with `within_aligned` only
    those inside some entity's aligned target range widened by `margin` tokens (entities
    without aligned words: `unaligned`, "none" or "all"); n-grams starting or ending with
    punctuation are dropped if `skip_punct_edges`. Pairs are scored by `scorers` (a fusion
    with `weights`/`thresholds`/`required` when several; weights default to
    `DEFAULT_WEIGHTS`; `scorer_options` maps a scorer name to its options) and assigned by
    `solver`: each entity gets `constraint` ("at_most", "exactly", "at_least") `per_entity`
    spans; pairs scoring below `min_score` are never chosen. Each projected span carries
    its pair score. The defaults are the best measured on Europarl NER with "soft-union"
    symmetrised eflomal links.
    """

    name = "match"
    uses_scorers = True

    def __init__(
        self,
        *,
        scorers: Sequence[str | Scorer] | str = DEFAULT_SCORERS,
        weights: Sequence[float] | Mapping[str, float] | None = None,
        thresholds: Sequence[float] | Mapping[str, float] | None = None,
        required: Sequence[str] = (),
        scorer_options: Mapping[str, Mapping[str, Any]] | None = None,
        solver: str | Solver = "exact",
        solver_options: Mapping[str, Any] | None = None,
        max_len: int = DEFAULT_MAX_LEN,
        within_aligned: bool = True,
        margin: int = 1,
        unaligned: str = "none",
        skip_punct_edges: bool = True,
        min_score: float = DEFAULT_MIN_SCORE,
        per_entity: int = 1,
        constraint: Constraint = "at_most",
        batch_size: int = 1000,
    ) -> None:
        if isinstance(scorers, str):
            scorers = [scorers]
        if max_len < 1:
            raise ConfigError(f"max_len must be >= 1, got {max_len}")
        if margin < 0:
            raise ConfigError(f"margin must be >= 0, got {margin}")
        if per_entity < 0:
            raise ConfigError(f"per_entity must be >= 0, got {per_entity}")
        if unaligned not in ("none", "all"):
            raise ConfigError(f"unaligned must be 'none' or 'all', got {unaligned!r}")
        if constraint not in ("at_most", "exactly", "at_least"):
            raise ConfigError(f"constraint must be at_most, exactly or at_least; got {constraint!r}")
        self.scorer = self._make_scorer(
            list(scorers), weights, thresholds, required, dict(scorer_options or {})
        )
        if isinstance(solver, str):
            self.solver = _make_solver(solver, min_score, dict(solver_options or {}))
        else:
            self.solver = solver
        self.max_len = max_len
        self.within_aligned = within_aligned
        self.margin = margin
        self.unaligned = unaligned
        self.skip_punct_edges = skip_punct_edges
        self.min_score = float(min_score)
        self.per_entity = per_entity
        self.constraint = constraint
        self.batch_size = max(1, int(batch_size))
        self._fitted = False

    @staticmethod
    def _make_scorer(names, weights, thresholds, required, options) -> Scorer:
        if not names:
            raise ValueError("the matching projection needs at least one scorer")
        if len(names) == 1 and weights is None and thresholds is None and not required:
            only = names[0]
            name = only if isinstance(only, str) else only.name
            if set(options) - {name}:
                raise ValueError(f"options for scorer(s) not used: {sorted(set(options) - {name})}")
            if isinstance(only, str):
                return scorers.create(only, **dict(options.get(only, {})))
            return only
        if weights is None:
            weights = [DEFAULT_WEIGHTS.get(n if isinstance(n, str) else n.name, 1.0) for n in names]
        return FusionScorer(
            scorers=names,
            weights=weights,
            thresholds=thresholds,
            required=required,
            options=options,
        )

    def instance(
        self,
        src_tokens: Sequence[str],
        tgt_tokens: Sequence[str],
        spans: Sequence[Span],
        alignment: Alignment,
    ) -> MatchInstance:
        """The matching instance of one sentence pair; ValueError if the pair is malformed."""
        n_src, n_tgt = len(src_tokens), len(tgt_tokens)
        alignment.check_bounds(n_src, n_tgt)
        ents = _entities(spans, n_src)
        cands = sentence_candidates(
            ents,
            alignment,
            n_tgt,
            max_len=self.max_len,
            tgt_tokens=tgt_tokens,
            skip_punct_edges=self.skip_punct_edges,
            within_aligned=self.within_aligned,
            margin=self.margin,
            unaligned=self.unaligned,
        )
        return MatchInstance(
            src_tokens=src_tokens,
            tgt_tokens=tgt_tokens,
            entities=ents.astype(np.int32),
            labels=[s[2] for s in spans],
            candidates=cands,
            alignment=alignment,
        )

    def fit(
        self,
        src_tokens: Sequence[Sequence[str]],
        tgt_tokens: Sequence[Sequence[str]],
        alignments: Sequence[Alignment],
        src_spans: Sequence[Sequence[Span]] | None = None,
    ) -> MatchProjector:
        """Estimate the corpus-level statistics of the scorers (the lexical table) from a
        whole aligned corpus, for the `project` calls that follow on parts of it (which
        otherwise estimate them from their own input). With `src_spans`, scorers that learn
        from a first projection (the memory scorer) get one of the whole corpus too.
        Returns self."""
        observe = getattr(self.scorer, "observe", None)
        if observe is not None:
            observe(src_tokens, tgt_tokens, alignments)
        self._fitted = True
        if src_spans is not None and getattr(self.scorer, "needs_projection", False):
            first = self.first_projection(src_tokens, tgt_tokens, src_spans, alignments)
            self.scorer.fit_projection(src_tokens, tgt_tokens, src_spans, first.spans)
        return self

    def project(
        self,
        src_tokens: Sequence[Sequence[str]],
        tgt_tokens: Sequence[Sequence[str]],
        src_spans: Sequence[Sequence[Span]],
        alignments: Sequence[Alignment],
    ) -> ProjectionResult:
        """Projected spans for every sentence pair; bad pairs are skipped with a reason.
        Corpus-level statistics come from this input unless `fit` gave them; scorers that
        learn from a first projection (the memory scorer), unless fitted, get one of this
        input, and the pairs are projected a second time with them."""
        n, todo, skipped = self._prepare(src_tokens, tgt_tokens, src_spans, alignments)
        if not getattr(self.scorer, "needs_projection", False):
            return self._solve_all(n, todo, skipped)
        keep = getattr(self.scorer, "keep_scores", None)  # the other scorers score once
        if keep is not None:
            keep(True)
        try:
            first = self._first(src_tokens, tgt_tokens, src_spans, n, todo, skipped)
            self.scorer.observe_projection(src_tokens, tgt_tokens, src_spans, first.spans)
            return self._solve_all(n, todo, skipped)
        finally:
            if keep is not None:
                keep(False)

    def first_projection(
        self,
        src_tokens: Sequence[Sequence[str]],
        tgt_tokens: Sequence[Sequence[str]],
        src_spans: Sequence[Sequence[Span]],
        alignments: Sequence[Alignment],
    ) -> ProjectionResult:
        """The projection that scorers learning from a first projection (the memory scorer)
        learn from: every scorer but those, which have no opinion yet (unless fitted)."""
        n, todo, skipped = self._prepare(src_tokens, tgt_tokens, src_spans, alignments)
        return self._first(src_tokens, tgt_tokens, src_spans, n, todo, skipped)

    def _prepare(self, src_tokens, tgt_tokens, src_spans, alignments
                 ) -> tuple[int, list[tuple[int, MatchInstance]], list[tuple[int, str]]]:
        """Checked inputs, corpus statistics observed (unless fitted), and the instances."""
        n = check_lengths(src_tokens, tgt_tokens, src_spans, alignments)
        observe = getattr(self.scorer, "observe", None)
        if observe is not None and not self._fitted:
            observe(src_tokens, tgt_tokens, alignments)  # corpus-level scorers see all the input
        return (n, *self._instances(src_tokens, tgt_tokens, src_spans, alignments))

    def _first(self, src_tokens, tgt_tokens, src_spans, n, todo, skipped) -> ProjectionResult:
        observe = getattr(self.scorer, "observe_projection", None)
        if observe is not None:
            observe(src_tokens, tgt_tokens, src_spans, None)  # no opinion from a last input
        return self._solve_all(n, todo, skipped)

    def _instances(self, src_tokens, tgt_tokens, src_spans, alignments
                   ) -> tuple[list[tuple[int, MatchInstance]], list[tuple[int, str]]]:
        """The instances to score, by sentence index, and the pairs skipped with a reason."""
        skipped: list[tuple[int, str]] = []
        todo: list[tuple[int, MatchInstance]] = []
        for i in range(len(src_tokens)):
            if not src_spans[i]:
                try:
                    alignments[i].check_bounds(len(src_tokens[i]), len(tgt_tokens[i]))
                except ValueError as exc:
                    skipped.append((i, str(exc)))
                continue
            try:
                inst = self.instance(src_tokens[i], tgt_tokens[i], src_spans[i], alignments[i])
            except ValueError as exc:
                skipped.append((i, str(exc)))
                continue
            if len(inst.candidates):
                todo.append((i, inst))
            elif self.constraint != "at_most" and self.per_entity > 0:
                skipped.append((i, "no target candidates for the source entities"))
        return todo, skipped

    def _solve_all(self, n: int, todo: list[tuple[int, MatchInstance]],
                   skipped: list[tuple[int, str]]) -> ProjectionResult:
        spans: list[list[ProjectedSpan]] = [[] for _ in range(n)]
        skipped = list(skipped)
        for lo in range(0, len(todo), self.batch_size):
            chunk = todo[lo : lo + self.batch_size]
            batch = [inst for _, inst in chunk]
            mats = self.scorer.score(batch)
            if len(mats) != len(batch):
                raise RuntimeError(
                    f"scorer {self.scorer.name!r} returned {len(mats)} matrices for "
                    f"{len(batch)} instances"
                )
            for (i, inst), m in zip(chunk, mats):
                try:
                    spans[i] = self._solve(inst, m)
                except InfeasibleError as exc:
                    skipped.append((i, str(exc)))
        skipped.sort()
        return ProjectionResult(spans=spans, skipped=skipped)

    def _solve(self, inst: MatchInstance, scores: np.ndarray) -> list[ProjectedSpan]:
        scores = np.nan_to_num(np.asarray(scores), nan=0.0)  # NaN: no opinion
        want = (len(inst.entities), len(inst.candidates))
        if scores.shape != want:
            raise RuntimeError(f"scorer returned a {scores.shape} matrix, expected {want}")
        ent, cand = self.solver.solve(
            scores, inst.candidates, per_entity=self.per_entity, constraint=self.constraint
        )
        out = [
            ProjectedSpan(
                int(inst.candidates[c, 0]),
                int(inst.candidates[c, 1]),
                inst.labels[e],
                float(scores[e, c]),
                int(e),
            )
            for e, c in zip(ent.tolist(), cand.tolist())
        ]
        out.sort(key=lambda s: (s.start, s.end))
        return out


def _make_solver(name: str, min_score: float, options: dict) -> Solver:
    options.setdefault("min_score", min_score)
    return solvers.create(name, **options)


#: A part of a corpus: source token lists, target token lists, alignments and, for scorers
#: that learn from a first projection (the memory scorer), the source spans.
CorpusPart = tuple[Sequence[Sequence[str]], Sequence[Sequence[str]], Sequence[Alignment]]


def fit_in_parts(
    options: Mapping[str, Any],
    parts: Iterable[CorpusPart] | Callable[[], Iterable[tuple]],
) -> dict | None:
    """`MatchProjector` options in which each scorer named in `scorers` that is still to
    estimate corpus statistics and can do so part by part is built here and fitted on
    every part: scorers with `needs_corpus` and `partial_fit` (the lexical scorer without a
    dictionary) on the parts' links, then scorers with `needs_projection` and
    `partial_fit_projection` (the memory scorer) on a first projection of each part, made
    with the first ones fitted. A projector built from the options anywhere (a worker
    process, a Ray actor) then scores with the statistics of the whole corpus, however the
    corpus is split into batches. Other scorers (model-backed ones) stay names, built where
    the projector is built. None when no named scorer is fitted so (`parts` is then not
    read).

    `parts` is an iterable of (source tokens, target tokens, alignments) parts, or, when a
    scorer learns from a projection, a function that returns a fresh iterable of
    (source tokens, target tokens, alignments, source spans) parts each time it is called
    (the parts are read twice).
    """
    names = options.get("scorers", DEFAULT_SCORERS)
    names = [names] if isinstance(names, str) else list(names)
    given_options = dict(options.get("scorer_options") or {})
    scorer_options = dict(given_options)
    fitted, second = {}, {}
    for name in names:
        if not isinstance(name, str):
            continue
        kind = scorers.get(name)
        if capable(kind, "fits_corpus") or capable(kind, "learns_from_projection"):
            scorer = scorers.create(name, **dict(scorer_options.get(name, {})))
            if capable(scorer, "needs_corpus") and capable(scorer, "fits_corpus"):
                fitted[name] = scorer
            elif capable(scorer, "needs_projection"):
                second[name] = scorer
            else:
                continue
            scorer_options.pop(name, None)
    if not fitted and not second:
        return None
    if second and not callable(parts):
        raise TypeError(f"scorer(s) {sorted(second)} learn from a first projection: pass the "
                        "parts as a function that reads them afresh, with source spans")

    def read() -> Iterable[tuple]:
        return parts() if callable(parts) else parts

    if fitted:
        for part in read():
            for scorer in fitted.values():
                scorer.partial_fit(*part[:3])
    objects = {**fitted, **second}
    out = dict(options, scorers=[objects.get(n, n) if isinstance(n, str) else n for n in names])
    if "scorer_options" in options or second:
        out["scorer_options"] = scorer_options
    if second:  # the first projection of every part without any memory: fresh copies
        first = MatchProjector(**dict(
            options, scorers=[fitted.get(n, n) if isinstance(n, str) else n for n in names],
            scorer_options={k: v for k, v in given_options.items() if k not in fitted}))
        for src_tokens, tgt_tokens, alignments, src_spans in read():
            done = first.first_projection(src_tokens, tgt_tokens, src_spans, alignments)
            for scorer in second.values():
                scorer.partial_fit_projection(src_tokens, tgt_tokens, src_spans, done.spans)
    return out
