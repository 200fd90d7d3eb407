import pytest

from annoproj.align.symmetrize import SYMMETRIZERS, symmetrize
from annoproj.data.model import Alignment

FWD = Alignment.from_pairs([(0, 0), (1, 1), (2, 3)])
REV = Alignment.from_pairs([(0, 0), (1, 1), (1, 2), (3, 3)])


def test_intersection_and_union():
    assert symmetrize(FWD, REV, 4, 4, method="intersection").pairs() == [(0, 0), (1, 1)]
    assert symmetrize(FWD, REV, 4, 4, method="union").pairs() == [
        (0, 0), (1, 1), (1, 2), (2, 3), (3, 3)
    ]


def test_grow_diag_adds_neighbours_of_unaligned_words():
    # (1, 2) neighbours (1, 1) and covers unaligned target 2; (2, 3) is diagonal to
    # (1, 2) and covers source 2; (3, 3) is below (2, 3) and covers source 3
    got = symmetrize(FWD, REV, 4, 4, method="grow-diag").pairs()
    assert got == [(0, 0), (1, 1), (1, 2), (2, 3), (3, 3)]


def test_final_and_requires_both_words_unaligned():
    fwd = Alignment.from_pairs([(0, 0), (2, 3)])
    rev = Alignment.from_pairs([(0, 0), (3, 3)])
    # nothing grows: (2, 3) and (3, 3) are no neighbours of (0, 0)
    assert symmetrize(fwd, rev, 4, 4, method="grow-diag").pairs() == [(0, 0)]
    gdfa = symmetrize(fwd, rev, 4, 4, method="grow-diag-final-and").pairs()
    gdf = symmetrize(fwd, rev, 4, 4, method="grow-diag-final").pairs()
    assert gdfa == [(0, 0), (2, 3)]  # (3, 3): target 3 is aligned by then
    assert gdf == [(0, 0), (2, 3), (3, 3)]  # source 3 is not, which is enough


def test_every_method_lies_between_intersection_and_union():
    inter = set(symmetrize(FWD, REV, 4, 4, method="intersection").pairs())
    uni = set(symmetrize(FWD, REV, 4, 4, method="union").pairs())
    for name in SYMMETRIZERS:
        got = set(symmetrize(FWD, REV, 4, 4, method=name).pairs())
        assert got <= uni
        if name not in ("forward", "reverse"):
            assert inter <= got


def test_unknown_method_is_named():
    with pytest.raises(ValueError, match="unknown symmetrisation 'diag'"):
        symmetrize(FWD, REV, 4, 4, method="diag")
