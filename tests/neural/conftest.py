"""Tiny, randomly initialised Hugging Face models saved to temp folders, for neural tests.

Every builder writes a model *and* its tokenizer with `save_pretrained`, so code under test
loads them through the same public path a user takes with a real model name
(`AutoModel.from_pretrained(folder)`, `AutoTokenizer.from_pretrained(folder)`). The models
are a few thousand parameters (hidden size 16-32, one or two layers) and build in well
under a second. The session-scoped fixtures return folder paths (`pathlib.Path`).

Builders (plain functions, usable from other fixture files too):
  - `build_tiny_nllb(path)`: M2M100ForConditionalGeneration + NllbTokenizer (NLLB-200 family).
  - `build_tiny_marian(path)`: MarianMTModel + MarianTokenizer (sentencepiece, OPUS-MT family).
  - `build_tiny_m2m(path)`: M2M100ForConditionalGeneration + M2M100Tokenizer (M2M-100 family).
  - `build_tiny_bert(path)`: BertModel + WordPiece BertTokenizer.
  - `build_tiny_xlmr(path)`: XLMRobertaModel + Unigram XLMRobertaTokenizer.
  - `build_tiny_token_classifier(path, labels=..., arch="bert"|"xlmr")`: *ForTokenClassification.
"""

from __future__ import annotations

import io
import json
import string
from collections.abc import Sequence
from pathlib import Path

import pytest

# No importorskip here: torch-free tests live in this folder too. The builders import
# torch/transformers lazily; modules that use them call pytest.importorskip themselves.

#: A handful of sentences: vocabulary source for the tiny tokenizers.
CORPUS = [
    "Angela Merkel met Emmanuel Macron in Paris on Monday .",
    "The European Parliament voted in Strasbourg yesterday .",
    "John Smith works for the United Nations in New York .",
    "Die Kommission hat in Brüssel getagt .",
    "La Comisión Europea se reunió en Madrid .",
    "Shugaban kasa ya ziyarci Kano ranar Litinin .",
    "I would like to thank Mr Barroso for his report .",
    "We must support the people of Africa and Europe .",
]

#: Tags of the default tiny token classifier (IOB2 over PER/ORG/LOC/MISC).
IOB2_LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]

_CHARS = sorted(set(string.ascii_letters + string.digits + string.punctuation + "äöüßéóíáñ"))


def _words() -> list[str]:
    seen: dict[str, None] = {}
    for line in CORPUS:
        for w in line.split():
            seen.setdefault(w, None)
            seen.setdefault(w.lower(), None)
    return list(seen)


def _seed() -> None:
    import torch

    torch.manual_seed(0)


def _train_spm(vocab_size: int = 80) -> bytes:
    """A tiny sentencepiece unigram model trained on `CORPUS`, as serialized bytes."""
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(CORPUS * 4), model_writer=buf, vocab_size=vocab_size,
        model_type="unigram", character_coverage=1.0, hard_vocab_limit=False,
        bos_id=-1, eos_id=1, unk_id=2, pad_id=0, minloglevel=2,
    )
    return buf.getvalue()


def _spm_pieces(model: bytes) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def build_tiny_nllb(path: str | Path) -> Path:
    """An NLLB-200-like seq2seq model (M2M-100 architecture, NllbTokenizer) in `path`."""
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    path = Path(path)
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in ["▁", *(f"▁{c}" for c in _CHARS), *_CHARS]:
        vocab.setdefault(piece, len(vocab))
    tok = NllbTokenizer(vocab=vocab, merges=[], src_lang="eng_Latn")
    _seed()
    config = M2M100Config(
        vocab_size=len(tok), d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32,
        decoder_ffn_dim=32, max_position_embeddings=256, pad_token_id=1, bos_token_id=0,
        eos_token_id=2, decoder_start_token_id=2, scale_embedding=True,
        tokenizer_class="NllbTokenizer",
    )
    model = M2M100ForConditionalGeneration(config)
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path


def build_tiny_m2m(path: str | Path) -> Path:
    """An M2M-100-like seq2seq model (M2M100Tokenizer over a tiny sentencepiece) in `path`."""
    from transformers import M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    model_bytes = _train_spm()
    (path / "sentencepiece.bpe.model").write_bytes(model_bytes)
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in _spm_pieces(model_bytes):
        vocab.setdefault(piece, len(vocab))
    (path / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    tok = M2M100Tokenizer(vocab_file=str(path / "vocab.json"),
                          spm_file=str(path / "sentencepiece.bpe.model"),
                          src_lang="en", tgt_lang="de")
    # language tokens (__en__ ...) and made-up words sit after the sentencepiece vocabulary
    n_vocab = max(tok.get_lang_id(code) for code in tok.lang_code_to_id) + 1
    n_vocab += tok.num_madeup_words
    _seed()
    config = M2M100Config(
        vocab_size=n_vocab, d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32,
        decoder_ffn_dim=32, max_position_embeddings=256, pad_token_id=1, bos_token_id=0,
        eos_token_id=2, decoder_start_token_id=2, scale_embedding=True,
    )
    model = M2M100ForConditionalGeneration(config)
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path


def build_tiny_marian(path: str | Path) -> Path:
    """An OPUS-MT-like Marian model (shared sentencepiece for both sides) in `path`."""
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    model_bytes = _train_spm()
    for name in ("source.spm", "target.spm"):
        (path / name).write_bytes(model_bytes)
    pieces = _spm_pieces(model_bytes)
    vocab = {"</s>": 0, "<unk>": 1}
    for piece in pieces:
        if piece not in ("<pad>",):
            vocab.setdefault(piece, len(vocab))
    vocab["<pad>"] = len(vocab)
    (path / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    tok = MarianTokenizer(source_spm=str(path / "source.spm"), target_spm=str(path / "target.spm"),
                          vocab=str(path / "vocab.json"))
    _seed()
    config = MarianConfig(
        vocab_size=len(vocab), d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32,
        decoder_ffn_dim=32, max_position_embeddings=256, pad_token_id=vocab["<pad>"],
        eos_token_id=0, decoder_start_token_id=vocab["<pad>"], scale_embedding=True,
        share_encoder_decoder_embeddings=True,
    )
    model = MarianMTModel(config)
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path


def _bert_tokenizer():
    from transformers import BertTokenizer

    vocab = {t: i for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])}
    # whole words (cased), then single characters and their continuations
    for piece in [*_words(), *_CHARS, *(f"##{c}" for c in _CHARS)]:
        vocab.setdefault(piece, len(vocab))
    return BertTokenizer(vocab=vocab, do_lower_case=False, model_max_length=128)


def _xlmr_tokenizer():
    from transformers import XLMRobertaTokenizer

    vocab = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    seen = {p for p, _ in vocab}
    pieces = [(f"▁{w}", -2.0) for w in _words()] + [("▁", -3.0)]
    pieces += [(c, -5.0) for c in _CHARS] + [(f"▁{c}", -5.5) for c in _CHARS]
    for p, s in pieces:
        if p not in seen:
            seen.add(p)
            vocab.append((p, s))
    vocab.append(("<mask>", 0.0))
    return XLMRobertaTokenizer(vocab=vocab, model_max_length=126)


def _encoder_config(arch: str, vocab_size: int, **extra):
    common = dict(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2,
                  num_attention_heads=2, intermediate_size=64, max_position_embeddings=128,
                  **extra)
    if arch == "bert":
        from transformers import BertConfig

        return BertConfig(pad_token_id=0, **common)
    if arch == "xlmr":
        from transformers import XLMRobertaConfig

        return XLMRobertaConfig(pad_token_id=1, bos_token_id=0, eos_token_id=2,
                                type_vocab_size=1, **common)
    raise ValueError(f"unknown tiny encoder architecture {arch!r}")


def build_tiny_bert(path: str | Path) -> Path:
    """A BERT-like encoder (BertModel + cased WordPiece tokenizer) in `path`."""
    from transformers import BertModel

    path = Path(path)
    tok = _bert_tokenizer()
    _seed()
    BertModel(_encoder_config("bert", len(tok))).save_pretrained(path)
    tok.save_pretrained(path)
    return path


def build_tiny_xlmr(path: str | Path) -> Path:
    """An XLM-R-like encoder (XLMRobertaModel + Unigram tokenizer) in `path`."""
    from transformers import XLMRobertaModel

    path = Path(path)
    tok = _xlmr_tokenizer()
    _seed()
    XLMRobertaModel(_encoder_config("xlmr", len(tok))).save_pretrained(path)
    tok.save_pretrained(path)
    return path


def build_tiny_token_classifier(
    path: str | Path, *, labels: Sequence[str] = IOB2_LABELS, arch: str = "bert"
) -> Path:
    """A token-classification model over `labels` (tags such as B-PER) in `path`."""
    from transformers import BertForTokenClassification, XLMRobertaForTokenClassification

    path = Path(path)
    tok = _bert_tokenizer() if arch == "bert" else _xlmr_tokenizer()
    id2label = dict(enumerate(labels))
    config = _encoder_config(arch, len(tok), num_labels=len(labels), id2label=id2label,
                             label2id={v: k for k, v in id2label.items()})
    _seed()
    cls = BertForTokenClassification if arch == "bert" else XLMRobertaForTokenClassification
    cls(config).save_pretrained(path)
    tok.save_pretrained(path)
    return path


@pytest.fixture(scope="session")
def tiny_nllb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of a tiny NLLB-like translation model (language codes such as eng_Latn)."""
    return build_tiny_nllb(tmp_path_factory.mktemp("tiny-nllb"))


@pytest.fixture(scope="session")
def tiny_m2m(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of a tiny M2M-100-like translation model (language codes such as en, de)."""
    return build_tiny_m2m(tmp_path_factory.mktemp("tiny-m2m"))


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of a tiny Marian (OPUS-MT-like) translation model, one direction."""
    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian"))


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of a tiny BERT encoder with a cased WordPiece tokenizer."""
    return build_tiny_bert(tmp_path_factory.mktemp("tiny-bert"))


@pytest.fixture(scope="session")
def tiny_xlmr(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of a tiny XLM-RoBERTa encoder with a Unigram (sentencepiece-style) tokenizer."""
    return build_tiny_xlmr(tmp_path_factory.mktemp("tiny-xlmr"))


@pytest.fixture(scope="session")
def tiny_ner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of a tiny BertForTokenClassification over IOB2 PER/ORG/LOC/MISC tags."""
    return build_tiny_token_classifier(tmp_path_factory.mktemp("tiny-ner"))


@pytest.fixture(scope="session")
def tiny_ner_xlmr(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of a tiny XLMRobertaForTokenClassification over IOB2 PER/ORG/LOC/MISC tags."""
    return build_tiny_token_classifier(tmp_path_factory.mktemp("tiny-ner-xlmr"), arch="xlmr")


@pytest.fixture(scope="session")
def tiny_builders():
    """The builder functions (for variants: other tag sets, architectures), by short name."""
    from types import SimpleNamespace

    return SimpleNamespace(nllb=build_tiny_nllb, m2m=build_tiny_m2m, marian=build_tiny_marian,
                           bert=build_tiny_bert, xlmr=build_tiny_xlmr,
                           token_classifier=build_tiny_token_classifier)
