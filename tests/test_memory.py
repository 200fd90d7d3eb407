import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annoproj.data.model import Alignment, ProjectedSpan, Span
from annoproj.project.base import MatchInstance, scorers
from annoproj.project.match import MatchProjector, fit_in_parts
from annoproj.project.scorers.memory import MemoryScorer, PhraseMemory

WITH_MEMORY = ("alignment", "lexical", "string", "memory")

# "United States" -> "Marekani" four times; the fifth pair's links miss the name
SRC = [["in", "the", "United", "States"]] * 5
TGT = [["huko", "Marekani"]] * 4 + [["huko", "Marekani", "leo"]]
LINKS = [Alignment.from_pairs([(0, 0), (2, 1), (3, 1)])] * 4 + [
    Alignment.from_pairs([(2, 0), (0, 2)])]
SPANS = [[Span(2, 4, "LOC")]] * 5


def _instance(src, tgt, ents, cands):
    return MatchInstance(src_tokens=src, tgt_tokens=tgt,
                         entities=np.asarray(ents, dtype=np.int32).reshape(-1, 2),
                         labels=["LOC"] * len(ents),
                         candidates=np.asarray(cands, dtype=np.int32).reshape(-1, 2),
                         alignment=Alignment.from_pairs([]))


def test_memory_projects_a_name_as_the_rest_of_the_corpus_does():
    without = MatchProjector().project(SRC, TGT, SPANS, LINKS)
    assert without.spans[4] == []  # too little evidence in the pair itself
    got = MatchProjector(scorers=WITH_MEMORY).project(SRC, TGT, SPANS, LINKS)
    assert [(p.start, p.end) for p in got.spans[4]] == [(1, 2)]
    assert [(p.start, p.end) for p in got.spans[0]] == [(1, 2)]


def test_memory_scorer_has_no_opinion_until_a_name_was_projected_often_enough():
    i = _instance(["in", "the", "United", "States"], ["huko", "Marekani", "leo"],
                  [[2, 4], [0, 1]], [[0, 1], [1, 2], [1, 3]])
    sc = MemoryScorer(min_count=3)
    assert sc.needs_projection and np.isnan(sc.score([i])[0]).all()
    projected = [[ProjectedSpan(1, 2, "LOC", 1.0, 0)]] * 3 + [[ProjectedSpan(0, 1, "LOC", 1.0, 0)]]
    sc.fit_projection(SRC[:4], TGT[:4], SPANS[:4], projected)
    assert not sc.needs_projection
    got = sc.score([i])[0]
    np.testing.assert_allclose(got[0], [0.25, 0.75, 0.0])
    assert np.isnan(got[1]).all()  # "in" was never projected
    assert np.isnan(MemoryScorer(min_count=5).fit_projection(
        SRC[:4], TGT[:4], SPANS[:4], projected).score([i])[0]).all()
    with pytest.raises(ValueError, match="min_count"):
        MemoryScorer(min_count=0)


def test_memory_keys_target_names_without_glued_prefixes():
    m = PhraseMemory()
    assert m.tgt_key(["eLondon"], 0, 1) == m.tgt_key(["kwiLondon"], 0, 1) == "london"
    assert PhraseMemory(name_keys=False).tgt_key(["eLondon"], 0, 1) == "elondon"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=12),
       st.integers(0, 12))
def test_memories_of_parts_add_up_to_the_memory_of_the_whole(pairs, cut):
    names = [["Paris"], ["Rome"], ["New", "York"], ["Oslo"]]
    words = [["Parigi"], ["Roma"], ["Nuova", "York"], ["Oslo"]]
    src = [names[a] for a, _ in pairs]
    tgt = [words[b] for _, b in pairs]
    spans = [[Span(0, len(s), "LOC")] for s in src]
    proj = [[ProjectedSpan(0, len(t), "LOC", 1.0, 0)] for t in tgt]
    whole = PhraseMemory().add(src, tgt, spans, proj)
    parts = PhraseMemory().add(src[:cut], tgt[:cut], spans[:cut], proj[:cut])
    parts.update(PhraseMemory().add(src[cut:], tgt[cut:], spans[cut:], proj[cut:]))
    assert parts.counts == whole.counts and parts.totals == whole.totals


def test_fitted_projector_projects_batches_as_one_call_on_the_whole_corpus():
    whole = MatchProjector(scorers=WITH_MEMORY).project(SRC, TGT, SPANS, LINKS)
    fitted = MatchProjector(scorers=WITH_MEMORY).fit(SRC, TGT, LINKS, SPANS)
    fitted = pickle.loads(pickle.dumps(fitted))  # as a worker process gets it
    for lo in range(0, 5, 2):
        part = fitted.project(SRC[lo:lo + 2], TGT[lo:lo + 2], SPANS[lo:lo + 2],
                              LINKS[lo:lo + 2])
        assert part.spans == whole.spans[lo:lo + 2]
    # unfitted, a batch of one pair has only itself to learn from
    alone = MatchProjector(scorers=WITH_MEMORY).project(SRC[4:], TGT[4:], SPANS[4:], LINKS[4:])
    assert alone.spans != whole.spans[4:]


def test_fit_in_parts_fits_the_memory_on_a_first_projection_of_every_part():
    def parts():
        return [(SRC[:2], TGT[:2], LINKS[:2], SPANS[:2]), (SRC[2:], TGT[2:], LINKS[2:], SPANS[2:])]

    opts = fit_in_parts({"scorers": list(WITH_MEMORY)}, parts)
    assert isinstance(opts["scorers"][3], MemoryScorer) and opts["scorers"][0] == "alignment"
    got = MatchProjector(**opts).project(SRC[4:], TGT[4:], SPANS[4:], LINKS[4:])
    whole = MatchProjector(scorers=WITH_MEMORY).project(SRC, TGT, SPANS, LINKS)
    assert got.spans == whole.spans[4:]
    with pytest.raises(TypeError, match="afresh"):
        fit_in_parts({"scorers": list(WITH_MEMORY)}, parts())


def test_memory_is_registered_and_fusion_leaves_out_its_missing_opinions():
    assert isinstance(scorers.create("memory"), MemoryScorer)
    i = _instance(["Paris"], ["a", "Parigi"], [[0, 1]], [[0, 1], [1, 2]])
    plain = scorers.create("fusion", scorers=["string"]).score([i])[0]
    fused = scorers.create("fusion", scorers=["string", "memory"]).score([i])[0]
    np.testing.assert_array_equal(plain, fused)  # the memory is empty: no opinion


def test_second_pass_reuses_the_other_scorers_matrices(monkeypatch):
    from annoproj.project.scorers.fusion import FusionScorer
    from annoproj.project.scorers.string import StringScorer

    calls = []

    class Counted(StringScorer):
        def score(self, batch):
            calls.append(len(batch))
            return super().score(batch)

    def project():
        return MatchProjector(scorers=["alignment", "lexical", Counted(), "memory"],
                              batch_size=2).project(SRC, TGT, SPANS, LINKS)

    kept = project()
    assert calls == [2, 2, 1]  # three batches, each scored once in two passes
    monkeypatch.setattr(FusionScorer, "keep_scores", lambda self, on: None)
    calls.clear()
    assert project().spans == kept.spans and calls == [2, 2, 1, 2, 2, 1]


def test_pipeline_projection_in_batches_remembers_the_whole_corpus():
    from annoproj.data.model import Sentence
    from annoproj.pipeline.projection import ProjectionJob, project_sentences

    src = [Sentence(list(t), list(s)) for t, s in zip(SRC, SPANS)]
    tgt = [Sentence(list(t), []) for t in TGT]
    job = ProjectionJob(scorers=WITH_MEMORY, batch_size=2)
    got = project_sentences(job, src, tgt, LINKS)
    whole = MatchProjector(scorers=WITH_MEMORY).project(SRC, TGT, SPANS, LINKS)
    assert got.spans == whole.spans and [(p.start, p.end) for p in got.spans[4]] == [(1, 2)]


def test_memory_fitted_in_parts_counts_what_a_whole_first_projection_counts():
    # the first projection of a later part must not use the memory of the earlier parts
    def parts():
        return [(SRC[:4], TGT[:4], LINKS[:4], SPANS[:4]), (SRC[4:], TGT[4:], LINKS[4:], SPANS[4:])]

    got = fit_in_parts({"scorers": list(WITH_MEMORY)}, parts)["scorers"][3].memory
    whole = MemoryScorer()
    MatchProjector(scorers=["alignment", "lexical", "string", whole]).fit(SRC, TGT, LINKS, SPANS)
    assert got.counts == whole.memory.counts and got.totals == whole.memory.totals
    assert got.totals == {"united states": 4}  # the fifth pair projects nothing at first
