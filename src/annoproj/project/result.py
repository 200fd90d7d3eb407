"""What a projector returns: spans per sentence, and the sentences it had to skip."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from annoproj.data.model import ProjectedSpan


@dataclass
class ProjectionResult:
    """Projected spans for each sentence pair, plus (index, reason) for each skipped pair.

    A skipped sentence keeps an empty span list at its index, so positions stay aligned
    with the input; `skipped` says which and why.
    """

    spans: list[list[ProjectedSpan]]
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.spans)

    @property
    def skipped_indices(self) -> set[int]:
        """Indices of the skipped sentence pairs."""
        return {i for i, _ in self.skipped}


def check_lengths(src_tokens: Sequence, tgt_tokens: Sequence, src_spans: Sequence,
                  alignments: Sequence) -> int:
    """The number of sentence pairs; a ValueError when the four inputs differ in length."""
    n = len(src_tokens)
    if not (len(tgt_tokens) == len(src_spans) == len(alignments) == n):
        raise ValueError(
            f"inputs differ in length: {n} source, {len(tgt_tokens)} target, "
            f"{len(src_spans)} span lists, {len(alignments)} alignments"
        )
    return n
