"""Conversion between spans and IOB1, IOB2 (BIO), BIOES (IOBES) and BILUO tag sequences.

Reading tags follows conlleval (and seqeval's default mode): any sequence is accepted and
invalid ones are repaired, e.g. ``I-PER`` after ``O`` starts an entity and a change of type
inside a chunk ends it. Writing produces valid tags of the chosen scheme.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from annoproj.data.model import Span
from annoproj.errors import ConfigError

Scheme = Literal["IOB1", "IOB2", "BIOES", "BILUO"]
SCHEMES: tuple[str, ...] = ("IOB1", "IOB2", "BIOES", "BILUO")
_ALIASES = {"BIO": "IOB2", "IOB": "IOB2", "IOBES": "BIOES", "BILOU": "BILUO"}
_PREFIX = {"L": "E", "U": "S"}  # BILOU letters read as BIOES


def check_scheme(scheme: str) -> str:
    """The canonical name of a tag scheme, or a ValueError naming the known ones."""
    name = _ALIASES.get(scheme.upper(), scheme.upper())
    if name not in SCHEMES:
        raise ConfigError(f"unknown tag scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    return name


def split_tag(tag: str) -> tuple[str, str]:
    """(prefix letter, type) of a tag: ``"B-PER" -> ("B", "PER")``, ``"O" -> ("O", "")``."""
    if tag == "O" or not tag:
        return "O", ""
    if len(tag) > 1 and tag[1] in "-_" and tag[0] in "BIESLU":
        return _PREFIX.get(tag[0], tag[0]), tag[2:]
    if tag in ("B", "I", "E", "S"):
        return tag, ""
    return "I", tag  # a bare type (IO scheme) counts as inside


def _ends(prev: str, tag: str, prev_type: str, type_: str) -> bool:
    if prev in ("E", "S"):
        return True
    if prev in ("B", "I") and tag in ("B", "S", "O"):
        return True
    return prev != "O" and prev_type != type_


def _starts(prev: str, tag: str, prev_type: str, type_: str) -> bool:
    if tag in ("B", "S"):
        return True
    if tag in ("E", "I") and prev in ("E", "S", "O"):
        return True
    return tag != "O" and prev_type != type_


def tags_to_spans(tags: Sequence[str]) -> list[Span]:
    """Entity spans of a tag sequence in any scheme, repaired as conlleval does.

    >>> tags_to_spans(["B-PER", "I-PER", "O", "I-LOC", "B-ORG", "I-LOC"])
    [Span(start=0, end=2, label='PER'), Span(start=3, end=4, label='LOC'), Span(start=4, end=5, label='ORG'), Span(start=5, end=6, label='LOC')]
    """
    spans: list[Span] = []
    prev, prev_type, begin = "O", "", 0
    for i, tag in enumerate([*tags, "O"]):
        cur, type_ = split_tag(tag)
        t = type_ or "_"
        if _ends(prev, cur, prev_type, t):
            spans.append(Span(begin, i, prev_type))
        if _starts(prev, cur, prev_type, t):
            begin = i
        prev, prev_type = cur, t
    return spans


def spans_to_tags(spans: Iterable[Span], n: int, *, scheme: str = "IOB2") -> list[str]:
    """Tags of `n` tokens for non-overlapping `spans`.

    >>> spans_to_tags([Span(0, 2, "PER"), Span(2, 3, "PER")], 4, scheme="IOB1")
    ['I-PER', 'I-PER', 'B-PER', 'O']
    """
    scheme = check_scheme(scheme)
    tags = ["O"] * n
    ordered = sorted((int(s[0]), int(s[1]), s[2]) for s in spans)  # ProjectedSpans too
    prev_end, prev_label = -1, None
    for start, end, label in ordered:
        if not 0 <= start < end <= n:
            raise ValueError(f"span ({start}, {end}, {label}) is outside a sentence of {n} tokens")
        if any(t != "O" for t in tags[start:end]):
            raise ValueError(f"span ({start}, {end}, {label}) overlaps another span")
        if scheme in ("BIOES", "BILUO"):
            last, unit = ("E", "S") if scheme == "BIOES" else ("L", "U")
            if end - start == 1:
                tags[start] = f"{unit}-{label}"
            else:
                tags[start] = f"B-{label}"
                tags[start + 1 : end - 1] = [f"I-{label}"] * (end - start - 2)
                tags[end - 1] = f"{last}-{label}"
        else:
            begin = "B" if scheme == "IOB2" or (prev_end == start and prev_label == label) else "I"
            tags[start] = f"{begin}-{label}"
            tags[start + 1 : end] = [f"I-{label}"] * (end - start - 1)
        prev_end, prev_label = end, label
    return tags


def convert_tags(tags: Sequence[str], *, to: str = "IOB2") -> list[str]:
    """Tags of any scheme rewritten (and repaired) in scheme `to`."""
    return spans_to_tags(tags_to_spans(tags), len(tags), scheme=to)


def is_valid(tags: Sequence[str], *, scheme: str = "IOB2") -> bool:
    """Whether `tags` are already a valid sequence of `scheme` (nothing to repair)."""
    return list(tags) == convert_tags(tags, to=scheme)


def tag_errors(tags: Sequence[str]) -> list[tuple[int, str]]:
    """(index, tag) of each tag that belongs to no scheme: neither ``O`` nor a prefix letter
    of IOB1/IOB2/BIOES/BILUO, a dash or underscore and a type (``0``, ``FOO``, ``B-``)."""
    return [(i, t) for i, t in enumerate(tags)
            if t != "O" and not (len(t) > 2 and t[0] in "BIESLU" and t[1] in "-_")]


#: The tag prefixes of each scheme `label_set` builds, in order.
_PREFIXES = {"IOB2": ("B", "I"), "IOB1": ("I", "B"), "BIOES": ("B", "I", "E", "S")}


def label_set(types: Sequence[str], *, scheme: str = "IOB2") -> list[str]:
    """All tags of `scheme` over the entity `types`: "O" first, then the tags of each type.

    >>> label_set(["PER", "LOC"])
    ['O', 'B-LOC', 'I-LOC', 'B-PER', 'I-PER']
    """
    prefixes = _PREFIXES[check_scheme(scheme)]
    return ["O", *(f"{p}-{t}" for t in sorted(set(types)) for p in prefixes)]
