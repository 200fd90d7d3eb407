"""Streaming projection of files of any size: bounded memory, resumable, atomic output.

Input is read lazily in chunks of `chunk_size` sentence pairs; each finished chunk is
written to ``<output>.parts/`` atomically, and the parts are joined into `output` at the
end. A run that is killed and started again with the same inputs (by content: a digest of
each file) and settings skips the finished chunks and produces the same bytes as an
uninterrupted run. One run at a time writes an output (`annoproj.pipeline.lock`); a
checkpoint that cannot be read is discarded with a warning and its chunk done again; the
output is renamed into place only when it holds one sentence for each input pair that was
not reported skipped.
"""

from __future__ import annotations

import itertools
import json
import shutil
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from annoproj.data.io import atomic_write, open_text
from annoproj.data.io.auto import iter_sentences
from annoproj.data.io.conll import format_conll
from annoproj.data.io.jsonl import to_record
from annoproj.data.io.pharaoh import iter_pharaoh
from annoproj.data.labels import LabelMap
from annoproj.data.model import Sentence
from annoproj.errors import CountError, InputMismatchError
from annoproj.pipeline.cache import file_digest, key_of
from annoproj.pipeline.lock import output_lock
from annoproj.pipeline.parallel import Batch, WorkerPool, projection_spec
from annoproj.project.match import fit_in_parts


def iter_parallel(*streams: Iterable, names: Sequence[str] | None = None) -> Iterator[tuple]:
    """Zip parallel streams, raising when one ends before the others."""
    names = list(names or [f"input {k + 1}" for k in range(len(streams))])
    sentinel = object()
    for k, items in enumerate(itertools.zip_longest(*streams, fillvalue=sentinel)):
        if any(x is sentinel for x in items):
            short = [n for n, x in zip(names, items) if x is sentinel]
            raise InputMismatchError(
                f"{', '.join(short)} ended after {k} sentences, before the other input(s)")
        yield items


@dataclass
class StreamSummary:
    sentences: int = 0
    written: int = 0
    skipped: int = 0
    spans: int = 0
    chunks: int = 0
    resumed_chunks: int = 0
    source_spans: int = 0


def output_format(output: Path) -> str:
    """'jsonl' or 'conll', by the last suffix of `output` (.gz and .zst left aside)."""
    name = output.name.lower()
    for suffix in (".gz", ".zst"):
        name = name.removesuffix(suffix)
    return "jsonl" if name.endswith((".jsonl", ".json")) else "conll"


def _inputs_key(paths: Sequence[Path], fmt: str) -> dict:
    """What a checkpoint depends on of its inputs: their content, and how it is read."""
    from annoproj import __version__

    return {"digests": [_digest(Path(p)) for p in paths], "format": fmt, "version": __version__}


def _digest(path: Path) -> str:
    """sha256 of a file; of a folder's files (a datasets folder); the name of an input that
    is no file (hf:NAME, resolved by datasets)."""
    if path.is_dir():
        return key_of(*[(str(f.relative_to(path)), file_digest(f))
                        for f in sorted(path.rglob("*")) if f.is_file()])
    if not path.exists():
        return str(path)
    return file_digest(path)


def _format(sent: Sentence, fmt: str, scheme: str = "IOB2") -> str:
    if fmt == "jsonl":
        return json.dumps(to_record(sent, scheme=scheme), ensure_ascii=False) + "\n"
    return format_conll(sent, scheme=scheme)


def project_files(
    src_path: Path,
    tgt_path: Path,
    links_path: Path,
    output: Path,
    *,
    method: str,
    options: dict | None = None,
    label_map: str | None = None,
    fmt: str = "auto",
    backend: str = "local",
    workers: int = 1,
    ray_address: str | None = None,
    chunk_size: int = 20000,
    batch_size: int = 1000,
    min_confidence: float = 0.0,
    on_chunk: Callable[[int], None] | None = None,
    scheme: str = "IOB2",
    label_names: Sequence[str] | None = None,
) -> StreamSummary:
    """Project SRC spans onto TGT with the given links, streaming; returns counts (tags
    written in `scheme`; `label_names` name integer tags of Hugging Face JSONL).

    Holds the lock of `output` while it runs (a `BusyError` when another run holds it)."""
    with output_lock(output):
        return _project_files(src_path, tgt_path, links_path, output, method=method,
                              options=options, label_map=label_map, fmt=fmt, backend=backend,
                              workers=workers, ray_address=ray_address, chunk_size=chunk_size,
                              batch_size=batch_size, min_confidence=min_confidence,
                              on_chunk=on_chunk, scheme=scheme, label_names=label_names)


def _project_files(src_path, tgt_path, links_path, output, *, method, options, label_map, fmt,
                   backend, workers, ray_address, chunk_size, batch_size, min_confidence,
                   on_chunk, scheme, label_names) -> StreamSummary:
    from annoproj.pipeline.projection import uncertain

    options = dict(options or {})
    out_fmt = output_format(output)
    lmap = LabelMap.parse(label_map) if label_map else None
    settings = {"method": method, "options": options, "labels": label_map, "chunk": chunk_size,
                "min_confidence": min_confidence, "fmt": out_fmt,
                **({"scheme": scheme} if scheme != "IOB2" else {}),
                "inputs": _inputs_key((src_path, tgt_path, links_path), fmt)}
    spec = projection_spec(method, options)
    fitted = None
    single: list[list] = []  # the input, when it is one chunk: not read twice
    if method == "match":  # corpus statistics (the lexical table, the memory) of the whole input
        def pieces() -> Iterator[tuple]:
            chunks = iter(single) if single else _chunks(
                _stream(src_path, tgt_path, links_path, fmt, label_names), chunk_size)
            for k, c in enumerate(chunks):
                single[:] = [c] if k == 0 else []
                yield ([s.tokens for s, _, _ in c], [t.tokens for _, t, _ in c],
                       [a for _, _, a in c], _spans(c, lmap))

        fitted = fit_in_parts(options, pieces)
        if fitted is not None:
            spec = projection_spec(method, fitted)
    settings["fit"] = "whole-input" if fitted is not None else None
    parts = parts_dir(output, settings)
    summary = StreamSummary()
    pool = WorkerPool(spec, backend=backend, workers=workers,
                      ray_address=ray_address)  # workers start at the first chunk to project
    with pool:
        chunks = iter(single) if single else _chunks(
            _stream(src_path, tgt_path, links_path, fmt, label_names), chunk_size)
        for c, chunk in enumerate(chunks):
            part = parts / f"{c:06d}.{out_fmt}"
            log = parts / f"{c:06d}.skipped.tsv"
            summary.chunks += 1
            done = _finished(parts / f"{c:06d}.json", part, log, len(chunk))
            if done is not None:
                for k in ("sentences", "written", "skipped", "spans", "source_spans"):
                    setattr(summary, k, getattr(summary, k) + done.get(k, 0))
                summary.resumed_chunks += 1
                if on_chunk:
                    on_chunk(len(chunk))
                continue
            counts = _project_chunk(chunk, c * chunk_size, part, log, lmap=lmap, pool=pool,
                                    batch_size=batch_size, min_confidence=min_confidence,
                                    out_fmt=out_fmt, uncertain=uncertain, scheme=scheme)
            with atomic_write(parts / f"{c:06d}.json") as f:
                f.write(json.dumps(counts))
            for k in ("sentences", "written", "skipped", "spans", "source_spans"):
                setattr(summary, k, getattr(summary, k) + counts[k])
            if on_chunk:
                on_chunk(len(chunk))
    if summary.sentences != summary.written + summary.skipped:  # pragma: no cover - a bug
        raise CountError(f"{output}: {summary.sentences} sentence pairs read but "
                         f"{summary.written} written and {summary.skipped} skipped")
    _join(parts, output, out_fmt, summary.chunks, written=summary.written)
    return summary


def _finished(counts: Path, part: Path, log: Path, size: int) -> dict | None:
    """The counts of a finished chunk of `size` pairs, or None to do it (again): a
    checkpoint that is missing, unreadable or inconsistent is discarded with a warning."""
    if not (part.exists() and log.exists() and counts.exists()):
        return None
    try:
        done = json.loads(counts.read_text(encoding="utf-8"))
        ok = (isinstance(done, dict)
              and all(isinstance(done.get(k), int) and not isinstance(done.get(k), bool)
                      for k in ("sentences", "written", "skipped", "spans"))
              and done["sentences"] == size == done["written"] + done["skipped"])
    except (OSError, ValueError):
        ok = False
    if not ok:
        warnings.warn(f"{counts}: checkpoint unreadable or inconsistent (a run killed while "
                      "writing it?); its chunk is projected again", RuntimeWarning, stacklevel=3)
        for p in (counts, part, log):
            p.unlink(missing_ok=True)
        return None
    return done


def _stream(src_path: Path, tgt_path: Path, links_path: Path, fmt: str,
            label_names: Sequence[str] | None = None) -> Iterator[tuple]:
    """(source sentence, target sentence, alignment) triples, read lazily."""
    return iter_parallel(iter_sentences(src_path, fmt, label_names=label_names),
                         iter_sentences(tgt_path, fmt, label_names=label_names),
                         iter_pharaoh(links_path),
                         names=(str(src_path), str(tgt_path), str(links_path)))


def parts_dir(output: Path, settings: dict) -> Path:
    """``<output>.parts/`` for checkpointed chunks; emptied when the settings (inputs by
    content digest included) changed, or when its stamp cannot be read (with a warning)."""
    parts = output.with_name(output.name + ".parts")
    stamp = parts / "settings.json"
    want = key_of(settings)
    if parts.exists():
        try:
            have = json.loads(stamp.read_text(encoding="utf-8")).get("key")
        except FileNotFoundError:
            have = None
        except (OSError, ValueError, AttributeError):
            warnings.warn(f"{stamp}: unreadable checkpoint stamp; the checkpoints in {parts} "
                          "are discarded", RuntimeWarning, stacklevel=3)
            have = None
        if have != want:
            shutil.rmtree(parts)
    parts.mkdir(parents=True, exist_ok=True)
    if not stamp.exists():
        with atomic_write(stamp) as f:
            f.write(json.dumps({"key": want, "settings": settings}, default=str))
    return parts


def align_files(
    src_path: Path,
    tgt_path: Path,
    output: Path,
    *,
    aligner,
    fmt: str = "auto",
    chunk_size: int = 200_000,
    settings: dict | None = None,
    on_chunk: Callable[[int], None] | None = None,
    scores: bool = True,
) -> dict:
    """Align a parallel corpus of any size chunk by chunk, each chunk on its own (link
    scores written when `scores` and the links have them).

    eflomal estimates its model from the sentences it is given, so a chunk of
    `chunk_size` pairs is aligned with statistics of that chunk only (plus any extra
    sentences the aligner adds): larger chunks give better links and need more memory. Finished chunks are checkpointed and reused on rerun.
    """
    with output_lock(output):
        return _align_files(src_path, tgt_path, output, aligner=aligner, fmt=fmt,
                            chunk_size=chunk_size, settings=settings, on_chunk=on_chunk,
                            scores=scores)


def _align_files(src_path, tgt_path, output, *, aligner, fmt, chunk_size, settings,
                 on_chunk, scores) -> dict:
    settings = {"inputs": _inputs_key((src_path, tgt_path), fmt), "chunk": chunk_size,
                **(settings or {})}
    parts = parts_dir(output, settings)
    pairs = iter_parallel(iter_sentences(src_path, fmt), iter_sentences(tgt_path, fmt),
                          names=(str(src_path), str(tgt_path)))
    n = links = resumed = chunks = 0
    from annoproj.data.io import write_pharaoh

    for c, chunk in enumerate(_chunks(pairs, chunk_size)):
        chunks += 1
        part = parts / f"{c:06d}.pharaoh"
        kept = _pharaoh_lines(part) if part.exists() else None
        if kept is not None and len(kept) != len(chunk):
            warnings.warn(f"{part}: {len(kept)} lines for {len(chunk)} pairs; the chunk is "
                          "aligned again", RuntimeWarning, stacklevel=2)
            kept = None
        if kept is not None:
            resumed += 1
            links += sum(line.count("-") for line in kept)
        else:
            out = aligner.align([s.tokens for s, _ in chunk], [t.tokens for _, t in chunk])
            links += sum(len(a) for a in out)
            write_pharaoh(part, out, scores=None if scores else False)
        n += len(chunk)
        if on_chunk:
            on_chunk(len(chunk))
    lines = 0
    with atomic_write(output) as f:
        for c in range(chunks):
            with open_text(parts / f"{c:06d}.pharaoh", "r") as part_f:
                for line in part_f:
                    f.write(line)
                    lines += 1
        if lines != n:
            raise CountError(f"{output}: {n} sentence pairs read but {lines} lines of links "
                             f"in the checkpoints of {parts}")
    shutil.rmtree(parts)
    return {"sentences": n, "links": links, "chunks": chunks, "resumed_chunks": resumed}


def _pharaoh_lines(path: Path) -> list[str] | None:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError):
        return None


def _chunks(it: Iterator, n: int) -> Iterator[list]:
    while chunk := list(itertools.islice(it, n)):
        yield chunk


def _spans(chunk: list[tuple], lmap: LabelMap | None) -> list[list]:
    return [lmap.map_spans(s.spans) if lmap else list(s.spans) for s, _, _ in chunk]


def _project_chunk(chunk, offset, part, log, *, lmap, pool, batch_size, min_confidence,
                   out_fmt, uncertain, scheme="IOB2") -> dict:
    src_spans = _spans(chunk, lmap)
    batches = (
        Batch(b, [s.tokens for s, _, _ in chunk[b:b + batch_size]],
              [t.tokens for _, t, _ in chunk[b:b + batch_size]], src_spans[b:b + batch_size],
              [a for _, _, a in chunk[b:b + batch_size]])
        for b in range(0, len(chunk), batch_size)
    )
    counts = {"sentences": len(chunk), "written": 0, "skipped": 0, "spans": 0,
              "source_spans": sum(len(x) for x in src_spans)}
    tmp_log: list[str] = []
    with atomic_write(part) as f:
        for start, res in pool.map(batches):
            skipped = dict(res.skipped)
            for i, spans in enumerate(res.spans):
                k = start + i
                why = skipped.get(i) or uncertain(spans, len(src_spans[k]), min_confidence)
                tgt = chunk[k][1]
                if why:
                    counts["skipped"] += 1
                    tmp_log.append(f"{offset + k}\t{tgt.id or ''}\t{why}\n")
                    continue
                sent = Sentence(list(tgt.tokens), [p.span() for p in spans], tgt.id,
                                {**tgt.meta, "scores": [round(p.score, 4) for p in spans],
                                 "sources": [p.source for p in spans]})
                f.write(_format(sent, out_fmt, scheme))
                counts["written"] += 1
                counts["spans"] += len(spans)
    with atomic_write(log) as f:
        f.writelines(tmp_log)
    return counts


def _join(parts: Path, output: Path, fmt: str, n: int, *, written: int) -> None:
    """Join the chunks into `output`, renamed into place only when it holds `written`
    sentences (a `CountError` otherwise, the old output left as it was)."""
    skipped_lines = 0
    got = 0
    with atomic_write(output) as out:
        for c in range(n):
            with open_text(parts / f"{c:06d}.{fmt}", "r") as f:
                for line in f:  # JSONL: a line a sentence; CoNLL: each ends with one blank line
                    out.write(line)
                    got += fmt == "jsonl" or line == "\n"
        if got != written:
            raise CountError(f"{output}: {written} sentences to write but {got} in the "
                             f"checkpoints of {parts}; delete that folder and run again")
    log_path = output.with_name(output.name + ".skipped.tsv")
    with atomic_write(log_path) as out:
        out.write("index\tid\treason\n")
        for c in range(n):
            text = (parts / f"{c:06d}.skipped.tsv").read_text(encoding="utf-8")
            skipped_lines += text.count("\n")
            out.write(text)
    if not skipped_lines:
        log_path.unlink()
    shutil.rmtree(parts)
