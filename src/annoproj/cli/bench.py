"""`annoproj bench ...`: the benchmarks behind docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from annoproj import defaults
from annoproj.cli.common import (
    EXIT_INPUT,
    EXIT_TARGET,
    crf_features,
    deprecated,
    emit_json,
    fail,
    scorer_options_of,
    split_list,
)
from annoproj.cli.options import QuietBench, ResultFile


DATA_DIR_HELP = ("Shared data folder (default: $ANNOPROJ_DATA, else shared/data beside the "
                 "folder of the annoproj checkout, i.e. <checkout>/../shared/data, wherever "
                 "the command runs).")

bench_app = typer.Typer(help="Benchmarks on the shared evaluation data.", no_args_is_help=True,
                        rich_markup_mode=None)


@bench_app.command("europarl")
def europarl(
    src: str = typer.Option("en", help="Source language: en, de, es or it."),
    tgt: str = typer.Option("de,es,it", help="Target languages, comma separated."),
    method: str = typer.Option(defaults.METHOD, help="heuristic or match."),
    scorers: str = typer.Option(",".join(defaults.SCORERS), help="Matching scorers (method match)."),
    solver: str = typer.Option(defaults.SOLVER, help="Matching solver: exact or greedy."),
    min_score: Optional[float] = typer.Option(None, min=0.0, max=1.0, help=(
        f"Smallest pair score matching keeps (default: {defaults.MIN_SCORE}, "
        f"{defaults.REFINED_MIN_SCORE} with --refine).")),
    extend: bool = typer.Option(False, "--extend", help=(
        "Widen projected spans to the whole names the projected corpus labels elsewhere "
        "(EU -> Unione europea; docs/matching.md).")),
    symmetrize: str = typer.Option(defaults.ALIGNER["symmetrize"], help="Symmetrisation of eflomal's links."),
    prefix_len: int = typer.Option(defaults.ALIGNER["prefix_len"], help="eflomal word prefix length (0: whole words)."),
    identical_words: bool = typer.Option(defaults.ALIGNER["identical_words"], help="Add shared words as one-word pairs."),
    seed: int = typer.Option(0, help="First seed of eflomal's sampler."),
    runs: int = typer.Option(1, min=1, help="Runs with seeds seed, seed+1, ...: rows give the mean, f1_std the spread."),
    data_dir: Optional[Path] = typer.Option(None, envvar="ANNOPROJ_DATA",
                                            help=DATA_DIR_HELP),
    out: ResultFile = None,
    out_old: Optional[Path] = typer.Option(None, "--out", hidden=True),
    docs: Optional[Path] = typer.Option(None, help="Update the Europarl table of this Markdown file (docs/benchmarks.md)."),
    plot: Optional[Path] = typer.Option(None, help=(
        "Draw a bar chart of F1 (MISC ignored) per target and on average to this PNG (needs "
        "matplotlib; benchmarks/plot_europarl.py draws one from result files).")),
    fail_under: float = typer.Option(0.0, help="Exit 5 if the average F1 (MISC ignored) is below this."),
    quiet: QuietBench = False,
    json_out: bool = typer.Option(False, "--json", help="One JSON object per language pair on stdout."),
    refine: str = typer.Option("none", help=(
        "Refine the alignments before projecting: none, pivot (the other Europarl languages) "
        "or backtranslation (needs --backtranslations or --translator).")),
    pivots: Optional[str] = typer.Option(None, help=(
        "Pivot languages for --refine pivot, comma separated (default: those neither source nor target).")),
    backtranslations: Optional[Path] = typer.Option(None, help=(
        "For --refine backtranslation: a folder of TGT-SRC.txt files, e.g. de-en.txt (the targets "
        "translated into the source language, one tokenised sentence a line; TGT-SRC.links beside "
        "them, if there, link each target word to its back-translation's words), or one file "
        "for one target.")),
    translator: Optional[str] = typer.Option(None, help=(
        "For --refine backtranslation: back-translate the targets now with apertium "
        "(rule-based, offline; system packages apertium and e.g. apertium-eng-spa), whose "
        "word links serve as the back-translation -> target leg.")),
    via: Optional[str] = typer.Option(None, help=(
        "Languages --translator chains through, comma separated (e.g. es: Italian -> "
        "Spanish -> English with Apertium; default: a direct pair, else any installed chain).")),
    target_links: str = typer.Option("auto", help=(
        "For --refine backtranslation, the back-translation -> target leg: auto (the "
        "translator's word links when it gives them, else eflomal), translator or eflomal.")),
    combine: str = typer.Option("auto", help=(
        "How refinement combines composed paths with the direct links: auto (confirm for the "
        "heuristic's links, a soft weighted mean for match's soft-union ones), confirm, vote, "
        "union, intersect-grow or weighted (docs/refinement.md).")),
    combine_k: Optional[int] = typer.Option(None, min=1, help=(
        "Votes a link needs (combine confirm, vote, intersect-grow).")),
    combine_option: Optional[list[str]] = typer.Option(None, "--combine-option", help=(
        "Another option of the combination policy as KEY=NUMBER, repeatable, e.g. "
        "threshold=0.25, direct_weight=0.5 (weighted).")),
    leg_option: Optional[list[str]] = typer.Option(None, "--leg-option", help=(
        "eflomal option of the refinement legs as KEY=NUMBER, repeatable (default: "
        "n_samplers=1; n_samplers=3 aligns legs like the direct pair).")),
    aligner: str = typer.Option("eflomal", help=(
        "Word aligner: eflomal, or the neural simalign / awesome (need annoproj[neural]).")),
    aligner_model: str = typer.Option("bert-base-multilingual-cased", help=(
        "Encoder of a neural aligner: hub name or folder (e.g. xlm-roberta-large, sentence-transformers/LaBSE).")),
    aligner_layer: int = typer.Option(8, help="Encoder layer a neural aligner reads (0: embeddings)."),
    aligner_method: str = typer.Option("itermax", help="simalign link extraction: itermax, argmax or match."),
    fuse_aligner: Optional[str] = typer.Option(None, help=(
        "A neural aligner (simalign or awesome, with --aligner-model/-layer/-method) whose "
        "links join eflomal's as extra evidence, e.g. --fuse-aligner simalign "
        "--aligner-model bundled:e5-small (docs/neural.md).")),
    models: Optional[str] = typer.Option(None, help=(
        "Models of model-backed matching scorers: embedding=M,ner=M,nmt=M,clip=M (hub names, "
        "folders or bundled:..., e.g. embedding=bundled:use-m).")),
    scorer_options: Optional[str] = typer.Option(None, help=(
        'Further matching-scorer options as JSON, e.g. \'{"embedding": {"prefix": "query: "}}\'.')),
    fuse_option: Optional[list[str]] = typer.Option(None, "--fuse-option", help=(
        "How the neural links join eflomal's, KEY=NUMBER, repeatable: direct_weight "
        f"(eflomal's share, default {defaults.FUSE['direct_weight']}), threshold "
        f"({defaults.FUSE['threshold']}), scored (1: a neural link counts its similarity; 0: 1.0)."),
    ),
    device: str = typer.Option("auto", help="Device of a neural aligner: auto, cpu or cuda."),
    source_labels: str = typer.Option("gold", "--labeller", help=(
        "Source entities: gold, or predicted by a labeller: spacy, spacy:<pipeline>, a model "
        "folder of `annoproj train` (translate-test with your own tagger), or a "
        "Hugging Face NER model name or folder (scored against the target gold).")),
    source_labels_old: Optional[str] = typer.Option(None, "--source-labels", hidden=True),
) -> None:
    """Project gold Europarl entities from SRC onto each TGT and score them (F1 with and without MISC)."""
    out = deprecated(out, out_old, "--out", "--output/-o")
    source_labels = deprecated(source_labels, source_labels_old, "--source-labels", "--labeller")
    from annoproj.bench.common import markdown_table, update_docs_section, write_results
    from annoproj.bench.europarl import EuroparlConfig, config_dict, run_europarl, summary_rows

    if plot is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            from annoproj.cli.common import EXIT_DEPENDENCY

            raise fail("--plot needs matplotlib, which is not installed: "
                       "pip install 'annoproj[plot]'", EXIT_DEPENDENCY) from None
    try:
        config = EuroparlConfig(
            src=src, tgts=[t.strip() for t in tgt.split(",") if t.strip()], method=method,
            scorers=[s.strip() for s in scorers.split(",") if s.strip()], solver=solver,
            aligner={"symmetrize": symmetrize, "prefix_len": prefix_len,
                     "identical_words": identical_words},
            seed=seed, runs=runs, refine=refine,
            pivots=[p.strip() for p in pivots.split(",") if p.strip()] if pivots else None,
            backtranslations=str(backtranslations) if backtranslations else None,
            translator=translator, via=split_list(via), target_links=target_links,
            combine=combine, combine_options=_combine_options(combine_k, combine_option),
            leg_options=_number_options(leg_option, "--leg-option", "n_samplers=3"),
            aligner_name=aligner, source_labels=source_labels, min_score=min_score, extend=extend,
            fuse_aligner=fuse_aligner, fuse_options=_fuse_options(fuse_option),
            scorer_options=scorer_options_of(models, scorer_options),
            neural_aligner={"model": aligner_model, "layer": aligner_layer, "device": device,
                            **({"method": aligner_method} if aligner == "simalign" else {})},
        )  # fmt: skip
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    if aligner not in ("eflomal", "simalign", "awesome"):
        raise fail(f"unknown --aligner {aligner!r}: use eflomal, simalign or awesome", 2)
    if fuse_aligner not in (None, "simalign", "awesome"):
        raise fail(f"unknown --fuse-aligner {fuse_aligner!r}: use simalign or awesome", 2)
    if refine not in ("none", "pivot", "backtranslation"):
        raise fail(f"unknown --refine {refine!r}: use none, pivot or backtranslation", 2)
    if refine != "backtranslation" and (translator or via or target_links != "auto"):
        raise fail("--translator, --via and --target-links go with --refine backtranslation", 2)
    if target_links not in ("auto", "translator", "eflomal"):
        raise fail(f"unknown --target-links {target_links!r}: use auto, translator or eflomal", 2)
    import time

    from annoproj.cli.common import progress_bar, summary_line
    from annoproj.train.base import ModelError

    started = time.perf_counter()
    bar = progress_bar(total=len(split_list(tgt)), label=f"europarl {src} -> {tgt}",
                       show=not quiet)
    try:
        with bar as advance:
            def on_row(row: dict) -> None:
                advance(1)
                if json_out:
                    emit_json(row)

            rows = run_europarl(config, data_dir=data_dir, on_row=on_row)
    except FileNotFoundError as exc:
        raise fail(str(exc), EXIT_INPUT) from exc
    except ModelError as exc:  # e.g. no Apertium pair for a target
        from annoproj.cli.common import EXIT_DEPENDENCY

        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    except ImportError as exc:  # a missing optional package or model (neural aligners)
        from annoproj.cli.common import EXIT_DEPENDENCY

        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    columns = COLUMNS if refine == "none" else COLUMNS[:6] + REFINE_COLUMNS + COLUMNS[6:] + [
        ("refine_s", "refine s")]
    if refine == "backtranslation":
        columns = [c for c in columns if c[0] != "pivots"]
        at = [c[0] for c in columns].index("combine")
        columns = (columns[:at] + [("translator", "translator"), ("target_leg", "leg")]
                   + columns[at:])
    if aligner != "eflomal":
        columns = [("aligner", "aligner") if key == "symmetrize" else (key, head) for key, head in columns]
    if source_labels != "gold":
        columns = columns[:2] + [("source_labels", "source labels")] + columns[2:]
    if extend:
        columns = columns[:6] + [("extend", "extend")] + columns[6:]
    table = markdown_table(summary_rows(rows), columns)
    if not json_out:
        typer.echo(table)
    if out is not None:
        write_results(out, "europarl", rows, config_dict(config))
    if docs is not None:
        key = f"europarl-{config.src}-{config.method}"
        if config.method == "match" and tuple(config.scorers) != tuple(defaults.SCORERS):
            key += "-" + "-".join(config.scorers)
        if refine != "none":
            key += f"-{refine}"
        if translator:
            key += f"-{translator}"
        if extend:
            key += "-extend"
        if aligner != "eflomal":
            key += f"-{aligner}"
        if fuse_aligner:
            key += f"-fuse-{fuse_aligner}"
        if source_labels != "gold":
            key += "-" + source_labels.replace("/", "_").replace(":", "_")
        update_docs_section(docs, key, table)
    if plot is not None:
        from annoproj.bench.europarl import config_label, plot_europarl

        plot_europarl([(config_label(config_dict(config)), rows)], plot)
    avg = sum(r["f1"] for r in rows) / len(rows)
    if not json_out:
        summary_line("bench europarl", f"{len(rows)} language pairs x {runs} run(s), average F1 "
                     f"{avg:.4f}{f'; results in {out}' if out is not None else ''}",
                     quiet=quiet, seconds=time.perf_counter() - started)
    if avg < fail_under:
        raise fail(f"average F1 {avg:.4f} is below --fail-under {fail_under}", EXIT_TARGET)


COLUMNS = [
    ("src", "src"), ("tgt", "tgt"), ("method", "method"), ("scorers", "scorers"),
    ("solver", "solver"), ("symmetrize", "links"), ("precision", "P"), ("recall", "R"),
    ("f1", "F1 (no MISC)"), ("f1_std", "F1 sd"), ("f1_misc", "F1 (MISC)"),
    ("align_s", "align s"), ("project_s", "project s"),
]


def _fuse_options(items: list[str] | None) -> dict:
    """`--fuse-option KEY=NUMBER` items over the benchmark's defaults."""
    from annoproj.bench.europarl import FUSE_DEFAULTS

    opts = dict(FUSE_DEFAULTS)
    given = _number_options(items, "--fuse-option", "direct_weight=0.6") or {}
    unknown = set(given) - set(opts)
    if unknown:
        raise fail(f"unknown --fuse-option {', '.join(sorted(unknown))}: use "
                   f"{', '.join(opts)}", 2)
    opts.update(given)
    opts["scored"] = bool(opts["scored"])
    return opts


def _number_options(items: list[str] | None, flag: str, example: str) -> dict | None:
    """Options given as repeated `FLAG KEY=NUMBER` (whole numbers become ints)."""
    opts: dict = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        try:
            if not sep or not key.strip():
                raise ValueError
            number = float(value)
        except ValueError:
            raise fail(f"{flag} {item!r}: use KEY=NUMBER, e.g. {example}", 2) from None
        opts[key.strip()] = int(number) if number.is_integer() and "." not in value else number
    return opts or None


def _combine_options(k: int | None, items: list[str] | None) -> dict | None:
    """The combination options of `--combine-k` and `--combine-option KEY=NUMBER`."""
    opts: dict = {} if k is None else {"k": k}
    opts.update(_number_options(items, "--combine-option", "threshold=0.25") or {})
    return opts or None


#: Extra columns of a run with --refine.
REFINE_COLUMNS = [("refine", "refine"), ("combine", "combine"), ("pivots", "pivots"),
                  ("min_score", "min score")]


@bench_app.command("masakhaner")
def masakhaner(
    langs: Optional[str] = typer.Option(None, help=(
        "Languages, comma separated (e.g. hau,nya) (default: all whose files are present).")),
    method: str = typer.Option(defaults.METHOD, help=(
        "Projection methods to train on, comma separated (heuristic, match); '' for none.")),
    baselines: str = typer.Option("tprojection,gold,zero-shot", help=(
        "Also train on: tprojection (T-Projection tags), gold (MasakhaNER train), zero-shot "
        "(English CoNLL-2003 gold, MISC dropped, the tagger applied to the target directly: "
        "model transfer); '' for none.")),
    trainer: str = typer.Option("crf", help=(
        "Tagger trained on each source: crf (annoproj's CRF), or hf (a tagger on a Hugging "
        "Face encoder, --model; rows get trainer and model keys).")),
    model: Optional[str] = typer.Option(None, help=(
        "Encoder of --trainer hf (default bundled:e5-small: a CRF on its frozen states plus "
        "the CRF's features, with a CRF on the features alone blended in).")),
    hf_option: Optional[list[str]] = typer.Option(None, "--hf-option", help=(
        "Option of --trainer hf, KEY=VALUE, repeatable: recipe=softmax, dims=128 (PCA size, "
        f"default {defaults.FROZEN_CRF_DIMS}), blend=0 (no CRF without the states; default "
        f"{defaults.FROZEN_CRF_BLEND}), device=cuda...")),
    plain: bool = typer.Option(False, "--plain", help=(
        "Plain matching, MISC dropped (the issue's protocol and T-Projection's): --misc, "
        "--extend and --drop-partial default to drop, off, off instead of the recipe chosen "
        "on dev (loc, on, on); given explicitly, they win.")),
    scorers: str = typer.Option(",".join(defaults.SCORERS), help="Matching scorers (method match)."),
    solver: str = typer.Option(defaults.SOLVER, help="Matching solver: exact or greedy."),
    seed: int = typer.Option(0, help="Seed of eflomal's sampler and of the tagger (the hf tagger's PCA sample)."),
    limit: Optional[int] = typer.Option(None, min=1, help=(
        "Use only the first N translated and gold train sentences (quick runs).")),
    split: str = typer.Option("test", help="MasakhaNER split to score on: test or dev."),
    dev_fallback: bool = typer.Option(False, "--dev-fallback", help=(
        "Score on dev.txt for languages whose test.txt is withheld (else they are skipped).")),
    drop_partial: Optional[bool] = typer.Option(None, "--drop-partial/--no-drop-partial", help=(
        "Leave out of training the sentences where a source entity was not projected "
        "(rows are named METHOD+drop-partial; on by default, off with --plain).")),
    complete: bool = typer.Option(False, "--complete", help=(
        "Label the mentions projection missed from the phrases the projected data labels "
        "reliably elsewhere (rows are named METHOD+complete).")),
    extend: Optional[bool] = typer.Option(None, "--extend/--no-extend", help=(
        "Widen projected spans that stop short of a name to the whole phrase the projected "
        "data labels elsewhere, e.g. U.N. -> Umoja wa Mataifa (rows METHOD+extend; on by "
        "default, off with --plain).")),
    self_train: bool = typer.Option(False, "--self-train", help=(
        "Before the final training, add the spans that taggers (--trainer) trained on the "
        "other folds predict confidently (rows METHOD+self-train; the T-Projection baseline "
        "gets it too).")),
    self_train_confidence: float = typer.Option(0.5, min=0.0, max=1.0, help=(
        "Smallest confidence (least tag marginal) of a self-training span.")),
    self_train_folds: int = typer.Option(2, min=2, help="Folds of self-training."),
    misc: Optional[str] = typer.Option(None, help=(
        "English MISC entities: loc (the default: project them; target words known as a "
        "location elsewhere in the projected data become LOC; rows are named "
        "METHOD+misc-loc), or drop (the default with --plain).")),
    name_keys: bool = typer.Option(True, help=(
        "Align names without the prefixes glued to them (laseParis -> Paris).")),
    refine: str = typer.Option("none", help=(
        "Alignment refinement: none, or pivot (through the other languages' translations "
        "of the same English sentences; rows METHOD+pivot).")),
    pivots: Optional[str] = typer.Option(None, help=(
        "Pivot languages for --refine pivot, comma separated (default: every other "
        "language with translations).")),
    fuse_with: Optional[str] = typer.Option(None, "--fuse-with", metavar="MODEL", help=(
        "Join an encoder's SimAlign links to eflomal's, e.g. bundled:e5-small (as "
        "`annoproj project --fuse-with`; made once per language and cached on disk; rows "
        "METHOD+fuse).")),
    repair_tokens: bool = typer.Option(True, help=(
        "Glue split combining accents back onto their word in the translations.")),
    rejoin: str = typer.Option("none", help=(
        "Rejoin what the translations' tokeniser split, for our projection and "
        "T-Projection's tags alike: none; pieces (Hausa 'jam 'iyyar' -> 'jam'iyyar'); words "
        "(also Yoruba 'wọ́ n' -> 'wọ́n', from the corpus's statistics). Rows +rejoin-MODE.")),
    heads: Optional[Path] = typer.Option(None, help=(
        "Head words the target's annotation puts inside a name (Hausa jihar in 'jihar "
        "Kano'): a file for every language or a folder of LANG.txt files; LOC and ORG "
        "spans take them in, in our projection and T-Projection's tags alike (rows +heads).")),
    c1: float = typer.Option(0.1, help="CRF L1 regularisation."),
    c2: float = typer.Option(0.1, help="CRF L2 regularisation."),
    max_iterations: int = typer.Option(100, help="CRF L-BFGS iterations."),
    fold_affixes: bool = typer.Option(False, help=(
        "CRF prefixes and suffixes without accents and tone marks (Yoruba Èkó shares them "
        "with Eko); every train source alike (rows get +fold-affixes).")),
    crf_features_name: str = typer.Option("rich", "--crf-features", help=(
        "CRF feature template: rich (annoproj's), or plain (sklearn-crfsuite's tutorial "
        "features, a common baseline CRF); every train source alike (plain rows get "
        "+plain-crf).")),
    o_weight: Optional[float] = typer.Option(None, min=0.0, help=(
        "Decode the tagger with the probability of O times this: below 1 finds more "
        "entities (every train source alike; rows get +o-weight-W). Default: 1 for the "
        "CRF, 0.25 for --trainer hf's frozen-encoder CRF (chosen on dev).")),
    data_dir: Optional[Path] = typer.Option(None, envvar="ANNOPROJ_DATA",
                                            help=DATA_DIR_HELP),
    out: ResultFile = None,
    out_old: Optional[Path] = typer.Option(None, "--out", hidden=True),
    replace_in: Optional[Path] = typer.Option(None, help=(
        "Rerun only --langs of an earlier result file with the same settings: their rows "
        "replace the file's, and table, --docs and --plot show all its languages.")),
    docs: Optional[Path] = typer.Option(None, help="Update the MasakhaNER table of this Markdown file (docs/benchmarks.md)."),
    plot: Optional[Path] = typer.Option(None, help="Draw a bar chart of F1 to this PNG (needs matplotlib)."),
    fail_under: float = typer.Option(0.0, help="Exit 5 if the first method's average F1 is below this."),
    quiet: QuietBench = False,
    json_out: bool = typer.Option(False, "--json", help="One JSON object per (language, train source) on stdout."),
) -> None:
    """Translate-train on MasakhaNER 2.0: project CoNLL-2003 entities onto NLLB translations,
    train a CRF, and score it against T-Projection tags and in-language gold training."""
    out = deprecated(out, out_old, "--out", "--output/-o")
    from annoproj.bench.common import markdown_table, update_docs_section, write_results
    from annoproj.bench.masakhaner import (
        DETAIL_COLUMNS,
        MasakhanerConfig,
        plot_results,
        run_masakhaner,
        summary_table,
    )
    from annoproj.cli.common import EXIT_DEPENDENCY
    from annoproj.train import MissingDependencyError

    if plot is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise fail("--plot needs matplotlib, which is not installed: "
                       "pip install 'annoproj[plot]'", EXIT_DEPENDENCY) from None
    if misc is None:
        misc = "drop" if plain else "loc"
    if extend is None:
        extend = not plain
    if drop_partial is None:
        drop_partial = not plain
    from annoproj.cli.train import trainer_options

    try:
        hf = trainer_options(hf_option) if hf_option else {}
        config = MasakhanerConfig(
            langs=split_list(langs) or None, methods=split_list(method),
            trainer=trainer, model=model, hf=hf,
            baselines=split_list(baselines), scorers=split_list(scorers), solver=solver,
            seed=seed, limit=limit, split=split, dev_fallback=dev_fallback,
            drop_partial=drop_partial, misc=misc, complete=complete, extend=extend,
            name_keys=name_keys, refine=refine,
            pivots=split_list(pivots) if pivots is not None else None, fuse_with=fuse_with,
            repair_tokens=repair_tokens, rejoin=rejoin, self_train=self_train,
            heads=str(heads) if heads is not None else None,
            self_train_confidence=self_train_confidence, self_train_folds=self_train_folds,
            crf={"c1": c1, "c2": c2, "max_iterations": max_iterations,
                 **({"o_weight": o_weight} if o_weight is not None else {}),
                 **crf_features(crf_features_name, fold_affixes=fold_affixes)},
        )  # fmt: skip
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    if not config.methods and not config.baselines:
        raise fail("nothing to train: give --method and/or --baselines", 2)

    def note(msg: str) -> None:
        if not quiet:
            typer.secho(msg, fg=typer.colors.YELLOW, err=True)

    old: dict | None = None
    if replace_in is not None:  # check the file before the long run
        import json
        from datetime import date

        from annoproj.bench.masakhaner import merge_rows

        try:
            old = json.loads(replace_in.read_text(encoding="utf-8"))
            merge_rows(old, [], config, today="")
        except (OSError, json.JSONDecodeError) as exc:
            raise fail(f"--replace-in {replace_in}: {exc}", EXIT_INPUT) from exc
        except ValueError as exc:
            raise fail(f"--replace-in {replace_in}: {exc}", 2) from exc
    try:
        rows = run_masakhaner(config, data_dir=data_dir, on_row=emit_json if json_out else None,
                              on_note=note)
    except FileNotFoundError as exc:
        raise fail(str(exc), EXIT_INPUT) from exc
    except MissingDependencyError as exc:
        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    except (ValueError, KeyError) as exc:
        raise fail(str(exc), 2) from exc
    if not rows:
        raise fail("no language could be run (see the notes above)", EXIT_INPUT)
    settings = config.to_dict()
    if old is not None:  # --replace-in
        rows, settings = merge_rows(old, rows, config, today=date.today().isoformat())
        write_results(replace_in, "masakhaner", rows, settings)
    table = summary_table(rows)
    if not json_out:
        what = "CRF" if config.trainer == "crf" else f"hf tagger on {config.model_name}"
        typer.echo(f"MasakhaNER 2.0 {config.split} F1 (PER, ORG, LOC), {what} trained on:\n")
        typer.echo(table)
        typer.echo("")
        typer.echo(markdown_table(rows, DETAIL_COLUMNS))
    if out is not None:
        write_results(out, "masakhaner", rows, settings)
    if docs is not None:
        suffix = config.variant.replace("+", "-")
        if config.trainer != "crf":
            suffix += "-" + config.trainer + "-" + "".join(
                c if c.isalnum() else "-" for c in str(config.model_name))
        update_docs_section(docs, f"masakhaner-{config.split}{suffix}", table)
    if plot is not None:
        plot_results(rows, plot)
    first = config.methods[0] if config.methods else config.baselines[0]
    f1s = [r["f1"] for r in rows if r["train"] == first]
    avg = sum(f1s) / len(f1s) if f1s else 0.0
    if avg < fail_under:
        raise fail(f"average F1 of {first} {avg:.4f} is below --fail-under {fail_under}",
                   EXIT_TARGET)


@bench_app.command("ablation")
def ablation(
    scorers: str = typer.Option("alignment,string", help=(
        "Scorers to ablate, comma separated: each runs alone, then all fused "
        "(alignment, string, lexical, ner, nmt, embedding, clip).")),
    models: Optional[str] = typer.Option(None, help=(
        "Models of the neural scorers: ner=M,nmt=M,embedding=M,clip=M (hub names or folders).")),
    scorer_options: Optional[str] = typer.Option(None, help=(
        'Further scorer options as JSON, e.g. \'{"nmt": {"normalize": "best"}, '
        '"clip": {"pretrained": "laion5b_s13b_b90k"}}\'.')),
    src: str = typer.Option("en", help="Source language: en, de, es or it."),
    tgt: str = typer.Option("de,es,it", help="Target languages, comma separated."),
    solver: str = typer.Option(defaults.SOLVER, help="Matching solver: exact or greedy."),
    fusion: bool = typer.Option(True, help="Also run the fusion of all the scorers."),
    min_score: Optional[float] = typer.Option(None, help=(
        "Lowest pair score the matching may choose (default: the projector's).")),
    device: str = typer.Option("auto", help="Device of the models: auto, cpu or cuda."),
    batch_size: Optional[int] = typer.Option(None, min=1, help="Batch size of the neural scorers."),
    fp16: bool = typer.Option(True, help="Half precision on a GPU."),
    aligner: str = typer.Option("eflomal", help="Word aligner: eflomal, simalign or awesome."),
    aligner_model: str = typer.Option("bert-base-multilingual-cased", help="Encoder of a neural aligner."),
    aligner_layer: int = typer.Option(8, help="Encoder layer of a neural aligner."),
    seed: int = typer.Option(0, help="First seed of eflomal's sampler."),
    runs: int = typer.Option(1, min=1, help=(
        "Runs with seeds seed, seed+1, ...: rows give the mean F1, f1_std the spread "
        "(scorer caches are kept across the runs; `project s` is the first, cold run).")),
    weights: Optional[str] = typer.Option(None, help=(
        "Fusion weights as scorer=number pairs, e.g. alignment=1,lexical=1,string=1,embedding=0.5 "
        "(default: the matching projector's).")),
    limit: Optional[int] = typer.Option(None, min=1, help="Use only the first N sentences (quick runs)."),
    data_dir: Optional[Path] = typer.Option(None, envvar="ANNOPROJ_DATA",
                                            help=DATA_DIR_HELP),
    out: ResultFile = None,
    out_old: Optional[Path] = typer.Option(None, "--out", hidden=True),
    quiet: QuietBench = False,
    json_out: bool = typer.Option(False, "--json", help="One JSON object per (scorer set, language) on stdout."),
) -> None:
    """Europarl F1 of the matching projection with each scorer alone and all of them fused."""
    out = deprecated(out, out_old, "--out", "--output/-o")
    from annoproj.bench.ablation import (
        COLUMNS as ABLATION_COLUMNS,
        AblationConfig,
        parse_models,
        parse_options,
        parse_weights,
        pivot_table,
        run_ablation,
    )
    from annoproj.bench.common import markdown_table, write_results
    from annoproj.cli.common import EXIT_DEPENDENCY

    if aligner not in ("eflomal", "simalign", "awesome"):
        raise fail(f"unknown --aligner {aligner!r}: use eflomal, simalign or awesome", 2)
    try:
        config = AblationConfig(
            scorers=scorers.split(","), models=parse_models(models),
            options=parse_options(scorer_options), src=src,
            tgts=[t.strip() for t in tgt.split(",") if t.strip()], solver=solver, fusion=fusion,
            min_score=min_score, weights=parse_weights(weights),
            device=device, batch_size=batch_size, fp16=fp16, aligner=aligner,
            neural_aligner={"model": aligner_model, "layer": aligner_layer, "device": device},
            seed=seed, runs=runs, limit=limit,
        )  # fmt: skip
        rows = run_ablation(config, data_dir=data_dir, on_row=emit_json if json_out else None)
    except FileNotFoundError as exc:
        raise fail(str(exc), EXIT_INPUT) from exc
    except ImportError as exc:  # a missing optional package or model
        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    except (ValueError, KeyError) as exc:
        raise fail(str(exc), 2) from exc
    if not json_out:
        typer.echo(pivot_table(rows))
        typer.echo("")
        typer.echo(markdown_table(rows, ABLATION_COLUMNS))
    if out is not None:
        write_results(out, "ablation", rows, config.to_dict())


@bench_app.command("labeller")
def labeller(
    model: str = typer.Option("spacy", help=(
        "Labeller: spacy, spacy:<pipeline>, or a Hugging Face token-classification model "
        "name or folder (e.g. Davlan/xlm-roberta-base-ner-hrl).")),
    datasets: str = typer.Option("europarl-en,conll2003-test", help=(
        "Data sets, comma separated: europarl-en, conll2003-test, conll2003-valid.")),
    limit: Optional[int] = typer.Option(None, min=1, help="Use only the first N sentences of each."),
    label_map: Optional[str] = typer.Option(None, help=(
        "Label map of the labeller, e.g. 'DATE=O' (default: ontonotes for spaCy, none for HF).")),
    aggregation: str = typer.Option("first", help="HF subword -> word aggregation: first, average or max."),
    batch_size: int = typer.Option(defaults.NEURAL_BATCH_SIZE, min=1, help="Sentences per batch."),
    device: str = typer.Option("auto", help="Device of a HF model: auto, cpu or cuda."),
    data_dir: Optional[Path] = typer.Option(None, envvar="ANNOPROJ_DATA",
                                            help=DATA_DIR_HELP),
    out: ResultFile = None,
    out_old: Optional[Path] = typer.Option(None, "--out", hidden=True),
    docs: Optional[Path] = typer.Option(None, help="Update the labeller table of this Markdown file."),
    quiet: QuietBench = False,
    json_out: bool = typer.Option(False, "--json", help="One JSON object per data set on stdout."),
) -> None:
    """Score a source NER labeller (F1 over PER, ORG, LOC) on English Europarl and CoNLL-2003."""
    out = deprecated(out, out_old, "--out", "--output/-o")
    from annoproj.bench.common import markdown_table, update_docs_section, write_results
    from annoproj.bench.labeller import COLUMNS as LABELLER_COLUMNS
    from annoproj.bench.labeller import run_labeller_bench
    from annoproj.cli.common import EXIT_DEPENDENCY
    from annoproj.train.base import MissingDependencyError, ModelError

    opts: dict = {"batch_size": batch_size, "device": device, "aggregation": aggregation}
    if label_map is not None:
        opts["label_map"] = label_map
    names = [d.strip() for d in datasets.split(",") if d.strip()]
    try:
        rows = run_labeller_bench(model, data_dir=data_dir, datasets=names, limit=limit,
                                  on_row=emit_json if json_out else None, **opts)
    except FileNotFoundError as exc:
        raise fail(str(exc), EXIT_INPUT) from exc
    except (MissingDependencyError, ModelError) as exc:
        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    table = markdown_table(rows, LABELLER_COLUMNS)
    if not json_out:
        typer.echo(table)
    if docs is not None:
        update_docs_section(docs, "labeller", table)
    if out is not None:
        write_results(out, "labeller", rows, {"model": model, "datasets": names, "limit": limit,
                                              **opts})


@bench_app.command("speed")
def speed(
    pairs: int = typer.Option(1_000_000, min=1, help="Sentence pairs in the synthetic corpus."),
    method: str = typer.Option(defaults.METHOD, help="Projection method."),
    runs: str = typer.Option("process:1,process:2,ray:2",
                             help="Projection runs as BACKEND:WORKERS, comma separated."),
    align_pairs: int = typer.Option(10_000, min=0, help="Pairs for the eflomal throughput row (0: skip)."),
    chunk_size: int = typer.Option(20_000, min=1, help="Sentence pairs per checkpointed chunk."),
    scaling: bool = typer.Option(True, help="Add the solver scaling rows (length x entities)."),
    work_dir: Optional[Path] = typer.Option(None, help="Where to write the synthetic corpus (default: temp)."),
    data_dir: Optional[Path] = typer.Option(None, envvar="ANNOPROJ_DATA",
                                            help=DATA_DIR_HELP),
    out: ResultFile = None,
    out_old: Optional[Path] = typer.Option(None, "--out", hidden=True),
    docs: Optional[Path] = typer.Option(None, help="Update the speed tables of this Markdown file."),
    quiet: QuietBench = False,
    json_out: bool = typer.Option(False, "--json", help="One JSON object per line."),
) -> None:
    """Throughput, scaling with workers and backends, peak memory, and solver cost growth."""
    out = deprecated(out, out_old, "--out", "--output/-o")
    from annoproj.bench.common import markdown_table, update_docs_section, write_results
    from annoproj.bench.speed import SpeedConfig, run_speed

    try:
        run_list = [(b.split(":")[0], int(b.split(":")[1]) if ":" in b else 1)
                    for b in runs.split(",") if b.strip()]
    except ValueError as exc:
        raise fail(f"--runs {runs!r}: use BACKEND:WORKERS, e.g. process:2", 2) from exc
    config = SpeedConfig(pairs=pairs, method=method, runs=run_list, align_pairs=align_pairs,
                         chunk_size=chunk_size, scaling=scaling,
                         work_dir=str(work_dir) if work_dir else None)
    try:
        rows = run_speed(config, data_dir=data_dir, on_row=emit_json if json_out else None)
    except FileNotFoundError as exc:
        raise fail(str(exc), EXIT_INPUT) from exc
    stage_rows = [r for r in rows if r["stage"] != "solve"]
    solve_rows = [r for r in rows if r["stage"] == "solve"]
    t1 = markdown_table(stage_rows, SPEED_COLUMNS)
    t2 = markdown_table(solve_rows, SOLVE_COLUMNS) if solve_rows else ""
    if not json_out:
        typer.echo(t1)
        if t2:
            typer.echo("\n" + t2)
    if out is not None:
        from dataclasses import asdict

        write_results(out, "speed", rows, asdict(config))
    if docs is not None:
        update_docs_section(docs, "speed", t1)
        if t2:
            update_docs_section(docs, "speed-solvers", t2)


SPEED_COLUMNS = [
    ("stage", "stage"), ("backend", "backend"), ("workers", "workers"), ("sentences", "sentences"),
    ("seconds", "seconds"), ("sentences_per_s", "sent/s"), ("peak_mem_mb", "peak MB (driver)"),
    ("largest_child_mem_mb", "peak MB (largest child)"), ("total_mem_mb", "peak MB (all processes)"),
    ("output_sha256", "output sha256"),
]
SOLVE_COLUMNS = [
    ("length", "target length"), ("entities", "entities"), ("candidates", "candidates"),
    ("backend", "solver"), ("ms_per_sentence", "ms / sentence"), ("objective", "total score"),
]
