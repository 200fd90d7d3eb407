"""The MasakhaNER benchmark's configuration: languages, train sources, row names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from annoproj import defaults
from annoproj.translate.tokenize import REJOIN_MODES

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
                   rejoin: str = "none", fuse: bool = False) -> str:
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
    >>> variant_suffix(fuse=True, misc="loc", extend=True, drop_partial=True)
    '+fuse+misc-loc+extend+drop-partial'
    """
    return (("" if rejoin == "none" else f"+rejoin-{rejoin}")
            + ("" if refine == "none" else f"+{refine}")
            + ("+fuse" if fuse else "")
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
    fuse_with: an encoder (e.g. "bundled:e5-small") whose SimAlign links join eflomal's
        (as `annoproj project --fuse-with`; made once per language and cached on disk,
        `annoproj.align.store`); rows get "+fuse". None: eflomal's links alone.
    heads: a file of head words (`annoproj.project.heads`) for every language, or a folder
        of `<lang>.txt` files (a language without one gets none): LOC and ORG spans take
        in the listed words on their left. It states the target's annotation convention,
        so T-Projection's tags get it too; rows get "+heads".
    crf: `CRFTrainer` options (c1, c2, max_iterations, features, o_weight, ...). An
        `o_weight` other than 1 (decoding with O down-weighted) is part of the training
        recipe too: every row, baselines included, gets "+o-weight-W". The hf trainer
        takes `o_weight` too; without it, it decodes with its own default (0.25 for the
        frozen-encoder CRF), and the rows are named by that.
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
    fuse_with: str | None = None
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
                              extend=self.extend, crf=self.decoding, refine=self.refine,
                              memory="memory" in self.scorers, heads=self.heads is not None,
                              rejoin=self.rejoin, fuse=self.fuse_with is not None)

    @property
    def recipe(self) -> str:
        """The suffix of the training recipe, which the baseline rows get too."""
        return trainer_suffix(self_train=self.self_train, crf=self.decoding)

    @property
    def decoding(self) -> dict:
        """`crf` with the O weight the trainer decodes with, given or its default (the
        frozen-encoder CRF's is `defaults.FROZEN_CRF_O_WEIGHT`): rows are named by it."""
        return {**self.crf, "o_weight": make_trainer(self).o_weight}

    @property
    def dims(self) -> int | None:
        """The PCA dimensions of the encoder's states the hf tagger's CRF takes, given or its
        default (`defaults.FROZEN_CRF_DIMS`); None for a tagger without them."""
        return make_trainer(self).pca_dims if self.trainer == "hf" else None

    @property
    def blend(self) -> float | None:
        """The weight of the CRF without states that the hf tagger's CRF blends in, given
        or its default (`defaults.FROZEN_CRF_BLEND`); None for a tagger without it."""
        return make_trainer(self).crf_blend if self.trainer == "hf" else None

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
        d["o_weight"] = self.decoding["o_weight"]  # what the tagger decodes with, given or not
        d["dims"] = self.dims  # and the PCA size of its states
        d["blend"] = self.blend  # and the weight of the CRF without them
        return d




DEFAULT_HF_MODEL = "bundled:e5-small"


def make_trainer(config: MasakhanerConfig):
    """The trainer of `config`: `CRFTrainer(**config.crf)`, or `HFTrainer` on its model with
    the options of `config.hf` (its recipe's defaults otherwise; seed `config.seed`)."""
    if config.trainer == "crf":
        from annoproj.train.crf import CRFTrainer

        return CRFTrainer(**config.crf)
    from annoproj.train.hf import HFTrainer

    return HFTrainer(config.model_name, **{"seed": config.seed, **hf_crf_options(config),
                                           **config.hf})


def hf_crf_options(config: MasakhanerConfig) -> dict:
    """The options of `config.crf` that reach the hf trainer: the O weight (decoding is
    part of every trainer's recipe; without one, the trainer's default), and for its crf
    recipe the CRF's regularisation, iterations and features. ValueError for CRF features
    other than the default with a recipe that has no CRF."""
    from annoproj.train.hf import crf_recipe_options

    out = {"o_weight": config.crf["o_weight"]} if "o_weight" in config.crf else {}
    return {**out, **crf_recipe_options(config.hf.get("recipe", "auto"),
                                        config.model_name or "", config.crf)}
