"""MasakhaNER 2.0 translate-train benchmark: project, train a CRF, score on the real test set.

For each language, the English CoNLL-2003 train sentences are paired with their NLLB
translations (the token side of the T-Projection release), the gold English entities (MISC
dropped) are projected with annoproj, and a CRF trained on the projected sentences is scored
on MasakhaNER 2.0 (DATE mapped to O). The same CRF trained on the T-Projection tags of the
same translations, and on the MasakhaNER gold train set, gives the baseline and upper bound.

The translations of the eight languages come from the same English sentences, so the
benchmark can refine the English-target alignment through the other languages' translations
as pivots (``refine="pivot"``, `annoproj.align.refine.PivotRefiner`).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annoproj import defaults
from annoproj.bench.common import resolve_data_dir, timer
from annoproj.data.io import read_conll
from annoproj.data.labels import LabelMap
from annoproj.data.model import Alignment, Sentence, Span
from annoproj.project.finish import finish_projection
from annoproj.translate.tokenize import REJOIN_MODES, is_mark, regroup, rejoin_sentences, runs

if TYPE_CHECKING:
    from annoproj.train.base import Tagger

#: Languages with T-Projection translations in the shared data.
LANGUAGES = ("hau", "ibo", "nya", "sna", "swa", "xho", "yor", "zul")
#: Alignment refinements the benchmark runs ("pivot": the other languages' translations).
REFINEMENTS = ("none", "pivot")
#: Train sources that are not projection methods: T-Projection's tags, MasakhaNER gold,
#: and "zero-shot" (model transfer: the tagger trained on English CoNLL-2003 gold, MISC
#: dropped, applied to the target directly).
BASELINES = ("tprojection", "gold", "zero-shot")
#: Trainers the benchmark runs: annoproj's CRF, or a tagger on a Hugging Face encoder.
TRAINERS = ("crf", "hf")
#: Labels dropped from the T-Projection tags (its release has none left; kept for safety).
SOURCE_MAP = "MISC=O"
#: Labels dropped from MasakhaNER (CoNLL-2003 has no DATE).
TARGET_MAP = "DATE=O"
#: Stands in for the tokens MasakhaNER lost (xho/train.txt has lines " O"); a warning counts them.
EMPTY_TOKEN = "_"


def variant_suffix(*, misc: str = "drop", drop_partial: bool = False, complete: bool = False,
                   self_train: bool = False, extend: bool = False, crf: dict | None = None,
                   refine: str = "none", memory: bool = False, heads: bool = False,
                   rejoin: str = "none") -> str:
    """The suffix that names a variant's projected rows: "" or e.g. "+misc-loc+drop-partial".

    >>> variant_suffix(misc="loc", drop_partial=True, self_train=True)
    '+misc-loc+drop-partial+self-train'
    >>> variant_suffix(misc="loc", extend=True, drop_partial=True)
    '+misc-loc+extend+drop-partial'
    >>> variant_suffix(drop_partial=True, crf={"o_weight": 0.35})
    '+drop-partial+o-weight-0.35'
    >>> variant_suffix(refine="pivot", misc="loc")
    '+pivot+misc-loc'
    >>> variant_suffix(memory=True, misc="loc")
    '+memory+misc-loc'
    >>> variant_suffix(misc="loc", extend=True, heads=True, drop_partial=True)
    '+misc-loc+extend+heads+drop-partial'
    >>> variant_suffix(rejoin="pieces", misc="loc", drop_partial=True)
    '+rejoin-pieces+misc-loc+drop-partial'
    """
    return (("" if rejoin == "none" else f"+rejoin-{rejoin}")
            + ("" if refine == "none" else f"+{refine}")
            + ("+memory" if memory else "")
            + ("" if misc == "drop" else f"+misc-{misc}")
            + ("+extend" if extend else "")
            + ("+heads" if heads else "")
            + ("+drop-partial" if drop_partial else "")
            + ("+complete" if complete else "")
            + trainer_suffix(self_train=self_train, crf=crf))


#: CRF options that name a training recipe when they differ from `CRFTrainer`'s defaults.
_RECIPE_OPTIONS = ("c1", "c2")


def trainer_suffix(*, self_train: bool = False, crf: dict | None = None) -> str:
    """The suffix of the training recipe, which every train source's row gets alike:
    self-training, CRF regularisation other than the default, affixes without tone marks,
    the plain feature template, O's decoding weight.

    >>> trainer_suffix(self_train=True, crf={"c1": 0.1, "o_weight": 0.5})
    '+self-train+o-weight-0.5'
    >>> trainer_suffix(crf={"c1": 0.5, "c2": 0.1, "max_iterations": 200})
    '+c1-0.5'
    >>> trainer_suffix(crf={"features": {"fold_affixes": True}})
    '+fold-affixes'
    >>> trainer_suffix(crf={"features": {"template": "plain"}})
    '+plain-crf'
    """
    from annoproj.train.crf import CRFTrainer

    crf = crf or {}
    defaults = CRFTrainer().params()
    tuned = "".join(f"+{key}-{float(crf[key]):g}" for key in _RECIPE_OPTIONS
                    if key in crf and float(crf[key]) != defaults[key])
    o_weight = float(crf.get("o_weight", 1.0))
    features = crf.get("features") or {}
    fold = bool(features.get("fold_affixes"))
    plain = features.get("template", "rich") == "plain"
    return (("+self-train" if self_train else "") + tuned + ("+fold-affixes" if fold else "")
            + ("+plain-crf" if plain else "")
            + (f"+o-weight-{o_weight:g}" if o_weight != 1.0 else ""))


@dataclass
class MasakhanerConfig:
    """One benchmark configuration.

    langs: languages to run (None: every language whose files are present).
    trainer: "crf" (annoproj's CRF, `crf` options) or "hf" (`HFTrainer` on `model`, default
        `bundled:e5-small`, with the options of `hf`; rows get `trainer` and `model`).
    Defaults: since 2026-12-04 the projection follows the recipe chosen on dev
    (misc "loc", extend, drop_partial); misc "drop" without extend or drop_partial is the
    plain projection (`--plain`), and "zero-shot" is among the baselines.
    methods: projection methods to train on ("heuristic", "match", ...).
    baselines: also train on "tprojection" tags, MasakhaNER "gold" train and/or "zero-shot"
        (English CoNLL-2003 gold, MISC dropped, the tagger applied to the target directly;
        trained once per run).
    limit: use only the first `limit` translated (and gold train) sentences.
    split: MasakhaNER split to score on: "test" or "dev".
    dev_fallback: score on dev.txt where test.txt is withheld (else skip the language).
    drop_partial: leave out of training the sentences where a source entity was not projected.
    repair_tokens: glue tokens made only of combining marks (split Yoruba tone marks) back
        onto the word before, in the translations, for every train source alike.
    rejoin: rejoin what the translations' tokeniser split, for every train source alike
        (T-Projection's tags are carried onto the words; `rejoin_sentences`): "none";
        "pieces", the pieces that never start a word (Hausa "jam 'iyyar" -> "jam'iyyar",
        Yoruba "mọ ́" -> "mọ́"); "words", pieces and the word continuations after a tone
        mark the corpus shows (Yoruba "wọ́ n" -> "wọ́n"). Rows get "+rejoin-pieces" or
        "+rejoin-words".
    name_keys: align words by their `name_key` (prefixes glued to names cut off).
    misc: English MISC entities are dropped ("drop", as the issue and T-Projection do) or
        projected and turned into LOC where the target words are a known location ("loc",
        see `annoproj.project.finish.misc_to_loc`). Method rows carry the variant in their
        name: "match+misc-loc", "match+drop-partial", "match+misc-loc+drop-partial".
    complete: label the mentions projection missed from the phrases the projected data
        labels reliably (`annoproj.project.complete`); rows get "+complete".
    extend: widen projected spans that stop short of a name to the whole phrase the
        projected data labels elsewhere (`annoproj.project.extend`); rows get "+extend".
    self_train: before the final training, add the spans that CRFs trained on the other
        `self_train_folds` folds predict with confidence >= `self_train_confidence`
        (`annoproj.train.selftrain`); rows get "+self-train". It is a training recipe, so
        the T-Projection baseline gets it too (row "tprojection+self-train").
    refine: "none", or "pivot": refine the English-target links through the translations
        of `pivots` (`annoproj.align.refine.PivotRefiner`; eflomal legs, name keys as for
        the direct links); the matching projection then keeps pairs scoring >=
        `defaults.REFINED_MIN_SCORE`. Rows get "+pivot".
    pivots: pivot languages (None: every other language with translations in the data).
    heads: a file of head words (`annoproj.project.heads`) for every language, or a folder
        of `<lang>.txt` files (a language without one gets none): LOC and ORG spans take
        in the listed words on their left. It states the target's annotation convention,
        so T-Projection's tags get it too; rows get "+heads".
    crf: `CRFTrainer` options (c1, c2, max_iterations, features, o_weight, ...). An
        `o_weight` other than 1 (decoding with O down-weighted) is part of the training
        recipe too: every row, baselines included, gets "+o-weight-W".
    """

    langs: Sequence[str] | None = None
    trainer: str = "crf"
    model: str | None = None
    hf: dict = field(default_factory=dict)
    methods: Sequence[str] = (defaults.METHOD,)
    baselines: Sequence[str] = BASELINES
    scorers: Sequence[str] = defaults.SCORERS
    solver: str = defaults.SOLVER
    aligner: dict = field(default_factory=lambda: dict(defaults.ALIGNER))
    seed: int = 0
    limit: int | None = None
    split: str = "test"
    dev_fallback: bool = False
    drop_partial: bool = True
    repair_tokens: bool = True
    rejoin: str = "none"
    name_keys: bool = True
    misc: str = "loc"
    complete: bool = False
    extend: bool = True
    self_train: bool = False
    self_train_confidence: float = 0.5
    self_train_folds: int = 2
    refine: str = "none"
    pivots: Sequence[str] | None = None
    heads: str | None = None
    crf: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.split not in ("test", "dev"):
            raise ValueError(f"split must be 'test' or 'dev', not {self.split!r}")
        unknown = [b for b in self.baselines if b not in BASELINES]
        if unknown:
            raise ValueError(f"unknown baselines {unknown}; known: {', '.join(BASELINES)}")
        if self.misc not in ("drop", "loc"):
            raise ValueError(f"misc must be 'drop' or 'loc', not {self.misc!r}")
        if self.rejoin not in REJOIN_MODES:
            raise ValueError(f"rejoin must be one of {', '.join(REJOIN_MODES)}, not {self.rejoin!r}")
        if self.refine not in REFINEMENTS:
            raise ValueError(f"refine must be one of {', '.join(REFINEMENTS)}, not {self.refine!r}")
        if self.pivots is not None and self.refine != "pivot":
            raise ValueError("pivots are given but refine is not 'pivot'")
        if self.heads is not None and not Path(self.heads).exists():
            raise ValueError(f"heads: {self.heads} does not exist")
        if self.limit is not None and self.limit < 1:
            raise ValueError("limit must be >= 1")
        if not 0.0 <= self.self_train_confidence <= 1.0:
            raise ValueError("self_train_confidence must lie in [0, 1]")
        if self.self_train_folds < 2:
            raise ValueError("self_train_folds must be >= 2")
        from annoproj.project.projectors import check_projection
        from annoproj.train.crf import CRFTrainer

        # names and CRF options are checked now, not after the first alignment
        for method in self.methods:
            check_projection(method, scorers=self.scorers, solver=self.solver)
        try:
            CRFTrainer(**self.crf)
        except TypeError as exc:
            raise ValueError(f"bad CRF option: {exc}") from None
        if self.trainer not in TRAINERS:
            raise ValueError(f"trainer must be one of {', '.join(TRAINERS)}, not {self.trainer!r}")
        if self.trainer == "hf":
            if self.self_train:
                raise ValueError("self-training runs CRFs: it needs --trainer crf")
            try:
                make_trainer(self)
            except TypeError as exc:
                raise ValueError(f"bad hf option: {exc}") from None
        elif self.model is not None or self.hf:
            raise ValueError("--model and hf options need --trainer hf")

    @property
    def variant(self) -> str:
        """What tells this run's projected rows apart: "" or e.g. "+misc-loc+drop-partial"."""
        return variant_suffix(misc=self.misc, drop_partial=self.drop_partial,
                              complete=self.complete, self_train=self.self_train,
                              extend=self.extend, crf=self.crf, refine=self.refine,
                              memory="memory" in self.scorers, heads=self.heads is not None,
                              rejoin=self.rejoin)

    @property
    def recipe(self) -> str:
        """The suffix of the training recipe, which the baseline rows get too."""
        return trainer_suffix(self_train=self.self_train, crf=self.crf)

    @property
    def model_name(self) -> str | None:
        """The encoder of the hf trainer (None for the CRF)."""
        if self.trainer != "hf":
            return None
        return self.model or DEFAULT_HF_MODEL

    def heads_for(self, lang: str) -> frozenset[str]:
        """The head words of `lang` (empty without `heads`, or without `<lang>.txt` in a
        heads folder)."""
        from annoproj.project.heads import read_heads

        if self.heads is None:
            return frozenset()
        path = Path(self.heads)
        if path.is_dir():
            path = path / f"{lang}.txt"
            if not path.exists():
                return frozenset()
        return read_heads(path)

    def projector_options(self, method: str) -> dict:
        """The projector's options of `method` (`annoproj.project.options.options_for`)."""
        from annoproj.project.options import options_for

        return options_for(method, scorers=self.scorers, solver=self.solver, refine=self.refine)

    def to_dict(self) -> dict:
        """The configuration as plain data for result files."""
        d = asdict(self)
        for key in ("langs", "methods", "baselines", "scorers", "pivots"):
            d[key] = None if d[key] is None else list(d[key])
        return d


# ---------------------------------------------------------------- data


def translation_files(data_dir: Path, lang: str) -> list[Path]:
    """The files a language's translate-train run reads (besides MasakhaNER)."""
    return [data_dir / "tprojection" / f"{lang}.train.conll",
            data_dir / "tprojection" / f"{lang}.src_ids",
            data_dir / "conll2003" / "train.txt"]


def eval_file(data_dir: Path, lang: str, split: str, *, dev_fallback: bool = False) -> Path | None:
    """The MasakhaNER file to score `lang` on, or None if it is absent."""
    path = data_dir / "masakhaner2" / lang / f"{split}.txt"
    if path.exists():
        return path
    if dev_fallback and split == "test":
        dev = path.with_name("dev.txt")
        return dev if dev.exists() else None
    return None


def translated_languages(data_dir: str | Path | None = None) -> list[str]:
    """Languages with translations and their source ids (pivot candidates)."""
    d = resolve_data_dir(data_dir)
    found = sorted(p.name.split(".")[0] for p in (d / "tprojection").glob("*.train.conll"))
    return [lang for lang in found if (d / "tprojection" / f"{lang}.src_ids").exists()]


def available_languages(data_dir: str | Path | None = None) -> list[str]:
    """Languages with translations, their source ids and a MasakhaNER folder."""
    d = resolve_data_dir(data_dir)
    return [lang for lang in translated_languages(d)
            if all(p.exists() for p in translation_files(d, lang))
            and (d / "masakhaner2" / lang).is_dir()]


def label_mapped(sentences: Sequence[Sentence], label_map: str) -> list[Sentence]:
    """`sentences` with their spans relabelled by `label_map` (e.g. "MISC=O")."""
    lmap = LabelMap.parse(label_map)
    return [Sentence(s.tokens, lmap.map_spans(s.spans), s.id, s.meta) for s in sentences]


def merge_mark_tokens(sentence: Sentence) -> Sentence:
    """`sentence` with tokens made only of combining marks glued back onto the token before.

    Tokenisers that split before a combining accent (Yoruba tone marks: "mọ ́" for "mọ́")
    leave such tokens; a span keeps its words, re-indexed. Returns `sentence` if untouched.
    """
    toks = sentence.tokens
    if not any(is_mark(t) for t in toks[1:]):
        return sentence
    return regroup(sentence, runs([is_mark(t) for t in toks]))


def mended(sentences: list[Sentence], *, repair_tokens: bool = True, rejoin: str = "none"
           ) -> list[Sentence]:
    """Translations with split words rejoined (`rejoin`), or else with lone marks glued back
    (`repair_tokens`)."""
    if rejoin != "none":
        return rejoin_sentences(sentences, mode=rejoin)
    return [merge_mark_tokens(s) for s in sentences] if repair_tokens else sentences


def read_src_ids(path: str | Path) -> list[int]:
    """The 0-based English sentence index of each translated sentence."""
    with open(path, encoding="utf-8") as f:
        ids = []
        for k, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                ids.append(int(line))
            except ValueError:
                raise ValueError(f"{path}:{k}: not a sentence index: {line!r}") from None
    return ids


def read_translated(data_dir: Path, lang: str) -> tuple[list[Sentence], list[int]]:
    """`lang`'s translations as released, and the English sentence index of each."""
    conll, ids_file = (data_dir / "tprojection" / f"{lang}.train.conll",
                       data_dir / "tprojection" / f"{lang}.src_ids")
    sents = read_conll(conll)
    ids = read_src_ids(ids_file)
    if len(ids) != len(sents):
        raise ValueError(f"{ids_file} has {len(ids)} ids but {conll} has {len(sents)} sentences")
    return sents, ids


def load_translations(
    data_dir: str | Path | None, lang: str, *, limit: int | None = None,
    english: Sequence[Sentence] | None = None, repair_tokens: bool = True, rejoin: str = "none",
) -> tuple[list[Sentence], list[Sentence]]:
    """(English source, translation) pairs; translations keep their T-Projection spans.

    The English side keeps MISC (projection drops or relabels it); the translations have none. `english` is the CoNLL-2003 train set, if already read.
    `repair_tokens` applies `merge_mark_tokens` to the translations; `rejoin` ("pieces" or
    "words", see `MasakhanerConfig`) `rejoin_sentences` instead, which does that and more.
    """
    d = resolve_data_dir(data_dir)
    missing = [str(p) for p in translation_files(d, lang) if not p.exists()]
    if missing:
        raise FileNotFoundError(f"{lang}: missing {', '.join(missing)}")
    _, ids_file, en_file = translation_files(d, lang)
    tgt, ids = read_translated(d, lang)
    if english is None:
        english = read_conll(en_file)
    bad = [i for i in ids if not 0 <= i < len(english)]
    if bad:
        raise ValueError(f"{ids_file}: index {bad[0]} is outside {en_file} ({len(english)} sentences)")
    if limit is not None:
        tgt, ids = tgt[:limit], ids[:limit]
    src = [english[i] for i in ids]
    return src, label_mapped(mended(tgt, repair_tokens=repair_tokens, rejoin=rejoin), SOURCE_MAP)


def pivot_corpora(
    data_dir: str | Path | None, lang: str, pivots: Sequence[str] | None = None, *,
    limit: int | None = None, repair_tokens: bool = True, rejoin: str = "none",
    cache: dict[str, dict[int, list[str]]] | None = None,
) -> dict[str, list[list[str]]]:
    """The translations of `pivots` parallel to `lang`'s (as `load_translations` pairs them):
    one token list per `lang` sentence, empty where a pivot lacks that English sentence.

    `pivots` None: every other language of `translated_languages`. A named pivot without
    translations is a FileNotFoundError. `cache`, shared by the calls of one run (with the
    same `repair_tokens` and `rejoin`), keeps each pivot's sentences by English index so that a run over
    several targets reads every pivot file once.
    """
    d = resolve_data_dir(data_dir)
    ids = read_src_ids(d / "tprojection" / f"{lang}.src_ids")
    if limit is not None:
        ids = ids[:limit]
    names = [p for p in (translated_languages(d) if pivots is None else pivots) if p != lang]
    out: dict[str, list[list[str]]] = {}
    for p in names:
        missing = [str(f) for f in translation_files(d, p)[:2] if not f.exists()]
        if missing:
            raise FileNotFoundError(f"pivot {p}: missing {', '.join(missing)}")
        by_id = None if cache is None else cache.get(p)
        if by_id is None:
            sents, p_ids = read_translated(d, p)
            sents = mended(sents, repair_tokens=repair_tokens, rejoin=rejoin)
            by_id = {i: s.tokens for i, s in zip(p_ids, sents)}
            if cache is not None:
                cache[p] = by_id
        out[p] = [list(by_id.get(i, [])) for i in ids]
    return out


def load_masakhaner(path: str | Path, *, limit: int | None = None) -> list[Sentence]:
    """A MasakhaNER 2.0 split with DATE mapped to O."""
    sents = read_conll(path, empty_token=EMPTY_TOKEN)
    return label_mapped(sents[:limit] if limit is not None else sents, TARGET_MAP)


# ---------------------------------------------------------------- projection


def align_pairs(src: Sequence[Sentence], tgt: Sequence[Sentence], *, aligner: dict,
                seed: int, name_keys: bool = True,
                methods: Sequence[str] = (defaults.METHOD,),
                pivots: Mapping[str, Sequence[Sequence[str]]] | None = None,
                stats: dict | None = None) -> dict[str, list[Alignment]]:
    """Symmetrised eflomal links of each pair for each projection method (each gets its
    best symmetrisation unless `aligner` names one; eflomal runs once); with `name_keys`,
    words are aligned by their `annoproj.align.keys.name_key` (the tokens themselves are
    unchanged).

    With `pivots` (see `pivot_corpora`), the links are refined through them by a
    `PivotRefiner` with the same eflomal settings and seed. `stats`, if given, receives
    "align_s" and "refine_s" (seconds of the direct alignment and of the refinement).
    """
    from annoproj.align.refine import AlignmentCache
    from annoproj.align.stage import AlignConfig, align_corpus

    opts = {k: v for k, v in aligner.items() if k not in ("seed", "symmetrize")}
    s_tok = [s.tokens for s in src]
    t_tok = [t.tokens for t in tgt]
    cache = AlignmentCache()  # eflomal runs once for every symmetrisation (and pivot legs)
    by_sym: dict[str, list[Alignment]] = {}
    out: dict[str, list[Alignment]] = {}
    align_s = refine_s = 0.0
    for method in methods:
        config = AlignConfig(options=opts, seed=seed, method=method, name_keys=name_keys,
                             symmetrize=aligner.get("symmetrize", "auto"),
                             refine="pivot" if pivots else "none")
        sym = config.symmetrization
        assert sym is not None
        if sym not in by_sym:
            st: dict = {}
            by_sym[sym] = align_corpus(s_tok, t_tok, config, pivots=pivots or None,
                                       cache=cache, stats=st)
            align_s += st["align_s"]
            refine_s += st.get("refine_s", 0.0)
        out[method] = by_sym[sym]
    if stats is not None:
        stats.update(align_s=round(align_s, 3), refine_s=round(refine_s, 3))
    return out


def projected_training_set(
    src: Sequence[Sentence], tgt: Sequence[Sentence], alignments: Sequence[Alignment], *,
    method: str, options: dict | None = None, drop_partial: bool = False,
    misc: str = "drop", complete: bool = False, extend: bool = False,
    heads: Collection[str] = (),
) -> tuple[list[Sentence], dict]:
    """Target sentences with projected spans, for training; and counts of what was left out.

    Pairs the projector skips are left out; with `drop_partial`, so are the pairs where a
    source PER/ORG/LOC entity found no target span. Sentences without entities are kept.
    Source MISC entities are dropped (`misc="drop"`), or (`misc="loc"`) projected too and
    their target words that the projected data knows as a location become LOC. With
    `complete`, mentions the projection missed are labelled from the phrases the kept
    sentences label reliably (`annoproj.project.complete`). With `extend`, spans that stop
    short of a name the projected data labels whole elsewhere are widened to it
    (`annoproj.project.extend`), before MISC becomes LOC. LOC and ORG spans then take in
    the `heads` on their left (`annoproj.project.heads`). The steps are
    `annoproj.project.finish.finish_projection`'s.
    """
    from annoproj.project.projectors import make_projector

    if misc not in ("drop", "loc"):
        raise ValueError(f"misc must be 'drop' or 'loc', not {misc!r}")
    src_spans = [[sp for sp in s.spans if misc == "loc" or sp.label != "MISC"] for s in src]
    projector = make_projector(method, **(options or {}))
    tgt_tokens = [t.tokens for t in tgt]
    with timer() as t:
        result = projector.project([s.tokens for s in src], tgt_tokens, src_spans, alignments)
        skipped = result.skipped_indices
        done = finish_projection(tgt_tokens, src_spans, result.spans, skipped=skipped,
                                 misc="loc" if misc == "loc" else "keep", extend=extend,
                                 drop_partial=drop_partial, complete=complete, heads=heads)
    kept = [Sentence(list(tgt[i].tokens), [p.span() for p in done.spans[i]], tgt[i].id)
            for i in range(len(tgt)) if i not in skipped and i not in done.dropped]
    stats = {
        "project_s": t[0],
        "skipped": len(skipped),
        "partial": done.counts["partial"],
        "dropped": len(done.dropped),
        "source_entities": sum(sp.label != "MISC" for s in src_spans for sp in s),
        "projected_entities": sum(len(s.spans) for s in kept),
        "misc_to_loc": done.counts["misc_to_loc"],
        "extended": done.counts["extended"],
        "heads": done.counts["heads"],
        "completed": done.counts["completed"],
    }
    return kept, stats


# ---------------------------------------------------------------- training and scoring


def with_heads(sentences: Sequence[Sentence], heads: Collection[str]) -> tuple[list[Sentence], int]:
    """`sentences` with LOC and ORG spans widened over `heads` (`annoproj.project.heads`),
    and how many spans were widened."""
    from annoproj.project.heads import attach_heads_corpus

    spans, n = attach_heads_corpus([s.tokens for s in sentences], [s.spans for s in sentences],
                                   heads)
    return [Sentence(s.tokens, sp, s.id, s.meta) for s, sp in zip(sentences, spans)], n


def self_trained(train: Sequence[Sentence], config: MasakhanerConfig) -> tuple[list[Sentence], dict]:
    """`train` completed by cross-fold self-training (`annoproj.train.selftrain`) when
    `config.self_train`, and what it did: spans added and seconds."""
    if not config.self_train:
        return list(train), {}
    from annoproj.train.crf import CRFTrainer
    from annoproj.train.selftrain import self_train_corpus

    with timer() as t:
        out, added = self_train_corpus(train, CRFTrainer(**config.crf),
                                       folds=config.self_train_folds,
                                       min_confidence=config.self_train_confidence)
    return out, {"self_trained": added, "self_train_s": round(t[0], 3)}


def score_tagger(tagger: Tagger, test: Sequence[Sentence]) -> dict:
    """A trained tagger's P, R, F1 and per-type F1 on `test`."""
    from annoproj.evaluate import evaluate_spans

    report = evaluate_spans([s.spans for s in test], tagger.predict([s.tokens for s in test]))
    m = report.micro
    return {"precision": round(m.precision, 4), "recall": round(m.recall, 4),
            "f1": round(m.f1, 4), "per_type": {k: round(v.f1, 4) for k, v in report.per_type.items()}}


#: The encoder of `--trainer hf` when no --model is given.
DEFAULT_HF_MODEL = "bundled:e5-small"


def make_trainer(config: MasakhanerConfig):
    """The trainer of `config`: `CRFTrainer(**config.crf)`, or `HFTrainer` on its model with
    the options of `config.hf` (its recipe's defaults otherwise; seed `config.seed`)."""
    if config.trainer == "crf":
        from annoproj.train.crf import CRFTrainer

        return CRFTrainer(**config.crf)
    from annoproj.train.hf import HFTrainer

    return HFTrainer(config.model_name, **{"seed": config.seed, **config.hf})


def train_and_score(train: Sequence[Sentence], test: Sequence[Sentence], crf: dict | None = None,
                    *, trainer=None) -> dict:
    """Train a CRF on `train` (or `trainer`, any `Trainer`), score it on `test`: P, R, F1,
    per-type F1 and seconds (training; tagging the test set, and its sentences per second)."""
    from annoproj.train.crf import CRFTrainer

    with timer() as t:
        tagger = (trainer or CRFTrainer(**(crf or {}))).fit(train)
    return {**scored(tagger, test), "train_s": round(t[0], 3)}


def scored(tagger: Tagger, test: Sequence[Sentence]) -> dict:
    """`score_tagger` with the seconds it took and the sentences tagged per second."""
    with timer() as t:
        res = score_tagger(tagger, test)
    return {**res, "tag_s": round(t[0], 3),
            "tag_per_s": round(len(test) / t[0], 1) if t[0] > 0 else None}


def run_masakhaner(
    config: MasakhanerConfig,
    *,
    data_dir: str | Path | None = None,
    on_row: Callable[[dict], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> list[dict]:
    """One row per (language, train source): precision, recall, F1 and timings."""
    d = resolve_data_dir(data_dir)
    note = on_note or (lambda _msg: None)
    langs = list(config.langs) if config.langs else available_languages(d)
    if not langs:
        raise FileNotFoundError(f"{d}: no language has tprojection and masakhaner2 files")
    english: list[Sentence] | None = None
    pivot_cache: dict[str, dict[int, list[str]]] = {}
    rows: list[dict] = []
    trainer = make_trainer(config)
    zero_shot: dict = {}  # the English tagger, trained once for every language

    def emit(row: dict) -> None:
        rows.append(row)
        if on_row is not None:
            on_row(row)

    for lang in langs:
        test_path = eval_file(d, lang, config.split, dev_fallback=config.dev_fallback)
        if test_path is None:
            note(f"{lang}: skipped, masakhaner2/{lang}/{config.split}.txt is not in the data "
                 "(pass --dev-fallback to score on dev.txt)")
            continue
        missing = [str(p) for p in translation_files(d, lang) if not p.exists()]
        if missing:
            note(f"{lang}: skipped, missing {', '.join(missing)}")
            continue
        if english is None:
            english = read_conll(d / "conll2003" / "train.txt")
        test = load_masakhaner(test_path)
        base = {"lang": lang, "eval": test_path.stem, "test_sentences": len(test),
                "trainer": config.trainer, "model": config.model_name}
        src, tgt = load_translations(d, lang, limit=config.limit, english=english,
                                     repair_tokens=config.repair_tokens, rejoin=config.rejoin)
        heads = config.heads_for(lang)
        if config.heads is not None and not heads:
            note(f"{lang}: no head words in {config.heads}")
        if config.methods:
            pivots = None
            if config.refine == "pivot":
                pivots = pivot_corpora(d, lang, config.pivots, limit=config.limit,
                                       repair_tokens=config.repair_tokens, rejoin=config.rejoin,
                                       cache=pivot_cache)
                if not pivots:
                    raise ValueError(f"{lang}: no pivot language: --pivots must name a "
                                     "language other than the target, with translations")
            timings: dict = {}
            alignments = align_pairs(src, tgt, aligner=config.aligner, seed=config.seed,
                                     name_keys=config.name_keys, methods=config.methods,
                                     pivots=pivots, stats=timings)
            refined = {"refine": config.refine}
            if pivots:
                refined.update(pivots=",".join(pivots), refine_s=timings["refine_s"])
            for method in config.methods:
                train, stats = projected_training_set(
                    src, tgt, alignments[method], method=method,
                    options=config.projector_options(method), drop_partial=config.drop_partial,
                    misc=config.misc, complete=config.complete, extend=config.extend,
                    heads=heads)
                train, st_stats = self_trained(train, config)
                stats.update(st_stats)
                res = train_and_score(train, test, trainer=trainer)
                emit({**base, "train": method + config.variant, "misc": config.misc,
                      "drop_partial": config.drop_partial, "complete": config.complete,
                      "extend": config.extend, **refined, **res,
                      "sentences": len(train),
                      "pairs": len(src), "align_s": timings["align_s"],
                      "project_s": round(stats.pop("project_s"), 3), **stats})
        if "tprojection" in config.baselines:
            tags, n_heads = tgt, None
            if config.heads is not None:
                tags, n_heads = with_heads(tgt, heads)
            tags, st_stats = self_trained(tags, config)
            res = train_and_score(tags, test, trainer=trainer)
            emit({**base, "train": "tprojection" + variant_suffix(rejoin=config.rejoin)
                  + ("+heads" if config.heads else "") + config.recipe,
                  **({} if n_heads is None else {"heads": n_heads}),
                  **res, "sentences": len(tgt), "pairs": len(src), "align_s": None,
                  "project_s": None, "projected_entities": sum(len(s.spans) for s in tgt),
                  **st_stats})
        if "gold" in config.baselines:
            gold_path = d / "masakhaner2" / lang / "train.txt"
            if not gold_path.exists():
                note(f"{lang}: no gold row, {gold_path} is missing")
            else:
                gold = load_masakhaner(gold_path, limit=config.limit)
                res = train_and_score(gold, test, trainer=trainer)
                emit({**base, "train": "gold" + trainer_suffix(crf=config.crf), **res,
                      "sentences": len(gold),
                      "align_s": None, "project_s": None})
        if "zero-shot" in config.baselines:
            if not zero_shot:
                en = label_mapped(english[: config.limit] if config.limit else english, SOURCE_MAP)
                with timer() as t:
                    zero_shot["tagger"] = trainer.fit(en)
                zero_shot.update(train_s=round(t[0], 3), sentences=len(en))
            res = scored(zero_shot["tagger"], test)
            emit({**base, "train": "zero-shot" + trainer_suffix(crf=config.crf), **res,
                  "train_s": zero_shot["train_s"], "sentences": zero_shot["sentences"],
                  "align_s": None, "project_s": None})
    return rows


# ---------------------------------------------------------------- reporting


#: What a result file that predates a setting was run with (the setting's value then, which
#: is not always today's default: the dev-chosen recipe became the default later).
PREDATING = {"misc": "drop", "extend": False, "drop_partial": False, "trainer": "crf",
             "model": None, "hf": {}}


def merge_rows(old: dict, rows: Sequence[dict], config: MasakhanerConfig,
               *, today: str) -> tuple[list[dict], dict]:
    """The rows and settings of result file `old` (as loaded) with the languages of `rows`
    replaced by `rows`: rerun some languages after a change that only they see.

    ValueError when `old` was run with other settings than `config` (languages aside);
    settings the file predates count as what they were then (`PREDATING`), else as their
    defaults. The settings record each rerun
    language with `today` under "rerun".
    """
    new = config.to_dict()
    base = {**MasakhanerConfig().to_dict(), **PREDATING}
    old_settings = dict(old.get("settings") or {})
    differ = sorted(k for k in set(new) | set(old_settings)
                    if k not in ("langs", "rerun") and old_settings.get(k, base.get(k)) != new.get(k))
    if differ:
        raise ValueError("the result file was run with other settings: "
                         + ", ".join(f"{k} {old_settings.get(k, base.get(k))!r} there, "
                                     f"{new.get(k)!r} here" for k in differ))
    rerun = sorted({r["lang"] for r in rows})
    kept = [r for r in old.get("rows", []) if r["lang"] not in rerun]
    order = list(old_settings.get("langs") or dict.fromkeys(r["lang"] for r in kept))
    order += [lang for lang in rerun if lang not in order]
    merged = sorted([*kept, *rows], key=lambda r: order.index(r["lang"]))
    settings = {**new, "langs": order,
                "rerun": {**old_settings.get("rerun", {}), **dict.fromkeys(rerun, today)}}
    return merged, settings


def train_sources(rows: Sequence[dict]) -> list[str]:
    """The train sources of `rows` in first-seen order."""
    seen: list[str] = []
    for r in rows:
        if r["train"] not in seen:
            seen.append(r["train"])
    return seen


def pivot_rows(rows: Sequence[dict], key: str = "f1") -> list[dict]:
    """One row per language with a column per train source, plus an average row."""
    sources = train_sources(rows)
    by_lang: dict[str, dict] = {}
    for r in rows:
        by_lang.setdefault(r["lang"], {"lang": r["lang"]})[r["train"]] = r[key]
    out = list(by_lang.values())
    if len(out) > 1:
        avg: dict = {"lang": "avg"}
        for s in sources:
            vals = [r[s] for r in out if r.get(s) is not None]
            avg[s] = round(statistics.mean(vals), 4) if vals else None
        out.append(avg)
    return out


def summary_table(rows: Sequence[dict], key: str = "f1") -> str:
    """Markdown table: language x train source (`key`, F1 by default), with an average row."""
    from annoproj.bench.common import markdown_table

    columns = [("lang", "lang")] + [(s, s) for s in train_sources(rows)]
    return markdown_table(pivot_rows(rows, key), columns)


DETAIL_COLUMNS = [
    ("lang", "lang"), ("train", "train"), ("precision", "P"), ("recall", "R"), ("f1", "F1"),
    ("sentences", "sentences"), ("skipped", "skipped"), ("dropped", "dropped"),
    ("align_s", "align s"), ("refine_s", "refine s"), ("project_s", "project s"),
    ("train_s", "train s"),
]


def plot_results(rows: Sequence[dict], path: str | Path) -> Path:
    """A grouped bar chart of F1 per language and train source, written to `path`."""
    from annoproj.bench.common import bar_chart

    table = pivot_rows(rows)
    return bar_chart([r["lang"] for r in table],
                     [(s, [r.get(s) or 0.0 for r in table]) for s in train_sources(rows)],
                     path, ylabel="test F1 (PER, ORG, LOC)",
                     title="MasakhaNER 2.0 translate-train (CRF)")


def spans_of(sentences: Sequence[Sentence]) -> list[list[Span]]:
    """The spans of each sentence."""
    return [list(s.spans) for s in sentences]
