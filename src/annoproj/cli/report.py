"""`annoproj report`: the HTML inspection page of a projection."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from annoproj.cli.common import (
    EXIT_INPUT,
    EXIT_USAGE,
    emit_json,
    fail,
    read_links,
    read_sentences,
    deprecated,
    summary_line,
)
from annoproj.cli.options import JsonSummary, Quiet


def _read(path: Path, fmt: str = "auto"):
    try:
        return read_sentences(path, fmt)
    except (FileNotFoundError, ValueError, UnicodeDecodeError) as exc:
        raise fail(str(exc), EXIT_INPUT) from exc


def report(
    src: Path = typer.Argument(..., help="Source sentences with entities (CoNLL or JSONL)."),
    projected: Path = typer.Argument(..., help=(
        "Projected target sentences: the JSONL of `annoproj project -o x.jsonl` (scores and "
        "source links per span), or CoNLL.")),
    output: Path = typer.Option(..., "--output", "-o", help="HTML page to write."),
    alignments: Optional[Path] = typer.Option(None, "--alignments", "-a", help=(
        "Pharaoh links parallel to SRC: hovering a token shows its links.")),
    gold: Optional[Path] = typer.Option(None, "--gold", "-g", help=(
        "Target gold entities (CoNLL or JSONL), parallel to SRC or to PROJECTED.")),
    labels_old: Optional[str] = typer.Option(None, "--labels", hidden=True),
    labels: Optional[str] = typer.Option(None, "--label-map", help=(
        "The label map given to `annoproj project`, e.g. 'MISC=O'; applied to gold too.")),
    compare: Optional[Path] = typer.Option(None, "--compare", help=(
        "A second projection of the same sentences (e.g. another --method), shown under "
        "PROJECTED in each card; pairs where the two differ are marked and can be filtered.")),
    names: Optional[str] = typer.Option(None, "--names", help=(
        "Names of PROJECTED and the --compare projection, comma-separated (default: the file "
        "names without extension).")),
    limit: Optional[int] = typer.Option(None, min=1, help="Only the first N sentence pairs."),
    title: Optional[str] = typer.Option(None, help="Page title (default: the file names)."),
    quiet: Quiet = False,
    json_out: JsonSummary = False,
) -> None:
    """Write a self-contained HTML page to inspect projected entities pair by pair."""
    from annoproj.report import kept_indices, read_skipped, write_report

    labels = deprecated(labels, labels_old, "--labels", "--label-map")

    s, t = _read(src), _read(projected)
    g = _read(gold) if gold is not None else None
    log = projected.with_name(projected.name + ".skipped.tsv")
    try:
        skipped = read_skipped(log) if len(t) != len(s) and log.exists() else None
        if skipped is None and g is not None and len(g) == len(s) != len(t):
            # no log: the projected sentences keep the ids of the target file, as gold does
            where = {x.id: i for i, x in enumerate(g)}
            if all(x.id in where for x in t):
                kept = {where[x.id] for x in t}
                skipped = [i for i in range(len(s)) if i not in kept]
        idx = kept_indices(len(s), len(t), skipped)
    except ValueError as exc:
        raise fail(f"{projected}: {exc}", EXIT_INPUT) from exc
    links = None
    if alignments is not None:
        every = read_links(alignments, len(s), src)
        links = [every[i] for i in idx]
    if g is not None:
        if len(g) == len(s):
            g = [g[i] for i in idx]
        elif len(g) != len(t):
            raise fail(f"{gold} has {len(g)} sentences but {src} has {len(s)} and {projected} "
                       f"{len(t)}", EXIT_INPUT)
    b = None
    if compare is not None:
        bt = _read(compare)
        blog = compare.with_name(compare.name + ".skipped.tsv")
        try:
            if len(bt) == len(s) or blog.exists():
                bskipped = read_skipped(blog) if len(bt) != len(s) else None
                at = dict(zip(kept_indices(len(s), len(bt), bskipped), bt))
                b = [at.get(i) for i in idx]
            elif len(bt) == len(t):  # skipped the same sentences as PROJECTED
                b = list(bt)
            else:
                kept_indices(len(s), len(bt), None)  # raises
        except ValueError as exc:
            raise fail(f"{compare}: {exc}", EXIT_INPUT) from exc
    if names is not None:
        name_pair = [x.strip() for x in names.split(",")]
        if len(name_pair) != 2 or not all(name_pair):
            raise fail(f"--names takes two comma-separated names, got {names!r}", EXIT_USAGE)
    else:
        name_pair = [projected.stem, compare.stem if compare is not None else "B"]
        if name_pair[0] == name_pair[1]:
            name_pair = [projected.name, compare.name if compare is not None else "B"]
    s = [s[i] for i in idx]
    if limit is not None:
        s, t, idx = s[:limit], t[:limit], idx[:limit]
        links = None if links is None else links[:limit]
        g = None if g is None else g[:limit]
        b = None if b is None else b[:limit]
    try:
        summary = write_report(output, src=s, tgt=t, alignments=links, gold=g, label_map=labels,
                               indices=idx, title=title or f"{src.name} → {projected.name}"
                               + (f" vs {compare.name}" if compare is not None else ""),
                               compare=b, names=name_pair)
    except ValueError as exc:
        code = EXIT_USAGE if "label map" in str(exc) else EXIT_INPUT
        raise fail(str(exc), code) from exc
    if json_out:
        emit_json({"output": str(output), **summary})
    else:
        summary_line("report", f"{len(t)} sentence pairs of {src} and {projected}"
                     f"{f' with gold {gold}' if gold is not None else ''}"
                     f"{f' compared with {compare}' if compare is not None else ''}; wrote {output}",
                     quiet=quiet)
