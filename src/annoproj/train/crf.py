"""A linear-chain CRF tagger (crfsuite through sklearn-crfsuite) on hand-made token features.

Training uses L-BFGS, which is deterministic: the same sentences and options give the same
model. sklearn-crfsuite is optional: `pip install 'annoproj[crf]'`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from annoproj.data.io.files import atomic_write
from annoproj.data.model import Sentence, Span
from annoproj.data.tags import check_scheme, spans_to_tags, tags_to_spans
from annoproj.errors import ConfigError, MissingDependencyError, ModelError
from annoproj.train.base import (
    CONFIG_FILE,
    FORMAT_VERSION,
    TagsTagger,
    package_versions,
    read_config,
    taggers,
    trainers,
)
from annoproj.train.decode import constrained_decode
from annoproj.train.features import FeatureConfig, FeatureExtractor

MODEL_FILE = "model.crfsuite"
_INSTALL = "pip install 'annoproj[crf]'"


def require_crfsuite() -> Any:
    """The sklearn_crfsuite module, or an error saying how to install it."""
    try:
        import sklearn_crfsuite
    except ImportError as exc:
        raise MissingDependencyError(
            f"the CRF trainer needs sklearn-crfsuite, which is not installed: {_INSTALL}"
        ) from exc
    return sklearn_crfsuite


def crfsuite_marginals(tagger: Any, labels: Sequence[str], n: int) -> np.ndarray:
    """(n, labels) marginals of the sentence last `set` in the crfsuite `tagger`."""
    marginal = tagger.marginal
    return np.array([[marginal(y, i) for y in labels] for i in range(n)])


def crfsuite_tag(tagger: Any, items: Any, labels: Sequence[str], *, o_weight: float = 1.0,
                 scheme: str = "IOB2") -> list[str]:
    """Tags of one non-empty sentence of crfsuite `items`: Viterbi with `o_weight` 1, else
    decoded from the marginals with O's times `o_weight` (`annoproj.train.decode`)."""
    if o_weight == 1.0:
        return list(tagger.tag(items))
    tagger.set(items)
    return constrained_decode(crfsuite_marginals(tagger, labels, len(items)), labels,
                              o_weight=o_weight, scheme=scheme)


def crfsuite_confident_spans(tagger: Any, tags: Sequence[str]) -> list[tuple[Span, float]]:
    """Entity spans of `tags`, each with its confidence: the smallest marginal probability
    of its tokens' tags in the sentence last set in crfsuite `tagger`."""
    return [(sp, min(tagger.marginal(tags[i], i) for i in range(sp.start, sp.end)))
            for sp in tags_to_spans(tags)]


def check_o_weight(value: float) -> float:
    """`value` as a float, if it is a usable O weight (finite, > 0); else ValueError."""
    value = float(value)
    if not (value > 0 and np.isfinite(value)):
        raise ValueError(f"o_weight must be a number > 0, got {value}")
    return value


@taggers.register("crf")
class CRFTagger(TagsTagger):
    """A trained CRF: predicts entity spans of tokenised sentences."""

    name = "crf"

    def __init__(self, model: bytes, *, features: FeatureConfig, scheme: str, labels: list[str],
                 params: dict, info: dict | None = None, o_weight: float = 1.0) -> None:
        import pycrfsuite  # installed with sklearn-crfsuite

        self.o_weight = o_weight
        self.model = model
        self.features = features
        self.scheme = scheme
        self.labels = labels
        self.params = params
        self.info = dict(info or {})
        self._extract = FeatureExtractor(features)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(model)
        self.marginal_labels = list(self._tagger.labels())

    @property
    def o_weight(self) -> float:
        """The weight of O's marginal when decoding (1: crfsuite's Viterbi); settable, > 0."""
        return self._o_weight

    @o_weight.setter
    def o_weight(self, value: float) -> None:
        self._o_weight = check_o_weight(value)

    def _tag(self, tokens: Sequence[str]) -> list[str]:
        """Tags of one non-empty sentence; leaves its marginals in the crfsuite tagger."""
        return crfsuite_tag(self._tagger, self._extract.sentence(tokens), self.marginal_labels,
                            o_weight=self.o_weight, scheme=self.scheme)

    def _marginals(self, n: int) -> np.ndarray:
        """(n, labels) marginals of the sentence last set in the crfsuite tagger."""
        return crfsuite_marginals(self._tagger, self.marginal_labels, n)

    def predict_tags(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """Tags (in the model's scheme) of each tokenised sentence; with `o_weight` < 1,
        decoded from the marginals with O down-weighted (`annoproj.train.decode`)."""
        return [self._tag(tokens) if tokens else [] for tokens in sentences]

    def predict_with_confidence(
        self, sentences: Sequence[Sequence[str]]
    ) -> list[list[tuple[Span, float]]]:
        """Entity spans of each tokenised sentence, each with its confidence: the smallest
        marginal probability of the predicted tags of its tokens."""
        out: list[list[tuple[Span, float]]] = []
        for tokens in sentences:
            if not tokens:
                out.append([])
                continue
            tags = self._tag(tokens)  # sets the marginals
            out.append(crfsuite_confident_spans(self._tagger, tags))
        return out

    def config(self) -> dict:
        """The JSON description written beside the model file."""
        return {
            "format_version": FORMAT_VERSION,
            "trainer": self.name,
            "model_file": MODEL_FILE,
            "scheme": self.scheme,
            "labels": self.labels,
            "entity_types": self.entity_types,
            "features": self.features.to_dict(),
            "params": self.params,
            "decoding": {"o_weight": self.o_weight},
            "info": self.info,
            "versions": package_versions("sklearn-crfsuite", "python-crfsuite"),
        }

    def save(self, path: str | Path) -> Path:
        """Write the model folder `path` (model file + config.json); returns it."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for name, data in ((MODEL_FILE, self.model),
                           (CONFIG_FILE, (json.dumps(self.config(), indent=2) + "\n").encode())):
            with atomic_write(path / name, binary=True) as f:
                f.write(data)
        return path

    @classmethod
    def load(cls, path: str | Path) -> CRFTagger:
        """The tagger saved in the model folder `path`."""
        require_crfsuite()
        path = Path(path)
        cfg = read_config(path)
        if cfg.get("trainer") != cls.name:
            raise ModelError(f"{path} holds a {cfg.get('trainer')!r} model, not a CRF")
        model_file = path / cfg.get("model_file", MODEL_FILE)
        if not model_file.exists():
            raise ModelError(f"{path}: model file {model_file.name} is missing")
        return cls(model_file.read_bytes(), features=FeatureConfig.from_dict(cfg.get("features")),
                   scheme=cfg.get("scheme", "IOB2"), labels=list(cfg.get("labels", [])),
                   params=dict(cfg.get("params", {})), info=cfg.get("info"),
                   o_weight=float((cfg.get("decoding") or {}).get("o_weight", 1.0)))


def fit_crfsuite(xs: Sequence[Sequence], ys: Sequence[Sequence[str]], *, c1: float = 0.1,
                 c2: float = 0.1, max_iterations: int = 100, min_freq: int = 0,
                 all_possible_transitions: bool = True, verbose: bool = False
                 ) -> tuple[bytes, Any]:
    """A crfsuite model (its bytes) trained with L-BFGS on items `xs` (per token, a feature
    list or a name -> value dict) and tags `ys`, and crfsuite's training log."""
    sk = require_crfsuite()
    from annoproj._proc import pid_tempdir

    with pid_tempdir("annoproj-crf-") as tmp:  # swept by a later run if this one is killed
        model_path = os.path.join(tmp, MODEL_FILE)
        crf = sk.CRF(algorithm="lbfgs", c1=c1, c2=c2, max_iterations=max_iterations,
                     min_freq=min_freq or None, all_possible_transitions=all_possible_transitions,
                     model_filename=model_path, verbose=verbose)
        crf.fit(xs, ys)
        return Path(model_path).read_bytes(), crf.training_log_


@trainers.register("crf")
class CRFTrainer:
    """Trains a `CRFTagger` with L1 (`c1`) and L2 (`c2`) regularised L-BFGS.

    scheme: tag scheme the CRF learns (IOB2 or BIOES); predictions come back as spans.
    features: a `FeatureConfig` or a dict of its options.
    min_freq: drop features seen fewer times than this in training.
    o_weight: the tagger multiplies the marginal probability of O by this before decoding
        (`annoproj.train.decode`); below 1 it finds more entities (recall for precision),
        1 decodes with crfsuite's Viterbi as trained.
    """

    name = "crf"

    def __init__(self, *, c1: float = 0.1, c2: float = 0.1, max_iterations: int = 100,
                 min_freq: int = 0, all_possible_transitions: bool = True, scheme: str = "IOB2",
                 features: FeatureConfig | dict | None = None, o_weight: float = 1.0,
                 verbose: bool = False) -> None:
        if c1 < 0 or c2 < 0:
            raise ConfigError("c1 and c2 must be >= 0")
        if max_iterations < 1:
            raise ConfigError("max_iterations must be >= 1")
        self.c1, self.c2, self.max_iterations = float(c1), float(c2), int(max_iterations)
        self.min_freq = int(min_freq)
        self.all_possible_transitions = bool(all_possible_transitions)
        self.scheme = check_scheme(scheme)
        if self.scheme not in ("IOB2", "BIOES"):
            raise ConfigError(f"the CRF learns IOB2 or BIOES tags, not {scheme!r}")
        self.features = (features if isinstance(features, FeatureConfig)
                         else FeatureConfig.from_dict(features))
        self.o_weight = check_o_weight(o_weight)
        self.verbose = verbose

    def params(self) -> dict:
        """The training options, as saved in the model config."""
        return {"algorithm": "lbfgs", "c1": self.c1, "c2": self.c2,
                "max_iterations": self.max_iterations, "min_freq": self.min_freq,
                "all_possible_transitions": self.all_possible_transitions}

    def featurize(self, sentences: Sequence[Sentence]) -> tuple[list, list[list[str]]]:
        """Feature lists and tags of non-empty `sentences`."""
        extract = FeatureExtractor(self.features)
        xs, ys = [], []
        for s in sentences:
            if s.tokens:
                xs.append(extract.sentence(s.tokens))
                ys.append(spans_to_tags(s.spans, len(s.tokens), scheme=self.scheme))
        return xs, ys

    def fit(self, sentences: Sequence[Sentence], *,
            dev: Sequence[Sentence] | None = None) -> CRFTagger:
        """Train on `sentences`; `dev`, when given, is scored after training into `info`."""
        t0 = time.perf_counter()
        xs, ys = self.featurize(sentences)
        if not xs:
            raise ValueError("no training sentences (all empty)")
        feat_s = time.perf_counter() - t0
        model, log = fit_crfsuite(xs, ys, c1=self.c1, c2=self.c2,
                                  max_iterations=self.max_iterations, min_freq=self.min_freq,
                                  all_possible_transitions=self.all_possible_transitions,
                                  verbose=self.verbose)
        labels = sorted({t for y in ys for t in y})
        info: dict = {
            "sentences": len(xs), "tokens": sum(len(x) for x in xs),
            "feature_s": round(feat_s, 3), "train_s": round(time.perf_counter() - t0, 3),
        }
        if log is not None and getattr(log, "iterations", None):
            last = log.iterations[-1]
            info["iterations"] = len(log.iterations)
            if "loss" in last:
                info["loss"] = float(last["loss"])
        tagger = CRFTagger(model, features=self.features, scheme=self.scheme, labels=labels,
                           params=self.params(), info=info, o_weight=self.o_weight)
        if dev:
            from annoproj.evaluate import evaluate_spans

            pred = tagger.predict([s.tokens for s in dev])
            report = evaluate_spans([s.spans for s in dev], pred)
            tagger.info["dev"] = {"precision": report.micro.precision,
                                  "recall": report.micro.recall, "f1": report.micro.f1}
        return tagger
