"""Tiny models for the neural aligner / scorer tests (helper 8b), beside 8a's conftest.

- `build_hand_encoder(path, vectors)`: a BERT whose embedding-layer output (layer 0) is a
  hand-set vector per word piece, so cosine similarities of words are known exactly.
- `build_tiny_open_clip_files(path)`: an open_clip model config JSON (built-in text
  transformer, tiny ViT) plus a saved state_dict, loadable as a user would load one.
- `build_tiny_open_clip_hf_dir(path, hf_encoder)`: an open_clip `local-dir:` folder whose
  text tower is a (tiny) Hugging Face encoder, as in xlm-roberta-base-ViT-B-32.
- `build_tiny_mclip(path, base)`: an M-CLIP folder (config.json with modelBase, one
  weights file with transformer.* and LinearTransformation.*, the tokenizer).
- `test_device()`: the device the neural tests run on: $ANNOPROJ_TEST_DEVICE (cpu by
  default); "cuda" skips when no GPU is visible.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")


def test_device() -> str:
    """$ANNOPROJ_TEST_DEVICE or "cpu"; skips the calling test if CUDA is asked but absent."""
    import torch

    dev = os.environ.get("ANNOPROJ_TEST_DEVICE", "cpu")
    if dev.startswith("cuda") and not torch.cuda.is_available():
        pytest.skip("ANNOPROJ_TEST_DEVICE asks for CUDA, but no GPU is visible")
    return dev


test_device.__test__ = False  # type: ignore[attr-defined]  # not a test itself


def on_device() -> dict:
    """Model options for exact-comparison tests: `test_device()` in float32."""
    return {"device": test_device(), "fp16": False}


def build_hand_encoder(path: str | Path, vectors: Mapping[str, np.ndarray]) -> Path:
    """A BERT whose layer-0 state of word piece p is (up to scale) `vectors[p]`.

    Each vector u (any length d) is stored as [u, -u] (mean 0), position and token-type
    embeddings are 0 and the embedding LayerNorm is the identity map up to scale, so the
    layer-0 state of a piece is a positive multiple of [u, -u]: cosines are those of the u.
    Pieces starting with "##" continue a word (WordPiece).
    """
    import torch
    from transformers import BertConfig, BertModel, BertTokenizer

    path = Path(path)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab = {t: i for i, t in enumerate([*specials, *vectors])}
    tok = BertTokenizer(vocab=vocab, do_lower_case=False)
    d = len(next(iter(vectors.values())))
    config = BertConfig(vocab_size=len(vocab), hidden_size=2 * d, num_hidden_layers=1,
                        num_attention_heads=1, intermediate_size=4 * d,
                        max_position_embeddings=64, pad_token_id=0, layer_norm_eps=1e-12)
    model = BertModel(config)
    emb = torch.zeros(len(vocab), 2 * d)
    for piece, u in vectors.items():
        u = torch.as_tensor(np.asarray(u, dtype=np.float32))
        emb[vocab[piece]] = torch.cat([u, -u])
    emb[: len(specials)] = torch.cat([torch.ones(d), -torch.ones(d)])  # specials: any non-zero
    with torch.no_grad():
        model.embeddings.word_embeddings.weight.copy_(emb)
        model.embeddings.position_embeddings.weight.zero_()
        model.embeddings.token_type_embeddings.weight.zero_()
        model.embeddings.LayerNorm.weight.fill_(1.0)
        model.embeddings.LayerNorm.bias.zero_()
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path


TINY_CLIP_CFG = {
    "embed_dim": 16,
    "vision_cfg": {"image_size": 32, "layers": 1, "width": 16, "patch_size": 16, "head_width": 8},
    "text_cfg": {"context_length": 16, "vocab_size": 49408, "width": 16, "heads": 2, "layers": 1},
}


def build_tiny_open_clip_files(path: str | Path, name: str = "annoproj-tiny-clip") -> tuple[Path, Path]:
    """(config JSON, checkpoint) of a tiny open_clip CLIP with the built-in text tower."""
    import open_clip
    import torch

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    cfg = path / f"{name}.json"
    cfg.write_text(json.dumps(TINY_CLIP_CFG), encoding="utf-8")
    torch.manual_seed(0)
    model = open_clip.CLIP(**TINY_CLIP_CFG)
    ckpt = path / f"{name}.pt"
    torch.save(model.state_dict(), ckpt)
    return cfg, ckpt


def build_tiny_open_clip_hf_dir(path: str | Path, hf_encoder: str | Path) -> Path:
    """An open_clip `local-dir:` folder whose text tower is the HF encoder `hf_encoder`."""
    import open_clip
    import torch

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    model_cfg = {
        "embed_dim": 16,
        "vision_cfg": TINY_CLIP_CFG["vision_cfg"],
        "text_cfg": {"hf_model_name": str(hf_encoder), "hf_tokenizer_name": str(hf_encoder),
                     "hf_pooler_type": "mean_pooler", "context_length": 16},
    }
    (path / "open_clip_config.json").write_text(
        json.dumps({"model_cfg": model_cfg, "preprocess_cfg": {}}), encoding="utf-8"
    )
    torch.manual_seed(0)
    model = open_clip.CustomTextCLIP(**model_cfg)
    torch.save(model.state_dict(), path / "open_clip_pytorch_model.bin")
    # with local-dir:, open_clip reads the tokenizer from the folder itself
    from transformers import AutoTokenizer

    AutoTokenizer.from_pretrained(hf_encoder).save_pretrained(path)
    return path


def build_tiny_mclip(path: str | Path, base: str | Path, num_dims: int = 12) -> Path:
    """An M-CLIP folder over the (tiny) HF encoder folder `base`."""
    import torch
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    enc = AutoModel.from_pretrained(base)
    hidden = AutoConfig.from_pretrained(base).hidden_size
    torch.manual_seed(0)
    proj = torch.nn.Linear(hidden, num_dims)
    state = {f"transformer.{k}": v for k, v in enc.state_dict().items()}
    state.update({f"LinearTransformation.{k}": v for k, v in proj.state_dict().items()})
    torch.save(state, path / "pytorch_model.bin")
    (path / "config.json").write_text(json.dumps({
        "model_type": "M-CLIP", "modelBase": str(base),
        "transformerDimensions": hidden, "numDims": num_dims,
    }), encoding="utf-8")
    AutoTokenizer.from_pretrained(base).save_pretrained(path)
    # the tokenizer writes no config.json of its own; keep ours
    cfg = json.loads((path / "config.json").read_text(encoding="utf-8"))
    assert cfg["model_type"] == "M-CLIP"
    return path
