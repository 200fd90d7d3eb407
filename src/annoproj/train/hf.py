"""Fine-tuning a Hugging Face encoder (XLM-R, mBERT, AfroXLMR...) for NER token classification.

>>> tagger = HFTrainer("xlm-roberta-base", epochs=3).fit(train_sentences, dev=dev_sentences)
>>> tagger.save("models/hau-xlmr")
>>> HFTagger.load("models/hau-xlmr").predict([["Shugaban", "kasa", "ya", "ziyarci", "Kano"]])

Each word's tag (from its spans, `annoproj.data.tags.spans_to_tags`) is learnt on its first
subword; the other subwords are ignored (-100), or, with `label_all_subwords`, learn the
word's inside tag. Prediction reads the first subword of each word and repairs the tag
sequence with `tags_to_spans`. Sentences longer than the model's limit are cut into word
chunks that fit, in training and in prediction.

Training is a plain torch loop: AdamW (no weight decay on biases and norms), linear warmup
then linear decay, gradient clipping, fp16 autocast on a GPU. `torch.manual_seed(seed)` is
set before the classification head is made, so runs on the CPU are repeatable.

The model folder holds `config.json` (annoproj's description: trainer "hf", labels, scheme,
versions) and `model/` (the `save_pretrained` model and tokenizer, which the `hf` labeller
and any Hugging Face tool can also load). torch and transformers are optional:
`pip install 'annoproj[neural]'`. Nothing here imports them until a model is built.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annoproj.data.io.files import atomic_write
from annoproj.data.model import Sentence, Span
from annoproj.data.tags import check_scheme, label_set, spans_to_tags, split_tag
from annoproj.errors import ConfigError, ModelError, OptionError
from annoproj.subwords import load_tokenizer, max_input_length, word_chunks
from annoproj.train.base import (
    CONFIG_FILE,
    FORMAT_VERSION,
    TagsTagger,
    package_versions,
    read_config,
    taggers,
    trainers,
)

__all__ = ["HFTagger", "HFTrainer", "label_set", "word_chunks"]

log = logging.getLogger(__name__)

#: Subfolder of the model folder with the Hugging Face model and tokenizer.
MODEL_DIR = "model"
#: Prefix letters of each scheme, in label-id order after "O".
def _hf():
    """(torch, transformers), or MissingDependencyError saying what to install."""
    from annoproj._neural import require

    return (require("torch", what="the hf trainer"),
            require("transformers", what="the hf trainer"))


@taggers.register("hf")
class HFTagger(TagsTagger):
    """A fine-tuned token-classification model: predicts entity spans of tokenised sentences.

    device: "auto" (cuda when available), "cpu" or "cuda[:n]"; fp16: autocast on a GPU.
    """

    name = "hf"

    def __init__(self, model: Any, tokenizer: Any, *, scheme: str = "IOB2",
                 device: str = "auto", batch_size: int = 32, max_length: int = 512,
                 fp16: bool = True, params: dict | None = None,
                 info: dict | None = None) -> None:
        from annoproj._neural import resolve_device

        if batch_size < 1:
            raise ConfigError("batch_size must be >= 1")
        self.torch, _ = _hf()
        self.model = model
        self.tokenizer = tokenizer
        self.scheme = check_scheme(scheme)
        self.batch_size = int(batch_size)
        self.fp16 = bool(fp16)
        self.params = dict(params or {})
        self.info = dict(info or {})
        id2label = model.config.id2label
        self.labels = [str(id2label[i]) for i in range(len(id2label))]
        self.max_length = max_input_length(tokenizer, model.config, max_length)
        self._specials = tokenizer.num_special_tokens_to_add(pair=False)
        self.device = resolve_device(device)
        self.model.to(self.device)

    def to(self, device: str) -> HFTagger:
        """Move the model to `device` ("auto", "cpu", "cuda"); returns self."""
        from annoproj._neural import resolve_device

        self.device = resolve_device(device)
        self.model.to(self.device)
        return self

    def _tag_pieces(self, pieces: list[list[str]]) -> list[list[str]]:
        import numpy as np

        from annoproj.label.hf import aggregate

        torch = self.torch
        enc = self.tokenizer(pieces, is_split_into_words=True, truncation=True,
                             max_length=self.max_length, padding=True, return_tensors="pt")
        word_ids = [np.asarray([-1 if w is None else w for w in enc.word_ids(k)])
                    for k in range(len(pieces))]
        inputs = {k: v.to(self.device) for k, v in enc.items()}
        cuda = self.device.startswith("cuda")
        with torch.inference_mode(), torch.autocast(device_type="cuda" if cuda else "cpu",
                                                    dtype=torch.float16,
                                                    enabled=cuda and self.fp16):
            logits = self.model(**inputs).logits.float().cpu().numpy()
        return [[self.labels[i] for i in aggregate(logits[k], word_ids[k], len(words), "first")]
                for k, words in enumerate(pieces)]

    def predict_tags(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """Tags (in the model's scheme, unrepaired) of each tokenised sentence."""
        tags: list[list[str]] = [["O"] * len(s) for s in sentences]
        room = max(1, self.max_length - self._specials)
        order = sorted((k for k, s in enumerate(sentences) if len(s)),
                       key=lambda k: -len(sentences[k]))
        was_training = self.model.training
        self.model.eval()
        try:
            for b in range(0, len(order), self.batch_size):
                batch = [sentences[k] for k in order[b : b + self.batch_size]]
                chunks = word_chunks(self.tokenizer, batch, room)
                for c in range(0, len(chunks), self.batch_size):
                    part = chunks[c : c + self.batch_size]
                    pieces = [list(batch[i][s:e]) for i, s, e in part]
                    for (i, s, e), piece_tags in zip(part, self._tag_pieces(pieces)):
                        tags[order[b + i]][s:e] = piece_tags
        finally:
            self.model.train(was_training)
        return tags

    def config(self) -> dict:
        """The JSON description written beside the Hugging Face model folder."""
        return {
            "format_version": FORMAT_VERSION,
            "trainer": self.name,
            "model_dir": MODEL_DIR,
            "scheme": self.scheme,
            "labels": self.labels,
            "entity_types": self.entity_types,
            "max_length": self.max_length,
            "params": self.params,
            "info": self.info,
            "versions": package_versions("torch", "transformers", "tokenizers"),
        }

    def save(self, path: str | Path) -> Path:
        """Write the model folder `path` (model/ + config.json, written last); returns it."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(path / MODEL_DIR)
        self.tokenizer.save_pretrained(path / MODEL_DIR)
        with atomic_write(path / CONFIG_FILE) as f:
            f.write(json.dumps(self.config(), indent=2) + "\n")
        return path

    @classmethod
    def load(cls, path: str | Path, *, device: str = "auto", batch_size: int = 32,
             fp16: bool = True) -> HFTagger:
        """The tagger saved in the model folder `path`."""
        from annoproj._neural import load_error

        _, transformers = _hf()
        path = Path(path)
        cfg = read_config(path)
        if cfg.get("trainer") != cls.name:
            raise ModelError(f"{path} holds a {cfg.get('trainer')!r} model, not an hf one")
        if cfg.get("recipe", "finetune") != "finetune":
            from annoproj.train.frozen import FrozenTagger

            return FrozenTagger.load(path, device=device)  # type: ignore[return-value]
        folder = path / cfg.get("model_dir", MODEL_DIR)
        if not folder.is_dir():
            raise ModelError(f"{path}: model subfolder {folder.name}/ is missing")
        try:
            tokenizer = load_tokenizer(str(folder))
            model = transformers.AutoModelForTokenClassification.from_pretrained(str(folder))
        except (OSError, ValueError) as exc:
            raise load_error("token-classification model", str(folder), exc) from exc
        return cls(model, tokenizer, scheme=cfg.get("scheme", "IOB2"), device=device,
                   batch_size=batch_size, max_length=int(cfg.get("max_length", 512)),
                   fp16=fp16, params=dict(cfg.get("params", {})), info=cfg.get("info"))


#: Recipes of `HFTrainer`: "finetune" (the whole encoder), or a light model on its frozen
#: states (`annoproj.train.frozen`): "crf" (the CRF's features plus the states) or
#: "softmax" (an MLP head); "auto" is `DEFAULT_FROZEN_RECIPE` for bundled models (made for
#: the CPU) and "finetune" for any other.
RECIPES = ("auto", "finetune", "crf", "softmax")
#: The recipe bundled encoders get by default (chosen on MasakhaNER dev, docs/translate-train.md).
DEFAULT_FROZEN_RECIPE = "crf"


#: The encoder `HFTrainer` fine-tunes when given none.
DEFAULT_MODEL = "xlm-roberta-base"


#: CRF options the crf recipe's CRF takes (the CRF half of that tagger).
CRF_RECIPE_OPTIONS = ("c1", "c2", "max_iterations", "features")


def crf_recipe_options(recipe: str, model: str, crf: dict) -> dict:
    """The options of `crf` (a `CRFTrainer`'s) that the hf tagger with `recipe` on `model`
    takes: c1, c2, max_iterations and features for the crf recipe, none for the others.
    ValueError for an unknown recipe, or CRF features other than the default with a recipe
    that has no CRF."""
    from annoproj.train.features import FeatureConfig

    resolved = resolve_recipe(recipe, model)
    if resolved == "crf":
        return {k: crf[k] for k in CRF_RECIPE_OPTIONS if k in crf}
    if FeatureConfig.from_dict(crf.get("features")).to_dict() != FeatureConfig().to_dict():
        raise ValueError(f"CRF features (--fold-affixes, --crf-features) need a CRF: the hf "
                         f"recipe {resolved!r} has none; use --trainer crf or --recipe crf")
    return {}


def resolve_recipe(recipe: str, model: str) -> str:
    """The recipe "auto" stands for with `model`; other recipes unchanged."""
    if recipe not in RECIPES:
        raise ValueError(f"recipe must be one of {', '.join(RECIPES)}, not {recipe!r}")
    if recipe != "auto":
        return recipe
    from annoproj.models import is_bundled

    return DEFAULT_FROZEN_RECIPE if is_bundled(str(model)) else "finetune"


@trainers.register("hf")
class HFTrainer:
    """Trains an NER tagger on a Hugging Face encoder (name, folder or bundled name).

    recipe: "finetune" fine-tunes the whole encoder; "crf" and "softmax" encode each sentence
    once with the frozen encoder and train a light model on its states
    (`annoproj.train.frozen.FrozenTrainer`, whose options `frozen` passes on: layers,
    pooling, dims, hidden, context...); "auto" (the default) is "crf" for bundled models
    (`bundled:e5-small`, made for the CPU) and "finetune" for any other.

    Fine-tuning: epochs, learning_rate, batch_size, weight_decay, warmup_ratio,
    max_grad_norm: the usual AdamW fine-tuning knobs (warmup: fraction of all steps).
    max_length: subwords per piece (longer sentences are cut into word chunks). fp16: mixed
    precision, only on cuda. label_all_subwords: non-first subwords also learn the word's
    inside tag (I-X). scheme: tag scheme learnt (IOB2, BIOES or IOB1); predictions come back
    as spans. epochs, learning_rate and batch_size left as None take the recipe's defaults.
    """

    name = "hf"

    def __init__(self, model: str | Path = DEFAULT_MODEL, *, epochs: int | None = None,
                 learning_rate: float | None = None, batch_size: int | None = None,
                 max_length: int = 256,
                 weight_decay: float = 0.01, warmup_ratio: float = 0.1,
                 max_grad_norm: float = 1.0, seed: int = 0, device: str = "auto",
                 fp16: bool = True, label_all_subwords: bool = False,
                 scheme: str = "IOB2", recipe: str = "auto", progress: bool = False,
                 **frozen: Any) -> None:
        self.recipe = resolve_recipe(recipe, str(model))
        self.frozen_trainer = None
        if self.recipe != "finetune":
            from annoproj.train.frozen import FrozenTrainer

            if device not in ("auto", "cpu") and not str(device).startswith("cuda"):
                raise ConfigError(f"unknown device {device!r}; use auto, cpu or cuda")
            extra = {k: v for k, v in (("epochs", epochs), ("learning_rate", learning_rate),
                                       ("batch_size", batch_size)) if v is not None}
            self.frozen_trainer = FrozenTrainer(str(model), recipe=self.recipe, seed=seed,
                                                device=device, scheme=scheme,
                                                progress=progress, **extra, **frozen)
        elif frozen:
            raise OptionError(f"options {sorted(frozen)} apply to the frozen-encoder recipes "
                            "(crf, softmax), not to finetune")
        epochs = 3 if epochs is None else epochs
        learning_rate = 5e-5 if learning_rate is None else learning_rate
        batch_size = 16 if batch_size is None else batch_size
        if int(epochs) < 1:
            raise ConfigError("epochs must be >= 1")
        if float(learning_rate) <= 0:
            raise ConfigError("learning_rate must be > 0")
        if int(batch_size) < 1:
            raise ConfigError("batch_size must be >= 1")
        if int(max_length) < 4:
            raise ConfigError("max_length must be >= 4 subwords")
        if float(weight_decay) < 0:
            raise ConfigError("weight_decay must be >= 0")
        if not 0 <= float(warmup_ratio) < 1:
            raise ConfigError("warmup_ratio must be in [0, 1)")
        if device not in ("auto", "cpu") and not str(device).startswith("cuda"):
            raise ConfigError(f"unknown device {device!r}; use auto, cpu or cuda")
        self.model = str(model)
        self.progress = bool(progress)
        self.epochs, self.batch_size, self.max_length = int(epochs), int(batch_size), int(max_length)
        self.learning_rate, self.weight_decay = float(learning_rate), float(weight_decay)
        self.warmup_ratio, self.max_grad_norm = float(warmup_ratio), float(max_grad_norm)
        self.seed, self.device, self.fp16 = int(seed), str(device), bool(fp16)
        self.label_all_subwords = bool(label_all_subwords)
        self.scheme = check_scheme(scheme)

    @property
    def o_weight(self) -> float:
        """The O weight its taggers decode with (fine-tuned taggers: 1)."""
        return self.frozen_trainer.o_weight if self.frozen_trainer is not None else 1.0

    @property
    def pca_dims(self) -> int | None:
        """The PCA size of the states its crf recipe's CRF takes (None for other recipes)."""
        frozen = self.frozen_trainer
        return frozen.dims if frozen is not None and frozen.recipe == "crf" else None

    @property
    def crf_blend(self) -> float | None:
        """The weight of the CRF without states in its crf recipe's marginals (None for
        other recipes)."""
        frozen = self.frozen_trainer
        return frozen.blend if frozen is not None and frozen.recipe == "crf" else None

    def params(self) -> dict:
        """The training options, as saved in the model config."""
        if self.frozen_trainer is not None:
            return self.frozen_trainer.params()
        return {"base_model": self.model, "recipe": "finetune", "epochs": self.epochs,
                "learning_rate": self.learning_rate, "batch_size": self.batch_size,
                "max_length": self.max_length, "weight_decay": self.weight_decay,
                "warmup_ratio": self.warmup_ratio, "max_grad_norm": self.max_grad_norm,
                "seed": self.seed, "fp16": self.fp16,
                "label_all_subwords": self.label_all_subwords}

    def encode(self, tokenizer: Any, sentences: Sequence[Sentence], label2id: dict[str, int],
               max_length: int) -> list[dict[str, list[int]]]:
        """Training examples (input ids, labels, token types) of the word chunks of `sentences`."""
        tags = [spans_to_tags([Span(*sp[:3]) for sp in s.spans], len(s.tokens),
                              scheme=self.scheme) for s in sentences]  # ProjectedSpan too
        room = max(1, max_length - tokenizer.num_special_tokens_to_add(pair=False))
        chunks = word_chunks(tokenizer, [s.tokens for s in sentences], room)
        examples: list[dict[str, list[int]]] = []
        for c in range(0, len(chunks), 1024):
            part = chunks[c : c + 1024]
            enc = tokenizer([list(sentences[k].tokens[s:e]) for k, s, e in part],
                            is_split_into_words=True, truncation=True, max_length=max_length)
            for j, (k, s, e) in enumerate(part):
                labels, prev = [], None
                for w in enc.word_ids(j):
                    if w is None:
                        labels.append(-100)
                    elif w != prev:
                        labels.append(label2id[tags[k][s + w]])
                    elif self.label_all_subwords:
                        p, t = split_tag(tags[k][s + w])
                        labels.append(label2id["O" if p == "O" else f"I-{t}"])
                    else:
                        labels.append(-100)
                    prev = w
                ex = {"input_ids": list(enc["input_ids"][j]), "labels": labels}
                if "token_type_ids" in enc:
                    ex["token_type_ids"] = list(enc["token_type_ids"][j])
                examples.append(ex)
        return examples

    def fit(self, sentences: Sequence[Sentence], *,
            dev: Sequence[Sentence] | None = None) -> HFTagger:
        """Fine-tune on `sentences`; `dev`, when given, is scored after each epoch (logged,
        and kept in `info`). With a frozen-encoder recipe, `FrozenTrainer.fit`."""
        if self.frozen_trainer is not None:
            return self.frozen_trainer.fit(sentences, dev=dev)
        from annoproj._neural import load_error, resolve_device

        torch, transformers = _hf()
        t0 = time.perf_counter()
        train = [s for s in sentences if s.tokens]
        if not train:
            raise ValueError("no training sentences (all empty)")
        labels = label_set({sp.label for s in train for sp in s.spans}, scheme=self.scheme)
        label2id = {t: i for i, t in enumerate(labels)}
        device = resolve_device(self.device)
        torch.manual_seed(self.seed)
        try:
            tokenizer = load_tokenizer(self.model)
            from annoproj.models import resolve_model

            model = transformers.AutoModelForTokenClassification.from_pretrained(
                resolve_model(self.model), num_labels=len(labels), id2label=dict(enumerate(labels)),
                label2id=label2id, ignore_mismatched_sizes=True)
        except (OSError, ValueError) as exc:
            raise load_error("encoder model", self.model, exc) from exc
        max_length = max_input_length(tokenizer, model.config, self.max_length)
        examples = self.encode(tokenizer, train, label2id, max_length)
        model.to(device).train()
        tagger = HFTagger(model, tokenizer, scheme=self.scheme, device=device,
                          batch_size=max(self.batch_size, 32), max_length=max_length,
                          fp16=self.fp16, params=self.params())

        decay = [p for p in model.parameters() if p.requires_grad and p.ndim >= 2]
        no_decay = [p for p in model.parameters() if p.requires_grad and p.ndim < 2]
        optimizer = torch.optim.AdamW(
            [{"params": decay, "weight_decay": self.weight_decay},
             {"params": no_decay, "weight_decay": 0.0}], lr=self.learning_rate)
        steps = self.epochs * math.ceil(len(examples) / self.batch_size)
        warmup = int(self.warmup_ratio * steps)

        def schedule(step: int) -> float:
            if step < warmup:
                return step / max(1, warmup)
            return max(0.0, (steps - step) / max(1, steps - warmup))

        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
        amp = self.fp16 and device.startswith("cuda")
        scaler = torch.amp.GradScaler("cuda", enabled=amp)
        order_rng = torch.Generator().manual_seed(self.seed)
        pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        history: list[dict] = []
        for epoch in range(1, self.epochs + 1):
            model.train()
            total, n_batches = 0.0, 0
            order = torch.randperm(len(examples), generator=order_rng).tolist()
            for b in range(0, len(order), self.batch_size):
                batch = _collate(torch, [examples[i] for i in order[b : b + self.batch_size]],
                                 pad_id, device)
                with torch.autocast(device_type="cuda" if amp else "cpu", dtype=torch.float16,
                                    enabled=amp):
                    loss = model(**batch).loss
                optimizer.zero_grad(set_to_none=True)
                scaler.scale(loss).backward()
                if self.max_grad_norm > 0:
                    scaler.unscale_(optimizer)
                    torch.nn.utils.clip_grad_norm_(model.parameters(), self.max_grad_norm)
                scaler.step(optimizer)
                scaler.update()
                scheduler.step()
                total += float(loss.detach())
                n_batches += 1
            row: dict = {"epoch": epoch, "loss": round(total / max(1, n_batches), 6)}
            if dev:
                row.update(_score(tagger, dev))
            history.append(row)
            log.info("epoch %d/%d: loss %.4f%s", epoch, self.epochs, row["loss"],
                     f", dev F1 {row['f1']:.4f}" if dev else "")
        model.eval()
        tagger.info = {"sentences": len(train), "tokens": sum(len(s.tokens) for s in train),
                       "examples": len(examples), "steps": steps, "device": device,
                       "train_s": round(time.perf_counter() - t0, 3), "loss": history[-1]["loss"],
                       "history": history}
        if dev:
            last = history[-1]
            tagger.info["dev"] = {k: last[k] for k in ("precision", "recall", "f1")}
        return tagger


def _collate(torch: Any, examples: list[dict[str, list[int]]], pad_id: int,
             device: str) -> dict[str, Any]:
    """Padded tensors (input_ids, attention_mask, labels, token_type_ids) of `examples`."""
    width = max(len(ex["input_ids"]) for ex in examples)
    fill = {"input_ids": pad_id, "labels": -100, "token_type_ids": 0}
    out: dict[str, Any] = {}
    for key in examples[0]:
        out[key] = torch.tensor([ex[key] + [fill[key]] * (width - len(ex[key]))
                                 for ex in examples], dtype=torch.long)
    out["attention_mask"] = torch.tensor([[1] * len(ex["input_ids"])
                                          + [0] * (width - len(ex["input_ids"]))
                                          for ex in examples], dtype=torch.long)
    return {k: v.to(device) for k, v in out.items()}


def _score(tagger: HFTagger, dev: Sequence[Sentence]) -> dict[str, float]:
    from annoproj.evaluate import evaluate_spans

    report = evaluate_spans([s.spans for s in dev], tagger.predict([s.tokens for s in dev]))
    return {"precision": report.micro.precision, "recall": report.micro.recall,
            "f1": report.micro.f1}
