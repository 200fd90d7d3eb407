import pytest

from annoproj.align.base import Aligner, aligners
from annoproj.align.eflomal import EflomalAligner, identical_word_pairs, seed_shim

SRC = [s.split() for s in [
    "the house is small", "the house is big", "a small dog", "the dog is big",
    "Anna sees the dog", "Anna has a house", "the big dog sees Anna", "a house is a house",
] * 4]  # fmt: skip
TGT = [s.split() for s in [
    "das Haus ist klein", "das Haus ist groß", "ein kleiner Hund", "der Hund ist groß",
    "Anna sieht den Hund", "Anna hat ein Haus", "der große Hund sieht Anna", "ein Haus ist ein Haus",
] * 4]  # fmt: skip


def test_registered_and_conforms():
    assert isinstance(aligners.create("eflomal"), Aligner)


def test_aligns_every_pair_within_bounds():
    out = EflomalAligner(prefix_len=0).align(SRC, TGT)
    assert len(out) == len(SRC)
    for a, s, t in zip(out, SRC, TGT):
        a.check_bounds(len(s), len(t))
    assert (0, 0) in out[0].pairs() and (1, 1) in out[0].pairs()


@pytest.mark.skipif(seed_shim() is None, reason="no C compiler to build the seed shim")
def test_fixed_seed_is_reproducible():
    a = EflomalAligner(seed=7).align_both(SRC, TGT)
    b = EflomalAligner(seed=7).align_both(SRC, TGT)
    assert a.forward == b.forward and a.reverse == b.reverse


def test_extra_corpus_is_used_but_not_returned():
    out = EflomalAligner(extra_src=SRC[:3], extra_tgt=TGT[:3]).align(SRC[:5], TGT[:5])
    assert len(out) == 5


def test_mismatched_inputs_are_rejected():
    with pytest.raises(ValueError, match="3 source but 2 target"):
        EflomalAligner().align(SRC[:3], TGT[:2])
    with pytest.raises(ValueError, match="extra corpus"):
        EflomalAligner(extra_src=SRC[:2], extra_tgt=TGT[:1])
    with pytest.raises(ValueError, match="unknown symmetrisation"):
        EflomalAligner(symmetrize="nope")


def test_empty_sentences_get_empty_alignments():
    out = EflomalAligner().align([["a", "b"], []], [["a", "b"], ["x"]])
    assert len(out) == 2 and len(out[1]) == 0


def test_identical_word_pairs_are_case_insensitive_and_skip_punctuation():
    s, t = identical_word_pairs([["Anna", "sees", ",", "Rome"]], [["anna", "sieht", ",", "Rome"]])
    assert s == t == [["anna"], ["Rome"]]
