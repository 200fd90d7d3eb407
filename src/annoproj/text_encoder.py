"""Hugging Face encoders as word, span and string embedders, shared by the neural
aligners (`annoproj.align.neural`) and the neural matching scorers.

torch and transformers are imported lazily: importing this module is cheap, and a
missing package raises `MissingDependencyError` naming the extra to install.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np

from annoproj.errors import MissingDependencyError
from annoproj._neural import (
    require,
    resolve_device,
    torch_dtype,
)

__all__ = [
    "HFEncoder",
    "LRUCache",
    "MissingDependencyError",
    "WordStates",
    "batches",
    "import_torch",
    "import_transformers",
    "model_max_length",
    "resolve_device",
    "torch_dtype",
]

#: Model types whose hidden_states[k] is the output of layer k alone (no final norm).
_POST_NORM = ("bert", "roberta", "xlm-roberta", "camembert", "electra")

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def import_torch() -> Any:
    """The torch module, or MissingDependencyError saying what to install."""
    return require("torch", what="this neural component")


def import_transformers() -> Any:
    """The transformers module, or MissingDependencyError saying what to install."""
    import_torch()
    return require("transformers", what="this neural component")


def batches(items: Sequence[V], size: int) -> Iterator[Sequence[V]]:
    """Consecutive slices of `items` of at most `size` elements."""
    size = max(1, int(size))
    for lo in range(0, len(items), size):
        yield items[lo : lo + size]


class LRUCache(Generic[K, V]):
    """A dict that forgets its least recently used entries beyond `maxsize` (None: never)."""

    def __init__(self, maxsize: int | None = 100_000) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        try:
            self._data.move_to_end(key)
        except KeyError:
            return None
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __setitem__(self, key: K, value: V) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        if self.maxsize is not None:
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        self._data.clear()


def model_max_length(tokenizer: Any, config: Any) -> int:
    """The longest input (in subwords, specials included) the model accepts
    (`annoproj.subwords.max_input_length`)."""
    from annoproj.subwords import max_input_length

    return max_input_length(tokenizer, config)


def load_tokenizer(model: str, **kwargs: Any) -> Any:
    """The fast tokenizer of `model` for pre-split words (`annoproj.subwords.load_tokenizer`);
    a MissingDependencyError when it cannot be loaded, a ModelError (a ValueError) when it
    is not a fast one."""
    from annoproj.subwords import load_tokenizer as load

    import_transformers()
    try:
        return load(model, **kwargs)
    except OSError as exc:
        raise MissingDependencyError(f"cannot load the tokenizer of {model!r}: {exc}") from exc


def load_model(auto_class: str, model: str, *, device: str, fp16: bool, **kwargs: Any) -> Any:
    """`transformers.<auto_class>.from_pretrained(model)` in eval mode on `device`."""
    from annoproj.models import resolve_model

    transformers = import_transformers()
    cls = getattr(transformers, auto_class)
    model = resolve_model(model)
    try:
        net = cls.from_pretrained(model, dtype=torch_dtype(device, fp16), **kwargs)
    except OSError as exc:
        raise MissingDependencyError(f"cannot load the model {model!r}: {exc}") from exc
    return net.eval().to(device)


@dataclass(slots=True)
class WordStates:
    """Contextual states of one tokenised sentence, pooled per word.

    `sums` (n_words, H) holds the sum of each word's subword states and `counts`
    (n_words,) how many subwords it has in the encoded input (0: the word was cut off by
    truncation or the tokenizer made nothing of it).
    """

    sums: np.ndarray
    counts: np.ndarray

    @property
    def present(self) -> np.ndarray:
        """Boolean (n_words,): the words that have a state."""
        return self.counts > 0

    def means(self) -> np.ndarray:
        """(n_words, H) mean subword state per word; zeros for absent words."""
        return self.sums / np.maximum(self.counts, 1)[:, None]

    def spans(self, spans: np.ndarray) -> np.ndarray:
        """(S, H) mean subword state of each (start, end) span; zeros where none is present."""
        spans = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
        h = self.sums.shape[1]
        ps = np.concatenate([np.zeros((1, h), self.sums.dtype), np.cumsum(self.sums, 0)])
        pc = np.concatenate([[0], np.cumsum(self.counts)])
        tot = ps[spans[:, 1]] - ps[spans[:, 0]]
        n = pc[spans[:, 1]] - pc[spans[:, 0]]
        return tot / np.maximum(n, 1)[:, None]


class HFEncoder:
    """A Hugging Face encoder (BERT, XLM-R, LaBSE, ...) turned into embeddings.

    `model` is a hub name or a local folder. Inputs longer than `max_length` subwords
    (default: the model's limit) are truncated; the words cut off get no state and
    `truncated_words` counts them. `layer` selects `hidden_states[layer]` (0: the
    embedding layer, -1: the last layer).
    """

    def __init__(
        self,
        model: str,
        *,
        device: str = "auto",
        fp16: bool = True,
        batch_size: int = 32,
        max_length: int | None = None,
        auto_class: str = "AutoModel",
    ) -> None:
        self.torch = import_torch()
        self.name = str(model)
        self.device = resolve_device(device)
        self.batch_size = max(1, int(batch_size))
        self.tokenizer = load_tokenizer(self.name)
        self.model = load_model(auto_class, self.name, device=self.device, fp16=fp16)
        limit = model_max_length(self.tokenizer, self.model.config)
        self.max_length = min(limit, max_length) if max_length else limit
        self.truncated_words = 0
        self.truncated_sentences = 0

    @property
    def n_layers(self) -> int:
        """Number of transformer layers (valid `layer`s are -n-1 .. n)."""
        return int(getattr(self.model.config, "num_hidden_layers", 0))

    def check_layer(self, layer: int) -> None:
        """ValueError if the model has no hidden state `layer`."""
        n = self.n_layers
        if not -(n + 1) <= layer <= n:
            raise ValueError(f"layer {layer} asked for, but {self.name!r} has {n} layers (0..{n})")

    def _forward(self, enc: Any, layer: int | None) -> Any:
        """Hidden states at `layer` (None: the model's `last_hidden_state`)."""
        inputs = {k: v.to(self.device) for k, v in enc.items() if k != "offset_mapping"}
        if layer is None:
            return self.model(**inputs).last_hidden_state
        stack = self._layer_stack()
        n = self.n_layers
        k = layer % (n + 1)  # hidden_states[k]: the output of the first k layers
        if stack is None or not 0 < k < n:
            return self.model(**inputs, output_hidden_states=True).hidden_states[layer]
        full = stack.layer
        stack.layer = full[:k]  # the layers above k cannot change hidden_states[k]: skip them
        try:
            return self.model(**inputs).last_hidden_state
        finally:
            stack.layer = full

    def _layer_stack(self) -> Any:
        """The module whose `layer` ModuleList holds the transformer layers (BERT, XLM-R
        and kin), or None for other architectures."""
        torch = self.torch
        if getattr(self.model.config, "model_type", "") not in _POST_NORM:
            return None
        enc = getattr(self.model, "encoder", None)
        layers = getattr(enc, "layer", None)
        if isinstance(layers, torch.nn.ModuleList) and len(layers) == self.n_layers:
            return enc
        return None

    def _encode(self, sentences: Sequence[Sequence[str]], layer: int) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
        """(index, (T, H) states of the word subwords, (T,) their word indices) per sentence,
        in batches of similar length; specials and padding are left out."""
        torch = self.torch
        self.check_layer(layer)
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        empty = np.zeros((0, self._hidden()), np.float32), np.zeros(0, np.int64)
        with torch.inference_mode():
            for chunk in batches(order, self.batch_size):
                words = {i: [w if w.strip() else self._unk() for w in sentences[i]] for i in chunk}
                todo = [i for i in chunk if words[i]]
                for i in chunk:
                    if not words[i]:
                        yield i, *empty
                if not todo:
                    continue
                enc = self.tokenizer(
                    [words[i] for i in todo], is_split_into_words=True, truncation=True,
                    max_length=self.max_length, padding=True, return_tensors="pt",
                )  # fmt: skip
                hidden = self._forward(enc, layer).float().cpu().numpy()  # (B, T, H)
                for b, i in enumerate(todo):
                    ids = np.asarray([-1 if w is None else w for w in enc.word_ids(b)], np.int64)
                    keep = ids >= 0
                    wids = ids[keep]
                    n = len(words[i])
                    cut = n - (int(wids.max()) + 1 if len(wids) else 0)  # words past the limit
                    if cut:
                        self.truncated_words += cut
                        self.truncated_sentences += 1
                    yield i, hidden[b, : len(ids)][keep], wids

    def subword_states(
        self, sentences: Sequence[Sequence[str]], *, layer: int = -1
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per sentence: (T, H) states of its word subwords and (T,) their word indices."""
        out: list = [None] * len(sentences)
        for i, states, wids in self._encode(sentences, layer):
            out[i] = (states, wids)
        return out

    def word_states(self, sentences: Sequence[Sequence[str]], *, layer: int = -1) -> list[WordStates]:
        """Per-word pooled states of tokenised sentences, in input order."""
        out: list = [None] * len(sentences)
        for i, states, wids in self._encode(sentences, layer):
            n = len(sentences[i])
            onehot = (wids[None, :] == np.arange(n)[:, None]).astype(np.float32)  # (n, T)
            out[i] = WordStates(onehot @ states, onehot.sum(1).astype(np.int64))
        return out

    def embed(self, texts: Sequence[str], *, pooling: str = "mean", layer: int | None = None) -> np.ndarray:
        """(N, H) float32 embeddings of strings: mean over subwords ("mean"), the first
        token ("cls") or the model's pooler output ("pooler")."""
        torch = self.torch
        if pooling not in ("mean", "cls", "pooler"):
            raise ValueError(f"pooling must be mean, cls or pooler; got {pooling!r}")
        if layer is not None:
            self.check_layer(layer)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self._hidden()), dtype=np.float32)
        with torch.inference_mode():
            for chunk in batches(order, self.batch_size):
                enc = self.tokenizer(
                    [texts[i] for i in chunk], truncation=True, max_length=self.max_length,
                    padding=True, return_tensors="pt",
                )  # fmt: skip
                if pooling == "pooler":
                    inputs = {k: v.to(self.device) for k, v in enc.items()}
                    res = self.model(**inputs)
                    if getattr(res, "pooler_output", None) is None:
                        raise ValueError(f"{self.name!r} has no pooler output: use pooling='mean' or 'cls'")
                    vec = res.pooler_output.float()
                else:
                    hidden = self._forward(enc, layer).float()
                    if pooling == "cls":
                        vec = hidden[:, 0]
                    else:
                        mask = enc["attention_mask"].to(self.device).unsqueeze(-1).float()
                        vec = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
                out[np.asarray(chunk)] = vec.cpu().numpy()
        return out

    def _hidden(self) -> int:
        return int(self.model.config.hidden_size)

    def _unk(self) -> str:
        return self.tokenizer.unk_token or "_"


def warn_truncated(encoder: HFEncoder, before: tuple[int, int], what: str) -> None:
    """Warn once per call if `encoder` cut words off since the counts `before`."""
    words = encoder.truncated_words - before[0]
    sents = encoder.truncated_sentences - before[1]
    if words:
        warnings.warn(
            f"{sents} sentence(s) exceed {encoder.name!r}'s {encoder.max_length} subwords: "
            f"{words} word(s) beyond the limit {what}",
            RuntimeWarning,
            stacklevel=3,
        )


def l2_normalize(x: np.ndarray) -> np.ndarray:
    """Rows of `x` scaled to unit length (zero rows stay zero)."""
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(n > 0, n, 1.0)
