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

    def align(self, src: Sequence[Tokens], tgt: Sequence[Tokens]) -> list[Alignment]:
        """Word alignments for each (src[k], tgt[k]) pair."""
        ...


aligners: Registry[Aligner] = Registry("aligner")
