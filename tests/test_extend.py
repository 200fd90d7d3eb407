"""Extension of projected spans to the whole names the projected corpus knows."""

from hypothesis import given, settings
from strategies import corpora

from annoproj.data.model import ProjectedSpan, Span
from annoproj.project.extend import (
    extend_corpus,
    extend_spans,
    lowercase_name_words,
    phrase_lexicon,
)

UN = ["Umoja", "wa", "Mataifa"]
TOKENS = [["maafisa", "wa", *UN], [*UN, "na", "Iraq"], ["Jana", *UN, "ilisema"],
          ["Amurka", "ta", "ce"], ["Amurka", "ta", "yi"], ["wa", "Amurka", "ta"], ["ta"] * 9]
SPANS = [[Span(2, 3, "ORG")], [Span(0, 3, "ORG"), Span(4, 5, "LOC")], [Span(1, 4, "ORG")],
         [Span(0, 2, "LOC")], [Span(0, 2, "LOC")], [Span(1, 2, "LOC")], []]


def test_lexicon_counts_whole_spans_with_a_consistent_label():
    lex = phrase_lexicon(TOKENS, SPANS)
    assert lex[tuple(UN)] == ("ORG", 2)
    assert lex[("Amurka", "ta")] == ("LOC", 2)
    assert ("Iraq",) not in lex  # once only
    assert phrase_lexicon(TOKENS, SPANS, min_count=3) == {}
    mixed = [[Span(0, 3, "ORG")], [Span(0, 3, "LOC")], [Span(0, 3, "ORG")]]
    assert phrase_lexicon([UN] * 3, mixed) == {}  # ORG in 2 of 3 < 0.8
    assert phrase_lexicon([UN] * 3, mixed, min_share=0.6) == {tuple(UN): ("ORG", 2)}


def test_short_spans_grow_to_the_known_name():
    out, n = extend_corpus(TOKENS, SPANS)
    assert n == 1
    assert out[0] == [Span(2, 5, "ORG")]
    # "ta" lies outside spans in 10 of its 12 occurrences: "Amurka" does not become "Amurka ta"
    assert out[1:] == SPANS[1:]
    # without the lower-case guard the repeated mistake "Amurka ta" would spread
    lex = phrase_lexicon(TOKENS, SPANS)
    assert extend_spans(TOKENS[5], SPANS[5], lex)[0] == [Span(1, 3, "LOC")]
    assert extend_spans(TOKENS[5], SPANS[5], lex,
                        name_words=lowercase_name_words(TOKENS, SPANS))[0] == SPANS[5]


def test_extension_keeps_labels_fields_and_other_spans():
    lex = {tuple(UN): ("ORG", 5), ("Baraza", "la", "Usalama", "la", *UN): ("ORG", 2)}
    toks = ["Baraza", "la", "Usalama", "la", *UN, "Kofi", "Annan"]
    # the longest phrase wins; score and source entity are kept
    got, n = extend_spans(toks, [ProjectedSpan(4, 5, "ORG", 0.7, 3)], lex)
    assert (got, n) == ([ProjectedSpan(0, 7, "ORG", 0.7, 3)], 1)
    # a phrase over another span, or over a `taken` span, or of another label is not used
    assert extend_spans(toks, [Span(0, 1, "ORG"), Span(4, 5, "ORG")], lex)[0] == [
        Span(0, 1, "ORG"), Span(4, 7, "ORG")]
    assert extend_spans(toks, [Span(4, 5, "ORG")], lex, taken=[Span(6, 7, "MISC")])[0] == [
        Span(4, 5, "ORG")]
    assert extend_spans(toks, [Span(4, 5, "LOC")], lex) == ([Span(4, 5, "LOC")], 0)
    assert extend_spans(toks, [], lex) == ([], 0)
    assert extend_spans(toks, [Span(4, 5, "ORG")], lex, max_len=3)[0] == [Span(4, 7, "ORG")]


def test_lowercase_name_words():
    tokens = [["la", "Unione", "europea"], ["politica", "europea"], ["la", "Unione", "europea"]]
    spans = [[Span(1, 3, "ORG")], [], [Span(1, 3, "ORG")]]
    assert lowercase_name_words(tokens, spans) == {"europea"}
    assert lowercase_name_words(tokens, spans, min_share=0.7) == set()


@settings(max_examples=200)
@given(corpora(max_span=3))
def test_extension_only_widens_and_never_overlaps(corpus):
    tokens, spans = corpus
    out, n = extend_corpus(tokens, spans, min_count=1, min_share=0.5)
    changed = 0
    for toks, old, new in zip(tokens, spans, out):
        assert len(old) == len(new)
        taken = [0] * len(toks)
        for a, b in zip(old, new):
            assert new_contains_old(a, b) and a.label == b.label
            changed += a != b
            for k in range(b.start, b.end):
                taken[k] += 1
        assert max(taken, default=0) <= 1
    assert changed == n


def new_contains_old(old: Span, new: Span) -> bool:
    return new.start <= old.start and old.end <= new.end and 0 <= new.start < new.end


def test_docstring_examples():
    import doctest

    import annoproj.project.extend as extend

    assert doctest.testmod(extend).failed == 0
