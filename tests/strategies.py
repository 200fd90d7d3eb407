"""Hypothesis strategies shared by the tests of corpus-level span logic."""

from hypothesis import strategies as st

from annoproj.data.model import Span

WORDS = st.sampled_from(["A", "B", "c", "D"])


@st.composite
def corpora(draw, *, max_span: int = 2, labels: tuple[str, ...] = ("PER", "LOC")):
    """(tokens, spans): up to 6 sentences of up to 8 words from a 4-word vocabulary, each with
    non-overlapping spans of 1..`max_span` words, in order."""
    tokens = draw(st.lists(st.lists(WORDS, max_size=8), min_size=1, max_size=6))
    spans = []
    for toks in tokens:
        s, i = [], 0
        while i < len(toks):
            n = draw(st.integers(0, max_span))
            if n and i + n <= len(toks):
                s.append(Span(i, i + n, draw(st.sampled_from(labels))))
            i += max(n, 1)
        spans.append(s)
    return tokens, spans
