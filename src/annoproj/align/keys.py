"""Alignment keys: what the aligner sees of a word, while the tokens themselves stay as they are.

Languages that glue prefixes onto names (Bantu noun-class and locative prefixes: Xhosa
*eLondon*, Swahili *kwaUingereza*, Hausa *naJamus*) hide the name from a word aligner: eflomal
sees *eLondon* and *London* as two unrelated word types. Aligning by `name_key` instead lets
the name align with its source. On MasakhaNER 2.0 Xhosa this is worth 4 points of CRF F1
(docs/benchmarks.md, "Alignment and matching knobs").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annoproj.align.base import Aligner
    from annoproj.data.model import Alignment

__all__ = ["NameKeyAligner", "name_key", "with_name_keys"]


def name_key(word: str) -> str:
    """`word` without a prefix glued onto a name, for alignment: "laseParis" -> "Paris".

    Bantu noun-class and locative prefixes attach to names ("uTakemura", "eArizona",
    "kwiNorth", "u-Ahmad", "I-Roma"); cutting them lets the name align with its source.
    A lowercase run before a capital, a capital plus lowercase run before a capitalised
    word, or up to 6 letters before a hyphen followed by a capital or digit is cut.
    """
    h = word.find("-")
    if 0 < h <= 6 and h + 1 < len(word) and word[:h].isalpha() and (
            word[h + 1].isupper() or word[h + 1].isdigit()):
        return word[h + 1:]
    n = len(word)
    if n < 3:
        return word
    i = 1 if word[0].isupper() else 0
    while i < n and word[i].islower():
        i += 1
    if 0 < i < n and word[i].isupper() and (
            not word[0].isupper() or (i + 1 < n and word[i + 1].islower())):
        return word[i:]
    return word


def with_name_keys(corpus: Iterable[Sequence[str]], *, cache: dict[str, str] | None = None
                   ) -> list[list[str]]:
    """Every sentence of `corpus` with its words replaced by their `name_key`; `cache`
    (word -> key) may be shared between calls.

    >>> with_name_keys([["Siya", "eLondon", "kwiNorth"], ["London"]])
    [['Siya', 'London', 'North'], ['London']]
    """
    keys = {} if cache is None else cache
    out = []
    for sent in corpus:
        row = []
        for w in sent:
            k = keys.get(w)
            if k is None:
                k = keys[w] = name_key(w)
            row.append(k)
        out.append(row)
    return out


class NameKeyAligner:
    """Any `Aligner`, fed the `name_key` of every word instead of the word: the links
    index the original tokens, which are not changed.

    >>> from annoproj.align.monolingual import MonolingualAligner
    >>> NameKeyAligner(MonolingualAligner()).align([["in", "London"]], [["eLondon"]])[0].links.tolist()
    [[1, 0]]
    """

    def __init__(self, aligner: Aligner) -> None:
        self.aligner = aligner
        #: The inner aligner's name, marked: "eflomal+name-keys".
        self.name = f"{getattr(aligner, 'name', type(aligner).__name__)}+name-keys"

    def align(self, src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]]) -> list[Alignment]:
        """The inner aligner's links of the keyed sentence pairs."""
        cache: dict[str, str] = {}
        return self.aligner.align(with_name_keys(src, cache=cache), with_name_keys(tgt, cache=cache))
