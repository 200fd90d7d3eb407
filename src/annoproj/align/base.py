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


def registered_aligners() -> Registry[Aligner]:
    """`aligners` with every aligner module imported (each registers its aligners)."""
    import annoproj.align.eflomal  # noqa: F401
    import annoproj.align.monolingual  # noqa: F401
    import annoproj.align.neural  # noqa: F401  (torch loads only when one is built)

    return aligners


def make_aligner(name: str, **options) -> Aligner:
    """The aligner `name` ("eflomal", "simalign", "awesome", ...) built with `options`."""
    return registered_aligners().create(name, **options)
