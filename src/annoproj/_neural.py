"""Shared plumbing of the model-backed components: optional imports, devices, dtypes."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import TypeVar

from annoproj.errors import MissingDependencyError, ModelError

__all__ = ["MissingDependencyError", "batched", "require", "resolve_device", "torch_dtype"]

T = TypeVar("T")

#: The pip extra that provides each optional package.
EXTRAS = {
    "torch": "neural",
    "transformers": "neural",
    "sentencepiece": "neural",
    "ctranslate2": "neural",
    "spacy": "spacy",
}


def require(module: str, *, extra: str | None = None, what: str = "this component") -> ModuleType:
    """Import `module`, or raise MissingDependencyError saying what to pip install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        extra = extra or EXTRAS.get(top, "neural")
        raise MissingDependencyError(
            f"{what} needs the Python package {top!r}, which is not installed: "
            f"pip install 'annoproj[{extra}]'"
        ) from exc


def resolve_device(device: str = "auto") -> str:
    """"cuda" or "cpu" for "auto" (cuda when torch sees a GPU); other names unchanged."""
    if device != "auto":
        if device.startswith("cuda"):
            torch = require("torch")
            if not torch.cuda.is_available():
                raise ValueError(f"device {device!r} asked for, but torch sees no CUDA GPU; "
                                 "use --device cpu or auto")
        return device
    try:
        import torch
    except ImportError:
        return "cpu"
    return "cuda" if torch.cuda.is_available() else "cpu"


def torch_dtype(device: str, fp16: bool):
    """float16 on a GPU when `fp16`, else float32."""
    torch = require("torch")
    return torch.float16 if fp16 and device.startswith("cuda") else torch.float32


def batched(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of `items` of at most `size` items."""
    if size < 1:
        raise ValueError("batch size must be >= 1")
    for k in range(0, len(items), size):
        yield items[k : k + size]


def dtype_kwargs(dtype) -> dict:
    """The `from_pretrained` keyword for `dtype`: `dtype` from transformers 4.56, else `torch_dtype`."""
    transformers = require("transformers")
    major, minor = (int(x) for x in transformers.__version__.split(".")[:2])
    return {"dtype": dtype} if (major, minor) >= (4, 56) else {"torch_dtype": dtype}


def load_error(what: str, name: str, exc: Exception):
    """A ModelError for a model `name` that could not be loaded, saying what to check."""

    return ModelError(
        f"cannot load {what} {name!r}: {exc}. Give a local folder, or a Hugging Face model "
        "name that is downloaded already or can be downloaded from here"
    )
