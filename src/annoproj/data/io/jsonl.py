"""JSON Lines: one sentence per line, `{"tokens": [...], "spans": [{"start": 0, "end": 1,
"label": "PER"}, ...], "ner_tags": ["B-PER", ...]}`.

Extra keys are kept in `Sentence.meta` and written back. Spans may also be read as
``[start, end, label]`` lists, or tags instead of spans: a ``"ner_tags"`` (Hugging Face's
name) or ``"tags"`` list of strings, or of integers with the label names (`label_names`, a
``labels.txt`` or ``dataset_info.json`` beside the file). Written records are what pyarrow,
hence ``datasets.load_dataset("json", ...)``, loads: spans as objects (with ``score`` and
``source`` for ProjectedSpans) and the same entities as ``ner_tags`` strings.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from annoproj.data.io.conll import _LABEL, _check_tag
from annoproj.errors import FormatError
from annoproj.data.io.files import atomic_write, iter_lines
from annoproj.data.model import Sentence, Span
from annoproj.data.tags import spans_to_tags, tag_errors, tags_to_spans

#: Keys read as tags when a record has no "spans", first found first.
TAG_KEYS = ("ner_tags", "tags")


def _tags(obj: dict, key: str, n: int, names: Sequence[str] | None, path, lineno: int) -> list[str]:
    tags = obj[key]
    if not isinstance(tags, list) or len(tags) != n:
        raise FormatError(path, lineno, f"{key!r} must be a list of {n} tags, one a token")
    if tags and all(isinstance(t, int) and not isinstance(t, bool) for t in tags):
        if names is None:
            raise FormatError(path, lineno, (
                f"{key!r} holds integer tags but no label names were given: pass "
                "--label-list O,B-PER,I-PER,... (or a file of them), or put a labels.txt "
                "or the dataset's dataset_info.json beside the file"))
        bad = [t for t in tags if not 0 <= t < len(names)]
        if bad:
            raise FormatError(path, lineno, f"{key!r} has tag id {bad[0]}, outside the "
                              f"{len(names)} label names")
        return [names[t] for t in tags]
    if not all(isinstance(t, str) for t in tags):
        raise FormatError(path, lineno, f"{key!r} must hold strings or integers, not a mix")
    errors = tag_errors(tags)
    if errors:
        i, t = errors[0]
        raise FormatError(path, lineno, f"{key!r}: tag {t!r} of token {i + 1} is not O or "
                          "B-/I-/E-/S-/L-/U-TYPE")
    return tags


def parse_record(obj: object, path: str | Path = "<input>", lineno: int = 0, *,
                 label_names: Sequence[str] | None = None, keep_tags: bool = False) -> Sentence:
    """A Sentence from one decoded JSON object (`label_names`: of integer tags; with
    `keep_tags`, tags as read, unrepaired, in ``meta["_tags"]``)."""
    if not isinstance(obj, dict):
        raise FormatError(path, lineno, "expected a JSON object with a 'tokens' list")
    tokens = obj.get("tokens")
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise FormatError(path, lineno, "'tokens' must be a list of strings")
    spans: list[Span] = []
    tag_key = next((k for k in TAG_KEYS if k in obj), None)
    raw = None
    if tag_key is not None and "spans" not in obj:
        raw = _tags(obj, tag_key, len(tokens), label_names, path, lineno)
        for t in raw:
            _check_tag(t, path, lineno)
        spans = tags_to_spans(raw)
    raw_spans = obj.get("spans")
    if raw_spans is not None and not isinstance(raw_spans, list):
        raise FormatError(path, lineno, f"'spans' must be a list of [start, end, label], "
                          f"not {type(raw_spans).__name__}")
    for k, s in enumerate(raw_spans or []):
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
    meta = {k: v for k, v in obj.items() if k not in ("tokens", "spans", "id", *TAG_KEYS)}
    if keep_tags and raw is not None:
        meta["_tags"] = raw
    sid = obj.get("id")
    return Sentence(tokens=list(tokens), spans=spans, id=None if sid is None else str(sid), meta=meta)


def label_names_beside(path: str | Path) -> list[str] | None:
    """Label names of integer tags from a ``labels.txt`` (one a line) or a ``datasets``
    ``dataset_info.json`` in the folder of `path`; None when there is neither."""
    folder = Path(path).parent
    txt = folder / "labels.txt"
    if txt.is_file():
        return [x.strip() for x in txt.read_text(encoding="utf-8").splitlines() if x.strip()]
    info = folder / "dataset_info.json"
    if info.is_file():
        return names_from_features(json.loads(info.read_text(encoding="utf-8")).get("features"))
    return None


def names_from_features(features: object, column: str | None = None) -> list[str] | None:
    """ClassLabel names of a tag column (ner_tags, tags) in a ``datasets`` features dict."""
    if not isinstance(features, dict):
        return None
    for key in ([column] if column else TAG_KEYS):
        feat = features.get(key)
        while isinstance(feat, dict) and "names" not in feat:  # Sequence -> feature, List
            feat = feat.get("feature")
        if isinstance(feat, list) and feat:  # {"ner_tags": [{"_type": "ClassLabel", ...}]}
            feat = feat[0]
        if isinstance(feat, dict) and isinstance(feat.get("names"), list):
            return [str(x) for x in feat["names"]]
    return None


def iter_jsonl(path: str | Path, *, label_names: Sequence[str] | None = None,
               keep_tags: bool = False) -> Iterator[Sentence]:
    """Sentences of a JSONL file, one at a time; blank lines are skipped.

    Integer tags are named by `label_names`, else by the label file beside `path`
    (`label_names_beside`). A file whose records have no spans and no tags but a list as
    long as the tokens under another key (``ner``, ``labels``) warns that none was read.
    """
    names = label_names
    looked = label_names is not None
    entities = 0
    unread: set[str] = set()
    for lineno, line in iter_lines(path):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FormatError(path, lineno, f"invalid JSON: {exc.msg}") from None
        except RecursionError:
            raise FormatError(path, lineno, "JSON nested too deep") from None
        if not looked and isinstance(obj, dict) and any(
                isinstance(obj.get(k), list) and obj[k] and isinstance(obj[k][0], int)
                for k in TAG_KEYS):
            names, looked = label_names_beside(path), True
        sent = parse_record(obj, path, lineno, label_names=names, keep_tags=keep_tags)
        entities += len(sent.spans)
        if not entities and "spans" not in obj and not any(k in obj for k in TAG_KEYS):
            unread.update(k for k, v in sent.meta.items() if isinstance(v, list)
                          and len(v) == len(sent.tokens) and v and k not in ("scores", "_tags"))
        if sent.id is None:
            sent.id = f"{Path(path).name}:{lineno}"
        yield sent
    if not entities and unread:
        warnings.warn(f"{path}: no entities read; the records have no 'spans', 'ner_tags' or "
                      f"'tags' but a list per token under {', '.join(sorted(unread))!s} (rename "
                      "it ner_tags to read it as tags)", stacklevel=2)


def read_jsonl(path: str | Path, *, label_names: Sequence[str] | None = None) -> list[Sentence]:
    """All sentences of a JSONL file."""
    return list(iter_jsonl(path, label_names=label_names))


def to_record(sentence: Sentence, *, scheme: str = "IOB2") -> dict:
    """The JSON object of one sentence: spans as objects (a ProjectedSpan's with its
    `score` and `source`) and, when they do not overlap, `ner_tags` in `scheme`."""
    rec: dict = {}
    if sentence.id is not None:
        rec["id"] = sentence.id
    rec["tokens"] = list(sentence.tokens)
    spans = []
    for s in sentence.spans:
        obj = {"start": int(s[0]), "end": int(s[1]), "label": str(s[2])}
        if len(s) > 3:  # ProjectedSpan
            obj["score"] = round(float(s[3]), 4)
            obj["source"] = int(s[4])
        spans.append(obj)
    rec["spans"] = spans
    try:
        rec["ner_tags"] = spans_to_tags([Span(*s[:3]) for s in sentence.spans],
                                        len(sentence.tokens), scheme=scheme)
    except ValueError:  # overlapping spans: tags cannot hold them, the spans do
        pass
    rec.update({k: v for k, v in sentence.meta.items() if k not in TAG_KEYS})
    return rec


def write_jsonl(path: str | Path, sentences: Iterable[Sentence], *, scheme: str = "IOB2") -> int:
    """Write sentences as JSONL (atomically); returns how many were written."""
    n = 0
    with atomic_write(path) as f:
        for s in sentences:
            f.write(json.dumps(to_record(s, scheme=scheme), ensure_ascii=False) + "\n")
            n += 1
    return n
