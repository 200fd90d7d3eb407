"""The alignment stage: align -> symmetrise -> name keys -> refine -> fuse, written once.

Every caller that needs word links of a parallel corpus (the CLI's ``align`` and
``project``, the pipelines, the Europarl and MasakhaNER benchmarks) describes them with an
`AlignConfig` and calls `align_corpus`::

    config = AlignConfig(method="match", name_keys=True, refine="pivot")
    links = align_corpus(src, tgt, config, pivots={"es": spanish})

The config holds settings only; the corpora a refinement needs (pivot sentences,
back-translations or a translator) and the extra sentences eflomal may learn from are
arguments of the call. Heavy modules are imported when the stage runs, not on import.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annoproj import defaults

if TYPE_CHECKING:
    from annoproj.align.base import Aligner
    from annoproj.align.eflomal import EflomalResult
    from annoproj.align.refine import AlignmentCache
    from annoproj.data.model import Alignment

__all__ = ["REFINEMENTS", "AlignConfig", "StageAligner", "align_corpus", "align_refined", "encoder_fusion",
           "fuse_aligner_links", "make_stage_aligner"]

Tokens = Sequence[str]
Corpus = Sequence[Tokens]

#: Refinements `align_corpus` knows (`annoproj.align.refine`).
REFINEMENTS = ("none", "pivot", "backtranslation")


def _fuse_defaults() -> dict:
    return {k: defaults.FUSE[k] for k in ("direct_weight", "threshold", "scored")}


@dataclass(frozen=True)
class AlignConfig:
    """How a corpus is aligned: the settings of `align_corpus`, no data.

    aligner: "eflomal", or a registered neural aligner ("simalign", "awesome").
    options: the aligner's options other than seed and symmetrisation (eflomal:
        prefix_len, identical_words, n_samplers, ...; neural: model, layer, device, ...).
    seed: eflomal's seed (neural aligners take none).
    symmetrize: eflomal's symmetrisation; "auto": the best for the projection `method`
        (`annoproj.defaults.symmetrize_for`).
    name_keys: align words without prefixes glued onto names (`annoproj.align.keys`);
        every corpus the stage aligns is keyed alike, the links index the tokens given.
    refine: "none", "pivot" or "backtranslation" (`annoproj.align.refine`), with
        `combine` ("auto" or a policy of `annoproj.align.compose.COMBINERS`),
        `combine_options`, `leg_options` (eflomal options of the legs), and for
        back-translation `target_links` and `monolingual` (source <-> back-translation
        aligner options).
    fuse_aligner: a neural aligner whose links join eflomal's as extra evidence
        (`annoproj.align.compose.fuse_links` with `fuse_options`), built with
        `fuse_aligner_options`; None: no fusion.
    """

    aligner: str = "eflomal"
    options: Mapping[str, Any] = field(default_factory=lambda: {
        k: v for k, v in defaults.ALIGNER.items() if k != "symmetrize"})
    seed: int | None = 0
    symmetrize: str = defaults.ALIGNER["symmetrize"]
    method: str | None = None
    name_keys: bool = False
    refine: str = "none"
    combine: str = "auto"
    combine_options: Mapping[str, Any] | None = None
    leg_options: Mapping[str, Any] | None = None
    target_links: str = "auto"
    monolingual: Mapping[str, Any] | None = None
    fuse_aligner: str | None = None
    fuse_aligner_options: Mapping[str, Any] = field(default_factory=dict)
    fuse_options: Mapping[str, Any] = field(default_factory=_fuse_defaults)

    def __post_init__(self) -> None:
        if self.refine not in REFINEMENTS:
            raise ValueError(f"unknown refinement {self.refine!r}: use {', '.join(REFINEMENTS)}")
        if self.refine != "none" and self.aligner != "eflomal":
            raise ValueError("alignment refinement works on eflomal alignments only: "
                             f"drop the refinement or use eflomal (not {self.aligner})")
        if self.fuse_aligner is not None and self.aligner != "eflomal":
            raise ValueError("fusing adds neural links to eflomal's: use the eflomal aligner")
        bad = sorted(set(self.options) & {"seed", "symmetrize"})
        if bad and self.aligner == "eflomal":
            raise ValueError(f"AlignConfig.options cannot set {bad}: use its fields")

    @property
    def symmetrization(self) -> str | None:
        """eflomal's symmetrisation, "auto" resolved for `method` (None for other aligners)."""
        if self.aligner != "eflomal":
            return None
        return defaults.symmetrize_for(self.method, self.symmetrize)


def encoder_fusion(model: str, *, device: str = "auto",
                   batch_size: int = defaults.NEURAL_BATCH_SIZE) -> dict:
    """The `AlignConfig` fields that fuse SimAlign links on the encoder `model` into
    eflomal's (``--fuse-with MODEL``), at the layer and extraction of `annoproj.defaults.FUSE`."""
    d = defaults.FUSE
    return {"fuse_aligner": "simalign",
            "fuse_aligner_options": {"model": model, "layer": d["layer"], "method": d["method"],
                                     "device": device, "batch_size": batch_size}}


def make_stage_aligner(config: AlignConfig, *, fuse: bool = False) -> Aligner:
    """The aligner `config` names built with its options (with `fuse`: its fuse aligner),
    to reuse across `align_corpus` calls (its `aligner`) or `fuse_aligner_links` calls."""
    from annoproj.align.base import make_aligner

    if fuse:
        if config.fuse_aligner is None:
            raise ValueError("the config fuses no aligner's links")
        return make_aligner(config.fuse_aligner, **dict(config.fuse_aligner_options))
    return make_aligner(config.aligner, **dict(config.options))


def fuse_aligner_links(src: Corpus, tgt: Corpus, config: AlignConfig, *,
                       aligner: Aligner | None = None, cache: bool = False,
                       stats: dict | None = None) -> list[Alignment] | None:
    """The links of `config`'s fuse aligner (None without one; `aligner`: it, built
    already): made apart from `align_corpus` (its `fused`) when a caller reuses them or
    reports their errors apart. With `cache`, read from (or written to) the on-disk link
    cache (`annoproj.align.store`; they do not depend on eflomal's seed); `stats` then
    receives "fuse_cached" (whether they were read)."""
    if config.fuse_aligner is None:
        return None
    s_tok, t_tok = [list(s) for s in src], [list(t) for t in tgt]

    def compute() -> list[Alignment]:
        nonlocal aligner
        if aligner is None:
            aligner = make_stage_aligner(config, fuse=True)
        return aligner.align(s_tok, t_tok)

    if not cache:
        return compute()
    from annoproj.align.store import cached_links

    settings = {"aligner": config.fuse_aligner,
                **{k: v for k, v in config.fuse_aligner_options.items()
                   if k not in ("device", "batch_size")}}
    links, hit = cached_links(settings, s_tok, t_tok, compute)
    if stats is not None:
        stats["fuse_cached"] = hit
    return links


def align_corpus(
    src: Corpus,
    tgt: Corpus,
    config: AlignConfig = AlignConfig(),
    *,
    extra: tuple[Corpus, Corpus] | None = None,
    pivots: Mapping[str, Corpus] | None = None,
    translator: Any = None,
    back: Corpus | None = None,
    back_links: Sequence[Alignment] | None = None,
    src_lang: str = "source",
    tgt_lang: str = "target",
    fused: Sequence[Alignment] | None = None,
    aligner: Aligner | None = None,
    cache: AlignmentCache | None = None,
    stats: dict | None = None,
) -> list[Alignment]:
    """Word links of each (src[k], tgt[k]) pair as `config` says.

    extra: unlabelled (source, target) sentences eflomal adds to its corpus (the direct
        pair only; refinement legs do not see them).
    pivots: name -> sentences parallel to `src` (refine="pivot").
    translator / back, back_links: refine="backtranslation" through a translator from
        `tgt_lang` into `src_lang`, or through given back-translations (and the
        translator's links from each target word to its back-translation's words).
    fused: the fuse aligner's links, if made already (`fuse_aligner_links`).
    aligner: the neural aligner `config` names, if built already (its model loads once).
    cache: eflomal runs to reuse and fill (`annoproj.align.refine.AlignmentCache`), shared
        by calls that align the same corpora (e.g. another symmetrisation, or pivots).
    With `name_keys`, a translator back-translates the keyed target sentences.
    stats: receives "align_s", "refine_s" and "fuse_s" (seconds), plus the refiner's own
        statistics when it refines.
    """
    if len(src) != len(tgt):
        raise ValueError(f"{len(src)} source but {len(tgt)} target sentences")
    s_tok, t_tok = [list(s) for s in src], [list(t) for t in tgt]
    if config.name_keys:  # every side keyed alike; the links index the given tokens
        from annoproj.align.keys import with_name_keys

        keys: dict[str, str] = {}
        s_tok, t_tok = with_name_keys(s_tok, cache=keys), with_name_keys(t_tok, cache=keys)
        if extra is not None:
            extra = (with_name_keys(extra[0], cache=keys), with_name_keys(extra[1], cache=keys))
        if pivots:
            pivots = {k: with_name_keys(v, cache=keys) for k, v in pivots.items()}
        if back is not None:
            back = with_name_keys(back, cache=keys)
    start = time.perf_counter()
    links, both = _direct(s_tok, t_tok, config, extra=extra, cache=cache, aligner=aligner)
    info: dict = {"align_s": round(time.perf_counter() - start, 3)}
    if config.refine != "none":
        start = time.perf_counter()
        refiner = _refiner(config, t_tok, pivots=pivots, translator=translator, back=back,
                           back_links=back_links, src_lang=src_lang, tgt_lang=tgt_lang,
                           cache=cache)
        links = refiner.refine(s_tok, t_tok, links, directions=both)
        info.update(refiner.stats, refine_s=round(time.perf_counter() - start, 3))
    if config.fuse_aligner is not None:
        from annoproj.align.compose import fuse_links

        start = time.perf_counter()
        if fused is None:
            fused = fuse_aligner_links(src, tgt, config)
        assert fused is not None
        links = fuse_links(links, fused, [len(s) for s in src], [len(t) for t in tgt],
                           **dict(config.fuse_options))
        info["fuse_s"] = round(time.perf_counter() - start, 3)
    if stats is not None:
        stats.update(info)
    return links


def _direct(src: list[list[str]], tgt: list[list[str]], config: AlignConfig, *,
            extra: tuple[Corpus, Corpus] | None, cache: AlignmentCache | None,
            aligner: Aligner | None = None) -> tuple[list[Alignment], EflomalResult | None]:
    """The aligner's links of the (keyed) corpus, and eflomal's two directions."""
    if config.aligner != "eflomal":
        if extra is not None:
            raise ValueError("extra sentences serve eflomal only")
        if aligner is None:
            aligner = make_stage_aligner(config)
        return aligner.align(src, tgt), None
    from annoproj.align.eflomal import EflomalAligner
    from annoproj.align.symmetrize import symmetrize

    method = config.symmetrization
    assert method is not None
    more = {} if extra is None else {"extra_src": list(extra[0]), "extra_tgt": list(extra[1])}
    eflomal = EflomalAligner(symmetrize=method, seed=config.seed, **dict(config.options), **more)
    both = cache.align_both(eflomal, src, tgt) if cache is not None else eflomal.align_both(src, tgt)
    links = [symmetrize(f, r, len(a), len(b), method=method)
             for f, r, a, b in zip(both.forward, both.reverse, src, tgt)]
    return links, both


def _refiner(config: AlignConfig, tgt: Corpus, *, pivots, translator, back, back_links,
             src_lang: str, tgt_lang: str, cache) -> Any:
    """The refiner of `config` over the given pivots or back-translation."""
    from annoproj.align.refine import make_refiner

    common: dict = {"combine": config.combine, "combine_options": config.combine_options,
                    "leg_options": config.leg_options, "seed": config.seed,
                    "aligner": dict(config.options), "cache": cache}
    if config.refine == "pivot":
        if translator is not None or back is not None:
            raise ValueError("refine='pivot' takes pivots, not back-translations")
        if not pivots:
            raise ValueError("refine='pivot' needs pivot corpora (no pivot corpus given)")
        return make_refiner("pivot", pivots=pivots, **common)
    if pivots:
        raise ValueError("refine='backtranslation' takes back-translations, not pivots")
    if translator is None:
        if back is None:
            raise ValueError("refine='backtranslation' needs back-translations or a translator")
        if len(back) != len(tgt):
            raise ValueError(f"{len(back)} back-translations for {len(tgt)} target sentences")
        from annoproj.translate.base import PrecomputedTranslator

        translator = PrecomputedTranslator(sentences=back, links=back_links)
    elif back is not None:
        raise ValueError("give back-translations or a translator, not both")
    return make_refiner("backtranslation", translator=translator, src_lang=src_lang,
                        tgt_lang=tgt_lang, target_links=config.target_links,
                        monolingual=config.monolingual, **common)


class StageAligner:
    """`align_corpus` with a fixed config as an `Aligner` (``align(src, tgt)``), for code
    that takes an aligner object: chunked alignment, worker pools. A neural aligner is
    built on the first call and kept."""

    def __init__(self, config: AlignConfig = AlignConfig(), **data: Any) -> None:
        self.config = config
        self.data = data
        self._aligner: Aligner | None = None

    def align(self, src: Corpus, tgt: Corpus) -> list[Alignment]:
        """The stage's links of the pairs."""
        if self.config.aligner != "eflomal" and self._aligner is None:
            self._aligner = make_stage_aligner(self.config)
        return align_corpus(src, tgt, self.config, aligner=self._aligner, **self.data)


def align_refined(
    src: Corpus,
    tgt: Corpus,
    *,
    pivots: Mapping[str, Corpus] | None = None,
    back: Corpus | None = None,
    back_links: Sequence[Alignment] | None = None,
    aligner: Mapping[str, Any] | None = None,
    seed: int | None = 0,
    symmetrization: str = "soft-union",
    combine: str = "auto",
    stats: dict | None = None,
) -> list[Alignment]:
    """eflomal links of each (src[k], tgt[k]) pair, symmetrised by `symmetrization`, then
    refined through the same sentences in other languages (`pivots`, name -> corpus) or
    through the target translated back into the source language (`back`; `back_links`:
    the translator's links from each target word to its back-translation's words, used as
    that leg instead of eflomal); exactly one of the two. `aligner`: eflomal options of the
    direct pair (its extra corpora serve the direct pair alone, not the legs). `stats`, if
    given, receives "align_s", "refine_s" and the refiner's own statistics.

    >>> src = [["the", "house"]] * 8; tgt = [["das", "Haus"]] * 8
    >>> align_refined(src, tgt, pivots={"es": [["la", "casa"]] * 8}, combine="union")[0]
    Alignment('0-0 1-1')
    """
    if (pivots is None) == (back is None):
        raise ValueError("give either pivots or back-translations")
    opts = dict(aligner or {})
    more = (opts.pop("extra_src", ()), opts.pop("extra_tgt", ()))
    opts = {k: v for k, v in opts.items() if k not in ("seed", "symmetrize")}
    config = AlignConfig(options=opts, seed=seed, symmetrize=symmetrization, combine=combine,
                         refine="pivot" if pivots is not None else "backtranslation")
    return align_corpus(src, tgt, config, extra=more if more[0] or more[1] else None,
                        pivots=pivots, back=back, back_links=back_links, stats=stats)
