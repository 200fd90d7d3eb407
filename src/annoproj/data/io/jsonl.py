"""JSON Lines: one sentence per line, `{"tokens": [...], "spans": [[start, end, label], ...]}`.

Extra keys are kept in `Sentence.meta` and written back. Spans may also be given as
``{"start": .., "end": .., "label": ..}`` objects, or as a ``"tags"`` list instead of spans.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from annoproj.data.io.conll import _LABEL, FormatError, _check_tag
from annoproj.data.io.files import atomic_write, iter_lines
from annoproj.data.model import Sentence, Span
from annoproj.data.tags import tags_to_spans


def parse_record(obj: object, path: str | Path = "<input>", lineno: int = 0) -> Sentence:
    """A Sentence from one decoded JSON object."""
    if not isinstance(obj, dict):
        raise FormatError(path, lineno, "expected a JSON object with a 'tokens' list")
    tokens = obj.get("tokens")
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise FormatError(path, lineno, "'tokens' must be a list of strings")
    spans: list[Span] = []
    if "tags" in obj and "spans" not in obj:
        tags = obj["tags"]
        if not isinstance(tags, list) or len(tags) != len(tokens):
            raise FormatError(path, lineno, f"'tags' must be a list of {len(tokens)} strings")
        if not all(isinstance(t, str) for t in tags):
            raise FormatError(path, lineno, "'tags' must be a list of strings")
        for t in tags:
            _check_tag(t, path, lineno)
        spans = tags_to_spans(tags)
    raw = obj.get("spans")
    if raw is not None and not isinstance(raw, list):
        raise FormatError(path, lineno, f"'spans' must be a list of [start, end, label], "
                          f"not {type(raw).__name__}")
    for k, s in enumerate(raw or []):
        try:
            if isinstance(s, dict):
                start, end, label = s["start"], s["end"], s["label"]
            elif isinstance(s, list) and len(s) == 3:
                start, end, label = s
            else:
                raise TypeError
        except (KeyError, TypeError):
            raise FormatError(path, lineno, f"span {k} is not [start, end, label]: {s!r}") from None
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
            raise FormatError(path, lineno, f"span {k}: offsets {start!r}, {end!r} are not "
                              "integers")
        if not isinstance(label, str) or not _LABEL.match(label):
            raise FormatError(path, lineno, f"span {k}: label {label!r} is not an identifier "
                              "(e.g. PER)")
        if not 0 <= start < end <= len(tokens):
            raise FormatError(
                path, lineno, f"span {k} ({start}, {end}) is outside the {len(tokens)} tokens"
            )
        spans.append(Span(start, end, label))
    meta = {k: v for k, v in obj.items() if k not in ("tokens", "spans", "tags", "id")}
    sid = obj.get("id")
    return Sentence(tokens=list(tokens), spans=spans, id=None if sid is None else str(sid), meta=meta)


def iter_jsonl(path: str | Path) -> Iterator[Sentence]:
    """Sentences of a JSONL file, one at a time; blank lines are skipped."""
    for lineno, line in iter_lines(path):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FormatError(path, lineno, f"invalid JSON: {exc.msg}") from None
        except RecursionError:
            raise FormatError(path, lineno, "JSON nested too deep") from None
        sent = parse_record(obj, path, lineno)
        if sent.id is None:
            sent.id = f"{Path(path).name}:{lineno}"
        yield sent


def read_jsonl(path: str | Path) -> list[Sentence]:
    """All sentences of a JSONL file."""
    return list(iter_jsonl(path))


def to_record(sentence: Sentence) -> dict:
    """The JSON object of one sentence."""
    rec: dict = {}
    if sentence.id is not None:
        rec["id"] = sentence.id
    rec["tokens"] = list(sentence.tokens)
    rec["spans"] = [[int(s.start), int(s.end), s.label] for s in sentence.spans]
    rec.update(sentence.meta)
    return rec


def write_jsonl(path: str | Path, sentences: Iterable[Sentence]) -> int:
    """Write sentences as JSONL (atomically); returns how many were written."""
    n = 0
    with atomic_write(path) as f:
        for s in sentences:
            f.write(json.dumps(to_record(s), ensure_ascii=False) + "\n")
            n += 1
    return n
