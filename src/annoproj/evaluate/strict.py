"""Entities of tag sequences read strictly, as seqeval's ``mode="strict"`` reads them.

In strict mode a chunk counts only when it starts, continues and ends as its scheme says: in
IOB2 an ``I-PER`` after ``O`` is no entity (the default mode, conlleval's, repairs it into
one), and in BIOES a ``B-PER`` without its ``E-PER`` is none. The rules are seqeval's
(`seqeval.scheme`), for IOB1, IOB2, BIOES (seqeval's IOBES) and BILUO (its BILOU).
"""

from __future__ import annotations

from collections.abc import Sequence

from annoproj.data.model import Span
from annoproj.data.tags import check_scheme

_ANY = "IOBESUL"
# scheme: (allowed prefixes, start, inside, end patterns); a pattern is (previous prefixes,
# current prefixes, tag condition: "any", "same" or "diff").
_RULES: dict[str, tuple[str, set, set, set]] = {
    "IOB1": ("IOB",
             {("O", "I", "any"), ("I", "I", "diff"), ("B", "I", "any"), ("I", "B", "same"),
              ("B", "B", "same")},
             {("B", "I", "same"), ("I", "I", "same")},
             {("I", "I", "diff"), ("I", "O", "any"), ("I", "B", "any"), ("B", "O", "any"),
              ("B", "I", "diff"), ("B", "B", "same")}),
    "IOB2": ("IOB",
             {(_ANY, "B", "any")},
             {("B", "I", "same"), ("I", "I", "same")},
             {("I", "O", "any"), ("I", "I", "diff"), ("I", "B", "any"), ("B", "O", "any"),
              ("B", "I", "diff"), ("B", "B", "any")}),
    "BIOES": ("IOBES",
              {(_ANY, "B", "any"), (_ANY, "S", "any")},
              {("B", "I", "same"), ("B", "E", "same"), ("I", "I", "same"), ("I", "E", "same")},
              {("S", _ANY, "any"), ("E", _ANY, "any")}),
    "BILUO": ("BILOU",
              {(_ANY, "B", "any"), (_ANY, "U", "any")},
              {("B", "I", "same"), ("B", "L", "same"), ("I", "I", "same"), ("I", "L", "same")},
              {("U", _ANY, "any"), ("L", _ANY, "any")}),
}


def _token(tag: str) -> tuple[str, str]:
    return tag[0], tag[1:].strip("-_") or "_"


def _matches(patterns: set, prev: tuple[str, str], cur: tuple[str, str]) -> bool:
    for prev_p, cur_p, cond in patterns:
        if prev[0] in prev_p and cur[0] in cur_p and (
                cond == "any" or (cond == "same") == (prev[1] == cur[1])):
            return True
    return False


def strict_spans(tags: Sequence[str], scheme: str = "IOB2") -> list[Span]:
    """The entities of `tags` under `scheme`'s strict rules (invalid chunks are dropped);
    a ValueError for a prefix the scheme does not have (``E-PER`` in IOB2).

    >>> strict_spans(["I-PER", "O", "B-LOC", "I-LOC"])
    [Span(start=2, end=4, label='LOC')]
    """
    name = check_scheme(scheme)
    allowed, start_p, inside_p, end_p = _RULES[name]
    toks = [_token(t) for t in tags] + [("O", "_")]
    for k, (p, _) in enumerate(toks):
        if p not in allowed:
            raise ValueError(f"tag {tags[k]!r} (token {k + 1}) is not a tag of {name}")
    out: list[Span] = []
    i, prev = 0, ("O", "_")
    while i < len(toks):
        tok = toks[i]
        if _matches(start_p, prev, tok):
            end, last = len(toks) - 2, tok
            for j in range(i + 1, len(toks)):
                if _matches(inside_p, last, toks[j]):
                    last = toks[j]
                else:
                    end = j
                    break
            if _matches(end_p, toks[end - 1], toks[end]):
                out.append(Span(i, end, tok[1]))
            i = end
        else:
            i += 1
        prev = toks[i - 1]
    return out
