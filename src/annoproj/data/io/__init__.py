"""Reading and writing sentences and alignments: CoNLL, JSONL, Pharaoh, plain text, HF datasets."""

from annoproj.data.io.auto import (
    detect_format,
    iter_sentences,
    output_format,
    read_sentences,
    write_sentences,
)
from annoproj.data.io.conll import iter_conll, read_conll, write_conll
from annoproj.errors import FormatError
from annoproj.data.io.files import atomic_write, open_text
from annoproj.data.io.hf import from_hf, load_hf, read_hf_dir, read_parquet, save_hf, to_hf, write_parquet
from annoproj.data.io.jsonl import iter_jsonl, read_jsonl, write_jsonl
from annoproj.data.io.spacy import read_docbin, write_docbin
from annoproj.data.io.pharaoh import iter_pharaoh, read_pharaoh, write_pharaoh
from annoproj.data.io.text import iter_tokenized, read_tokenized, write_tokenized

__all__ = [
    "FormatError", "atomic_write", "detect_format", "iter_sentences", "read_sentences", "from_hf", "iter_conll", "iter_jsonl", "iter_pharaoh",
    "iter_tokenized", "load_hf", "open_text", "read_conll", "read_jsonl", "read_pharaoh",
    "read_tokenized", "to_hf", "write_conll", "write_jsonl", "write_pharaoh", "write_tokenized",
    "output_format", "read_docbin", "read_hf_dir", "read_parquet", "save_hf", "write_docbin",
    "write_parquet", "write_sentences",
]
