"""The clip scorer: cosine similarity of entity and candidate under the text tower of a
multilingual CLIP model, from open_clip or M-CLIP.

Two loaders, chosen by `backend` ("auto" picks M-CLIP for `M-CLIP/...` names and folders
whose config.json says `"model_type": "M-CLIP"`, open_clip otherwise):

- open_clip: `model` is an open_clip architecture name (xlm-roberta-base-ViT-B-32,
  nllb-clip-base, ...) with `pretrained` a tag (laion5b_s13b_b90k, v1) or a checkpoint
  file; or `hf-hub:org/repo` / `local-dir:/folder` (open_clip_config.json + weights);
  or the path of a model-config JSON file, registered under its file stem.
- M-CLIP (Carlsson et al. 2022): a folder or hub name holding the M-CLIP config.json
  (`modelBase`, `transformerDimensions`, `numDims`), the tokenizer, and one weights file
  with the encoder (`transformer.*`) and the projection (`LinearTransformation.*`); a
  text is the projection of the attention-masked mean of the encoder's last states.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from annoproj._neural import require
from annoproj.project.base import scorers
from annoproj.project.scorers.embedding import StringEmbeddingScorer
from annoproj.errors import MissingDependencyError, ModelError
from annoproj.subwords import max_input_length
from annoproj.text_encoder import (
    batches,
    import_torch,
    import_transformers,
    load_tokenizer,
    resolve_device,
)

BACKENDS = ("auto", "open_clip", "mclip")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


def _mclip_config(model: str) -> dict | None:
    """The M-CLIP config of a local folder, or None if it is not one."""
    cfg = Path(model) / "config.json"
    if not cfg.is_file():
        return None
    data = json.loads(cfg.read_text(encoding="utf-8"))
    return data if data.get("model_type") == "M-CLIP" or "modelBase" in data else None


def pick_backend(model: str, backend: str = "auto") -> str:
    """ "open_clip" or "mclip" for `model`."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}; got {backend!r}")
    if backend != "auto":
        return backend
    if model.startswith("M-CLIP/") or _mclip_config(model) is not None:
        return "mclip"
    return "open_clip"


class OpenClipText:
    """The text tower of an open_clip model: `encode(texts) -> (N, D)`."""

    def __init__(self, model: str, *, pretrained: str | None, device: str, fp16: bool,
                 batch_size: int) -> None:  # fmt: skip
        self.torch = import_torch()
        open_clip = require("open_clip", extra="neural", what="the clip scorer")
        name = model
        if model.endswith(".json") and Path(model).is_file():
            open_clip.add_model_config(Path(model))
            name = Path(model).stem
        if name.startswith(("local-dir:", "hf-hub:")):
            pretrained = None  # the folder / repo holds the weights
        if pretrained and not Path(pretrained).is_file() and "/" in pretrained:
            raise FileNotFoundError(f"open_clip checkpoint {pretrained} not found")
        precision = "fp16" if fp16 and device.startswith("cuda") else "fp32"
        try:
            net = open_clip.create_model(name, pretrained=pretrained or None, device=device,
                                         precision=precision)  # fmt: skip
        except RuntimeError as exc:
            raise MissingDependencyError(
                f"cannot load the open_clip model {name!r} (pretrained={pretrained!r}): {exc}"
            ) from exc
        if hasattr(net, "visual"):
            net.visual = None  # the image tower is never used: free its memory
        self.model = net.eval()
        self.tokenizer = open_clip.get_tokenizer(name)
        self.device = device
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        torch = self.torch
        out = []
        with torch.inference_mode():
            for chunk in batches(list(texts), self.batch_size):
                tokens = self.tokenizer(list(chunk)).to(self.device)
                out.append(self.model.encode_text(tokens).float().cpu().numpy())
        return np.concatenate(out) if out else np.zeros((0, 0), np.float32)


def _weights_file(model: str) -> Path:
    """The weights file of an M-CLIP folder, or downloaded from the hub."""
    folder = Path(model)
    if folder.is_dir():
        for name in WEIGHT_FILES:
            if (folder / name).is_file():
                return folder / name
        raise FileNotFoundError(f"{folder} holds none of {', '.join(WEIGHT_FILES)}")
    hub = require("huggingface_hub", extra="neural", what="loading M-CLIP from the hub")
    last: Exception | None = None
    for name in WEIGHT_FILES:
        try:
            return Path(hub.hf_hub_download(model, name))
        except Exception as exc:  # noqa: BLE001 - try the next file name
            last = exc
    raise MissingDependencyError(f"cannot download the weights of {model!r}: {last}")


def _load_state_dict(path: Path) -> dict:
    torch = import_torch()
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file

        return load_file(str(path))
    return torch.load(path, map_location="cpu", weights_only=True)


class MClipText:
    """M-CLIP's text encoder: a Hugging Face encoder plus a linear projection."""

    def __init__(self, model: str, *, device: str, fp16: bool, batch_size: int,
                 max_length: int | None = None) -> None:  # fmt: skip
        torch = self.torch = import_torch()
        transformers = import_transformers()
        cfg = _mclip_config(model)
        if cfg is None:
            try:
                cfg_path = Path(transformers.utils.cached_file(model, "config.json"))
            except OSError as exc:
                raise MissingDependencyError(
                    f"cannot load the M-CLIP model {model!r}: {exc}"
                ) from exc
            cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
        for key in ("modelBase", "transformerDimensions", "numDims"):
            if key not in cfg:
                raise ModelError(f"{model!r}: config.json lacks {key!r}, not an M-CLIP model")
        base = transformers.AutoConfig.from_pretrained(cfg["modelBase"])
        encoder = transformers.AutoModel.from_config(base)
        proj = torch.nn.Linear(int(cfg["transformerDimensions"]), int(cfg["numDims"]))
        state = _load_state_dict(_weights_file(model))
        enc_state = {
            k[len("transformer.") :]: v for k, v in state.items() if k.startswith("transformer.")
        }
        proj_state = {k[len("LinearTransformation."):]: v for k, v in state.items()
                      if k.startswith("LinearTransformation.")}  # fmt: skip
        if not enc_state or not proj_state:
            raise ModelError(
                f"{model!r}: weights lack transformer.* or LinearTransformation.* keys"
            )
        missing, _ = encoder.load_state_dict(enc_state, strict=False)
        missing = [k for k in missing if "position_ids" not in k and not k.startswith("pooler.")]
        if missing:
            raise ModelError(f"{model!r}: encoder weights missing for {missing[:3]} ...")
        proj.load_state_dict(proj_state)
        dtype = torch.float16 if fp16 and device.startswith("cuda") else torch.float32
        self.encoder = encoder.to(device=device, dtype=dtype).eval()
        self.proj = proj.to(device=device, dtype=dtype).eval()
        self.tokenizer = load_tokenizer(model)
        self.max_length = max_input_length(self.tokenizer, base, max_length)
        self.device = device
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        torch = self.torch
        out = []
        with torch.inference_mode():
            for chunk in batches(list(texts), self.batch_size):
                enc = self.tokenizer(list(chunk), padding=True, truncation=True,
                                     max_length=self.max_length, return_tensors="pt")  # fmt: skip
                enc = {k: v.to(self.device) for k, v in enc.items()}
                hidden = self.encoder(
                    input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]
                )[0]
                mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
                out.append(self.proj(mean).float().cpu().numpy())
        return np.concatenate(out) if out else np.zeros((0, 0), np.float32)


@scorers.register("clip")
class ClipScorer(StringEmbeddingScorer):
    """Cosine similarity of entity and candidate under a multilingual CLIP text tower.

    `model`/`pretrained`/`backend`: see the module docstring (e.g.
    "xlm-roberta-base-ViT-B-32" + "laion5b_s13b_b90k", "nllb-clip-base" + "v1",
    "M-CLIP/XLM-Roberta-Large-Vit-B-32"). `rescale`: "clip" max(cos, 0) or "linear"
    (cos + 1) / 2. Each distinct string is embedded once.
    """

    name = "clip"

    def __init__(
        self,
        model: str = "xlm-roberta-base-ViT-B-32",
        *,
        pretrained: str | None = "laion5b_s13b_b90k",
        backend: str = "auto",
        rescale: str = "clip",
        device: str = "auto",
        batch_size: int = 64,
        fp16: bool = True,
        max_length: int | None = None,
        cache_size: int | None = 200_000,
    ) -> None:
        super().__init__(rescale=rescale, cache_size=cache_size)
        model = str(model)
        self.backend = pick_backend(model, backend)
        dev = resolve_device(device)
        self.text: Any
        if self.backend == "mclip":
            self.text = MClipText(model, device=dev, fp16=fp16, batch_size=batch_size,
                                  max_length=max_length)  # fmt: skip
        else:
            self.text = OpenClipText(model, pretrained=pretrained, device=dev, fp16=fp16,
                                     batch_size=batch_size)  # fmt: skip

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.text.encode(texts)
