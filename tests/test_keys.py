"""Alignment by name keys (`annoproj.align.keys`)."""

import doctest

import annoproj.align.keys as keys_mod
from annoproj.align.keys import NameKeyAligner, with_name_keys


def test_doctests():
    assert doctest.testmod(keys_mod).failed == 0


class _Recorder:
    """An aligner that records what it was given."""

    def align(self, src, tgt):
        self.seen = (src, tgt)
        return []


def test_aligner_sees_keys_and_inputs_stay():
    src, tgt = [["to", "Paris"]], [["kwiParis", "I-Roma"]]
    inner = _Recorder()
    NameKeyAligner(inner).align(src, tgt)
    assert inner.seen == ([["to", "Paris"]], [["Paris", "Roma"]])
    assert tgt == [["kwiParis", "I-Roma"]]  # the caller's tokens are untouched
    cache: dict = {}
    assert with_name_keys([["uMessi"]], cache=cache) == [["Messi"]] and cache == {"uMessi": "Messi"}
