"""Taggers on a frozen encoder: encode each sentence once, train a light model on the states.

Fine-tuning even a small encoder on two CPU cores costs ~20 minutes an epoch over the
14k translated CoNLL-2003 sentences. Encoding them once costs a few minutes (and is cached
on disk, `annoproj.train.states`, for every training source of the language), after which
a head trains in seconds or a minute. Two recipes:

- "softmax": a one-hidden-layer MLP (states of the word and, with `context`, of its
  neighbours -> tag probabilities), decoded into the best valid tag sequence
  (`annoproj.train.decode.constrained_decode`).
- "crf": annoproj's CRF (its affix, shape and context features) with the encoder's states
  added as real-valued features, projected by PCA to `dims` dimensions and scaled. The
  CRF keeps the affix evidence that helps languages the encoder barely knows (Yoruba is
  not among XLM-R's), and gets the encoder's evidence where it knows the language.
  With `blend` B > 0, a second CRF on the same string features alone (no states) is
  trained too, and the tags are decoded from the two CRFs' marginals averaged with weight
  B on the second one.

`HFTrainer(model, recipe=...)` runs them (`annoproj train --trainer hf --recipe ...`); the
model folder records the encoder by name (a bundled name, a hub name or a folder), so
tagging needs the same encoder where the tagger is used.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from annoproj import defaults
from annoproj.data.io.files import atomic_write
from annoproj.data.model import Sentence, Span
from annoproj.data.tags import spans_to_tags, tags_to_spans
from annoproj.errors import ConfigError, ModelError
from annoproj.train.base import (
    CONFIG_FILE,
    FORMAT_VERSION,
    TagsTagger,
    package_versions,
    read_config,
)
from annoproj.train.crf import (
    MODEL_FILE,
    check_o_weight,
    crfsuite_confident_spans,
    crfsuite_tag,
    fit_crfsuite,
    require_crfsuite,
)
from annoproj.train.decode import constrained_decode
from annoproj.train.states import DEFAULT_LAYERS, WordEncoder

__all__ = ["FROZEN_RECIPES", "FrozenTagger", "FrozenTrainer"]

log = logging.getLogger(__name__)

#: Recipes on frozen states.
FROZEN_RECIPES = ("softmax", "crf")
HEAD_FILE = "head.npz"
CRF_FILE = MODEL_FILE
PLAIN_FILE = "plain.crfsuite"


def with_context(x: np.ndarray, context: int) -> np.ndarray:
    """(n, H * (1 + 2 context)) rows: each word's vector and its neighbours' (zeros past the
    sentence ends), for `context` words on each side."""
    if context <= 0:
        return x
    n, h = x.shape
    pad = np.zeros((context, h), x.dtype)
    padded = np.concatenate([pad, x, pad])
    parts = [padded[context + o : context + o + n] for o in range(-context, context + 1)]
    return np.concatenate(parts, axis=1)


class FrozenTagger(TagsTagger):
    """A tagger on a frozen encoder's word states (recipe "softmax" or "crf")."""

    name = "hf"

    def __init__(self, *, recipe: str, encoder: dict, labels: list[str], scheme: str = "IOB2",
                 head: dict[str, np.ndarray] | None = None, crf_model: bytes | None = None,
                 features: dict | None = None, params: dict | None = None,
                 info: dict | None = None, device: str = "auto", o_weight: float = 1.0,
                 progress: bool = False, cache: bool = True,
                 plain_model: bytes | None = None, blend: float = 0.0) -> None:
        if recipe not in FROZEN_RECIPES:
            raise ConfigError(f"recipe must be one of {', '.join(FROZEN_RECIPES)}, not {recipe!r}")
        self.recipe = recipe
        self.encoder_params = dict(encoder)
        self.labels = list(labels)
        self.scheme = scheme
        self.head = {k: np.asarray(v, np.float32) for k, v in (head or {}).items()}
        self.crf_model = crf_model
        self.features = dict(features or {})
        self.params = dict(params or {})
        self.info = dict(info or {})
        self.o_weight = float(o_weight)
        self.plain_model = plain_model
        self.blend = blend
        self._encoder = WordEncoder(encoder["model"], layers=encoder.get("layers", DEFAULT_LAYERS),
                                    pooling=encoder.get("pooling", "mean"), device=device,
                                    progress=progress, cache=cache)
        self._crf: Any = None
        self._plain: Any = None
        self._extract: Any = None
        if recipe == "crf":
            import pycrfsuite

            from annoproj.train.features import FeatureConfig, FeatureExtractor

            self._extract = FeatureExtractor(FeatureConfig.from_dict(self.features))
            self._crf = pycrfsuite.Tagger()
            self._crf.open_inmemory(crf_model)
            self.crf_labels = list(self._crf.labels())
            if plain_model is not None:
                self._plain = pycrfsuite.Tagger()
                self._plain.open_inmemory(plain_model)

    @property
    def encoder(self) -> WordEncoder:
        return self._encoder

    @property
    def blend(self) -> float:
        """Weight of the CRF without states in the decoded marginals (0: the state CRF alone)."""
        return self._blend

    @blend.setter
    def blend(self, value: float) -> None:
        value = check_blend(value)
        if value and self.plain_model is None:
            raise ModelError("blend > 0 needs the CRF without states (plain.crfsuite)")
        self._blend = value

    # ------------------------------------------------------------ softmax head

    def probabilities(self, states: np.ndarray) -> np.ndarray:
        """(n, labels) tag probabilities of one sentence's (n, H) word states."""
        h = self.head
        x = with_context(states, int(self.params.get("context", 0)))
        z = np.maximum(x @ h["w1"] + h["b1"], 0.0) @ h["w2"] + h["b2"]
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    # ------------------------------------------------------------ crf

    def crf_items(self, tokens: Sequence[str], states: np.ndarray) -> list[dict[str, float]]:
        """crfsuite items of one sentence: its string features (weight 1) and its states'
        PCA coordinates (`e<k>`)."""
        return crf_items(self._extract.sentence(tokens), project(states, self.head),
                         int(self.params.get("state_context", 0)))

    def blended_marginals(self, tokens: Sequence[str], states: np.ndarray) -> np.ndarray:
        """(n, crf_labels) marginals of one sentence: the state CRF's and, weighted by
        `blend`, the CRF's without states."""
        from annoproj.train.crf import crfsuite_marginals

        feats = self._extract.sentence(tokens)
        n = len(feats)
        self._crf.set(crf_items(feats, project(states, self.head),
                                int(self.params.get("state_context", 0))))
        probs = crfsuite_marginals(self._crf, self.crf_labels, n)
        if self.blend:
            self._plain.set([dict.fromkeys(f, 1.0) for f in feats])
            plain = crfsuite_marginals(self._plain, self.crf_labels, n)
            probs = (1.0 - self.blend) * probs + self.blend * plain
        return probs

    # ------------------------------------------------------------ prediction

    def predict_tags(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        return [tags for tags, _ in self._decoded(sentences, confidences=False)]

    def predict_with_confidence(
        self, sentences: Sequence[Sequence[str]]
    ) -> list[list[tuple[Span, float]]]:
        """Entity spans of each tokenised sentence, each with its confidence: the smallest
        probability of its tokens' predicted tags (the CRF's marginals, or the softmax's)."""
        return [spans for _, spans in self._decoded(sentences, confidences=True)]

    def _decoded(self, sentences: Sequence[Sequence[str]], *, confidences: bool
                 ) -> list[tuple[list[str], list[tuple[Span, float]]]]:
        """Each sentence's tags and, with `confidences`, its spans with their confidence;
        the sentences are encoded once."""
        todo = [k for k, s in enumerate(sentences) if len(s)]
        out: list[tuple[list[str], list[tuple[Span, float]]]] = [([], []) for _ in sentences]
        states = self._encoder([list(sentences[k]) for k in todo])
        for k, x in zip(todo, states):
            if self.recipe == "softmax":
                probs = self.probabilities(x)
                tags = constrained_decode(probs, self.labels, o_weight=self.o_weight,
                                          scheme=self.scheme)
                spans = _confident_spans(probs, self.labels, tags) if confidences else []
            elif self.blend:
                probs = self.blended_marginals(sentences[k], x)
                tags = constrained_decode(probs, self.crf_labels, o_weight=self.o_weight,
                                          scheme=self.scheme)
                spans = _confident_spans(probs, self.crf_labels, tags) if confidences else []
            else:
                tags = crfsuite_tag(self._crf, self.crf_items(sentences[k], x),
                                    self.crf_labels, o_weight=self.o_weight, scheme=self.scheme)
                # crfsuite keeps the sentence it tagged: its marginals are at hand
                spans = crfsuite_confident_spans(self._crf, tags) if confidences else []
            out[k] = (tags, spans)
        return out

    # ------------------------------------------------------------ saving

    def config(self) -> dict:
        return {
            "format_version": FORMAT_VERSION,
            "trainer": self.name,
            "recipe": self.recipe,
            "encoder": self.encoder_params,
            "scheme": self.scheme,
            "labels": self.labels,
            "entity_types": self.entity_types,
            "features": self.features,
            "params": self.params,
            "decoding": {"o_weight": self.o_weight, "blend": self.blend},
            "info": self.info,
            "versions": package_versions("torch", "transformers", "sklearn-crfsuite"),
        }

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.head:
            with atomic_write(path / HEAD_FILE, binary=True) as f:
                np.savez(f, **self.head)
        for name, data in ((CRF_FILE, self.crf_model), (PLAIN_FILE, self.plain_model)):
            if data is not None:
                with atomic_write(path / name, binary=True) as f:
                    f.write(data)
        with atomic_write(path / CONFIG_FILE) as f:  # last: it makes the folder a model
            f.write(json.dumps(self.config(), indent=2) + "\n")
        return path

    @classmethod
    def load(cls, path: str | Path, *, device: str = "auto", cache: bool = False) -> FrozenTagger:
        """The tagger saved in `path`; its encoder's states are kept on disk only with
        `cache` (tagging new text encodes it once anyway)."""
        path = Path(path)
        cfg = read_config(path)
        recipe = cfg.get("recipe")
        if recipe not in FROZEN_RECIPES:
            raise ModelError(f"{path}: not a frozen-encoder model (recipe {recipe!r})")
        head = {}
        if (path / HEAD_FILE).exists():
            with np.load(path / HEAD_FILE) as z:
                head = {k: z[k] for k in z.files}
        elif recipe == "softmax":
            raise ModelError(f"{path}: {HEAD_FILE} is missing")
        crf_model = None
        if recipe == "crf":
            if not (path / CRF_FILE).exists():
                raise ModelError(f"{path}: {CRF_FILE} is missing")
            crf_model = (path / CRF_FILE).read_bytes()
        decoding = cfg.get("decoding") or {}
        blend = float(decoding.get("blend", 0.0))
        plain_model = None
        if (path / PLAIN_FILE).exists():
            plain_model = (path / PLAIN_FILE).read_bytes()
        elif blend:
            raise ModelError(f"{path}: {PLAIN_FILE} is missing")
        return cls(recipe=recipe, encoder=cfg["encoder"], labels=list(cfg["labels"]),
                   scheme=cfg.get("scheme", "IOB2"), head=head, crf_model=crf_model,
                   features=cfg.get("features"), params=cfg.get("params"), info=cfg.get("info"),
                   device=device, o_weight=float(decoding.get("o_weight", 1.0)),
                   cache=cache, plain_model=plain_model, blend=blend)


def project(states: np.ndarray, head: dict[str, np.ndarray]) -> np.ndarray:
    """(n, dims) PCA coordinates of (n, H) states, scaled (the "crf" recipe's features)."""
    return (states - head["mean"]) @ head["components"] * head["scale"]


def crf_items(feats: list[list[str]], coords: np.ndarray, state_context: int = 0,
              ) -> list[dict[str, float]]:
    """crfsuite items: string features with weight 1, coordinates as `e<k>` (and the
    neighbours' as `<offset>e<k>` with `state_context`)."""
    n = len(feats)
    names = [f"e{k}" for k in range(coords.shape[1])]
    vals = coords.tolist()
    out = []
    for i in range(n):
        item = dict.fromkeys(feats[i], 1.0)
        item.update(zip(names, vals[i]))
        for o in range(1, state_context + 1):
            for j, tag in ((i - o, f"-{o}"), (i + o, f"+{o}")):
                if 0 <= j < n:
                    item.update(zip((tag + k for k in names), vals[j]))
        out.append(item)
    return out


class FrozenTrainer:
    """Trains a `FrozenTagger` on a frozen encoder's word states.

    model: the encoder (bundled name, hub name or folder); layers, pooling: which states
    (`annoproj.train.states.WordEncoder`). recipe: "softmax" or "crf".
    softmax: hidden (units), epochs, learning_rate, batch_size (words), dropout, context
    (neighbours on each side whose states are inputs too), weight_decay.
    crf: dims (PCA dimensions of the states; None: `defaults.FROZEN_CRF_DIMS`), c1, c2,
    max_iterations, features
    (`FeatureConfig` options), state_context (neighbours whose coordinates are features),
    blend (weight in [0, 1) of a CRF without states, averaged into the marginals; None:
    `defaults.FROZEN_CRF_BLEND`).
    o_weight: decode with the probability of O times this (None:
    `defaults.FROZEN_CRF_O_WEIGHT` for the crf recipe, 1 for softmax).
    seed makes the head and the PCA's sample repeatable. device: where the encoder runs.
    """

    name = "hf"

    def __init__(self, model: str = "bundled:e5-small", *, recipe: str = "crf",
                 layers: Sequence[int] = DEFAULT_LAYERS, pooling: str = "mean",
                 hidden: int = 256, epochs: int = 8, learning_rate: float = 1e-3,
                 batch_size: int = 256, dropout: float = 0.2, context: int = 1,
                 weight_decay: float = 0.0, dims: int | None = None, scale: float = 1.0,
                 c1: float = 0.1, c2: float = 0.1, max_iterations: int = 100,
                 features: dict | None = None, state_context: int = 0,
                 scheme: str = "IOB2", seed: int = 0, device: str = "auto",
                 progress: bool = False, threads: int | None = None,
                 o_weight: float | None = None, blend: float | None = None) -> None:
        if recipe not in FROZEN_RECIPES:
            raise ConfigError(f"recipe must be one of {', '.join(FROZEN_RECIPES)}, not {recipe!r}")
        if scheme not in ("IOB2", "BIOES"):
            raise ConfigError(f"frozen-encoder taggers learn IOB2 or BIOES, not {scheme!r}")
        if dims is None:
            dims = defaults.FROZEN_CRF_DIMS
        if int(epochs) < 1 or int(hidden) < 1 or int(batch_size) < 1 or int(dims) < 1:
            raise ConfigError("epochs, hidden, batch_size and dims must be >= 1")
        self.model = str(model)
        self.recipe = recipe
        self.layers = tuple(int(x) for x in layers)
        self.pooling = pooling
        self.hidden, self.epochs = int(hidden), int(epochs)
        self.learning_rate, self.batch_size = float(learning_rate), int(batch_size)
        self.dropout, self.context = float(dropout), int(context)
        self.weight_decay = float(weight_decay)
        self.dims, self.scale = int(dims), float(scale)
        self.c1, self.c2, self.max_iterations = float(c1), float(c2), int(max_iterations)
        from annoproj.train.features import FeatureConfig

        self.features = FeatureConfig.from_dict(features).to_dict()
        self.state_context = int(state_context)
        self.scheme = scheme
        self.seed = int(seed)
        self.device = device
        self.progress = progress
        self.threads = threads
        if o_weight is None:
            o_weight = defaults.FROZEN_CRF_O_WEIGHT if recipe == "crf" else 1.0
        self.o_weight = check_o_weight(o_weight)
        if blend is None:
            blend = defaults.FROZEN_CRF_BLEND if recipe == "crf" else 0.0
        self.blend = check_blend(blend)
        if self.blend and recipe != "crf":
            raise ConfigError("blend needs the crf recipe (it averages two CRFs)")
        self._encoder: WordEncoder | None = None

    def encoder(self) -> WordEncoder:
        if self._encoder is None:
            self._encoder = WordEncoder(self.model, layers=self.layers, pooling=self.pooling,
                                        device=self.device, progress=self.progress,
                                        threads=self.threads)
        return self._encoder

    def params(self) -> dict:
        common = {"base_model": self.model, "recipe": self.recipe, "layers": list(self.layers),
                  "pooling": self.pooling, "seed": self.seed}
        if self.recipe == "softmax":
            return {**common, "hidden": self.hidden, "epochs": self.epochs,
                    "learning_rate": self.learning_rate, "batch_size": self.batch_size,
                    "dropout": self.dropout, "context": self.context,
                    "weight_decay": self.weight_decay}
        return {**common, "dims": self.dims, "scale": self.scale, "c1": self.c1, "c2": self.c2,
                "max_iterations": self.max_iterations, "state_context": self.state_context,
                "blend": self.blend}

    def fit(self, sentences: Sequence[Sentence], *,
            dev: Sequence[Sentence] | None = None) -> FrozenTagger:
        t0 = time.perf_counter()
        train = [s for s in sentences if s.tokens]
        if not train:
            raise ValueError("no training sentences (all empty)")
        tags = [spans_to_tags([Span(*sp[:3]) for sp in s.spans], len(s.tokens),
                              scheme=self.scheme) for s in train]
        from annoproj.data.tags import label_set, split_tag

        labels = label_set({split_tag(t)[1] for ts in tags for t in ts if t != "O"},
                           scheme=self.scheme)
        if self.recipe == "crf":
            require_crfsuite()  # before the encoding, not after it
        enc = self.encoder()
        states = enc([s.tokens for s in train])
        encode_s = time.perf_counter() - t0
        enc_params = enc.params()
        if self.recipe == "softmax":
            head, history = self._fit_softmax(states, tags, labels)
            tagger = FrozenTagger(recipe="softmax", encoder=enc_params, labels=labels,
                                  scheme=self.scheme, head=head, params=self.params(),
                                  device=self.device, o_weight=self.o_weight)
            extra: dict = {"history": history}
        else:
            head, model, plain, extra = self._fit_crf(train, states, tags)
            tagger = FrozenTagger(recipe="crf", encoder=enc_params, labels=labels,
                                  scheme=self.scheme, head=head, crf_model=model,
                                  plain_model=plain, features=self.features,
                                  params=self.params(), device=self.device,
                                  o_weight=self.o_weight, blend=self.blend)
        tagger._encoder = enc  # share the loaded encoder and its cache
        tagger.info = {"sentences": len(train), "tokens": sum(len(s.tokens) for s in train),
                       "encoded": enc.encoded, "encode_s": round(encode_s, 3),
                       "train_s": round(time.perf_counter() - t0, 3), **extra}
        if dev:
            from annoproj.evaluate import evaluate_spans

            report = evaluate_spans([s.spans for s in dev],
                                    tagger.predict([s.tokens for s in dev]))
            tagger.info["dev"] = {"precision": report.micro.precision,
                                  "recall": report.micro.recall, "f1": report.micro.f1}
        return tagger

    def _fit_softmax(self, states: list[np.ndarray], tags: list[list[str]],
                     labels: list[str]) -> tuple[dict[str, np.ndarray], list[dict]]:
        from annoproj.text_encoder import import_torch

        torch = import_torch()
        label2id = {t: i for i, t in enumerate(labels)}
        x = np.concatenate([with_context(s, self.context) for s in states]).astype(np.float32)
        y = np.asarray([label2id[t] for ts in tags for t in ts], np.int64)
        torch.manual_seed(self.seed)
        net = torch.nn.Sequential(torch.nn.Dropout(self.dropout),
                                  torch.nn.Linear(x.shape[1], self.hidden), torch.nn.ReLU(),
                                  torch.nn.Dropout(self.dropout),
                                  torch.nn.Linear(self.hidden, len(labels)))
        opt = torch.optim.AdamW(net.parameters(), lr=self.learning_rate,
                                weight_decay=self.weight_decay)
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)
        gen = torch.Generator().manual_seed(self.seed)
        steps = self.epochs * -(-len(y) // self.batch_size)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: max(0.0, 1 - k / max(1, steps)))
        history = []
        bar = _bar(self.epochs, "training the head", self.progress)
        for epoch in range(1, self.epochs + 1):
            net.train()
            order = torch.randperm(len(y), generator=gen)
            total, nb = 0.0, 0
            for b in range(0, len(y), self.batch_size):
                idx = order[b : b + self.batch_size]
                loss = torch.nn.functional.cross_entropy(net(xt[idx]), yt[idx])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                sched.step()
                total += float(loss.detach())
                nb += 1
            history.append({"epoch": epoch, "loss": round(total / max(1, nb), 6)})
            bar.update(1)
        bar.close()
        lin1, lin2 = net[1], net[4]
        head = {"w1": lin1.weight.detach().numpy().T.copy(), "b1": lin1.bias.detach().numpy(),
                "w2": lin2.weight.detach().numpy().T.copy(), "b2": lin2.bias.detach().numpy()}
        return head, history

    def _fit_crf(self, train: Sequence[Sentence], states: list[np.ndarray],
                 tags: list[list[str]]
                 ) -> tuple[dict[str, np.ndarray], bytes, bytes | None, dict]:
        from annoproj.train.features import FeatureConfig, FeatureExtractor

        x = np.concatenate(states)
        rng = np.random.default_rng(self.seed)
        sample = x[rng.choice(len(x), size=min(len(x), 50_000), replace=False)]
        mean = sample.mean(axis=0)
        dims = min(self.dims, sample.shape[1], max(1, len(sample) - 1))
        _, _, vt = np.linalg.svd(sample - mean, full_matrices=False)
        components = vt[:dims].T.astype(np.float32)
        coords = (sample - mean) @ components
        std = coords.std(axis=0)
        scale = (self.scale / np.where(std > 0, std, 1.0)).astype(np.float32)
        head = {"mean": mean.astype(np.float32), "components": components, "scale": scale}
        extract = FeatureExtractor(FeatureConfig.from_dict(self.features))
        feats = [extract.sentence(s.tokens) for s in train]
        xs = [crf_items(f, project(st, head), self.state_context)
              for f, st in zip(feats, states)]
        t0 = time.perf_counter()

        def fit(items: list) -> bytes:
            return fit_crfsuite(items, tags, c1=self.c1, c2=self.c2,
                                max_iterations=self.max_iterations)[0]

        model = fit(xs)
        extra = {"crf_s": round(time.perf_counter() - t0, 3), "dims": dims}
        plain = None
        if self.blend:
            t1 = time.perf_counter()
            del xs
            plain = fit([[dict.fromkeys(f, 1.0) for f in sent] for sent in feats])
            extra["plain_crf_s"] = round(time.perf_counter() - t1, 3)
        return head, model, plain, extra


def check_blend(value: float) -> float:
    """`value` as a float, if it is a usable blend weight (in [0, 1)); else ConfigError."""
    value = float(value)
    if not 0.0 <= value < 1.0:
        raise ConfigError(f"blend must be in [0, 1), got {value}")
    return value


def _confident_spans(probs: np.ndarray, labels: Sequence[str], tags: Sequence[str]
                     ) -> list[tuple[Span, float]]:
    """Entity spans of `tags`, each with the smallest probability of its tokens' tags."""
    index = {label: j for j, label in enumerate(labels)}
    picked = probs[np.arange(len(tags)), [index[t] for t in tags]]
    return [(sp, float(picked[sp.start:sp.end].min())) for sp in tags_to_spans(tags)]


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _bar(total: int, desc: str, enabled: bool) -> Any:
    if not enabled:
        return _NoBar()
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _NoBar()
    return tqdm(total=total, desc=desc, leave=False)
