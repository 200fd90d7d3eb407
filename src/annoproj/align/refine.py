"""Alignment refinement: third sentences that vote on the direct source-target links.

A refiner takes the direct word alignments of a parallel corpus and returns better ones,
using other sentences with the same meaning as *pivots*:

- `PivotRefiner`: the same sentences in other languages (multi-parallel data such as
  Europarl). Source->pivot and pivot->target are aligned with eflomal (same seed and
  settings as the direct alignment), composed into a source->target *path* per pivot
  (`annoproj.align.compose.compose_all`) and combined with the direct links.
- `BacktranslationRefiner`: the target translated back into the source language by a
  `annoproj.translate.base.Translator`. The source is aligned to its back-translation
  with the same-language `annoproj.align.monolingual.MonolingualAligner`, the
  back-translation to the target with eflomal (or a given aligner); the composed path is
  combined with the direct links.

How legs are symmetrised, paths composed and combined is chosen by ``combine="auto"``
(the default) from `PRESETS`, by whether the direct links are scored:

- unscored (e.g. reverse links, for the heuristic projection): ``"confirm"`` keeps the
  links both eflomal directions of the direct pair agree on and, of the links only one
  direction has, those that a composed path contains (`annoproj.align.compose`). It
  needs the two directions of the direct alignment: pass them as `directions`, or let
  the refiner find them in its `AlignmentCache` (where `annoproj.bench.europarl` puts
  them) or run eflomal once more;
- scored (soft-union links, for the matching projection): ``"soft"``, soft-union legs
  composed by max-product, and a weighted mean of direct (0.6) and path scores.

Any policy of `annoproj.align.compose.COMBINERS` can be named instead.

Cost: each language pair is aligned once (`EflomalAligner.align_both` gives both
directions, so a pair serves either order) and kept in an `AlignmentCache`; missing pairs
run concurrently when the machine has the cores (`workers`). On Europarl with targets
de, es, it and the other two languages as pivots, the 3 direct pairs plus 3 pivot pairs
cover everything: refinement adds one direct alignment's time on average.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, runtime_checkable

import numpy as np

from annoproj.align.base import Aligner
from annoproj.align.compose import (
    COMBINERS,
    COMPOSE_SCORES,
    check_policy_options,
    combine_matrices,
    compose_all,
    matrix_alignment,
)
from annoproj.align.eflomal import EflomalAligner, EflomalResult
from annoproj.align.monolingual import MonolingualAligner
from annoproj.align.symmetrize import SYMMETRIZERS, symmetrize
from annoproj.data.model import Alignment
from annoproj.errors import ConfigError
from annoproj.registry import Registry

__all__ = [
    "AUTO",
    "LEG_OPTIONS",
    "PRESETS",
    "AlignmentCache",
    "BacktranslationRefiner",
    "NoRefiner",
    "PivotRefiner",
    "Refiner",
    "corpus_fingerprint",
    "make_refiner",
    "refiners",
]

Tokens = Sequence[str]
Corpus = Sequence[Tokens]

#: `combine="auto"`: the preset below that suits the direct links, scored or not.
AUTO = "auto"

#: Settings measured best on Europarl (docs/refinement.md): "confirm" for unscored direct
#: links (e.g. reverse, for the heuristic projection), "soft" for scored ones (soft-union,
#: for the matching projection: paths of soft-union legs composed by max-product, a
#: weighted mean with the direct scores).
PRESETS: dict[str, dict[str, Any]] = {
    "confirm": {"combine": "confirm", "combine_options": {"k": 1},
                "leg_symmetrize": "reverse", "compose_scores": "none"},
    "soft": {"combine": "weighted", "combine_options": {"direct_weight": 0.6, "threshold": 0.1},
             "leg_symmetrize": "soft-union", "compose_scores": "max"},
}


#: eflomal settings of the legs that differ from the direct alignment's: one sampler
#: instead of three makes a leg about 2.7x faster and left projection F1 unchanged on
#: Europarl (docs/refinement.md). A run of the pair with the direct settings, when there
#: is one, serves as a leg instead.
LEG_OPTIONS: dict[str, Any] = {"n_samplers": 1}


@runtime_checkable
class Refiner(Protocol):
    """Turns the direct alignments of a parallel corpus into refined ones."""

    name: str

    def refine(
        self,
        src: Corpus,
        tgt: Corpus,
        direct: Sequence[Alignment],
        *,
        directions: EflomalResult | None = None,
    ) -> list[Alignment]:
        """One refined alignment per (src[k], tgt[k]) pair.

        `directions` are eflomal's two directional alignments of the same pairs, when the
        caller has them (the ``"confirm"`` combination uses them).
        """
        ...


refiners: Registry[Refiner] = Registry("refiner")


def make_refiner(name: str, **options: Any) -> Refiner:
    """The refiner `name` ("none", "pivot" or "backtranslation") built with `options`."""
    return refiners.create(name, **options)


@refiners.register("none")
class NoRefiner:
    """Returns the direct alignments unchanged."""

    name = "none"

    def __init__(
        self,
        *,
        combine: str = AUTO,
        combine_options: Mapping[str, Any] | None = None,
        leg_symmetrize: str | None = None,
        compose_scores: str | None = None,
        aligner: Mapping[str, Any] | None = None,
        leg_options: Mapping[str, Any] | None = None,
        seed: int | None = 0,
        cache: AlignmentCache | None = None,
        workers: int | None = None,
    ) -> None:
        """Takes the options every refiner takes (see `PivotRefiner`), and ignores them."""
        self.stats: dict = {}

    def refine(
        self,
        src: Corpus,
        tgt: Corpus,
        direct: Sequence[Alignment],
        *,
        directions: EflomalResult | None = None,
    ) -> list[Alignment]:
        """The direct alignments."""
        return list(direct)


# --- cached eflomal runs -------------------------------------------------------------------


def corpus_fingerprint(sentences: Corpus) -> str:
    """A digest of tokenised sentences: equal corpora, equal digests.

    >>> corpus_fingerprint([["a", "b"]]) == corpus_fingerprint([("a", "b")])
    True
    >>> corpus_fingerprint([["a", "b"]]) == corpus_fingerprint([["a"], ["b"]])
    False
    """
    h = hashlib.sha1()
    for sent in sentences:
        h.update("\x1f".join(sent).encode("utf-8", "surrogatepass"))
        h.update(b"\x1e")
    return f"{len(sentences)}:{h.hexdigest()}"


def _settings_key(aligner: EflomalAligner) -> str:
    items = []
    for k, v in sorted(vars(aligner).items()):
        if k in ("extra_src", "extra_tgt"):
            v = corpus_fingerprint(v)
        elif k == "symmetrize":  # runs hold both directions; symmetrisation comes after
            continue
        items.append(f"{k}={v!r}")
    return ";".join(items)


def _swap(result: EflomalResult) -> EflomalResult:
    """The run of (a, b) seen as a run of (b, a)."""
    return EflomalResult(
        forward=[a.inverted() for a in result.reverse],
        reverse=[a.inverted() for a in result.forward],
    )


class AlignmentCache:
    """eflomal runs (both directions) by corpus pair and settings, usable in either order.

    ``align_both(aligner, a, b)`` runs eflomal only when neither (a, b) nor (b, a) was
    aligned with the same settings before; (b, a) is served by swapping the directions.
    `runs`, `hits` and `seconds` count the work done. Thread-safe.
    """

    def __init__(self) -> None:
        self._runs: dict[tuple[str, str, str], EflomalResult] = {}
        self._lock = threading.Lock()
        self.runs = 0
        self.hits = 0
        self.seconds = 0.0

    def __getstate__(self) -> dict:  # picklable (a worker gets a copy): the lock stays
        state = dict(self.__dict__)
        del state["_lock"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._runs)

    def _key(self, aligner: EflomalAligner, src: Corpus, tgt: Corpus) -> tuple[str, str, str]:
        return (_settings_key(aligner), corpus_fingerprint(src), corpus_fingerprint(tgt))

    def get(self, aligner: EflomalAligner, src: Corpus, tgt: Corpus) -> EflomalResult | None:
        """The cached run of (src, tgt), or None."""
        key = self._key(aligner, src, tgt)
        with self._lock:
            if key in self._runs:
                return self._runs[key]
            rev = (key[0], key[2], key[1])
            if rev in self._runs:
                return _swap(self._runs[rev])
        return None

    def put(self, aligner: EflomalAligner, src: Corpus, tgt: Corpus, result: EflomalResult) -> None:
        """Remember a run of (src, tgt) made with `aligner`'s settings."""
        if len(result.forward) != len(src) or len(result.reverse) != len(src):
            raise ValueError(f"a run of {len(result.forward)} pairs for {len(src)} sentences")
        with self._lock:
            self._runs[self._key(aligner, src, tgt)] = result

    def align_both(self, aligner: EflomalAligner, src: Corpus, tgt: Corpus) -> EflomalResult:
        """Both directions of (src, tgt): cached, or run now and cached."""
        return self.align_many(aligner, [(src, tgt)], workers=1)[0]

    def align_many(
        self,
        aligner: EflomalAligner,
        pairs: Sequence[tuple[Corpus, Corpus]],
        *,
        workers: int | None = None,
        reuse: Sequence[EflomalAligner] = (),
    ) -> list[EflomalResult]:
        """`align_both` of each (src, tgt) pair; the missing runs go `workers` at a time.

        Each eflomal run already uses two processes (one per direction), so `workers`
        defaults to half the CPU count. A pair asked for twice (in either order) runs once.
        A run made with the settings of an aligner in `reuse` serves too (e.g. a run with
        more samplers where a cheaper one is asked for).
        """
        import time

        def lookup(s: Corpus, t: Corpus) -> EflomalResult | None:
            for a in (aligner, *reuse):
                got = self.get(a, s, t)
                if got is not None:
                    return got
            return None

        out: list[EflomalResult | None] = [lookup(s, t) for s, t in pairs]
        todo: dict[frozenset, int] = {}
        for k, (s, t) in enumerate(pairs):
            if out[k] is None:
                key = frozenset((corpus_fingerprint(s), corpus_fingerprint(t)))
                todo.setdefault(key, k)
        with self._lock:
            self.hits += len(pairs) - len(todo)

        def run(k: int) -> tuple[int, EflomalResult, float]:
            start = time.perf_counter()
            s, t = pairs[k]
            return k, aligner.align_both(s, t), time.perf_counter() - start

        if workers is None:
            workers = max(1, (os.cpu_count() or 2) // 2)
        jobs = list(todo.values())
        if len(jobs) <= 1 or workers <= 1:
            done = [run(k) for k in jobs]
        else:
            with ThreadPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
                done = list(pool.map(run, jobs))
        for k, result, secs in done:
            self.put(aligner, pairs[k][0], pairs[k][1], result)
            with self._lock:
                self.runs += 1
                self.seconds += secs
        final = []
        for k, (s, t) in enumerate(pairs):
            got = out[k] if out[k] is not None else lookup(s, t)
            assert got is not None
            final.append(got)
        return final


# --- refiners ------------------------------------------------------------------------------


def _lens(corpus: Corpus) -> list[int]:
    return [len(s) for s in corpus]


def _scored(alignments: Sequence[Alignment]) -> bool:
    return any(a.scores is not None for a in alignments)


class _ComposingRefiner:
    """What the pivot and back-translation refiners share: legs, composition, combination."""

    name = "composing"

    def __init__(
        self,
        *,
        combine: str = AUTO,
        combine_options: Mapping[str, Any] | None = None,
        leg_symmetrize: str | None = None,
        compose_scores: str | None = None,
        aligner: Mapping[str, Any] | None = None,
        leg_options: Mapping[str, Any] | None = None,
        seed: int | None = 0,
        cache: AlignmentCache | None = None,
        workers: int | None = None,
    ) -> None:
        if combine != AUTO and combine not in COMBINERS:
            raise ConfigError(f"unknown combination policy {combine!r}; choose auto or one of "
                             f"{', '.join(COMBINERS)}")
        if combine != AUTO and combine_options:
            check_policy_options(combine, combine_options)
        if leg_symmetrize is not None and leg_symmetrize not in SYMMETRIZERS:
            raise ConfigError(f"unknown symmetrisation {leg_symmetrize!r}; choose one of "
                             f"{', '.join(SYMMETRIZERS)}")
        if compose_scores is not None and compose_scores not in COMPOSE_SCORES:
            raise ConfigError(f"unknown composition score {compose_scores!r}; choose one of "
                             f"{', '.join(COMPOSE_SCORES)}")
        opts = {k: v for k, v in dict(aligner or {}).items() if k not in ("symmetrize", "seed")}
        self.combine = combine
        self.combine_options = None if combine_options is None else dict(combine_options)
        self.leg_symmetrize = leg_symmetrize
        self.compose_scores = compose_scores
        #: The eflomal settings of the direct pair (run when `confirm` needs its directions).
        self.aligner = EflomalAligner(seed=seed, **opts)
        legs = dict(LEG_OPTIONS if leg_options is None else leg_options)
        bad = sorted(set(legs) & {"symmetrize", "seed"})
        if bad:
            raise ConfigError(f"leg_options cannot set {bad}: legs take the refiner's seed and "
                             "are symmetrised by leg_symmetrize")
        #: The eflomal settings of every leg: `aligner`'s, changed by `leg_options`.
        self.leg_aligner = EflomalAligner(seed=seed, **{**opts, **legs})
        self.leg_options = legs
        self.cache = cache if cache is not None else AlignmentCache()
        self.workers = workers
        #: What the last `refine` call did: eflomal runs made and reused, the settings used.
        self.stats: dict = {}

    def settings(self, scored: bool = False) -> dict:
        """combine, combine_options, leg_symmetrize and compose_scores for direct links that
        are `scored` or not: the given ones, the rest from `PRESETS` (auto) or plain
        defaults (reverse legs, unscored composition)."""
        if self.combine == AUTO:
            base = PRESETS["soft" if scored else "confirm"]
        else:
            base = {"combine": self.combine, "combine_options": {},
                    "leg_symmetrize": "reverse", "compose_scores": "none"}
        out = {**base, "combine_options": dict(base["combine_options"])}
        if self.combine_options is not None:
            out["combine_options"].update(self.combine_options)
        for key in ("leg_symmetrize", "compose_scores"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    def _begin(self) -> tuple[int, int, float]:
        return self.cache.runs, self.cache.hits, self.cache.seconds

    def _end(self, start: tuple[int, int, float], **extra: Any) -> None:
        self.stats = {
            "eflomal_runs": self.cache.runs - start[0],
            "eflomal_reused": self.cache.hits - start[1],
            "eflomal_s": round(self.cache.seconds - start[2], 3),
            **extra,
        }

    @staticmethod
    def _symmetrized(run: EflomalResult, a: Corpus, b: Corpus, method: str) -> list[Alignment]:
        return [
            symmetrize(f, r, len(x), len(y), method=method)
            for f, r, x, y in zip(run.forward, run.reverse, a, b)
        ]

    def _combine(
        self,
        src: Corpus,
        tgt: Corpus,
        direct: Sequence[Alignment],
        paths: Sequence[Sequence[Alignment]],
        directions: EflomalResult | None,
        settings: dict,
    ) -> list[Alignment]:
        policy = settings["combine"]
        confirm = policy == "confirm"
        scored = policy == "weighted"
        if confirm:
            if directions is None:
                directions = self.cache.align_both(self.aligner, src, tgt)
            if len(directions.forward) != len(src) or len(directions.reverse) != len(src):
                raise ValueError(f"directions hold {len(directions.forward)} pairs, "
                                 f"the corpus {len(src)}")
        for p in paths:
            if len(p) != len(src):
                raise ValueError(f"a path has {len(p)} alignments for {len(src)} pairs")

        def matrix(a: Alignment, n: int, m: int) -> np.ndarray:
            return (a if scored or a.scores is None else Alignment(a.links)).to_matrix(n, m)

        out = []
        for k, (s, t) in enumerate(zip(src, tgt)):
            n, m = len(s), len(t)
            dm = matrix(direct[k], n, m)
            opts = dict(settings["combine_options"])
            if confirm:
                assert directions is not None
                fwd = directions.forward[k].to_matrix(n, m) > 0
                rev = directions.reverse[k].to_matrix(n, m) > 0
                opts["sure"] = (dm > 0) & fwd & rev
                opts["possible"] = (dm > 0) | fwd | rev
            res = combine_matrices(dm, [matrix(p[k], n, m) for p in paths],
                                   policy=policy, **opts)  # fmt: skip
            out.append(matrix_alignment(res, scored=scored))
        return out

    #: stats key listing the paths' names (None: not listed)
    paths_stat: str | None = None

    def _paths(self, src: Corpus, tgt: Corpus, st: dict) -> dict[str, list[Alignment]]:
        """The composed links of each path (by name) of this refiner."""
        raise NotImplementedError

    def refine(
        self,
        src: Corpus,
        tgt: Corpus,
        direct: Sequence[Alignment],
        *,
        directions: EflomalResult | None = None,
    ) -> list[Alignment]:
        """Direct links combined with the links of every path."""
        self._check(src, tgt, direct)
        if not len(src):
            return []
        start = self._begin()
        st = self.settings(_scored(direct))
        paths = self._paths(src, tgt, st)
        out = self._combine(src, tgt, direct, list(paths.values()), directions, st)
        extra = {self.paths_stat: list(paths)} if self.paths_stat else {}
        self._end(start, **extra, **self._path_stats(), **st, leg_options=self.leg_options)
        return out

    def _path_stats(self) -> dict:
        """What the last paths' making adds to `stats`."""
        return {}

    @staticmethod
    def _check(src: Corpus, tgt: Corpus, direct: Sequence[Alignment]) -> None:
        if not (len(src) == len(tgt) == len(direct)):
            raise ValueError(f"{len(src)} source and {len(tgt)} target sentences but "
                             f"{len(direct)} direct alignments")


@refiners.register("pivot")
class PivotRefiner(_ComposingRefiner):
    """Refines source-target links with the same sentences in other (pivot) languages.

    `pivots` maps a language name to its sentences, parallel to the source and target
    (or is a list of such corpora). Every leg is aligned by eflomal with `aligner`
    options (e.g. ``{"prefix_len": 4}``) changed by `leg_options` (default `LEG_OPTIONS`)
    and `seed`, symmetrised by `leg_symmetrize`;
    the paths, composed with `compose_scores`, are combined with the direct links by
    `combine` ("auto" or one of `annoproj.align.compose.COMBINERS`) with
    `combine_options` (e.g. ``{"k": 2}``). Unset options come from `PRESETS`.

    >>> src = [["the", "house"]] * 8; tgt = [["das", "Haus"]] * 8
    >>> piv = {"es": [["la", "casa"]] * 8}
    >>> direct = [Alignment.from_pairs([(0, 0), (1, 1)])] * 8
    >>> PivotRefiner(pivots=piv, combine="union").refine(src, tgt, direct)[0]
    Alignment('0-0 1-1')
    """

    name = "pivot"
    paths_stat = "pivots"

    def __init__(
        self,
        *,
        pivots: Mapping[str, Corpus] | Sequence[Corpus],
        **options: Any,
    ) -> None:
        super().__init__(**options)
        if isinstance(pivots, Mapping):
            self.pivots = {str(k): [list(s) for s in v] for k, v in pivots.items()}
        else:
            self.pivots = {f"pivot{k}": [list(s) for s in v] for k, v in enumerate(pivots)}
        if not self.pivots:
            raise ConfigError("no pivot corpus given")

    def paths(
        self, src: Corpus, tgt: Corpus, *, settings: dict | None = None
    ) -> dict[str, list[Alignment]]:
        """The composed source->pivot->target alignment of each pivot (legs symmetrised
        and composed as `settings` say, by default `self.settings()`)."""
        st = self.settings() if settings is None else settings
        for name, piv in self.pivots.items():
            if len(piv) != len(src):
                raise ValueError(f"pivot {name!r} has {len(piv)} sentences but the source "
                                 f"{len(src)}: pivots must be parallel to the corpus")
        pairs: list[tuple[Corpus, Corpus]] = []
        for piv in self.pivots.values():
            pairs += [(src, piv), (piv, tgt)]
        results = self.cache.align_many(self.leg_aligner, pairs, workers=self.workers,
                                        reuse=(self.aligner,))
        out = {}
        for k, (name, piv) in enumerate(self.pivots.items()):
            first = self._symmetrized(results[2 * k], src, piv, st["leg_symmetrize"])
            second = self._symmetrized(results[2 * k + 1], piv, tgt, st["leg_symmetrize"])
            out[name] = compose_all(first, second, _lens(src), _lens(piv), _lens(tgt),
                                    scores=st["compose_scores"])  # fmt: skip
        return out

    def _paths(self, src: Corpus, tgt: Corpus, st: dict) -> dict[str, list[Alignment]]:
        return self.paths(src, tgt, settings=st)


@refiners.register("backtranslation")
class BacktranslationRefiner(_ComposingRefiner):
    """Refines source-target links with the target translated back into the source language.

    `translator` (an `annoproj.translate.base.Translator`) back-translates the target
    sentences from `tgt_lang` into `src_lang`. The source is aligned to the
    back-translation by `monolingual` (a `MonolingualAligner` or its options; default:
    string similarity plus eflomal links of the source/back-translation corpus, with the
    legs' eflomal settings), the back-translation to the target by `target_aligner` if
    given, else by `target_links`: ``"translator"`` takes the translator's own word links
    (a translator with ``translate_aligned``, e.g. `annoproj.translate.apertium.
    ApertiumTranslator`, or `PrecomputedTranslator` with a links file), ``"eflomal"``
    aligns the leg with eflomal (`aligner` options changed by `leg_options`, and `seed`,
    symmetrised by `leg_symmetrize`), ``"auto"`` the translator's links when it has them.
    The composed path is combined with the direct links by `combine`.
    """

    name = "backtranslation"
    TARGET_LINKS = ("auto", "translator", "eflomal")

    def __init__(
        self,
        *,
        translator: Any,
        src_lang: str,
        tgt_lang: str,
        monolingual: MonolingualAligner | Mapping[str, Any] | None = None,
        target_aligner: Aligner | None = None,
        target_links: str = "auto",
        **options: Any,
    ) -> None:
        super().__init__(**options)
        if not hasattr(translator, "translate"):
            raise TypeError("translator must have a translate(sentences, src_lang=, tgt_lang=) "
                            "method (annoproj.translate.base.Translator)")
        if target_links not in self.TARGET_LINKS:
            raise ConfigError(f"target_links must be one of {', '.join(self.TARGET_LINKS)}; "
                             f"got {target_links!r}")
        if target_links == "translator" and not callable(
                getattr(translator, "translate_aligned", None)):
            raise ConfigError(f"target_links='translator' needs a translator that gives word "
                             f"links (translate_aligned); {type(translator).__name__} does not")
        self.translator = translator
        self.src_lang = src_lang
        self.tgt_lang = tgt_lang
        if not isinstance(monolingual, MonolingualAligner):
            legs = vars(self.leg_aligner)
            eflomal = {k: v for k, v in legs.items()
                       if k not in ("symmetrize", "seed", "extra_src", "extra_tgt")}
            preset = {"use_eflomal": True, "seed": self.leg_aligner.seed,
                      "eflomal_options": eflomal}
            monolingual = MonolingualAligner(**{**preset, **dict(monolingual or {})})
        self.monolingual = monolingual
        self.target_aligner = target_aligner
        self.target_links = target_links
        #: Where the last path's back-translation -> target leg came from.
        self.leg_source: str | None = None

    def back_translate(self, tgt: Corpus) -> list[list[str]]:
        """The target sentences in the source language."""
        return self.back_translate_aligned(tgt, links=False)[0]

    def back_translate_aligned(
        self, tgt: Corpus, *, links: bool | None = None
    ) -> tuple[list[list[str]], list[Alignment] | None]:
        """The back-translations and the translator's links from each target word to its
        back-translation's words. The links are asked for when `links` is True (None: unless
        `target_links` is "eflomal") and are None when not asked for or not given."""
        want = self.target_links != "eflomal" if links is None else links
        aligned = getattr(self.translator, "translate_aligned", None)
        got: list[Alignment] | None = None
        if want and callable(aligned):
            pairs = aligned(tgt, src_lang=self.tgt_lang, tgt_lang=self.src_lang)
            bt = [list(p[0]) for p in pairs]
            found = [p[1] for p in pairs]
            got = None if any(a is None for a in found) else list(found)
        else:
            bt = [list(s) for s in self.translator.translate(
                tgt, src_lang=self.tgt_lang, tgt_lang=self.src_lang)]
        if len(bt) != len(tgt):
            raise ValueError(f"the translator returned {len(bt)} back-translations for "
                             f"{len(tgt)} target sentences")
        if got is None and self.target_links == "translator" and want:
            raise ValueError("target_links='translator', but the translator gave no word "
                             "links for these sentences")
        return bt, got

    def path(
        self,
        src: Corpus,
        tgt: Corpus,
        back: Corpus | None = None,
        *,
        back_links: Sequence[Alignment] | None = None,
        settings: dict | None = None,
    ) -> list[Alignment]:
        """The composed source->back-translation->target alignment. `back`: the
        back-translations (made by the translator when not given); `back_links`: links
        from each target word to its back-translation's words (the translator's, when it
        made `back` and gives them)."""
        st = self.settings() if settings is None else settings
        if back is None:
            bt, found = self.back_translate_aligned(tgt)
            back_links = back_links if back_links is not None else found
        else:
            bt = [list(s) for s in back]
        s2b = self._source_leg(src, bt)
        use_links = (self.target_aligner is None and back_links is not None
                     and self.target_links != "eflomal")
        if self.target_aligner is not None:
            b2t = self.target_aligner.align(bt, tgt)
        elif use_links:
            assert back_links is not None
            if len(back_links) != len(tgt):
                raise ValueError(f"{len(back_links)} back-translation links for {len(tgt)} "
                                 "target sentences")
            b2t = [a.inverted() for a in back_links]
            for a, b, t in zip(b2t, bt, tgt):
                a.check_bounds(len(b), len(t))
        else:
            run = self.cache.align_many(self.leg_aligner, [(bt, tgt)], workers=1,
                                        reuse=(self.aligner,))[0]
            b2t = self._symmetrized(run, bt, tgt, st["leg_symmetrize"])
        self.leg_source = "translator" if use_links else "aligner"
        return compose_all(s2b, b2t, _lens(src), _lens(bt), _lens(tgt),
                           scores=st["compose_scores"])  # fmt: skip

    def _source_leg(self, src: Corpus, bt: Corpus) -> list[Alignment]:
        """Source -> back-translation links; the eflomal run the same-language aligner
        adds goes through the cache (so `stats` count it)."""
        mono = self.monolingual
        if not mono.use_eflomal or not len(src):
            return mono.align(src, bt)
        eflomal = mono.eflomal_aligner()
        run = self.cache.align_many(eflomal, [(src, bt)], workers=1)[0]
        links = self._symmetrized(run, src, bt, eflomal.symmetrize)
        return mono.align(src, bt, links=links)

    def _paths(self, src: Corpus, tgt: Corpus, st: dict) -> dict[str, list[Alignment]]:
        return {"backtranslation": self.path(src, tgt, settings=st)}

    def _path_stats(self) -> dict:
        return {"target_leg": self.leg_source}


