"""`annoproj evaluate` and `annoproj evaluate-alignment`: scores against gold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from annoproj.cli.common import (
    EXIT_DEPENDENCY,
    EXIT_INPUT,
    EXIT_USAGE,
    deprecated,
    emit_json,
    fail,
    label_list,
    read_sentences,
    scheme_option,
    split_list,
    summary_line,
)
from annoproj.cli.options import (
    InputFormat,
    JsonTable,
    LabelList,
    Quiet,
    warn_no_entities,
)


def evaluate(
    gold: Path = typer.Argument(..., help="Gold CoNLL or JSONL (or any format convert reads)."),
    pred: Path = typer.Argument(..., help="Predicted CoNLL or JSONL, same sentences."),
    ignore: Optional[list[str]] = typer.Option(None, "--ignore", help=(
        "Labels to ignore on both sides, in any case; repeat or comma-separate: --ignore MISC "
        "--ignore date, --ignore MISC,DATE.")),
    mode: str = typer.Option("default", "--mode", help=(
        "default: conlleval's reading, invalid tag sequences repaired (seqeval's default "
        "mode); strict: only chunks valid in --scheme count (seqeval's mode='strict').")),
    scheme: str = typer.Option("IOB2", "--scheme", callback=scheme_option, help=(
        "With --mode strict: the scheme the tags are read in (iob1, iob2, bioes, biluo).")),
    out: Optional[Path] = typer.Option(None, "--output", "-o", "--out", help=(
        "Also write the metrics (micro, macro, weighted, per type) to this JSON file.")),
    label_map: Optional[str] = typer.Option(None, "--label-map", help=(
        "Label map applied to both sides before scoring, e.g. 'MISC=O' (as --ignore MISC) or "
        "'PERSON=PER'.")),
    fmt: InputFormat = "auto",
    label_names: LabelList = None,
    quiet: Quiet = False,
    json_out: JsonTable = False,
) -> None:
    """Entity-level precision, recall and F1 (micro, macro, weighted and per type), as seqeval
    computes them; tags that belong to no scheme (0, FOO) are an error naming the line."""
    from annoproj.evaluate import evaluate_spans

    if mode not in ("default", "strict"):
        raise fail(f"unknown --mode {mode!r}: use default or strict", EXIT_USAGE)
    names = label_list(label_names)
    ignored = [x for item in ignore or [] for x in split_list(item)]
    strict = mode == "strict"

    def load(path: Path):
        try:
            return read_sentences(path, fmt, label_names=names, strict_tags=True,
                                  keep_tags=strict)
        except (FileNotFoundError, ValueError, UnicodeDecodeError) as exc:
            raise fail(str(exc), EXIT_INPUT) from exc
        except ImportError as exc:
            raise fail(str(exc), EXIT_DEPENDENCY) from exc

    g, p = load(gold), load(pred)
    if len(g) != len(p):
        raise fail(f"{gold} has {len(g)} sentences but {pred} has {len(p)}", EXIT_INPUT)
    for k, (x, y) in enumerate(zip(g, p)):  # the same sentences, not just as many
        if len(x.tokens) != len(y.tokens):
            raise fail(f"sentence {k + 1} ({x.id} / {y.id}) has {len(x.tokens)} tokens in "
                       f"{gold} but {len(y.tokens)} in {pred}: are they the same sentences?",
                       EXIT_INPUT)
    warn_no_entities(gold, g, "gold: every score is 0")
    if label_map:
        from annoproj.data.labels import LabelMap
        from annoproj.data.model import Sentence

        try:
            lmap = LabelMap.parse(label_map)
        except ValueError as exc:
            raise fail(str(exc), EXIT_USAGE) from exc
        if strict:  # map the types of the tags, keeping their prefixes
            def mapped(tags: list[str]) -> list[str]:
                out_tags = []
                for t in tags:
                    new = lmap(t[2:]) if t != "O" else None
                    out_tags.append(f"{t[:2]}{new}" if new else "O")
                return out_tags

            for s in [*g, *p]:
                if "_tags" in s.meta:
                    s.meta["_tags"] = mapped(s.meta["_tags"])
        g = [Sentence(s.tokens, lmap.map_spans(s.spans), s.id, s.meta) for s in g]
        p = [Sentence(s.tokens, lmap.map_spans(s.spans), s.id, s.meta) for s in p]
    if strict:
        from annoproj.data.tags import spans_to_tags
        from annoproj.evaluate.strict import strict_spans

        def spans_of(path: Path, sents) -> list:
            out_spans = []
            for k, s in enumerate(sents):
                tags = s.meta.get("_tags") or spans_to_tags(s.spans, len(s.tokens), scheme=scheme)
                try:
                    out_spans.append(strict_spans(tags, scheme))
                except ValueError as exc:
                    raise fail(f"{path}: sentence {k + 1} ({s.id}): {exc}", EXIT_INPUT) from None
            return out_spans

        gs, ps = spans_of(gold, g), spans_of(pred, p)
    else:
        gs, ps = [x.spans for x in g], [x.spans for x in p]
    seen = {sp[2].lower() for sents in (gs, ps) for sent in sents for sp in sent}
    for label in ignored:
        if label.lower() not in seen:
            typer.secho(f"warning: --ignore {label}: no entity of that label in {gold} or {pred}",
                        fg=typer.colors.YELLOW, err=True)
    report = evaluate_spans(gs, ps, ignore=ignored)
    metrics = {"mode": mode, **({"scheme": scheme} if strict else {}),
               "ignore": ignored, **report.to_dict()}
    if out is not None:
        from annoproj.data.io import atomic_write

        with atomic_write(out) as f:
            f.write(json.dumps(metrics, indent=2) + "\n")
    if json_out:
        emit_json(metrics)
        return
    typer.echo(f"{'type':<10}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    for name, r in sorted(report.per_type.items()):
        typer.echo(f"{name:<10}{r.precision:>10.4f}{r.recall:>10.4f}{r.f1:>10.4f}{r.support:>10}")
    for name, m in (("micro", report.micro), ("macro", report.macro),
                    ("weighted", report.weighted)):
        typer.echo(f"{name:<10}{m.precision:>10.4f}{m.recall:>10.4f}{m.f1:>10.4f}{m.support:>10}")
    summary_line("evaluate", f"scored {len(p)} sentences of {pred} against {gold} "
                 f"({report.micro.support} gold, {report.micro.predicted} predicted entities"
                 f"{', ' + ', '.join(ignored) + ' ignored' if ignored else ''})"
                 f"{f'; metrics in {out}' if out is not None else ''}", quiet=quiet)


def evaluate_alignment(
    gold: Optional[Path] = typer.Argument(None, metavar="GOLD", show_default=False, help=(
        "Gold links, one sentence pair a line: i-j sure, i?j or ipj possible.")),
    pred: Optional[Path] = typer.Argument(None, metavar="PRED", show_default=False, help=(
        "Predicted Pharaoh links (i-j or i-j:p, mixed too), same pairs.")),
    gold_old: Optional[Path] = typer.Option(None, "--gold", "-g", hidden=True),
    pred_old: Optional[Path] = typer.Option(None, "--pred", "-p", hidden=True),
    one_based: bool = typer.Option(False, "--one-based", help="Indices in both files start at 1."),
    quiet: Quiet = False,
    json_out: JsonTable = False,
) -> None:
    """Word-alignment precision, recall, F1 and AER against gold sure/possible links."""
    from annoproj.data.io import read_pharaoh
    from annoproj.data.model import Alignment
    from annoproj.evaluate.alignment import alignment_scores, read_gold_alignments

    gold = deprecated(gold, gold_old, "--gold/-g", "the first argument, GOLD")
    pred = deprecated(pred, pred_old, "--pred/-p", "the second argument, PRED")
    if gold is None or pred is None:
        raise fail("give the gold and predicted links: annoproj evaluate-alignment GOLD PRED",
                   EXIT_USAGE)

    try:
        sure, possible = read_gold_alignments(gold, one_based=one_based)
        links = read_pharaoh(pred)
    except (FileNotFoundError, ValueError) as exc:
        raise fail(str(exc), EXIT_INPUT) from exc
    if one_based:
        if any(len(a) and a.links.min() < 1 for a in links):
            raise fail(f"{pred} has index 0 but --one-based was given", EXIT_INPUT)
        links = [Alignment.from_arrays(a.links - 1) for a in links]
    if len(links) != len(sure):
        raise fail(f"{gold} has {len(sure)} lines but {pred} has {len(links)}", EXIT_INPUT)
    scores = alignment_scores(links, sure, possible)
    if json_out:
        emit_json(scores.to_dict())
        return
    typer.echo(f"{'precision':>10}{'recall':>10}{'f1':>10}{'AER':>10}{'links':>8}{'sure':>8}{'possible':>10}")
    typer.echo(f"{scores.precision:>10.4f}{scores.recall:>10.4f}{scores.f1:>10.4f}{scores.aer:>10.4f}"
               f"{scores.predicted:>8}{scores.sure:>8}{scores.possible:>10}")
    summary_line("evaluate-alignment", f"scored {len(links)} sentence pairs of {pred} against "
                 f"{gold}", quiet=quiet)
