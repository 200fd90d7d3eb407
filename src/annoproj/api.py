"""The Python front door: read, write, align, project, evaluate, translate_train.

Each function takes what the command line takes (paths) or data already in memory
(`Sentence` lists, token lists), and imports the heavy parts only when it runs::

    import annoproj
    src = annoproj.read("en.conll")                  # CoNLL, JSONL, datasets folders, Parquet...
    tgt = annoproj.read("de.txt")
    links = annoproj.align(src, tgt)                 # eflomal, seeded
    projected = annoproj.project(src, tgt, links)    # target Sentences with ProjectedSpans
    annoproj.write("de.projected.jsonl", projected)  # the spans' scores kept
    annoproj.evaluate("de.gold.conll", projected).micro.f1
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Union

from annoproj.data.model import Alignment, Sentence

Sentences = Union[str, Path, Sequence[Sentence], Sequence[Sequence[str]]]

__all__ = ["align", "evaluate", "project", "read", "translate_train", "write"]


def read(path: str | Path, fmt: str = "auto", *,
         label_names: Sequence[str] | None = None) -> list[Sentence]:
    """Sentences of a CoNLL, JSONL (annoproj's or Hugging Face's tokens + ner_tags),
    tokenised text, Parquet or spaCy DocBin file, or of a `datasets` folder."""
    from annoproj.data.io.auto import read_sentences

    return read_sentences(path, fmt, label_names=label_names)


def _sentences(data: Sentences, what: str) -> list[Sentence]:
    if isinstance(data, (str, Path)):
        return read(data)
    out = []
    for k, x in enumerate(data):
        if isinstance(x, Sentence):
            out.append(x)
        elif isinstance(x, (list, tuple)) and all(isinstance(t, str) for t in x):
            out.append(Sentence(list(x), id=str(k)))
        else:
            raise TypeError(f"{what}: item {k} is neither a Sentence nor a list of tokens")
    return out


def write(path: str | Path, sentences: Sentences, spans: Sequence[Sequence] | None = None, *,
          fmt: str = "auto", scheme: str = "IOB2") -> int:
    """Write sentences (the format from the suffix of `path`, as `annoproj convert` does:
    .conll, .jsonl, .parquet, .spacy, .txt, no suffix for a `datasets` folder); tags in
    `scheme`. With `spans` (one list a sentence: Spans, ProjectedSpans or (start, end,
    label) tuples) those replace the sentences' own, so token lists can be written as they
    are. ProjectedSpans keep their score and source in JSONL. Returns the count."""
    from annoproj.data.io.auto import write_sentences

    sents = _sentences(sentences, "sentences")
    if spans is not None:
        if len(spans) != len(sents):
            raise ValueError(f"{len(sents)} sentences but {len(spans)} span lists")
        sents = [Sentence(list(s.tokens), list(sp), s.id, dict(s.meta))
                 for s, sp in zip(sents, spans)]
    return write_sentences(path, sents, fmt=fmt, scheme=scheme)


def align(src: Sentences, tgt: Sentences, *, aligner: str = "eflomal",
          **options: Any) -> list[Alignment]:
    """Word links of each sentence pair: eflomal (seed 0, annoproj's defaults) unless
    `aligner` names another ("simalign", "awesome" with annoproj[neural]); `options` go to
    the aligner (e.g. seed=1, symmetrize="grow-diag-final-and")."""
    from annoproj import defaults
    from annoproj.align.stage import AlignConfig, align_corpus

    s, t = _sentences(src, "src"), _sentences(tgt, "tgt")
    if len(s) != len(t):
        raise ValueError(f"{len(s)} source sentences but {len(t)} target sentences")
    extra = None
    if aligner == "eflomal":
        options = {**defaults.ALIGNER, **options}
        seed, symmetrize = options.pop("seed", 0), options.pop("symmetrize")
        more = (options.pop("extra_src", ()), options.pop("extra_tgt", ()))
        extra = more if more[0] or more[1] else None
        config = AlignConfig(options=options, seed=seed, symmetrize=symmetrize)
    else:
        config = AlignConfig(aligner=aligner, options=options)
    return align_corpus([x.tokens for x in s], [x.tokens for x in t], config, extra=extra)


def project(src: Sentences, tgt: Sentences, alignments: Sequence[Alignment] | str | Path | None = None,
            *, method: str | None = None, labels: str | None = None,
            **options: Any) -> list[Sentence]:
    """The target sentences with the source entities projected onto them, as
    `ProjectedSpan`s (score, source entity); a skipped pair keeps no spans and its reason in
    ``meta["skipped"]``. `alignments`: links (or a Pharaoh file), else eflomal aligns;
    `method`: "match" (default) or "heuristic"; `labels`: a label map such as "MISC=O";
    `options` go to the projector (e.g. min_score=0.45)."""
    from annoproj import defaults
    from annoproj.project.projectors import make_projector

    method = method or defaults.METHOD
    s, t = _sentences(src, "src"), _sentences(tgt, "tgt")
    if alignments is None:
        alignments = align(s, t, symmetrize=defaults.symmetrize_for(method))
    elif isinstance(alignments, (str, Path)):
        from annoproj.data.io import read_pharaoh

        alignments = read_pharaoh(alignments)
    src_spans = [list(x.spans) for x in s]
    if labels:
        from annoproj.data.labels import LabelMap

        lmap = LabelMap.parse(labels)
        src_spans = [lmap.map_spans(sp) for sp in src_spans]
    result = make_projector(method, **options).project(
        [x.tokens for x in s], [x.tokens for x in t], src_spans, list(alignments))
    why = dict(result.skipped)
    return [Sentence(list(x.tokens), list(sp), x.id,
                     {**x.meta, **({"skipped": why[k]} if k in why else {})})
            for k, (x, sp) in enumerate(zip(t, result.spans))]


def evaluate(gold: Sentences, pred: Sentences, *, ignore: Sequence[str] = (),
             mode: str = "default", scheme: str = "IOB2"):
    """Entity scores (`annoproj.evaluate.Report`: micro, macro, weighted, per type) of
    `pred` against `gold`, sentences or files; `mode` "strict" reads both as seqeval's
    strict mode does, in `scheme`."""
    from annoproj.data.tags import spans_to_tags
    from annoproj.evaluate.metrics import evaluate_spans, evaluate_tags

    g, p = _sentences(gold, "gold"), _sentences(pred, "pred")
    if len(g) != len(p):
        raise ValueError(f"{len(g)} gold sentences but {len(p)} predicted ones")
    if mode == "default":
        return evaluate_spans([x.spans for x in g], [x.spans for x in p], ignore=ignore)
    return evaluate_tags([spans_to_tags(x.spans, len(x.tokens), scheme=scheme) for x in g],
                         [spans_to_tags(x.spans, len(x.tokens), scheme=scheme) for x in p],
                         ignore=ignore, mode=mode, scheme=scheme)


#: translate_train's keyword shortcuts for the configuration's dotted keys.
_KEYS = {"source": "source.path", "translations": "translate.path", "ids": "source.ids",
         "method": "project.method", "labels": "source.labels", "trainer": "train.trainer",
         "test": "evaluate.test", "test_labels": "evaluate.labels"}


def translate_train(config: str | Path | dict | None = None, *, log=None, **settings: Any) -> dict:
    """Run the translate-train pipeline (docs/pipelines.md) from a configuration file or
    dict and keyword settings (source=, translations=, tgt_lang=, output_dir=, trainer=,
    test=, method=, labels=, or any dotted key as ``**{"train.options": {...}}``); returns
    the manifest: ``outputs["model"]`` is RUN/model-best when a model was trained."""
    from annoproj.pipeline.config import config_from_dict, load_config
    from annoproj.pipeline.runner import run_pipeline

    overrides = {"kind": "translate-train",
                 **{_KEYS.get(k, k): v for k, v in settings.items() if v is not None}}
    if isinstance(config, (str, Path)):
        cfg = load_config(config, overrides=overrides)
    else:
        data: dict = {}
        for dotted, value in {**_flatten(config or {}), **overrides}.items():
            node = data
            *head, last = dotted.split(".")
            for part in head:
                node = node.setdefault(part, {})
            node[last] = value
        cfg = config_from_dict(data)
    return run_pipeline(cfg, log=log)


def _flatten(data: dict, prefix: str = "") -> dict:
    out: dict = {}
    for k, v in data.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and k not in ("options",):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out
