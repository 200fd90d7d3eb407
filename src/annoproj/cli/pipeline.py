"""`annoproj translate-train` and `annoproj translate-test`: whole pipelines from one config."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from annoproj.cli.common import EXIT_DEPENDENCY, EXIT_INPUT, deprecated, emit_json, fail
from annoproj.cli.options import JsonSummary


_SET_HELP = "Override a configuration key, e.g. --set project.method=heuristic (repeatable)."


def _parse_value(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _overrides(pairs: list[str], extra: dict) -> dict:
    out = {}
    for item in pairs:
        if "=" not in item:
            raise fail(f"--set {item!r} is not KEY=VALUE", 2)
        key, value = item.split("=", 1)
        out[key.strip()] = _parse_value(value.strip())
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


def _run(kind: str, config: Optional[Path], overrides: dict, json_out: bool, quiet: bool) -> None:
    from annoproj.pipeline.config import ConfigError, config_from_dict, load_config
    from annoproj.pipeline.runner import run_pipeline

    overrides = {"kind": kind, **overrides}
    try:
        if config is not None:
            cfg = load_config(config, overrides=overrides)
        else:
            data: dict = {}
            for dotted, value in overrides.items():
                node = data
                *head, last = dotted.split(".")
                for part in head:
                    node = node.setdefault(part, {})
                node[last] = value
            cfg = config_from_dict(data)
    except ConfigError as exc:
        raise fail(str(exc), 2) from exc
    log = None if quiet or json_out else (lambda msg: typer.echo(msg, err=True))
    try:
        manifest = run_pipeline(cfg, log=log)
    except ImportError as exc:
        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    except (FileNotFoundError, ValueError) as exc:
        raise fail(str(exc), EXIT_INPUT) from exc
    summary = {"kind": kind, "output_dir": cfg.output_dir, **manifest["counts"],
               "outputs": manifest["outputs"], "metrics": manifest["metrics"],
               "seconds": manifest["seconds"]}
    if json_out:
        emit_json(summary)
        return
    c = manifest["counts"]
    typer.echo(f"{c.get('sentences', 0)} sentences, {c.get('projected', 0)} projected, "
               f"{c.get('skipped', 0)} skipped; manifest: {Path(cfg.output_dir) / 'manifest.json'}")
    for name, m in manifest["metrics"].items():
        typer.echo(f"{name}: P {m['precision']:.4f}  R {m['recall']:.4f}  F1 {m['f1']:.4f}")
    if manifest["outputs"].get("model"):
        typer.echo(f"model: {manifest['outputs']['model']} (annoproj tag -m {manifest['outputs']['model']} ...)")


def translate_train(
    config: Optional[Path] = typer.Argument(None, help="Pipeline file (.toml, .yaml or .json)."),
    source: Optional[str] = typer.Option(None, help="Labelled source sentences (CoNLL/JSONL)."),
    ids: Optional[str] = typer.Option(None, help="Line k: index of the source sentence that translation k translates."),
    translations: Optional[str] = typer.Option(None, help="Precomputed translations (CoNLL or text)."),
    tgt_lang: Optional[str] = typer.Option(None, help="Target language code."),
    output_dir: Optional[str] = typer.Option(None, "--output-dir", "-o", help="Run folder (cache, data, model, manifest)."),
    method: Optional[str] = typer.Option(None, help="Projection method: heuristic or match."),
    labels: Optional[str] = typer.Option(None, "--label-map", help="Source label map, e.g. MISC=O."),
    labels_old: Optional[str] = typer.Option(None, "--labels", hidden=True),
    trainer: Optional[str] = typer.Option(None, help="Train a target NER model: crf (or hf)."),
    test: Optional[str] = typer.Option(None, help="Target test set to evaluate the trained model on."),
    test_labels: Optional[str] = typer.Option(None, "--test-label-map", help="Label map of the test set, e.g. DATE=O."),
    test_labels_old: Optional[str] = typer.Option(None, "--test-labels", hidden=True),
    plain: bool = typer.Option(False, "--plain", help=(
        "Plain projection: MISC kept as projected, no widening, sentences with unprojected "
        "entities kept (the default is the recipe chosen on MasakhaNER dev: project.misc=loc, "
        "project.extend=true, project.drop_partial=true).")),
    set_: list[str] = typer.Option([], "--set", help=_SET_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No stage log."),
    json_out: JsonSummary = False,
) -> None:
    """Project labelled source data onto its translation, then train and evaluate a target model.

    By default the projection follows the recipe chosen on MasakhaNER dev (MISC projected
    and turned into LOC where the data knows the words as a location, spans widened to the
    names the data labels whole, sentences with an unprojected entity left out); --plain
    turns it off.

    Each stage is cached in OUTPUT_DIR/cache: rerunning an interrupted run resumes after the
    last finished stage; OUTPUT_DIR/manifest.json records settings, versions, timings, counts.
    """
    labels = deprecated(labels, labels_old, "--labels", "--label-map")
    test_labels = deprecated(test_labels, test_labels_old, "--test-labels", "--test-label-map")
    extra = {"source.path": source, "source.ids": ids, "translate.path": translations,
             "tgt_lang": tgt_lang, "output_dir": output_dir, "project.method": method,
             "source.labels": labels, "train.trainer": trainer, "evaluate.test": test,
             "evaluate.labels": test_labels, "project.plain": True if plain else None}
    _run("translate-train", config, _overrides(set_, extra), json_out, quiet)


def translate_test(
    config: Optional[Path] = typer.Argument(None, help="Pipeline file (.toml, .yaml or .json)."),
    target: Optional[str] = typer.Option(None, help="Target-language sentences (gold spans, if any, are used to evaluate)."),
    translations: Optional[str] = typer.Option(None, help="Their translations into the source language."),
    labeller: Optional[str] = typer.Option(None, help="Source-language NER: spacy, spacy:<pipeline>, or a model."),
    tgt_lang: Optional[str] = typer.Option(None, help="Target language code."),
    output_dir: Optional[str] = typer.Option(None, "--output-dir", "-o", help="Run folder."),
    method: Optional[str] = typer.Option(None, help="Projection method: heuristic or match."),
    labels: Optional[str] = typer.Option(None, "--label-map", help="Label map of the labeller's output (default for spacy: ontonotes)."),
    labels_old: Optional[str] = typer.Option(None, "--labels", hidden=True),
    test_labels: Optional[str] = typer.Option(None, "--test-label-map", help="Label map of the target gold, e.g. MISC=O."),
    test_labels_old: Optional[str] = typer.Option(None, "--test-labels", hidden=True),
    set_: list[str] = typer.Option([], "--set", help=_SET_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No stage log."),
    json_out: JsonSummary = False,
) -> None:
    """Label target text by translating it into the source language, tagging it there and projecting back."""
    labels = deprecated(labels, labels_old, "--labels", "--label-map")
    test_labels = deprecated(test_labels, test_labels_old, "--test-labels", "--test-label-map")
    extra = {"target.path": target, "translate.path": translations, "label.labeller": labeller,
             "tgt_lang": tgt_lang, "output_dir": output_dir, "project.method": method,
             "label.labels": labels, "evaluate.labels": test_labels}
    _run("translate-test", config, _overrides(set_, extra), json_out, quiet)
