"""Reading and writing sentences and alignments: CoNLL, JSONL, Pharaoh, plain text, HF datasets."""

from annoproj.data.io.auto import detect_format, iter_sentences, read_sentences
from annoproj.data.io.conll import FormatError, iter_conll, read_conll, write_conll
from annoproj.data.io.files import atomic_write, open_text
from annoproj.data.io.hf import from_hf, load_hf, to_hf
from annoproj.data.io.jsonl import iter_jsonl, read_jsonl, write_jsonl
from annoproj.data.io.pharaoh import iter_pharaoh, read_pharaoh, write_pharaoh
from annoproj.data.io.text import iter_tokenized, read_tokenized, write_tokenized

__all__ = [
    "FormatError", "atomic_write", "detect_format", "iter_sentences", "read_sentences", "from_hf", "iter_conll", "iter_jsonl", "iter_pharaoh",
    "iter_tokenized", "load_hf", "open_text", "read_conll", "read_jsonl", "read_pharaoh",
    "read_tokenized", "to_hf", "write_conll", "write_jsonl", "write_pharaoh", "write_tokenized",
]
