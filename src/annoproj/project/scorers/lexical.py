"""The lexical scorer: word translation probabilities between entity and candidate."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from annoproj.data.model import Alignment
from annoproj.errors import ConfigError
from annoproj.project.base import MatchInstance, scorers
from annoproj.project.scorers.common import entity_rows, prefix, span_max, window_max
from annoproj.project.scorers.string import normalize

DIRECTIONS = ("tgt", "both")


class LexicalTable:
    """Word pair values p(t|s) and p(s|t) over two vocabularies, looked up vectorised."""

    def __init__(
        self,
        src_vocab: dict[str, int],
        tgt_vocab: dict[str, int],
        keys: np.ndarray,
        fwd: np.ndarray,
        rev: np.ndarray,
    ) -> None:
        self.src_vocab, self.tgt_vocab = src_vocab, tgt_vocab
        self.n_tgt = max(len(tgt_vocab), 1)
        order = np.argsort(keys, kind="stable")
        self.keys, self.fwd, self.rev = keys[order], fwd[order], rev[order]

    def __len__(self) -> int:
        return len(self.keys)

    def ids(self, words: Sequence[str], side: str) -> np.ndarray:
        """Vocabulary ids of `words` (-1 when unknown)."""
        vocab = self.src_vocab if side == "src" else self.tgt_vocab
        return np.fromiter((vocab.get(w, -1) for w in words), dtype=np.int64, count=len(words))

    def lookup(self, src_ids: np.ndarray, tgt_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Dense (n_src, n_tgt) p(t|s) and p(s|t) of two id arrays (0 where unknown)."""
        shape = (len(src_ids), len(tgt_ids))
        if len(self.keys) == 0 or 0 in shape:
            z = np.zeros(shape)
            return z, z.copy()
        k = src_ids[:, None] * self.n_tgt + tgt_ids[None, :]
        pos = np.minimum(np.searchsorted(self.keys, k), len(self.keys) - 1)
        hit = (self.keys[pos] == k) & (src_ids[:, None] >= 0) & (tgt_ids[None, :] >= 0)
        return np.where(hit, self.fwd[pos], 0.0), np.where(hit, self.rev[pos], 0.0)


def _vocab(words: Sequence[str]) -> dict[str, int]:
    vocab: dict[str, int] = {}
    for w in words:
        if w not in vocab:
            vocab[w] = len(vocab)
    return vocab


class LinkCounts:
    """Link counts of word pairs, added part by part: the table of a corpus too large to
    hold, counted chunk by chunk, equals the table of the whole corpus at once.

    With `weighted`, a scored link counts its score instead of 1.
    """

    _SHIFT = np.int64(1 << 32)  # pair key = src id * 2**32 + tgt id, stable as vocabularies grow

    def __init__(self, *, weighted: bool = False) -> None:
        self.weighted = weighted
        self.src_vocab: dict[str, int] = {}
        self.tgt_vocab: dict[str, int] = {}
        self._keys = np.zeros(0, dtype=np.int64)  # merged: unique keys, their weight and links
        self._weights = np.zeros(0)
        self._links = np.zeros(0, dtype=np.int64)
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []
        self._pending_n = 0

    @staticmethod
    def _ids(words: list[str], vocab: dict[str, int]) -> np.ndarray:
        ids = [vocab.setdefault(w, len(vocab)) for w in words]  # new words get the next id
        return np.asarray(ids, dtype=np.int64)

    def add(
        self,
        src_words: Sequence[Sequence[str]],
        tgt_words: Sequence[Sequence[str]],
        alignments: Sequence[Alignment],
    ) -> LinkCounts:
        """Count the links of more sentence pairs (links outside their sentence are
        ignored; every word enters the vocabularies, linked or not). Returns self."""
        n = len(alignments)
        if not (len(src_words) == len(tgt_words) == n):
            raise ValueError("add needs as many source, target and alignment entries")
        sid = self._ids([w for s in src_words for w in s], self.src_vocab)
        tid = self._ids([w for t in tgt_words for w in t], self.tgt_vocab)
        n_links = np.fromiter((len(a) for a in alignments), dtype=np.int64, count=n)
        if n_links.sum() == 0:
            return self
        ls = np.fromiter((len(x) for x in src_words), dtype=np.int64, count=n)
        lt = np.fromiter((len(x) for x in tgt_words), dtype=np.int64, count=n)
        sent = np.repeat(np.arange(n), n_links)  # the sentence of each link
        links = np.concatenate([a.links for a in alignments if len(a)]).astype(np.int64)
        i, j = links[:, 0], links[:, 1]
        ok = (i >= 0) & (j >= 0) & (i < ls[sent]) & (j < lt[sent])
        s_off, t_off = np.cumsum(ls) - ls, np.cumsum(lt) - lt
        keys = sid[s_off[sent[ok]] + i[ok]] * self._SHIFT + tid[t_off[sent[ok]] + j[ok]]
        if self.weighted:
            w = np.concatenate([np.ones(len(a)) if a.scores is None else a.scores
                                for a in alignments if len(a)]).astype(np.float64)[ok]
        else:
            w = np.ones(len(keys))
        self._pending.append((keys, w))
        self._pending_n += len(keys)
        if self._pending_n > max(len(self._keys), 1 << 20):  # amortised merging
            self._merge()
        return self

    def _merge(self) -> None:
        if not self._pending:
            return
        keys = np.concatenate([self._keys] + [k for k, _ in self._pending])
        weights = np.concatenate([self._weights] + [w for _, w in self._pending])
        links = np.concatenate([self._links] + [np.ones(len(k), np.int64) for k, _ in self._pending])
        uniq, inv = np.unique(keys, return_inverse=True)
        self._keys = uniq
        self._weights = np.bincount(inv, weights=weights, minlength=len(uniq))
        self._links = np.bincount(inv, weights=links, minlength=len(uniq)).astype(np.int64)
        self._pending, self._pending_n = [], 0

    def table(self, *, min_count: int = 1) -> LexicalTable:
        """p(t|s) = links(s, t) / links(s, .) and p(s|t) = links(s, t) / links(., t) over
        what was added; pairs linked fewer than `min_count` times are left out."""
        self._merge()
        src_vocab, tgt_vocab = dict(self.src_vocab), dict(self.tgt_vocab)
        keep = (self._links >= min_count) & (self._weights > 0)
        pairs, counts = self._keys[keep], self._weights[keep]
        s_id, t_id = pairs // self._SHIFT, pairs % self._SHIFT
        if len(pairs) == 0:
            z = np.zeros(0)
            return LexicalTable(src_vocab, tgt_vocab, z.astype(np.int64), z, z)
        c_s = np.bincount(s_id, weights=counts, minlength=len(src_vocab))
        c_t = np.bincount(t_id, weights=counts, minlength=len(tgt_vocab))
        n_t = max(len(tgt_vocab), 1)
        return LexicalTable(src_vocab, tgt_vocab, s_id * n_t + t_id, counts / c_s[s_id],
                            counts / c_t[t_id])


def table_from_file(path: str | Path, *, norm=lambda w: w) -> LexicalTable:
    """A bilingual dictionary: tsv lines `src<TAB>tgt[<TAB>prob]` (no prob: 1.0).

    The value is used for both directions; repeated pairs keep their highest value.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"dictionary {path} not found")
    src, tgt, val = [], [], []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) not in (2, 3):
                raise ValueError(f"{path}:{n}: expected 'src<TAB>tgt[<TAB>prob]', got {line!r}")
            try:
                p = float(parts[2]) if len(parts) == 3 else 1.0
            except ValueError:
                raise ValueError(f"{path}:{n}: probability {parts[2]!r} is not a number") from None
            src.append(norm(parts[0]))
            tgt.append(norm(parts[1]))
            val.append(min(max(p, 0.0), 1.0))
    src_vocab, tgt_vocab = _vocab(src), _vocab(tgt)
    n_t = max(len(tgt_vocab), 1)
    keys = np.asarray([src_vocab[s] * n_t + tgt_vocab[t] for s, t in zip(src, tgt)], np.int64)
    vals = np.asarray(val, dtype=np.float64)
    order = np.lexsort((-vals, keys))
    keys, vals = keys[order], vals[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return LexicalTable(src_vocab, tgt_vocab, keys[first], vals[first], vals[first])


@scorers.register("lexical")
class LexicalScorer:
    """Scores pairs by word translation probabilities, in [0, 1].

    score = mean over candidate words t of max over entity words s of p(t|s)
    (`direction="tgt"`); with `direction="both"` averaged with the mirror term, mean over
    entity words s of max over candidate words t of p(s|t).

    The table comes from `dictionary` (tsv `src<TAB>tgt[<TAB>prob]`) or from `fit()` on
    an aligned corpus (link counts of word pairs; `weighted`: scored links count their
    score), or `partial_fit()` on its parts one by one. Without either, it is estimated
    from the corpus a projector hands to `observe()` (all of its input), else from each
    scored batch's own alignments. Words are transliterated/lower-cased as the options say;
    with `identical`, identical words count as p = 1.
    """

    name = "lexical"
    fits_corpus = True

    def __init__(
        self,
        *,
        dictionary: str | Path | None = None,
        lowercase: bool = True,
        transliterate: bool = False,
        identical: bool = True,
        direction: str = "both",
        min_count: int = 1,
        weighted: bool = False,
    ) -> None:
        if direction not in DIRECTIONS:
            raise ConfigError(f"direction must be one of {', '.join(DIRECTIONS)}; got {direction!r}")
        self.lowercase = lowercase
        self.transliterate = transliterate
        self.identical = identical
        self.direction = direction
        self.min_count = min_count
        self.weighted = weighted
        self.table: LexicalTable | None = None
        self._observed: LexicalTable | None = None
        self._counts: LinkCounts | None = None  # parts observed so far
        self._cache: dict[str, str] = {}
        self._joint: dict[str, int] = {}  # word -> id shared by both sides (identical words)
        self._ids: dict[str, tuple[int, int, int]] = {}  # token -> ids under _ids_table
        self._ids_table: LexicalTable | None = None
        if dictionary is not None:
            self.table = table_from_file(dictionary, norm=self._norm)

    def __getstate__(self) -> dict:
        # sent to worker processes: the counts, not the table they give, nor word caches
        state = dict(self.__dict__, _cache={}, _ids={}, _ids_table=None)
        if self._counts is not None:
            state["table"] = None
        return state

    def _norm(self, word: str) -> str:
        return normalize(word, self.transliterate, self.lowercase)

    def _words(self, tokens: Sequence[str]) -> list[str]:
        cache = self._cache
        try:
            return [cache[w] for w in tokens]
        except KeyError:
            for w in tokens:
                if w not in cache:
                    cache[w] = self._norm(w)
            return [cache[w] for w in tokens]

    def _token_ids(self, tokens: Sequence[str], table: LexicalTable) -> np.ndarray:
        """(n, 3) int64: each token's source id, target id (-1: unknown) and word id."""
        if self._ids_table is not table:
            self._ids_table, self._ids = table, {}
        ids = self._ids
        try:
            return np.array([ids[w] for w in tokens], dtype=np.int64).reshape(-1, 3)
        except KeyError:
            joint = self._joint
            for w in tokens:
                if w not in ids:
                    n = self._words([w])[0]
                    ids[w] = (
                        table.src_vocab.get(n, -1),
                        table.tgt_vocab.get(n, -1),
                        joint.setdefault(n, len(joint)),
                    )
            return np.array([ids[w] for w in tokens], dtype=np.int64).reshape(-1, 3)

    def _estimate(self, src_tokens, tgt_tokens, alignments) -> LexicalTable:
        return self._count(LinkCounts(weighted=self.weighted), src_tokens, tgt_tokens,
                           alignments).table(min_count=self.min_count)

    def _count(self, counts: LinkCounts, src_tokens, tgt_tokens, alignments) -> LinkCounts:
        return counts.add([self._words(s) for s in src_tokens],
                          [self._words(t) for t in tgt_tokens], alignments)

    def fit(
        self,
        src_tokens: Sequence[Sequence[str]],
        tgt_tokens: Sequence[Sequence[str]],
        alignments: Sequence[Alignment],
    ) -> LexicalScorer:
        """Estimate the table from the links of an aligned corpus; returns self."""
        if not (len(src_tokens) == len(tgt_tokens) == len(alignments)):
            raise ValueError("fit needs as many source, target and alignment entries")
        self._counts = None
        self.table = self._estimate(src_tokens, tgt_tokens, alignments)
        return self

    def partial_fit(
        self,
        src_tokens: Sequence[Sequence[str]],
        tgt_tokens: Sequence[Sequence[str]],
        alignments: Sequence[Alignment],
    ) -> LexicalScorer:
        """`fit` one part of a corpus at a time (a file streamed in chunks): after every
        part, the table equals the one `fit` gives on the whole corpus; returns self."""
        if not (len(src_tokens) == len(tgt_tokens) == len(alignments)):
            raise ValueError("partial_fit needs as many source, target and alignment entries")
        if self._counts is None:
            self._counts = LinkCounts(weighted=self.weighted)
        self._count(self._counts, src_tokens, tgt_tokens, alignments)
        self.table = None  # counted again when next needed
        return self

    @property
    def needs_corpus(self) -> bool:
        """Whether the table is still to be estimated (no dictionary, not fitted)."""
        return self.table is None and self._counts is None

    def observe(
        self,
        src_tokens: Sequence[Sequence[str]],
        tgt_tokens: Sequence[Sequence[str]],
        alignments: Sequence[Alignment],
    ) -> None:
        """Take the corpus being projected; its links give the table unless one was set."""
        if self.needs_corpus:
            self._observed = self._estimate(src_tokens, tgt_tokens, alignments)

    def score(self, batch: Sequence[MatchInstance]) -> list[np.ndarray]:
        """One (E, C) score matrix per instance."""
        if self.table is None and self._counts is not None:
            self.table = self._counts.table(min_count=self.min_count)
        table = self.table if self.table is not None else self._observed
        if table is None:
            table = self._estimate(
                [i.src_tokens for i in batch],
                [i.tgt_tokens for i in batch],
                [i.alignment for i in batch],
            )
        return [self._score_one(inst, table) for inst in batch]

    def _score_one(self, inst: MatchInstance, table: LexicalTable) -> np.ndarray:
        ents = np.asarray(inst.entities, dtype=np.int64).reshape(-1, 2)
        cands = np.asarray(inst.candidates, dtype=np.int64).reshape(-1, 2)
        E, C = len(ents), len(cands)
        if E == 0 or C == 0:
            return np.zeros((E, C), dtype=np.float32)
        n_src, n_tgt = len(inst.src_tokens), len(inst.tgt_tokens)
        rows = entity_rows(ents, n_src)  # only source words inside entities matter
        src = self._token_ids([inst.src_tokens[r] for r in rows.tolist()], table)
        tgt = self._token_ids(inst.tgt_tokens, table)
        part_f, part_r = table.lookup(src[:, 0], tgt[:, 1])
        if self.identical:
            same = src[:, 2, None] == tgt[None, :, 2]
            part_f = np.where(same, 1.0, part_f)
            part_r = np.where(same, 1.0, part_r)
        fwd = np.zeros((n_src, n_tgt))
        fwd[rows] = part_f
        cs, ce = cands[:, 0], cands[:, 1]
        pref = prefix(span_max(fwd, ents), 1)  # (E, n_tgt+1)
        out = (pref[:, ce] - pref[:, cs]) / (ce - cs)[None, :]
        if self.direction == "both":
            best = np.zeros((n_src, C))
            best[rows] = window_max(part_r, cands)
            pg = prefix(best, 0)  # (n_src+1, C)
            es, ee = ents[:, 0], ents[:, 1]
            out = 0.5 * (out + (pg[ee] - pg[es]) / (ee - es)[:, None])
        return np.clip(out, 0.0, 1.0).astype(np.float32)
