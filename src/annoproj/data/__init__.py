"""Sentences, spans and alignments, and reading and writing them.

``from annoproj.data import read_conll, write_jsonl, Sentence, Span`` (readers and writers
load on first use).
"""

from annoproj.data.model import Alignment, ProjectedSpan, Sentence, Span  # noqa: F401

from annoproj._lazy import install as _install

_install(__name__, {'FormatError': 'annoproj.data.io', 'detect_format': 'annoproj.data.io', 'iter_conll': 'annoproj.data.io', 'iter_jsonl': 'annoproj.data.io', 'iter_pharaoh': 'annoproj.data.io', 'iter_sentences': 'annoproj.data.io', 'read_conll': 'annoproj.data.io', 'read_jsonl': 'annoproj.data.io', 'read_pharaoh': 'annoproj.data.io', 'read_sentences': 'annoproj.data.io', 'read_tokenized': 'annoproj.data.io', 'write_conll': 'annoproj.data.io', 'write_jsonl': 'annoproj.data.io', 'write_pharaoh': 'annoproj.data.io', 'write_sentences': 'annoproj.data.io', 'write_tokenized': 'annoproj.data.io', 'from_hf': 'annoproj.data.io', 'load_hf': 'annoproj.data.io', 'to_hf': 'annoproj.data.io', 'tags_to_spans': 'annoproj.data.tags', 'spans_to_tags': 'annoproj.data.tags', 'LabelMap': 'annoproj.data.labels'})
