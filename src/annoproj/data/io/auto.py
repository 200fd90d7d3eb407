"""Reading sentences from a file of any supported format, detected from its name or content."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from annoproj.data.model import Sentence
from annoproj.errors import ConfigError, DataError

FORMATS = ("auto", "conll", "jsonl", "text", "hf", "parquet", "spacy")


def detect_format(path: Path) -> str:
    """'jsonl', 'conll', 'hf' (a `datasets` folder), 'parquet', 'spacy' (DocBin) or 'text',
    from the suffix or, failing that, the first lines."""
    if path.is_dir():
        return "hf"
    name = path.name.lower()
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith(".spacy"):
        return "spacy"
    for suffix in (".gz", ".zst"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if name.endswith((".jsonl", ".json")):
        return "jsonl"
    if name.endswith((".conll", ".conllu", ".iob", ".bio", ".bioes", ".tsv")):
        return "conll"
    from annoproj.data.io.conll import _TAG, EMPTY_SENTENCE, _is_comment
    from annoproj.data.io.files import iter_lines

    widths: set[int] = set()
    saw_blank, tagged = False, True
    for k, line in iter_lines(path):  # a bad byte is a FormatError naming file and line
        if k > 200:
            break
        fields = [x for x in line.split("\t") if x.strip()] if "\t" in line else line.split()
        if not fields:
            saw_blank = True
            if widths:
                break
            continue
        if fields[0] == "-DOCSTART-" or line.rstrip() == EMPTY_SENTENCE or (
                line.startswith("#") and not line.startswith("#\t") and _is_comment(line)):
            continue
        widths.add(len(fields))
        # CoNLL: every token line ends with a tag (O, B-PER...); text lines rarely all do
        tagged = tagged and _TAG.match(fields[-1].strip()) is not None
    return ("conll" if saw_blank and len(widths) == 1 and min(widths) >= 2 and tagged
            else "text")


def iter_sentences(path: str | Path, fmt: str = "auto", *,
                   label_names: Sequence[str] | None = None, strict_tags: bool = False,
                   keep_tags: bool = False) -> Iterator[Sentence]:
    """Sentences of a CoNLL, JSONL, pre-tokenised text, Parquet or spaCy DocBin file, or of a
    `datasets` folder, one at a time (`label_names`: of integer tags; `strict_tags` and
    `keep_tags`: see `iter_conll`)."""
    from annoproj.data.io.conll import iter_conll
    from annoproj.data.io.jsonl import iter_jsonl
    from annoproj.data.io.text import iter_tokenized

    if str(path).startswith(HUB_PREFIX):
        return iter(read_hub(str(path), label_names=label_names))
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    fmt = detect_format(path) if fmt == "auto" else fmt
    if fmt == "conll":
        return iter_conll(path, strict_tags=strict_tags, keep_tags=keep_tags)
    if fmt == "jsonl":
        return iter_jsonl(path, label_names=label_names, keep_tags=keep_tags)
    if fmt in ("hf", "parquet"):
        from annoproj.data.io.hf import read_hf_dir, read_parquet

        return iter((read_hf_dir if fmt == "hf" else read_parquet)(path, label_names=label_names))
    if fmt == "spacy":
        from annoproj.data.io.spacy import read_docbin

        return iter(read_docbin(path))
    if fmt == "text":
        return (Sentence(t, id=f"{path.name}:{k + 1}") for k, t in enumerate(iter_tokenized(path)))
    raise ConfigError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")


#: Inputs named ``hf:NAME[:SPLIT[:CONFIG]]`` are loaded with `datasets.load_dataset`.
HUB_PREFIX = "hf:"


def read_hub(spec: str, *, label_names: Sequence[str] | None = None) -> list[Sentence]:
    """Sentences of ``hf:NAME[:SPLIT[:CONFIG]]`` (split default: train): a dataset name
    `datasets.load_dataset` resolves, e.g. from its cache with ``HF_DATASETS_OFFLINE=1``, or
    a local folder of data files; a ValueError says when it cannot."""
    from annoproj.data.io.hf import _datasets, from_hf

    name, split, config = (spec[len(HUB_PREFIX):].split(":") + ["", ""])[:3]
    if not name:
        raise ConfigError(f"{spec}: give a dataset name, hf:NAME[:SPLIT[:CONFIG]]")
    datasets = _datasets()
    try:
        ds = datasets.load_dataset(name, config or None, split=split or "train")
    except Exception as exc:  # datasets raises many kinds: offline, unknown name, split
        raise DataError(f"{spec}: datasets could not load it ({type(exc).__name__}: {exc})"
                         ) from None
    return from_hf(ds, names=label_names)


def read_sentences(path: str | Path, fmt: str = "auto", *,
                   label_names: Sequence[str] | None = None, **options) -> list[Sentence]:
    """All sentences of a file or folder of any format `iter_sentences` reads."""
    return list(iter_sentences(path, fmt, label_names=label_names, **options))


#: Formats `write_sentences` writes.
OUTPUT_FORMATS = ("auto", "conll", "jsonl", "hf", "parquet", "spacy", "text")


def output_format(path: Path) -> str:
    """The format to write at `path`, from its suffix (.gz/.zst aside): .jsonl/.json,
    CoNLL's (.conll, .iob, .bio, .bioes, .tsv...), .parquet, .spacy, .txt (tokenised text);
    a folder, or a name without a suffix, is a `datasets` folder."""
    name = path.name.lower()
    for suffix in (".gz", ".zst"):
        name = name.removesuffix(suffix)
    if name.endswith((".jsonl", ".json")):
        return "jsonl"
    if name.endswith((".conll", ".conllu", ".conll03", ".iob", ".iob1", ".iob2", ".bio",
                      ".bioes", ".biluo", ".tsv")):
        return "conll"
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith(".spacy"):
        return "spacy"
    if path.is_dir() or "." not in name:
        return "hf"
    return "text"


def write_sentences(path: str | Path, sentences: Sequence[Sentence], *, fmt: str = "auto",
                    scheme: str = "IOB2") -> int:
    """Write `sentences` in `fmt` (auto: `output_format`), tags in `scheme` where the format
    has tags; returns the count."""
    from annoproj.data.io.conll import write_conll
    from annoproj.data.io.jsonl import write_jsonl
    from annoproj.data.io.text import write_tokenized

    path = Path(path)
    fmt = output_format(path) if fmt == "auto" else fmt
    if fmt == "jsonl":
        return write_jsonl(path, sentences, scheme=scheme)
    if fmt == "conll":
        return write_conll(path, sentences, scheme=scheme)
    if fmt == "text":
        return write_tokenized(path, [s.tokens for s in sentences])
    if fmt in ("hf", "parquet"):
        from annoproj.data.io.hf import save_hf, write_parquet

        return (save_hf if fmt == "hf" else write_parquet)(path, sentences, scheme=scheme)
    if fmt == "spacy":
        from annoproj.data.io.spacy import write_docbin

        return write_docbin(path, sentences)
    raise ConfigError(f"unknown output format {fmt!r}: use {', '.join(OUTPUT_FORMATS)}")
