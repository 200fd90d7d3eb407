"""MasakhaNER 2.0 translate-train benchmark: project, train a CRF, score on the real test set.

For each language, the English CoNLL-2003 train sentences are paired with their NLLB
translations (the token side of the T-Projection release), the gold English entities (MISC
dropped) are projected with annoproj, and a CRF trained on the projected sentences is scored
on MasakhaNER 2.0 (DATE mapped to O). The same CRF trained on the T-Projection tags of the
same translations, and on the MasakhaNER gold train set, gives the baseline and upper bound.

The translations of the eight languages come from the same English sentences, so the
benchmark can refine the English-target alignment through the other languages' translations
as pivots (``refine="pivot"``, `annoproj.align.refine.PivotRefiner`).

The package: `config` (settings, row names), `data` (translations mended, pivots,
splits), `projection`, `training` (taggers and scores), `run` (`run_masakhaner`) and
`reporting` (result files, tables, charts); every public name is importable from here.
"""

from annoproj.bench.masakhaner.config import (
    BASELINES,
    DEFAULT_HF_MODEL,
    EMPTY_TOKEN,
    LANGUAGES,
    REFINEMENTS,
    SOURCE_MAP,
    TARGET_MAP,
    TRAINERS,
    MasakhanerConfig,
    make_trainer,
    trainer_suffix,
    variant_suffix,
)
from annoproj.bench.masakhaner.data import (
    available_languages,
    eval_file,
    label_mapped,
    load_masakhaner,
    load_translations,
    mended,
    merge_mark_tokens,
    pivot_corpora,
    read_src_ids,
    read_translated,
    translated_languages,
    translation_files,
)
from annoproj.bench.masakhaner.projection import (
    align_pairs,
    projected_training_set,
    with_heads,
)
from annoproj.bench.masakhaner.reporting import (
    DETAIL_COLUMNS,
    PREDATING,
    merge_rows,
    pivot_rows,
    plot_results,
    spans_of,
    summary_table,
    train_sources,
)
from annoproj.bench.masakhaner.run import (
    run_masakhaner,
)
from annoproj.bench.masakhaner.training import (
    score_tagger,
    scored,
    self_trained,
    train_and_score,
)

__all__ = [
    "BASELINES",
    "DEFAULT_HF_MODEL",
    "DETAIL_COLUMNS",
    "EMPTY_TOKEN",
    "LANGUAGES",
    "MasakhanerConfig",
    "PREDATING",
    "REFINEMENTS",
    "SOURCE_MAP",
    "TARGET_MAP",
    "TRAINERS",
    "align_pairs",
    "available_languages",
    "eval_file",
    "label_mapped",
    "load_masakhaner",
    "load_translations",
    "make_trainer",
    "mended",
    "merge_mark_tokens",
    "merge_rows",
    "pivot_corpora",
    "pivot_rows",
    "plot_results",
    "projected_training_set",
    "read_src_ids",
    "read_translated",
    "run_masakhaner",
    "score_tagger",
    "scored",
    "self_trained",
    "spans_of",
    "summary_table",
    "train_and_score",
    "train_sources",
    "trainer_suffix",
    "translated_languages",
    "translation_files",
    "variant_suffix",
    "with_heads",
]
