"""The MasakhaNER benchmark's projection: aligned pairs to projected training data."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from annoproj import defaults
from annoproj.bench.common import timer
from annoproj.data.model import Alignment, Sentence
from annoproj.project.finish import finish_projection


def align_pairs(src: Sequence[Sentence], tgt: Sequence[Sentence], *, aligner: dict,
                seed: int, name_keys: bool = True,
                methods: Sequence[str] = (defaults.METHOD,),
                pivots: Mapping[str, Sequence[Sequence[str]]] | None = None,
                fuse_with: str | None = None, device: str = "auto",
                stats: dict | None = None) -> dict[str, list[Alignment]]:
    """Symmetrised eflomal links of each pair for each projection method (each gets its
    best symmetrisation unless `aligner` names one; eflomal runs once); with `name_keys`,
    words are aligned by their `annoproj.align.keys.name_key` (the tokens themselves are
    unchanged).

    With `pivots` (see `pivot_corpora`), the links are refined through them by a
    `PivotRefiner` with the same eflomal settings and seed. With `fuse_with` (an encoder,
    e.g. "bundled:e5-small"), its SimAlign links join eflomal's (`--fuse-with`,
    `annoproj.align.stage.encoder_fusion`); they are made once on `device` and cached on
    disk (`annoproj.align.store`), as no seed changes them. `stats`, if given, receives
    "align_s", "refine_s" and "fuse_s" (seconds of the direct alignment, of the refinement
    and of making or reading the fused links).
    """
    import time

    from annoproj.align.refine import AlignmentCache
    from annoproj.align.stage import AlignConfig, align_corpus, encoder_fusion, fuse_aligner_links

    opts = {k: v for k, v in aligner.items() if k not in ("seed", "symmetrize")}
    s_tok = [s.tokens for s in src]
    t_tok = [t.tokens for t in tgt]
    cache = AlignmentCache()  # eflomal runs once for every symmetrisation (and pivot legs)
    by_sym: dict[str, list[Alignment]] = {}
    out: dict[str, list[Alignment]] = {}
    align_s = refine_s = fuse_s = 0.0
    fusion = encoder_fusion(fuse_with, device=device) if fuse_with else {}
    fused = None
    for method in methods:
        config = AlignConfig(options=opts, seed=seed, method=method, name_keys=name_keys,
                             symmetrize=aligner.get("symmetrize", "auto"),
                             refine="pivot" if pivots else "none", **fusion)
        if fusion and fused is None:
            t0 = time.perf_counter()
            fused = fuse_aligner_links(s_tok, t_tok, config, cache=True)
            fuse_s = time.perf_counter() - t0
        sym = config.symmetrization
        assert sym is not None
        if sym not in by_sym:
            st: dict = {}
            by_sym[sym] = align_corpus(s_tok, t_tok, config, pivots=pivots or None,
                                       cache=cache, fused=fused, stats=st)
            align_s += st["align_s"]
            refine_s += st.get("refine_s", 0.0)
        out[method] = by_sym[sym]
    if stats is not None:
        stats.update(align_s=round(align_s, 3), refine_s=round(refine_s, 3),
                     **({"fuse_s": round(fuse_s, 3)} if fusion else {}))
    return out


def projected_training_set(
    src: Sequence[Sentence], tgt: Sequence[Sentence], alignments: Sequence[Alignment], *,
    method: str, options: dict | None = None, drop_partial: bool = False,
    misc: str = "drop", complete: bool = False, extend: bool = False,
    heads: Collection[str] = (),
) -> tuple[list[Sentence], dict]:
    """Target sentences with projected spans, for training; and counts of what was left out.

    Pairs the projector skips are left out; with `drop_partial`, so are the pairs where a
    source PER/ORG/LOC entity found no target span. Sentences without entities are kept.
    Source MISC entities are dropped (`misc="drop"`), or (`misc="loc"`) projected too and
    their target words that the projected data knows as a location become LOC. With
    `complete`, mentions the projection missed are labelled from the phrases the kept
    sentences label reliably (`annoproj.project.complete`). With `extend`, spans that stop
    short of a name the projected data labels whole elsewhere are widened to it
    (`annoproj.project.extend`), before MISC becomes LOC. LOC and ORG spans then take in
    the `heads` on their left (`annoproj.project.heads`). The steps are
    `annoproj.project.finish.finish_projection`'s.
    """
    from annoproj.project.projectors import make_projector

    if misc not in ("drop", "loc"):
        raise ValueError(f"misc must be 'drop' or 'loc', not {misc!r}")
    src_spans = [[sp for sp in s.spans if misc == "loc" or sp.label != "MISC"] for s in src]
    projector = make_projector(method, **(options or {}))
    tgt_tokens = [t.tokens for t in tgt]
    with timer() as t:
        result = projector.project([s.tokens for s in src], tgt_tokens, src_spans, alignments)
        skipped = result.skipped_indices
        done = finish_projection(tgt_tokens, src_spans, result.spans, skipped=skipped,
                                 misc="loc" if misc == "loc" else "keep", extend=extend,
                                 drop_partial=drop_partial, complete=complete, heads=heads)
    kept = [Sentence(list(tgt[i].tokens), [p.span() for p in done.spans[i]], tgt[i].id)
            for i in range(len(tgt)) if i not in skipped and i not in done.dropped]
    stats = {
        "project_s": t[0],
        "skipped": len(skipped),
        "partial": done.counts["partial"],
        "dropped": len(done.dropped),
        "source_entities": sum(sp.label != "MISC" for s in src_spans for sp in s),
        "projected_entities": sum(len(s.spans) for s in kept),
        "misc_to_loc": done.counts["misc_to_loc"],
        "extended": done.counts["extended"],
        "heads": done.counts["heads"],
        "completed": done.counts["completed"],
    }
    return kept, stats




def with_heads(sentences: Sequence[Sentence], heads: Collection[str]) -> tuple[list[Sentence], int]:
    """`sentences` with LOC and ORG spans widened over `heads` (`annoproj.project.heads`),
    and how many spans were widened."""
    from annoproj.project.heads import attach_heads_corpus

    spans, n = attach_heads_corpus([s.tokens for s in sentences], [s.spans for s in sentences],
                                   heads)
    return [Sentence(s.tokens, sp, s.id, s.meta) for s, sp in zip(sentences, spans)], n
