"""`annoproj translate` and `annoproj label`: translations and source-language NER."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from annoproj import defaults
from annoproj.cli.common import (
    EXIT_INPUT,
    GPUS_HELP,
    POOL_HELP,
    RAY_ADDRESS_HELP,
    WORKERS_HELP,
    emit_json,
    fail,
    pool_options,
    progress_bar,
    split_list,
    summary_line,
)
from annoproj.cli.options import InputFormat, JsonStdout, Quiet, Scheme, load_input
from annoproj.cli.train import write_sentences


def translate_cmd(
    model: Optional[str] = typer.Option(None, "--model", "-m", help=(
        "Seq2seq model: Hugging Face name or folder (facebook/nllb-200-distilled-600M, "
        "facebook/m2m100_418M, Helsinki-NLP/opus-mt-en-de); with --backend ct2 a CTranslate2 "
        "folder; with --backend apertium Apertium's data folder (default: the installed one).")),
    src_lang: str = typer.Option(..., "--src-lang", help="Source language: ISO 639-1/3 (eng, en) or the model's code (eng_Latn)."),
    tgt_lang: str = typer.Option(..., "--tgt-lang", help="Target language, e.g. hau or hau_Latn."),
    input_file: Path = typer.Option(..., "--input", "-i", help="Sentences: CoNLL, JSONL or text (one sentence a line)."),
    output: Path = typer.Option(..., "--output", "-o", help=(
        "Translations: .conll / .jsonl (with projected entities under --markers), else tokenised text.")),
    backend: str = typer.Option("hf", help=(
        "hf (transformers), ct2 (CTranslate2, faster) or apertium (rule-based, offline, from "
        "system packages such as apertium-eng-spa; docs/refinement.md).")),
    via: Optional[str] = typer.Option(None, help=(
        "apertium: languages to chain through when the pair has no mode, comma separated "
        "(e.g. es for it -> es -> en).")),
    links: Optional[Path] = typer.Option(None, "--links", help=(
        "apertium: also write the word links, input word i to output word j, as Pharaoh "
        "lines (what --backtranslation-links of annoproj align reads).")),
    tokenizer: Optional[str] = typer.Option(None, help="ct2: the original model for the tokenizer (default: the folder)."),
    device: str = typer.Option("auto", help="auto, cpu or cuda."),
    batch_size: int = typer.Option(defaults.TRANSLATE_BATCH_SIZE, min=1, help="Sentences per batch."),
    num_beams: int = typer.Option(1, min=1, help="Beam size (1: greedy)."),
    max_length: int = typer.Option(256, min=1, help="Most subword tokens in and out."),
    cache: Optional[Path] = typer.Option(None, help="SQLite file caching translations per sentence."),
    markers: bool = typer.Option(False, "--markers", help=(
        "Project the input entities by translating them inside markers (EasyProject).")),
    marker_style: str = typer.Option("brackets", help="Markers: brackets ([ ]) or xml (<e0> </e0>)."),
    scheme: Scheme = "IOB2",
    fmt: InputFormat = "auto",
    workers: int = typer.Option(1, min=1, help=WORKERS_HELP),
    pool: str = typer.Option("process", help=POOL_HELP),
    ray_address: Optional[str] = typer.Option(None, help=RAY_ADDRESS_HELP),
    gpus_per_worker: float = typer.Option(0.0, min=0.0, help=GPUS_HELP),
    quiet: Quiet = False,
    json_out: JsonStdout = False,
) -> None:
    """Machine-translate sentences (NLLB-200, M2M-100, Marian) with transformers or
    CTranslate2, or with Apertium's rule-based pairs offline."""
    from annoproj.bench.common import timer
    from annoproj.cli.common import EXIT_DEPENDENCY
    from annoproj.data.model import Sentence
    from annoproj.train.base import MissingDependencyError, ModelError
    from annoproj.translate import make_translator

    if backend not in ("hf", "ct2", "apertium"):
        raise fail(f"unknown --backend {backend!r}: use hf, ct2 or apertium", 2)
    rule_based = backend == "apertium"
    if model is None and not rule_based:
        raise fail(f"--backend {backend} needs --model (a model name or folder)", 2)
    if (via or links is not None) and not rule_based:
        raise fail("--via and --links go with --backend apertium", 2)
    if markers and rule_based:
        raise fail("--markers needs a neural translator (--backend hf or ct2): Apertium "
                   "does not carry markers through its rules", 2)
    sents = load_input(input_file, fmt)
    opts: dict
    if rule_based:
        opts = {"via": split_list(via)}
    else:
        opts = dict(device=device, batch_size=batch_size, num_beams=num_beams,
                    max_length=max_length, cache=cache)
    if backend == "ct2" and tokenizer:
        opts["tokenizer"] = tokenizer
    skipped: list = []
    parallel = workers > 1 or pool == "ray"
    if parallel and (markers or links is not None):
        raise fail("--markers and --links run in one worker: leave out --workers/--pool ray", 2)
    word_links = None
    try:
        with timer() as tm:
            if rule_based and not parallel:
                translator = make_translator(backend, model, **opts)
                done = []
                with progress_bar(total=len(sents), label="translating", show=not quiet) as adv:
                    for lo in range(0, len(sents), 1000):  # one pipeline run per 1000
                        part = [s.tokens for s in sents[lo : lo + 1000]]
                        done += translator.translate_aligned(part, src_lang=src_lang,
                                                             tgt_lang=tgt_lang)
                        adv(len(part))
                tgt_tokens = [d.tokens for d in done]
                word_links = [d.alignment for d in done]
                spans = [[] for _ in sents]
            elif markers:
                from annoproj.project.markers import MarkerProjector

                opts.update(src_lang=src_lang, tgt_lang=tgt_lang)
                proj = MarkerProjector(make_translator(backend, model, **opts), style=marker_style)
                tgt_tokens, result = proj.project_with_translation(sents)
                spans = [[p.span() for p in ps] for ps in result.spans]
                skipped = result.skipped
            else:
                from annoproj.pipeline.parallel import Call, WorkerSpec, map_chunks

                opts.update(src_lang=src_lang, tgt_lang=tgt_lang)
                spec = WorkerSpec(make_translator, Call("translate"),
                                  {"backend": backend, "model": model, **opts})
                run = pool_options(workers, pool, ray_address, gpus_per_worker) if parallel else {}
                with progress_bar(total=len(sents), label="translating", show=not quiet) as adv:
                    tgt_tokens = map_chunks(spec, [s.tokens for s in sents],
                                            chunk_size=8 * batch_size, on_chunk=adv, **run)
                spans = [[] for _ in sents]
    except (MissingDependencyError, ModelError) as exc:
        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    except FileNotFoundError as exc:
        raise fail(str(exc), EXIT_INPUT) from exc
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    if not len(sents) == len(tgt_tokens) == len(spans):  # pragma: no cover - a translator bug
        raise fail(f"{len(sents)} sentences read but {len(tgt_tokens)} translated", 1)
    out = [Sentence(list(t), sp, s.id, dict(s.meta)) for s, t, sp in zip(sents, tgt_tokens, spans)]
    write_sentences(output, out, scheme)
    if links is not None and word_links is not None:
        from annoproj.data.io import write_pharaoh

        write_pharaoh(links, word_links)
    if json_out:
        emit_json({"sentences": len(out), "tokens": sum(len(s.tokens) for s in out),
                   "entities": sum(len(s.spans) for s in out), "skipped": len(skipped),
                   "seconds": round(tm[0], 3), "output": str(output)})
    else:
        summary_line("translate", f"translated {len(out)} sentences of {input_file} "
                     f"({sum(len(s.spans) for s in out)} entities, {len(skipped)} skipped); "
                     f"wrote {output}{f' and {links}' if links is not None else ''}",
                     quiet=quiet, seconds=tm[0])


def label_cmd(
    model: str = typer.Option("spacy", "--model", "-m", help=(
        "Labeller: spacy, spacy:<pipeline>, a model folder of `annoproj train`, or a Hugging "
        "Face token-classification model name or folder (e.g. Davlan/xlm-roberta-base-ner-hrl).")),
    input_file: Path = typer.Option(..., "--input", "-i", help="Sentences: CoNLL, JSONL or tokenised text."),
    output: Path = typer.Option(..., "--output", "-o", help="Labelled sentences: .jsonl, else CoNLL."),
    label_map: Optional[str] = typer.Option(None, help=(
        "Rename/drop labels, e.g. 'DATE=O,MISC=O' (default: ontonotes for spaCy, none for HF).")),
    aggregation: str = typer.Option("first", help="HF subword -> word aggregation: first, average or max."),
    batch_size: int = typer.Option(defaults.NEURAL_BATCH_SIZE, min=1, help="Sentences per batch."),
    device: str = typer.Option("auto", help="auto, cpu or cuda."),
    scheme: Scheme = "IOB2",
    fmt: InputFormat = "auto",
    workers: int = typer.Option(1, min=1, help=WORKERS_HELP),
    pool: str = typer.Option("process", help=POOL_HELP),
    ray_address: Optional[str] = typer.Option(None, help=RAY_ADDRESS_HELP),
    gpus_per_worker: float = typer.Option(0.0, min=0.0, help=GPUS_HELP),
    quiet: Quiet = False,
    json_out: JsonStdout = False,
) -> None:
    """Tag source sentences with a pretrained NER model (spaCy or Hugging Face); input tags are replaced."""
    from annoproj.bench.common import timer
    from annoproj.cli.common import EXIT_DEPENDENCY
    from annoproj.data.io import write_conll, write_jsonl
    from annoproj.data.model import Sentence
    from annoproj.label import make_labeller
    from annoproj.train.base import MissingDependencyError, ModelError

    opts: dict = {"batch_size": batch_size, "device": device, "aggregation": aggregation}
    if label_map is not None:
        opts["label_map"] = label_map
    sents = load_input(input_file, fmt)
    from annoproj.pipeline.parallel import Call, WorkerSpec, map_chunks

    spec = WorkerSpec(make_labeller, Call("label"), {"spec": model, **opts})
    run = pool_options(workers, pool, ray_address, gpus_per_worker) if (
        workers > 1 or pool == "ray") else {}
    try:
        with timer() as tm, progress_bar(total=len(sents), label="labelling",
                                         show=not quiet) as adv:
            spans = map_chunks(spec, [s.tokens for s in sents], chunk_size=8 * batch_size,
                               on_chunk=adv, **run)
    except (MissingDependencyError, ModelError) as exc:
        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    if len(spans) != len(sents):  # pragma: no cover - a labeller that lost sentences
        raise fail(f"{len(sents)} sentences read but {len(spans)} labelled", EXIT_INPUT)
    out = [Sentence(list(s.tokens), p, s.id, dict(s.meta)) for s, p in zip(sents, spans)]
    name = output.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst", ".json")):
        write_jsonl(output, out, scheme=scheme)
    else:
        write_conll(output, out, scheme=scheme)
    if json_out:
        emit_json({"sentences": len(out), "entities": sum(len(p) for p in spans),
                   "seconds": round(tm[0], 3), "output": str(output)})
    else:
        summary_line("label", f"labelled {len(out)} sentences of {input_file} with {model} "
                     f"({sum(len(p) for p in spans)} entities); wrote {output}", quiet=quiet,
                     seconds=tm[0])
