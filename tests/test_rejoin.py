"""Rejoining words a tokeniser split (annoproj.translate.tokenize.rejoin_groups)."""

from hypothesis import given
from hypothesis import strategies as st

from annoproj.data.model import Sentence, Span
from annoproj.translate.tokenize import regroup, rejoin, rejoin_groups, rejoin_sentences

ACUTE, GRAVE = "\u0301", "\u0300"
PIECES = ["wọ", "n", "lọ", "ìkésíni", "Gẹ", "ẹ", "sì", "jam", "'iyyar", "'", "Kano", ".",
          ACUTE, GRAVE, "àwọn", "Yes"]
corpora = st.lists(st.lists(st.sampled_from(PIECES), max_size=8), max_size=6)


def test_yoruba_and_hausa_pieces():
    corpus = [["Gẹ", GRAVE, "ẹ", ACUTE, "sì", "tì"], ["wọ", ACUTE, "n", "lọ"],
              ["ilẹ", GRAVE, "Jámánì"], ["jam", "'iyyar", "APC"], ["ní", "tì"], ["ní", "lọ"]]
    words = [rejoin(t, g) for t, g in zip(corpus, rejoin_groups(corpus))]
    assert words[0] == ["Gẹ" + GRAVE + "ẹ" + ACUTE + "sì", "tì"]
    assert words[1] == ["wọ" + ACUTE + "n", "lọ"]
    assert words[2] == ["ilẹ" + GRAVE, "Jámánì"]  # a capital starts a word
    assert words[3] == ["jam'iyyar", "APC"]
    only_glue = rejoin_groups(corpus, continuations=False)
    assert rejoin(corpus[1], only_glue[1]) == ["wọ" + ACUTE, "n", "lọ"]


def test_quotes_stay_and_clitics_join():
    corpus = [["He", "said", "'", "Yes", "'", "."], ["Mr", "Smith", "'s", "car"]]
    assert rejoin_groups(corpus) == [[0, 1, 2, 3, 4, 5], [0, 1, 1, 2]]  # Smith's, as tokenize


@given(corpora)
def test_groups_cover_every_character(corpus):
    groups = rejoin_groups(corpus)
    assert len(groups) == len(corpus)
    for toks, g in zip(corpus, groups):
        assert len(g) == len(toks)
        assert all(b - a in (0, 1) for a, b in zip(g, g[1:]))
        assert not g or g[0] == 0
        words = rejoin(toks, g)
        assert "".join(words) == "".join(toks) and len(words) == len(set(g))


@given(corpora, st.data())
def test_regroup_keeps_spans_in_order_and_apart(corpus, data):
    sents = []
    for toks in corpus:
        cuts = sorted(data.draw(st.sets(st.integers(0, len(toks)), max_size=4)))
        spans = [Span(a, b, "LOC") for a, b in zip(cuts[::2], cuts[1::2]) if a < b]
        sents.append(Sentence(list(toks), spans))
    groups = rejoin_groups([s.tokens for s in sents])
    for before, after, g in zip(sents, rejoin_sentences(sents), groups):
        assert "".join(after.tokens) == "".join(before.tokens)
        assert all(0 <= s.start < s.end <= len(after.tokens) for s in after.spans)
        assert all(a.end <= b.start for a, b in zip(after.spans, after.spans[1:]))
        assert len(after.spans) <= len(before.spans)
        # every token a span covered lies in a word a span covers
        covered = {k for s in after.spans for k in range(s.start, s.end)}
        assert all(g[k] in covered for s in before.spans for k in range(s.start, s.end))


def test_regroup_merges_spans_that_share_a_word():
    s = Sentence(["Gẹ", GRAVE, "ẹ", "sì", "na"], [Span(0, 1, "LOC"), Span(2, 4, "LOC")])
    got = regroup(s, [0, 0, 0, 0, 1])
    assert got.tokens == ["Gẹ" + GRAVE + "ẹsì", "na"] and got.spans == [Span(0, 1, "LOC")]


TEXT = st.text(alphabet=list("aẹọ Ọn-'.,") + [ACUTE, GRAVE, "\u093f", "क"], max_size=30)


@given(TEXT)
def test_tokenize_keeps_every_character_and_marks_in_words(text):
    from annoproj.translate.tokenize import tokenize

    toks = tokenize(text)
    assert "".join(toks) == "".join(text.split())
    words = text.split()
    # a token never starts with a mark unless the text's word does
    assert all(not t[0] in (ACUTE, GRAVE, "\u093f") or any(w.startswith(t[0]) for w in words)
               for t in toks)


def test_module_doctests():
    import doctest
    import importlib

    # annoproj.translate exports the function tokenize, which hides the module's name
    tokenize_mod = importlib.import_module("annoproj.translate.tokenize")
    assert doctest.testmod(tokenize_mod).failed == 0
