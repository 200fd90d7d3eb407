"""The `Aligner` interface and its registry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from annoproj.data.model import Alignment
from annoproj.registry import Registry

Tokens = Sequence[str]


@runtime_checkable
class Aligner(Protocol):
    """Aligns the words of parallel sentences: one `Alignment` per sentence pair."""

    name: str

    def align(self, src: Sequence[Tokens], tgt: Sequence[Tokens]) -> list[Alignment]:
        """Word alignments for each (src[k], tgt[k]) pair."""
        ...


#: Aligners by name; torch loads only when a neural one is built.
aligners: Registry[Aligner] = Registry("aligner", providers=(
    "annoproj.align.eflomal", "annoproj.align.monolingual", "annoproj.align.neural"))


def registered_aligners() -> Registry[Aligner]:
    """`aligners` (kept for callers of old: the registry loads its aligners itself)."""
    return aligners


def make_aligner(name: str, **options) -> Aligner:
    """The aligner `name` ("eflomal", "simalign", "awesome", ...) built with `options`."""
    return aligners.create(name, **options)
