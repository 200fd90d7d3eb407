"""Frozen encoder word states, computed once and cached on disk.

`WordEncoder` runs a Hugging Face encoder (any name `resolve_model` knows, `bundled:e5-small`
included) once over tokenised sentences and pools each word's subword states, averaged over
a few `layers`, into one vector (`pooling` "mean" of its subwords or its "first" subword).
The vectors are kept in a `StateStore`: shards of float16 rows on disk, keyed per sentence
by a digest of its tokens, under a folder named after (model, layers, pooling). Every
training source of one language (our projection, T-Projection's tags: the same
translations), and every rerun, shares them; a sentence whose tokens change (a rejoined
word) is simply encoded anew.

The cache folder is `$ANNOPROJ_STATES` or `~/.cache/annoproj/states`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from annoproj.data.io.files import atomic_write
from annoproj.errors import ConfigError

__all__ = ["StateStore", "WordEncoder", "sentence_key", "states_root"]

log = logging.getLogger(__name__)

#: Bumped when what is stored changes (pooling, dtype): old shards are then not read.
STATES_VERSION = 1
#: Layers averaged by default (the probe's best on Hausa: mean of layers 4, 6 and 8).
DEFAULT_LAYERS = (4, 6, 8)
POOLINGS = ("mean", "first")


def states_root() -> Path:
    """The folder of cached states: `$ANNOPROJ_STATES` or `~/.cache/annoproj/states`."""
    from annoproj._cache import cache_dir

    return cache_dir("states", env="ANNOPROJ_STATES")


def sentence_key(tokens: Sequence[str]) -> str:
    """A digest of a tokenised sentence (the tokens, in order, as given)."""
    h = hashlib.blake2b(digest_size=12)
    h.update("\x1f".join(tokens).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class StateStore:
    """Per-sentence (n_words, H) float16 arrays in shards under `folder`.

    A shard is `<name>.npy` (the rows of its sentences, one after the other) and
    `<name>.json` (the sentence keys and their first rows), written atomically; shards are
    only added, so several processes may share a folder.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._index: dict[str, tuple[str, int, int]] = {}
        self._arrays: dict[str, np.ndarray] = {}
        self._seen: set[str] = set()

    def refresh(self) -> None:
        """Read the indexes of shards written since the last look."""
        if not self.folder.is_dir():
            return
        for meta in sorted(self.folder.glob("*.json")):
            name = meta.stem
            if name in self._seen or not (self.folder / f"{name}.npy").exists():
                continue
            try:
                data = json.loads(meta.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                continue
            if data.get("version") != STATES_VERSION:
                continue
            starts = data["starts"]
            for key, a, b in zip(data["keys"], starts[:-1], starts[1:]):
                self._index.setdefault(key, (name, a, b))
            self._seen.add(name)

    def __contains__(self, key: str) -> bool:
        return key in self._index

    def get(self, key: str) -> np.ndarray:
        name, a, b = self._index[key]
        arr = self._arrays.get(name)
        if arr is None:
            arr = self._arrays[name] = np.load(self.folder / f"{name}.npy", mmap_mode="r")
        return np.asarray(arr[a:b], dtype=np.float32)

    def add(self, keys: Sequence[str], states: Sequence[np.ndarray]) -> None:
        """Write one shard of `states` (one array per key)."""
        if not keys:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        starts = np.concatenate([[0], np.cumsum([len(s) for s in states])]).astype(int).tolist()
        width = next((s.shape[1] for s in states if s.ndim == 2), 0)
        rows = (np.concatenate([s.reshape(-1, width) for s in states]) if starts[-1]
                else np.zeros((0, width), np.float32)).astype(np.float16)
        h = hashlib.blake2b(digest_size=10)
        for k in keys:
            h.update(k.encode())
        name = f"{time.strftime('%Y%m%d')}-{h.hexdigest()}"
        # the rows first: a shard is read only once its index (.json) exists
        with atomic_write(self.folder / f"{name}.npy", binary=True) as f:
            np.save(f, rows)
        with atomic_write(self.folder / f"{name}.json") as f:
            json.dump({"version": STATES_VERSION, "keys": list(keys), "starts": starts}, f)
        self._seen.add(name)
        for key, a, b in zip(keys, starts[:-1], starts[1:]):
            self._index.setdefault(key, (name, a, b))


def pool_words(states: np.ndarray, word_ids: np.ndarray, n: int, pooling: str) -> np.ndarray:
    """(n, H) word vectors from (T, H) subword `states` and their word ids (-1: none):
    the "mean" of each word's subwords or its "first" one; zeros for words without any."""
    vec = np.zeros((n, states.shape[-1]), np.float32)
    keep = np.nonzero(word_ids >= 0)[0]
    if not len(keep):
        return vec
    if pooling == "mean":
        counts = np.bincount(word_ids[keep], minlength=n).astype(np.float32)
        np.add.at(vec, word_ids[keep], states[keep])
        return vec / np.maximum(counts, 1)[:, None]
    first = np.ones(len(keep), bool)
    first[1:] = word_ids[keep][1:] != word_ids[keep][:-1]
    vec[word_ids[keep][first]] = states[keep[first]]
    return vec


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "model"


class WordEncoder:
    """A frozen encoder's word vectors: pooled subword states averaged over `layers`.

    model: a Hugging Face name or folder, or a bundled name (`bundled:e5-small`).
    layers: hidden-state indices averaged (0: embeddings; 1..L the transformer layers).
    pooling: "mean" of the word's subwords or its "first" subword.
    cache: cache the vectors on disk (`StateStore` under `states_root()`), or not.
    threads: torch CPU threads while encoding (None: torch's default).
    progress: show a progress bar (tqdm, when installed) while encoding.
    """

    def __init__(self, model: str = "bundled:e5-small", *, layers: Sequence[int] = DEFAULT_LAYERS,
                 pooling: str = "mean", device: str = "auto", batch_size: int = 32,
                 max_length: int = 512, cache: bool = True, cache_dir: str | Path | None = None,
                 threads: int | None = None, progress: bool = False) -> None:
        if pooling not in POOLINGS:
            raise ConfigError(f"pooling must be one of {', '.join(POOLINGS)}, not {pooling!r}")
        if not layers:
            raise ConfigError("layers must name at least one hidden state")
        self.model_name = str(model)
        self.layers = tuple(int(x) for x in layers)
        self.pooling = pooling
        self.device = device
        self.batch_size = max(1, int(batch_size))
        self.max_length = int(max_length)
        self.threads = threads
        self.progress = progress
        self.cache = cache
        self._cache_dir = Path(cache_dir) if cache_dir else None
        self._net: Any = None
        self._tok: Any = None
        self._memory: dict[str, np.ndarray] = {}
        self._store: StateStore | None = None
        self.encoded = 0  # sentences run through the encoder (not found in the cache)

    @property
    def store(self) -> StateStore | None:
        if not self.cache:
            return None
        if self._store is None:
            self._store = StateStore((self._cache_dir or states_root()) / self.cache_name())
        return self._store

    def cache_name(self) -> str:
        """The cache subfolder of this (model, layers, pooling): the model's name and a digest
        of its resolved folder's config and weights' sizes, so two models never share one."""
        from annoproj.models import resolve_model

        folder = Path(resolve_model(self.model_name))
        h = hashlib.blake2b(digest_size=6)
        h.update(str(folder.resolve() if folder.exists() else folder).encode())
        if folder.is_dir():
            for f in sorted(folder.iterdir()):
                if f.is_file():
                    h.update(f"{f.name}:{f.stat().st_size}".encode())
        layers = "-".join(str(x) for x in self.layers)
        return f"{_slug(self.model_name)}-{h.hexdigest()}-L{layers}-{self.pooling}"

    @property
    def hidden_size(self) -> int:
        self._load()
        return int(self._net.config.hidden_size)

    def _load(self) -> None:
        if self._net is not None:
            return
        from annoproj._neural import resolve_device
        from annoproj.subwords import max_input_length
        from annoproj.text_encoder import import_torch, load_model, load_tokenizer

        torch = import_torch()
        if self.threads:
            torch.set_num_threads(int(self.threads))
        self.device = resolve_device(self.device)
        self._tok = load_tokenizer(self.model_name)
        self._net = load_model("AutoModel", self.model_name, device=self.device, fp16=True)
        n = int(getattr(self._net.config, "num_hidden_layers", 0))
        bad = [x for x in self.layers if not -(n + 1) <= x <= n]
        if bad:
            raise ValueError(f"layers {bad} asked for, but {self.model_name!r} has {n} layers")
        self._idx = [x % (n + 1) for x in self.layers]
        top = max(self._idx)
        layers = getattr(getattr(self._net, "encoder", None), "layer", None)
        if layers is not None and top < len(layers):  # the layers above are never read
            self._net.encoder.layer = layers[:top]
        self.max_length = max_input_length(self._tok, self._net.config, self.max_length)

    def encode_batch(self, sentences: Sequence[Sequence[str]],
                     poolings: Sequence[str] | None = None) -> list[np.ndarray] | dict:
        """(n_words, H) float32 vectors of each non-empty sentence, no cache involved; words
        cut off by the length limit get zeros. With `poolings`, a dict of such lists, one
        per pooling, from the same forward pass."""
        self._load()
        torch = self._torch()
        unk = self._tok.unk_token or "_"
        words = [[w if w.strip() else unk for w in s] for s in sentences]
        try:
            enc = self._tok(words, is_split_into_words=True, truncation=True,
                            max_length=self.max_length, padding=True, return_tensors="pt")
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # a Rust panic (pyo3 PanicException) on some word
            # the bundled e5-small's converted tokenizer panics on "°": such words become unk
            words = [[w if self._tokenizable(w) else unk for w in s] for s in words]
            enc = self._tok(words, is_split_into_words=True, truncation=True,
                            max_length=self.max_length, padding=True, return_tensors="pt")
        inputs = {k: v.to(self.device) for k, v in enc.items()}
        with torch.inference_mode():
            hidden = self._net(**inputs, output_hidden_states=True).hidden_states
            states = sum(hidden[x].float() for x in self._idx) / len(self._idx)
        states = states.cpu().numpy()
        out: dict[str, list[np.ndarray]] = {p: [] for p in (poolings or [self.pooling])}
        for b, ws in enumerate(words):
            ids = np.asarray([-1 if w is None else w for w in enc.word_ids(b)], np.int64)
            for pooling, vecs in out.items():
                vecs.append(pool_words(states[b], ids, len(ws), pooling))
        return out if poolings else out[self.pooling]

    def _tokenizable(self, word: str) -> bool:
        """Whether the tokenizer takes `word` alone without failing (cached per word)."""
        cache = self.__dict__.setdefault("_word_ok", {})
        ok = cache.get(word)
        if ok is None:
            try:
                self._tok([[word]], is_split_into_words=True)
                ok = True
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException:
                ok = False
            cache[word] = ok
        return ok

    def _torch(self) -> Any:
        from annoproj.text_encoder import import_torch

        return import_torch()

    def __call__(self, sentences: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """(n_words, H) float32 vectors of each sentence, from the cache where it has them."""
        keys = [sentence_key(s) for s in sentences]
        store = self.store
        if store is not None:
            store.refresh()
        todo: dict[str, Sequence[str]] = {}
        for k, s in zip(keys, sentences):
            if k not in self._memory and (store is None or k not in store) and k not in todo:
                todo[k] = s
        if todo:
            self._encode_missing(todo)
        out = []
        for k, s in zip(keys, sentences):
            if k in self._memory:
                out.append(self._memory[k])
            elif store is not None and k in store:
                out.append(store.get(k))
            else:  # pragma: no cover - written just above
                raise KeyError(k)
        if store is None:
            self._memory.clear()  # nothing kept between calls without a disk cache
        return out

    def _encode_missing(self, todo: dict[str, Sequence[str]]) -> None:
        items = sorted(todo.items(), key=lambda kv: len(kv[1]))
        empty = [k for k, s in items if not s]
        items = [(k, s) for k, s in items if s]
        bar = _progress(len(items), f"encoding with {self.model_name}", self.progress)
        shard_keys: list[str] = []
        shard: list[np.ndarray] = []
        width = 0
        for b in range(0, len(items), self.batch_size):
            part = items[b : b + self.batch_size]
            vecs = self.encode_batch([s for _, s in part])
            width = vecs[0].shape[1]
            for (k, _), v in zip(part, vecs):
                shard_keys.append(k)
                shard.append(v)
            self.encoded += len(part)
            bar.update(len(part))
            if self.store is not None and len(shard_keys) >= 2000:
                self.store.add(shard_keys, shard)
                shard_keys, shard = [], []
        bar.close()
        for k in empty:
            shard_keys.append(k)
            shard.append(np.zeros((0, width or self.hidden_size), np.float32))
        if self.store is not None:
            self.store.add(shard_keys, shard)
        else:
            self._memory.update(zip(shard_keys, shard))

    def params(self) -> dict:
        return {"model": self.model_name, "layers": list(self.layers), "pooling": self.pooling}


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, desc: str, enabled: bool) -> Any:
    if not enabled or total == 0:
        return _NoBar()
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _NoBar()
    return tqdm(total=total, desc=desc, unit="sent", leave=False)


def iter_chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for k in range(0, len(items), size):
        yield items[k : k + size]
