"""One MasakhaNER benchmark run: rows per (language, train source)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from annoproj.bench.common import resolve_data_dir, timer
from annoproj.bench.masakhaner.config import (
    SOURCE_MAP,
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
    pivot_corpora,
    translation_files,
)
from annoproj.bench.masakhaner.projection import (
    align_pairs,
    projected_training_set,
    with_heads,
)
from annoproj.bench.masakhaner.training import (
    scored,
    self_trained,
    train_and_score,
)
from annoproj.data.io import read_conll
from annoproj.data.model import Sentence


def run_masakhaner(
    config: MasakhanerConfig,
    *,
    data_dir: str | Path | None = None,
    on_row: Callable[[dict], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> list[dict]:
    """One row per (language, train source): precision, recall, F1 and timings."""
    d = resolve_data_dir(data_dir)
    note = on_note or (lambda _msg: None)
    langs = list(config.langs) if config.langs else available_languages(d)
    if not langs:
        raise FileNotFoundError(f"{d}: no language has tprojection and masakhaner2 files")
    english: list[Sentence] | None = None
    pivot_cache: dict[str, dict[int, list[str]]] = {}
    rows: list[dict] = []
    trainer = make_trainer(config)
    zero_shot: dict = {}  # the English tagger, trained once for every language

    def emit(row: dict) -> None:
        rows.append(row)
        if on_row is not None:
            on_row(row)

    for lang in langs:
        test_path = eval_file(d, lang, config.split, dev_fallback=config.dev_fallback)
        if test_path is None:
            note(f"{lang}: skipped, masakhaner2/{lang}/{config.split}.txt is not in the data "
                 "(pass --dev-fallback to score on dev.txt)")
            continue
        missing = [str(p) for p in translation_files(d, lang) if not p.exists()]
        if missing:
            note(f"{lang}: skipped, missing {', '.join(missing)}")
            continue
        if english is None:
            english = read_conll(d / "conll2003" / "train.txt")
        test = load_masakhaner(test_path)
        base = {"lang": lang, "eval": test_path.stem, "test_sentences": len(test),
                "trainer": config.trainer, "model": config.model_name}
        src, tgt = load_translations(d, lang, limit=config.limit, english=english,
                                     repair_tokens=config.repair_tokens, rejoin=config.rejoin)
        heads = config.heads_for(lang)
        if config.heads is not None and not heads:
            note(f"{lang}: no head words in {config.heads}")
        if config.methods:
            pivots = None
            if config.refine == "pivot":
                pivots = pivot_corpora(d, lang, config.pivots, limit=config.limit,
                                       repair_tokens=config.repair_tokens, rejoin=config.rejoin,
                                       cache=pivot_cache)
                if not pivots:
                    raise ValueError(f"{lang}: no pivot language: --pivots must name a "
                                     "language other than the target, with translations")
            timings: dict = {}
            alignments = align_pairs(src, tgt, aligner=config.aligner, seed=config.seed,
                                     name_keys=config.name_keys, methods=config.methods,
                                     pivots=pivots, fuse_with=config.fuse_with,
                                     device=str(config.hf.get("device", "auto")), stats=timings)
            refined = {"refine": config.refine}
            if pivots:
                refined.update(pivots=",".join(pivots), refine_s=timings["refine_s"])
            if config.fuse_with:
                refined.update(fuse_with=config.fuse_with, fuse_s=timings["fuse_s"])
            for method in config.methods:
                train, stats = projected_training_set(
                    src, tgt, alignments[method], method=method,
                    options=config.projector_options(method), drop_partial=config.drop_partial,
                    misc=config.misc, complete=config.complete, extend=config.extend,
                    heads=heads)
                train, st_stats = self_trained(train, config)
                stats.update(st_stats)
                res = train_and_score(train, test, trainer=trainer)
                emit({**base, "train": method + config.variant, "misc": config.misc,
                      "drop_partial": config.drop_partial, "complete": config.complete,
                      "extend": config.extend, **refined, **res,
                      "sentences": len(train),
                      "pairs": len(src), "align_s": timings["align_s"],
                      "project_s": round(stats.pop("project_s"), 3), **stats})
        if "tprojection" in config.baselines:
            tags, n_heads = tgt, None
            if config.heads is not None:
                tags, n_heads = with_heads(tgt, heads)
            tags, st_stats = self_trained(tags, config)
            res = train_and_score(tags, test, trainer=trainer)
            emit({**base, "train": "tprojection" + variant_suffix(rejoin=config.rejoin)
                  + ("+heads" if config.heads else "") + config.recipe,
                  **({} if n_heads is None else {"heads": n_heads}),
                  **res, "sentences": len(tgt), "pairs": len(src), "align_s": None,
                  "project_s": None, "projected_entities": sum(len(s.spans) for s in tgt),
                  **st_stats})
        if "gold" in config.baselines:
            gold_path = d / "masakhaner2" / lang / "train.txt"
            if not gold_path.exists():
                note(f"{lang}: no gold row, {gold_path} is missing")
            else:
                gold = load_masakhaner(gold_path, limit=config.limit)
                res = train_and_score(gold, test, trainer=trainer)
                emit({**base, "train": "gold" + trainer_suffix(crf=config.decoding), **res,
                      "sentences": len(gold),
                      "align_s": None, "project_s": None})
        if "zero-shot" in config.baselines:
            if not zero_shot:
                en = label_mapped(english[: config.limit] if config.limit else english, SOURCE_MAP)
                with timer() as t:
                    zero_shot["tagger"] = trainer.fit(en)
                zero_shot.update(train_s=round(t[0], 3), sentences=len(en))
            res = scored(zero_shot["tagger"], test)
            emit({**base, "train": "zero-shot" + trainer_suffix(crf=config.decoding), **res,
                  "train_s": zero_shot["train_s"], "sentences": zero_shot["sentences"],
                  "align_s": None, "project_s": None})
    return rows
