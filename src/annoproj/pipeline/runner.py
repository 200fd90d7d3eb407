"""translate-train and translate-test as chains of cached stages, with a run manifest.

translate-train: source sentences (gold spans or a labeller) -> translations -> word
alignment -> projection -> projected target data [-> target NER training -> evaluation].

translate-test: target sentences -> translations into the source language -> source NER
labelling -> word alignment -> projection back onto the target -> predictions
[-> evaluation against the target gold].
"""

from __future__ import annotations

import json
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

from annoproj.data.io import atomic_write, read_jsonl, read_pharaoh, write_jsonl, write_pharaoh
from annoproj.data.model import Alignment, Sentence, Span
from annoproj.pipeline.cache import StageCache, file_digest, key_of
from annoproj.pipeline.config import ConfigError, PipelineConfig

MANIFEST = "manifest.json"


def versions() -> dict:
    """Versions of annoproj and the packages its results depend on."""
    out = {"python": platform.python_version()}
    for pkg in ("annoproj", "numpy", "scipy", "highspy", "eflomal", "rapidfuzz",
                "sklearn-crfsuite", "torch", "transformers", "spacy"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return out


class Run:
    """Bookkeeping of one pipeline run: stage timings, counts, the manifest."""

    def __init__(self, config: PipelineConfig, *, log: Callable[[str], None] | None = None) -> None:
        self.config = config
        self.out = Path(config.output_dir)
        self.cache = StageCache(self.out / "cache")
        self.stages: list[dict] = []
        self.counts: dict = {}
        self.outputs: dict = {}
        self.metrics: dict = {}
        self.log = log or (lambda msg: None)
        self.started = time.time()

    def stage(self, name: str, key: str, suffix: str, compute, write, read, *, count=len):
        t0 = time.perf_counter()
        value, path, cached = self.cache.run(name, key, suffix, compute, write, read)
        secs = time.perf_counter() - t0
        self.stages.append({"stage": name, "key": key, "cached": cached,
                            "seconds": round(secs, 3), "items": count(value), "file": str(path)})
        self.log(f"{name}: {'cached' if cached else 'done'} in {secs:.1f}s")
        return value, key

    def manifest(self) -> dict:
        return {
            "kind": self.config.kind,
            "config": self.config.to_dict(),
            "versions": versions(),
            "command": sys.argv,
            "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(self.started)),
            "seconds": round(time.time() - self.started, 3),
            "stages": self.stages,
            "counts": self.counts,
            "outputs": self.outputs,
            "metrics": self.metrics,
        }

    def write_manifest(self) -> Path:
        path = self.out / MANIFEST
        with atomic_write(path) as f:
            json.dump(self.manifest(), f, indent=2, ensure_ascii=False)
            f.write("\n")
        return path


# -- stage helpers -----------------------------------------------------------------------

def _in_run(run: Run, name: str) -> Path:
    """`name` in the run folder; a ConfigError if it would lead out of it."""
    path = run.out / name
    if Path(name).name != name or path.resolve().parent != run.out.resolve():
        raise ConfigError(f"{name!r} is not a file name in the run folder {run.out}")
    return path


def _read_sentences(path: str, fmt: str) -> list[Sentence]:
    from annoproj.data.io.auto import read_sentences

    return read_sentences(path, fmt)


def _write_sents(path: Path, sents: list[Sentence]) -> None:
    write_jsonl(path, sents)


def _read_ids(path: str) -> list[int]:
    ids = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            if not line.lstrip("-").isdigit():
                raise ConfigError(f"{path}:{lineno}: expected a sentence index, got {line!r}")
            ids.append(int(line))
    return ids


def _apply_labels(sents: list[Sentence], spec: str | None) -> list[Sentence]:
    if not spec:
        return sents
    from annoproj.data.labels import LabelMap

    lmap = LabelMap.parse(spec)
    return [Sentence(s.tokens, lmap.map_spans(s.spans), s.id, s.meta) for s in sents]


def _translator(config: PipelineConfig):
    from annoproj.translate.base import PrecomputedTranslator

    t = config.translate
    if t.translator == "precomputed":
        return PrecomputedTranslator(t.path, **t.options)
    return _make_translator(t.translator, t.model, t.options)


def _make_translator(name: str, model: str | None, options: dict):
    """The registered translator `name` on `model` (Apertium: its data folder, if any)."""
    from annoproj.translate.base import translators

    try:
        import annoproj.translate  # noqa: F401  (registers model-backed translators)
    except ImportError:
        pass
    if name == "apertium":  # rule-based: `model` is Apertium's data folder, if any
        return translators.create("apertium", data_dir=model, **options)
    return translators.create(name, model=model, **options)


def _translate(run: Run, sents: list[Sentence], src_lang: str, tgt_lang: str, key: str):
    t = run.config.translate
    tkey = key_of("translate", key, t.translator, t.model, t.options,
                  file_digest(t.path) if t.path and Path(t.path).is_file() else t.path,
                  src_lang, tgt_lang)

    def compute():
        out = _translator(run.config).translate([s.tokens for s in sents], src_lang=src_lang,
                                               tgt_lang=tgt_lang)
        return [Sentence(list(toks), [], f"{s.id}>{tgt_lang}" if s.id else None)
                for s, toks in zip(sents, out)]

    return run.stage("translate", tkey, ".jsonl", compute, _write_sents, read_jsonl)


def _align(run: Run, src: list[Sentence], tgt: list[Sentence], key: str):
    a = run.config.align
    if a.links:
        if not Path(a.links).is_file():
            raise ConfigError(f"[align] links: {a.links} not found")
        return run.stage("align", key_of("align", key, "links", file_digest(a.links)), ".pharaoh",
                         lambda: _given_links(a.links, len(src)), write_pharaoh, read_pharaoh)
    method = run.config.project.method
    opts = a.aligner_options(method)
    refined = [] if a.refine == "none" else [
        "refine", a.refine, a.combine, a.target_links,
        [file_digest(p) for p in a.pivots],
        *[file_digest(p) if p else None for p in (a.backtranslations, a.backtranslation_links)],
        a.translator, a.translator_model, a.translator_options]
    akey = key_of("align", key, a.aligner, opts, *(["name_keys"] if a.name_keys else []),
                  *refined)

    def compute():
        from annoproj.align.stage import align_corpus

        return align_corpus([s.tokens for s in src], [t.tokens for t in tgt],
                            a.stage_config(method), **_refinement_data(run, len(src)))

    return run.stage("align", akey, ".pharaoh", compute, write_pharaoh, read_pharaoh)


def _refinement_data(run: Run, pairs: int) -> dict:
    """The corpora `[align] refine` needs, read (each file line k parallel to pair k), or
    the translator that back-translates the targets."""
    cfg = run.config
    a = cfg.align
    if a.refine == "none":
        return {}
    # the alignment's source side is in src_lang for both kinds (translate-test aligns the
    # translations into src_lang with the target sentences)
    langs = {"src_lang": cfg.src_lang, "tgt_lang": cfg.tgt_lang}
    limit = cfg.source.limit if cfg.kind == "translate-train" else cfg.target.limit
    if a.refine == "pivot":
        return {"pivots": {f"{k}:{Path(p).name}": _parallel(p, pairs, limit)
                           for k, p in enumerate(a.pivots)}}
    if a.translator:
        return {**langs, "translator": _make_translator(a.translator, a.translator_model,
                                                        a.translator_options)}
    assert a.backtranslations is not None
    data: dict = {**langs, "back": _parallel(a.backtranslations, pairs, limit)}
    if a.backtranslation_links:
        links = read_pharaoh(a.backtranslation_links)
        if limit and len(links) > pairs:
            links = links[:pairs]
        if len(links) != pairs:
            raise ConfigError(f"[align] backtranslation_links: {a.backtranslation_links} holds "
                              f"{len(links)} lines but there are {pairs} sentence pairs")
        data["back_links"] = links
    return data


def _parallel(path: str, pairs: int, limit: int | None) -> list[list[str]]:
    """The sentences of `path`, one per sentence pair (the first `pairs` of a longer file
    when [source] or [target] limit cut the corpus), else a ConfigError."""
    from annoproj.translate.base import read_translations

    if not Path(path).is_file():
        raise ConfigError(f"[align] {path} not found")
    sents = [list(x) for x in read_translations(path, "auto")]
    if limit and len(sents) > pairs:
        sents = sents[:pairs]
    if len(sents) != pairs:
        raise ConfigError(f"[align] {path} holds {len(sents)} sentences but there are {pairs} "
                          "sentence pairs: it must be parallel to them, line by line")
    return sents


def _given_links(path: str, pairs: int) -> list[Alignment]:
    """[align] links: one line of links per sentence pair, else a ConfigError naming the file."""
    links = read_pharaoh(path)
    if len(links) != pairs:
        raise ConfigError(f"[align] links: {path} holds {len(links)} lines of links but there "
                          f"are {pairs} sentence pairs to align")
    return links


def _project(run: Run, src: list[Sentence], tgt: list[Sentence], alignments: list[Alignment],
             key: str):
    from annoproj.pipeline.projection import ProjectionJob, project_sentences

    p = run.config.project
    finishing = [*(["complete"] if p.complete else []), *(["extend"] if p.extend else []),
                 *([f"misc={p.misc}"] if p.misc != "keep" else []),
                 *(["drop_partial"] if p.drop_partial else [])]
    heads = p.head_words()
    if heads:
        finishing.append("heads=" + ",".join(sorted(heads)))
    # "corpus-fit": the lexical table comes from the whole corpus (before: from each batch)
    refine = run.config.align.refine
    pkey = key_of("project", key, p.method, p.projector_options(refine), p.min_confidence,
                  *finishing, "corpus-fit")
    job = ProjectionJob(method=p.method, scorers=p.scorers, solver=p.solver,
                        min_confidence=p.min_confidence, options=dict(p.options), refine=refine)

    def compute():
        from annoproj.project.finish import finish_projection

        res = project_sentences(job, src, tgt, alignments)
        skipped = dict(res.skipped)
        # corpus-level steps (annoproj.project.finish): widen, MISC -> LOC, drop, complete
        done = finish_projection([t.tokens for t in tgt], [s.spans for s in src], res.spans,
                                 skipped=skipped, misc=p.misc, extend=p.extend,
                                 drop_partial=p.drop_partial, complete=p.complete,
                                 heads=heads)
        res.spans = done.spans
        skipped.update(done.dropped)
        out = []
        for i, (t, spans) in enumerate(zip(tgt, res.spans)):
            meta = {"scores": [round(x.score, 4) for x in spans],
                    "sources": [x.source for x in spans]}
            if i in skipped:
                meta = {"skipped": skipped[i]}
            out.append(Sentence(list(t.tokens), [x.span() for x in spans] if i not in skipped else [],
                                t.id, meta))
        return out

    return run.stage("project", pkey, ".jsonl", compute, _write_sents, read_jsonl)


def _skip_report(run: Run, projected: list[Sentence]) -> list[Sentence]:
    reasons = Counter(str(s.meta.get("skipped")).split(":")[0] for s in projected
                      if "skipped" in s.meta)
    kept = [s for s in projected if "skipped" not in s.meta]
    run.counts.update({"projected": len(kept), "skipped": len(projected) - len(kept),
                       "skipped_reasons": dict(reasons),
                       "spans": sum(len(s.spans) for s in kept)})
    if len(kept) < len(projected):
        log = run.out / "skipped.tsv"
        with atomic_write(log) as f:
            f.write("index\tid\treason\n")
            for i, s in enumerate(projected):
                if "skipped" in s.meta:
                    f.write(f"{i}\t{s.id or ''}\t{s.meta['skipped']}\n")
        run.outputs["skipped"] = str(log)
    return kept


def _evaluate(run: Run, pred: Sequence[Sequence[Span]], gold: Sequence[Sentence], name: str) -> dict:
    from annoproj.evaluate import evaluate_spans

    gold = _apply_labels(list(gold), run.config.evaluate.labels)
    report = evaluate_spans([g.spans for g in gold], pred)
    run.metrics[name] = {**report.micro.to_dict(),
                         "per_type": {k: v.f1 for k, v in report.per_type.items()}}
    return run.metrics[name]


# -- the two pipelines -------------------------------------------------------------------

def translate_train(config: PipelineConfig, *, log: Callable[[str], None] | None = None) -> dict:
    """Project labelled source data onto its translation; train and evaluate if configured."""
    config.validate()
    run = Run(config, log=log)
    s = config.source
    assert s.path is not None
    src = _apply_labels(_read_sentences(s.path, s.format), s.labels)
    if s.ids:
        ids = _read_ids(s.ids)
        bad = [i for i in ids if not 0 <= i < len(src)]
        if bad:
            raise ConfigError(f"{s.ids}: index {bad[0]} is outside the {len(src)} source sentences")
        src = [src[i] for i in ids]
    if s.limit:
        src = src[: s.limit]
    if s.labeller != "gold":
        src = _label(run, src, s.labeller, s.labels, key_of(file_digest(s.path), s.ids, s.limit))
    run.counts["sentences"] = len(src)
    src_key = key_of(file_digest(s.path), file_digest(s.ids) if s.ids else None, s.limit,
                     s.labels, s.labeller)
    if config.translate.translator == "precomputed":
        tgt = _translate_precomputed(run, src)
        tr_key = key_of(src_key, file_digest(config.translate.path))
    else:
        tgt, tr_key = _translate(run, src, config.src_lang, config.tgt_lang, src_key)
    if config.translate.rejoin != "none":
        tgt = _rejoin(run, tgt)
        tr_key = key_of(tr_key, "rejoin", config.translate.rejoin)
    links, align_key = _align(run, src, tgt, tr_key)
    projected, project_key = _project(run, src, tgt, links, align_key)
    kept = _skip_report(run, projected)
    data_path = _in_run(run, f"{config.tgt_lang}.projected.jsonl")
    write_jsonl(data_path, kept)
    run.outputs["projected"] = str(data_path)
    if config.train.trainer:
        _train_and_evaluate(run, kept, project_key)
    run.write_manifest()
    return run.manifest()


def _rejoin(run: Run, tgt: list[Sentence]) -> list[Sentence]:
    """The translations with the words their tokeniser split rejoined; counts the joins."""
    from annoproj.translate.tokenize import rejoin_sentences

    out = rejoin_sentences(tgt, mode=run.config.translate.rejoin)
    run.counts["rejoined_tokens"] = sum(len(a.tokens) - len(b.tokens) for a, b in zip(tgt, out))
    return out


def _translate_precomputed(run: Run, src: list[Sentence]) -> list[Sentence]:
    """Precomputed translations: a file whose sentence k translates source sentence k."""
    from annoproj.translate.base import read_translations

    path = run.config.translate.path
    assert path is not None
    t0 = time.perf_counter()
    toks = read_translations(path, run.config.translate.options.get("fmt", "auto"))
    limit = run.config.source.limit
    if limit:
        toks = toks[:limit]
    if len(toks) != len(src):
        ids = run.config.source.ids
        hint = (f"[source] ids {ids} selects {len(src)}: is it the ids file of these translations?"
                if ids else "use [source] ids to select the translated ones")
        raise ConfigError(f"{path} holds {len(toks)} translations but there are {len(src)} "
                          f"source sentences ({hint})")
    run.stages.append({"stage": "translate", "key": None, "cached": True,
                       "seconds": round(time.perf_counter() - t0, 3), "items": len(toks),
                       "file": str(path)})
    return [Sentence(list(t), [], f"{path}:{k}") for k, t in enumerate(toks)]


def _label(run: Run, sents: list[Sentence], labeller: str, labels: str | None, key: str):
    lkey = key_of("label", key, labeller, labels, run.config.label.options)

    def compute():
        try:
            from annoproj.label.base import make_labeller
        except ImportError as exc:  # pragma: no cover - label package missing
            raise ConfigError(f"labeller {labeller!r} is not available: {exc}") from exc
        model = make_labeller(labeller, **run.config.label.options)
        spans = model.label([s.tokens for s in sents])
        out = [Sentence(list(s.tokens), list(sp), s.id, dict(s.meta)) for s, sp in zip(sents, spans)]
        return _apply_labels(out, labels)

    value, _ = run.stage("label", lkey, ".jsonl", compute, _write_sents, read_jsonl)
    return value


def _train_and_evaluate(run: Run, kept: list[Sentence], data_key: str) -> None:
    import shutil

    import annoproj.train  # noqa: F401  (registers the trainers)
    from annoproj.train.base import load_tagger, trainers

    cfg = run.config
    tc = cfg.train
    st = (tc.self_train_confidence, tc.self_train_folds) if tc.self_train else None
    key = key_of("train", data_key, tc.trainer, tc.options, *(["self-train", st] if st else []))
    model_dir = run.cache.root / f"train-{key}"
    t0 = time.perf_counter()
    cached = (model_dir / "config.json").exists()
    if cached:
        tagger = load_tagger(model_dir)
    else:
        trainer = trainers.create(tc.trainer, **tc.options)
        if tc.self_train:  # label what projection missed with taggers of the other folds
            from annoproj.train.selftrain import self_train_corpus

            kept, added = self_train_corpus(kept, trainer, folds=tc.self_train_folds,
                                            min_confidence=tc.self_train_confidence)
            run.counts["self_trained"] = added
            run.log(f"self-training: {added} spans added")
        tagger = trainer.fit(kept)
        part = model_dir.with_name(model_dir.name + ".part")
        shutil.rmtree(part, ignore_errors=True)
        tagger.save(part)
        part.rename(model_dir)
    run.stages.append({"stage": "train", "key": key, "cached": cached,
                       "seconds": round(time.perf_counter() - t0, 3), "items": len(kept),
                       "file": str(model_dir)})
    run.log(f"train: {'cached' if cached else 'done'}")
    best = _publish_model(model_dir, run.out / MODEL_BEST)
    run.log(f"model: {best}")
    run.outputs["model"] = str(best)
    if cfg.evaluate.test:
        test = _read_sentences(cfg.evaluate.test, "auto")
        pred = tagger.predict([s.tokens for s in test])
        _evaluate(run, pred, test, "test")


#: Where a pipeline puts the model it trained, inside the run folder.
MODEL_BEST = "model-best"


def _publish_model(model_dir: Path, best: Path) -> Path:
    """A copy of the cached `model_dir` at `best` (hard links where the file system allows,
    so no second copy of a large model), replacing an older one; returns `best`."""
    import os
    import shutil

    def link(a: str, b: str) -> None:
        try:
            os.link(a, b)
        except OSError:
            shutil.copy2(a, b)

    part = best.with_name(best.name + ".part")
    shutil.rmtree(part, ignore_errors=True)
    shutil.copytree(model_dir, part, copy_function=link)
    shutil.rmtree(best, ignore_errors=True)
    part.rename(best)
    return best


def translate_test(config: PipelineConfig, *, log: Callable[[str], None] | None = None) -> dict:
    """Label target text through its translation into the source language."""
    config.validate()
    run = Run(config, log=log)
    t = config.target
    assert t.path is not None
    tgt = _read_sentences(t.path, t.format)
    if t.limit:
        tgt = tgt[: t.limit]
    run.counts["sentences"] = len(tgt)
    tgt_key = key_of(file_digest(t.path), t.limit)
    if config.translate.translator == "precomputed":
        src = _translate_precomputed_test(run, tgt)
        tr_key = key_of(tgt_key, file_digest(config.translate.path))
    else:
        src, tr_key = _translate(run, tgt, config.tgt_lang, config.src_lang, tgt_key)
    lab = config.label
    src = _label(run, src, lab.labeller, lab.labels, tr_key)
    links, align_key = _align(run, src, tgt, tr_key)
    projected, _ = _project(run, src, tgt, links, key_of(align_key, lab.labeller, lab.labels,
                                                         lab.options))
    kept = _skip_report(run, projected)
    pred_path = _in_run(run, f"{config.tgt_lang}.predicted.jsonl")
    write_jsonl(pred_path, projected)
    run.outputs["predicted"] = str(pred_path)
    if any(s.spans for s in tgt):
        _evaluate(run, [s.spans for s in projected], tgt, "target")
    run.counts["projected"] = len(kept)
    run.write_manifest()
    return run.manifest()


def _translate_precomputed_test(run: Run, tgt: list[Sentence]) -> list[Sentence]:
    from annoproj.translate.base import read_translations

    path = run.config.translate.path
    assert path is not None
    toks = read_translations(path, run.config.translate.options.get("fmt", "auto"))
    if run.config.target.limit:
        toks = toks[: run.config.target.limit]
    if len(toks) != len(tgt):
        raise ConfigError(f"{path} holds {len(toks)} translations but there are {len(tgt)} "
                          "target sentences")
    run.stages.append({"stage": "translate", "key": None, "cached": True, "seconds": 0.0,
                       "items": len(toks), "file": str(path)})
    return [Sentence(list(x), [], f"{path}:{k}") for k, x in enumerate(toks)]


PIPELINES = {"translate-train": translate_train, "translate-test": translate_test}


def run_pipeline(config: PipelineConfig, *, log: Callable[[str], None] | None = None) -> dict:
    """Run the pipeline the configuration's `kind` names; returns the manifest. One run at
    a time uses a run folder: a second fails at once (`BusyError`, OUTPUT_DIR/.lock)."""
    from annoproj.pipeline.lock import output_lock

    config.validate()
    out = Path(config.output_dir)
    with output_lock(out, lock_file=out / ".lock"):
        return PIPELINES[config.kind](config, log=log)
