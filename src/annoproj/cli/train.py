"""`annoproj train` and `annoproj tag`: taggers on (projected) annotations."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from annoproj.cli.common import (
    EXIT_INPUT,
    deprecated,
    emit_json,
    fail,
    spinner,
    summary_line,
)
from annoproj.cli.options import (
    InputFormat,
    JsonSummary,
    Quiet,
    Scheme,
    finite,
    hold_output_lock,
    load_input,
)


def trainer_options(items: list[str] | None) -> dict:
    """`--option key=value` pairs as keyword options; values read as JSON where they parse
    (5, 1e-4, true, null), else as strings."""
    import json

    out: dict = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--option wants key=value, got {item!r}")
        value = value.strip()
        lowered = value.lower()
        if lowered in ("true", "false", "none", "null"):
            out[key.strip()] = {"true": True, "false": False}.get(lowered)
            continue
        try:
            out[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            out[key.strip()] = value
    return out


def train(
    train_file: Path = typer.Option(..., "--train", help="Training sentences with entities (CoNLL or JSONL)."),
    out: Optional[Path] = typer.Option(None, "--output", "-o", help="Model folder to write."),
    out_old: Optional[Path] = typer.Option(None, "--out", hidden=True),
    dev: Optional[Path] = typer.Option(None, help="Development sentences, scored after training."),
    trainer: str = typer.Option("crf", help=(
        "Trainer: crf, or hf (a tagger on a Hugging Face encoder: --model).")),
    model: Optional[str] = typer.Option(None, "--model", help=(
        "hf: the encoder, a Hugging Face name or folder, or bundled:e5-small (offline, "
        "CPU-sized: its default recipe trains a CRF on the frozen encoder's states plus the "
        "CRF's own features).")),
    recipe: str = typer.Option("auto", help=(
        "hf: auto (crf for bundled encoders, finetune for others), finetune (the whole "
        "encoder), crf (CRF features + frozen encoder states) or softmax (an MLP head on "
        "frozen states).")),
    device: str = typer.Option("auto", help="hf: auto (a GPU where there is one), cpu or cuda."),
    seed: int = typer.Option(0, help="hf: random seed (head initialisation, order, PCA sample)."),
    label_map: Optional[str] = typer.Option(None, "--label-map", help=(
        "Label map applied to train and dev spans, e.g. 'MISC=O' or 'DATE=O'.")),
    c1: float = typer.Option(0.1, min=0.0, callback=finite, help="CRF L1 regularisation."),
    c2: float = typer.Option(0.1, min=0.0, callback=finite, help="CRF L2 regularisation."),
    max_iterations: int = typer.Option(100, min=1, help="CRF L-BFGS iterations."),
    scheme: str = typer.Option("IOB2", help="Tag scheme the CRF learns: IOB2 or BIOES."),
    o_weight: Optional[float] = typer.Option(None, min=0.0, callback=finite, help=(
        "CRF (and hf's crf/softmax recipes): decode with the probability of O times this "
        "(saved with the model); below 1 finds more entities, for taggers trained on "
        "projected data that miss names. Default: 1 for the CRF and hf's softmax, 0.25 "
        "for hf's crf recipe (chosen on MasakhaNER dev).")),
    fold_affixes: bool = typer.Option(False, help=(
        "CRF: prefixes and suffixes without accents and tone marks (Yoruba Èkó shares them "
        "with Eko; saved with the model).")),
    crf_features_name: str = typer.Option("rich", "--crf-features", help=(
        "CRF feature template: rich (annoproj's), or plain (sklearn-crfsuite's tutorial "
        "features, a common baseline CRF; saved with the model).")),
    fmt: InputFormat = "auto",
    quiet: Quiet = False,
    json_out: JsonSummary = False,
    option: Optional[list[str]] = typer.Option(None, "--option", help=(
        "Trainer option key=value, repeatable, e.g. --option epochs=5 --option device=cuda "
        "(hf: model, recipe, dims, blend, epochs, learning_rate, batch_size, max_length, seed, "
        "device, fp16...).")),
) -> None:
    """Train an NER tagger on (projected) annotations and save it as a model folder."""
    from annoproj.cli.common import EXIT_DEPENDENCY, EXIT_USAGE, crf_features
    from annoproj.data.labels import LabelMap
    from annoproj.data.model import Sentence
    from annoproj.registry import RegistryError
    from annoproj.train import MissingDependencyError, trainers

    out = deprecated(out, out_old, "--out", "--output/-o")
    if out is None:
        raise fail("give the model folder to write: -o/--output MODEL", EXIT_USAGE)
    if out.exists() and not out.is_dir():
        raise fail(f"-o {out} is a file: name a model folder", EXIT_USAGE)
    hold_output_lock(out)  # one run at a time writes the model folder
    crf_options = {"c1": c1, "c2": c2, "max_iterations": max_iterations,
                   **crf_features(crf_features_name, fold_affixes=fold_affixes)}
    options = ({**crf_options, "scheme": scheme,
                **({"o_weight": o_weight} if o_weight is not None else {})}
               if trainer == "crf" else {"scheme": scheme})
    if trainer == "hf":
        from annoproj.train.hf import DEFAULT_MODEL, crf_recipe_options

        options.update({"recipe": recipe, "device": device, "seed": seed, "progress": True,
                        **({"model": model} if model else {}),
                        **({"o_weight": o_weight} if o_weight is not None else {})})
        try:  # the CRF half of the crf recipe takes the CRF's options
            options.update(crf_recipe_options(recipe, model or DEFAULT_MODEL, crf_options))
        except ValueError as exc:
            raise fail(str(exc), EXIT_USAGE) from exc
    elif model is not None:
        raise fail(f"--model applies to --trainer hf, not {trainer!r}", 2)
    try:
        options.update(trainer_options(option))
        fit = trainers.create(trainer, **options)
    except RegistryError as exc:
        raise fail(str(exc), EXIT_USAGE) from exc
    except ValueError as exc:
        raise fail(str(exc), EXIT_USAGE) from exc
    except TypeError as exc:
        raise fail(f"bad option for trainer {trainer!r}: {exc}", EXIT_USAGE) from exc
    try:
        lmap = LabelMap.parse(label_map) if label_map else None
    except ValueError as exc:
        raise fail(str(exc), EXIT_USAGE) from exc

    def load(path: Path) -> list[Sentence]:
        sents = load_input(path, fmt)
        if lmap is not None:
            sents = [Sentence(s.tokens, lmap.map_spans(s.spans), s.id, s.meta) for s in sents]
        return sents

    sents = load(train_file)
    dev_sents = load(dev) if dev is not None else None
    if not any(s.tokens for s in sents):
        raise fail(f"{train_file} has no sentences to train on", EXIT_INPUT)
    from annoproj.train import ModelError

    try:
        with spinner(f"training {trainer} on {len(sents)} sentences", show=not quiet):
            tagger = fit.fit(sents, dev=dev_sents)
    except (MissingDependencyError, ModelError) as exc:
        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    tagger.info.update({"train_file": str(train_file), "label_map": label_map})
    tagger.save(out)
    summary = {"model": str(out), "trainer": trainer, "labels": tagger.entity_types,
               **{k: v for k, v in tagger.info.items() if k not in ("train_file", "label_map")}}
    if json_out:
        emit_json(summary)
    else:
        dev_f1 = f", dev F1 {summary['dev']['f1']:.4f}" if "dev" in summary else ""
        summary_line("train", f"trained {trainer} on {summary['sentences']} sentences of "
                     f"{train_file}{dev_f1}; saved to {out}", quiet=quiet,
                     seconds=summary["train_s"])


def tag(
    model: Path = typer.Option(..., "--model", "-m", help="Model folder written by `annoproj train`."),
    input_file: Path = typer.Option(..., "--input", "-i", help="Sentences to tag: CoNLL, JSONL or tokenised text."),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write: .jsonl (spans) or CoNLL (anything else)."),
    o_weight: Optional[float] = typer.Option(None, callback=finite, help=(
        "CRF: decode with the probability of O times this instead of the weight saved "
        "with the model; below 1 finds more entities.")),
    scheme: Scheme = "IOB2",
    fmt: InputFormat = "auto",
    quiet: Quiet = False,
    json_out: JsonSummary = False,
) -> None:
    """Tag sentences with a trained model (existing tags in the input are replaced)."""
    from annoproj.bench.common import timer
    from annoproj.cli.common import EXIT_DEPENDENCY, EXIT_USAGE
    from annoproj.data.io import write_conll, write_jsonl
    from annoproj.train import MissingDependencyError, ModelError, load_tagger

    try:
        tagger = load_tagger(model)
    except (ModelError, MissingDependencyError) as exc:
        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    if o_weight is not None:
        if not hasattr(tagger, "o_weight"):
            raise fail(f"--o-weight applies to CRF models; {model} is a "
                       f"{getattr(tagger, 'name', type(tagger).__name__)!r} model", EXIT_USAGE)
        try:
            tagger.o_weight = o_weight
        except ValueError as exc:
            raise fail(f"--o-weight: {exc}", EXIT_USAGE) from exc
    sents = load_input(input_file, fmt)
    with timer() as tm, spinner(f"tagging {len(sents)} sentences", show=not quiet):
        spans = tagger.predict([s.tokens for s in sents])
    from annoproj.data.model import Sentence

    tagged = [Sentence(list(s.tokens), p, s.id, s.meta) for s, p in zip(sents, spans)]
    if len(tagged) != len(sents):  # pragma: no cover - a tagger that lost sentences
        raise fail(f"{len(sents)} sentences read but {len(tagged)} tagged", EXIT_INPUT)
    name = output.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst", ".json")):
        write_jsonl(output, tagged, scheme=scheme)
    else:
        write_conll(output, tagged, scheme=scheme)  # one sentence each, empty ones included
    summary = {"sentences": len(tagged), "tokens": sum(len(s.tokens) for s in tagged),
               "entities": sum(len(p) for p in spans), "seconds": round(tm[0], 3),
               "output": str(output)}
    if json_out:
        emit_json(summary)
    else:
        summary_line("tag", f"tagged {summary['sentences']} sentences of {input_file} "
                     f"({summary['entities']} entities); wrote {output}", quiet=quiet,
                     seconds=tm[0])


def write_sentences(output: Path, sentences, scheme: str = "IOB2") -> None:
    """CoNLL, JSONL (by the suffix of `output`) or tokenised text (any other suffix)."""
    from annoproj.data.io import write_conll, write_jsonl, write_tokenized

    name = output.name.lower()
    for suffix in (".gz", ".zst"):
        name = name.removesuffix(suffix)
    if name.endswith((".jsonl", ".json")):
        write_jsonl(output, sentences, scheme=scheme)
    elif name.endswith((".conll", ".conllu", ".iob", ".bio", ".bioes", ".tsv")):
        write_conll(output, sentences, scheme=scheme)
    else:
        write_tokenized(output, [s.tokens for s in sentences])
