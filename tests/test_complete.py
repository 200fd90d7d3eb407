"""Completion of projected data from the corpus's own lexicon of reliably labelled phrases."""

from hypothesis import given, settings
from strategies import corpora

from annoproj.data.model import ProjectedSpan, Span
from annoproj.project.complete import complete_corpus, complete_spans, entity_lexicon

TOKENS = [["Musa", "ya", "je", "Kano"], ["Musa", "da", "Kano"], ["Musa", "yana", "Kano", "da", "kano"],
          ["da", "ya"], ["da", "ya", "da"]]
SPANS = [[Span(0, 1, "PER"), Span(3, 4, "LOC")], [Span(0, 1, "PER"), Span(2, 3, "LOC")],
         [Span(2, 3, "LOC")], [Span(0, 1, "ORG")], [Span(0, 1, "ORG")]]


def test_lexicon_keeps_reliable_phrases_only():
    lex = entity_lexicon(TOKENS, SPANS)
    # "da" is ORG twice but unlabelled three times: out; "Musa" labelled 2 of 3 times
    assert lex == {("Musa",): ("PER", 2 / 3), ("Kano",): ("LOC", 1.0)}
    assert entity_lexicon(TOKENS, SPANS, labels=("LOC",)) == {("Kano",): ("LOC", 1.0)}
    lower = [["da"]] * 3
    assert entity_lexicon(lower, [[Span(0, 1, "ORG")]] * 3) == {("da",): ("ORG", 1.0)}
    assert entity_lexicon(lower, [[Span(0, 1, "ORG")]] * 3, names_only=True) == {}
    # spans in `ignore` count neither as labelled nor as unlabelled occurrences
    ignore = [[], [], [Span(0, 1, "MISC")], [], []]
    assert entity_lexicon(TOKENS, SPANS, ignore)[("Musa",)] == ("PER", 1.0)


def test_completion_adds_missed_mentions():
    lex = entity_lexicon(TOKENS, SPANS)
    assert complete_spans(TOKENS[2], SPANS[2], lex) == [ProjectedSpan(0, 1, "PER", 0.6667, -1)]
    extra = complete_corpus(TOKENS, SPANS)
    assert [[x.span() for x in e] for e in extra] == [[], [], [Span(0, 1, "PER")], [], []]
    # longest phrase first, never over an existing span
    lex2 = {("New", "York"): ("LOC", 1.0), ("York",): ("ORG", 1.0)}
    assert complete_spans(["in", "New", "York", "York"], [Span(3, 4, "PER")], lex2) == [
        ProjectedSpan(1, 3, "LOC", 1.0, -1)]
    assert complete_corpus([], []) == []


@settings(max_examples=200)
@given(corpora())
def test_completion_never_overlaps_and_stays_in_bounds(corpus):
    tokens, spans = corpus
    for toks, old, new in zip(tokens, spans, complete_corpus(tokens, spans)):
        taken = [0] * len(toks)
        for a, b, *_ in [*old, *new]:
            assert 0 <= a < b <= len(toks)
            for k in range(a, b):
                taken[k] += 1
        assert max(taken, default=0) <= 1
        assert all(x.source == -1 and 0 < x.score <= 1 for x in new)
