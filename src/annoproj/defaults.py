"""The offline default configuration: what `annoproj project` and the benchmarks use unflagged.

Each value is the best measured on Europarl (docs/benchmarks.md); change them only with a
benchmark run that shows why.
"""

from __future__ import annotations

#: eflomal options (see `annoproj.align.eflomal.EflomalAligner`); "auto" symmetrisation
#: means the best one for the projection method (`SYMMETRIZE_BY_METHOD`).
ALIGNER: dict = {"symmetrize": "auto", "prefix_len": 4, "identical_words": True}
#: "heuristic" or "match".
METHOD = "match"
#: scorers fused for the matching method ...
SCORERS: tuple[str, ...] = ("alignment", "lexical", "string")
#: ... and the weight of each (a scorer not listed weighs 1). The memory scorer, when added,
#: weighs 1.2: 0.4 of a pair's score where it has an opinion (0.4 did better than 0.6 in
#: exploratory MasakhaNER dev runs; docs/benchmarks.md).
WEIGHTS: dict[str, float] = {"alignment": 1.0, "lexical": 0.5, "string": 0.25, "memory": 1.2}
SOLVER = "exact"
#: The O weight the frozen-encoder CRF tagger (`--trainer hf`, recipe crf) decodes with when
#: none is given: its tags' probability of O times 0.25 finds the names a tagger trained on
#: projected data misses. Chosen on MasakhaNER dev (five languages: 1 -> 0.25 gives
#: 0.524 -> 0.534), confirmed on test (seed 0: 0.579 -> 0.592; three seeds at 0.25:
#: 0.588 +- 0.003) and on the withheld languages (seed 0: 0.552 -> 0.565);
#: docs/benchmarks.md. annoproj's plain CRF keeps 1.
FROZEN_CRF_O_WEIGHT = 0.25
#: The PCA dimensions of the encoder's states that the same tagger's CRF takes as features:
#: 256, chosen on MasakhaNER dev (five languages, three seeds each: 32 -> 0.532, 64 -> 0.539,
#: 128 -> 0.549, 256 -> 0.564; ahead on every seed and language), confirmed on test (three
#: seeds: 32 0.588, 64 0.598, 128 0.610, 256 0.618) and on the withheld languages (128
#: 0.569, 256 0.584);
#: docs/benchmarks.md. Result files from before it was recorded ran with 32.
FROZEN_CRF_DIMS = 256
#: Weight of a CRF without the states, averaged into that CRF's marginals before decoding
#: (0: the state CRF alone): 0.25, chosen on MasakhaNER dev (among 0, 0.15, 0.25, 0.4 on
#: seed 0; three seeds: 0.564 -> 0.567, ahead on each), confirmed on test (three seeds:
#: 0.618 -> 0.621) and on the withheld languages (three seeds: 0.584 -> 0.589);
#: docs/benchmarks.md. Result files from before it was recorded ran with 0.
FROZEN_CRF_BLEND = 0.25
#: Sentences a neural model (aligner, labeller, scorer encoder) takes at once ...
NEURAL_BATCH_SIZE = 32
#: ... and a neural translator.
TRANSLATE_BATCH_SIZE = 16
#: Sentence pairs a projector gets at once (`annoproj.pipeline.projection.ProjectionJob`).
PROJECT_BATCH_SIZE = 2000
#: Smallest pair score the matching projection keeps (`MatchProjector`'s default) ...
MIN_SCORE = 0.5
#: ... and with pivot- or back-translation-refined links: the weighted combination keeps
#: 0.6 of a link no path confirms, so pair scores run lower (Europarl, 3 seeds: 0.45 best
#: with refined links, 0.5 without; docs/refinement.md).
REFINED_MIN_SCORE = 0.45
#: Best symmetrisation per method: the heuristic wants precise links, matching wants
#: scored soft-union links (1.0 where both directions agree, 0.5 where one has the link).
SYMMETRIZE_BY_METHOD: dict[str, str] = {"heuristic": "reverse", "match": "soft-union"}


#: Neural links that join eflomal's as extra evidence (`--fuse-with MODEL`): a SimAlign
#: aligner at this layer and extraction, fused by `annoproj.align.compose.fuse_links` with
#: these options. Layer and extraction chosen on the first 200 Europarl en-de pairs, the
#: fusion on de->es, with bundled:e5-small (docs/benchmarks.md).
FUSE: dict = {"layer": 8, "method": "itermax", "direct_weight": 0.5, "threshold": 0.25,
              "scored": True}


def min_score_for(refine: str | None = "none") -> float:
    """The matching projection's smallest pair score for links refined by `refine`."""
    return MIN_SCORE if refine in (None, "none") else REFINED_MIN_SCORE


def symmetrize_for(method: str | None = None, requested: str | None = "auto") -> str:
    """The symmetrisation to use: `requested`, or the method's best when it is "auto"."""
    if requested and requested != "auto":
        return requested
    return SYMMETRIZE_BY_METHOD.get(method or METHOD, SYMMETRIZE_BY_METHOD[METHOD])
