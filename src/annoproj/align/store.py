"""Neural word links of a whole corpus, computed once and cached on disk.

A neural aligner's links (the e5 links that `--fuse-with` joins to eflomal's) depend on
the model, its settings and the sentences only, not on eflomal's seed: every seed, split
and rerun over the same translations can read them instead of encoding the corpus again
(4-9 minutes for ~14k MasakhaNER pairs with e5-small on one CPU thread). A corpus is one `.npz` file
(every pair's links and scores, one after the other) named by a digest of the aligner's
settings and every token of both sides, written atomically.

The cache folder is `$ANNOPROJ_LINKS` or `~/.cache/annoproj/links`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from annoproj._cache import cache_dir
from annoproj.data.io.files import atomic_write
from annoproj.data.model import Alignment

__all__ = ["cached_links", "corpus_key", "links_root", "load_links", "save_links"]

#: Bumped when what is stored changes: old files are then not read.
LINKS_VERSION = 1

Corpus = Sequence[Sequence[str]]

log = logging.getLogger(__name__)


def links_root() -> Path:
    """The folder of cached links: `$ANNOPROJ_LINKS` or `~/.cache/annoproj/links`."""
    return cache_dir("links", env="ANNOPROJ_LINKS")


def corpus_key(settings: Mapping[str, Any], src: Corpus, tgt: Corpus) -> str:
    """A digest of the aligner's `settings` (JSON-able) and both sides' tokens, in order."""
    h = hashlib.blake2b(digest_size=16)
    h.update(json.dumps({"version": LINKS_VERSION, **settings}, sort_keys=True,
                        default=str).encode())
    for side in (src, tgt):
        h.update(b"\x1e")
        for sent in side:
            h.update("\x1f".join(sent).encode("utf-8", "surrogatepass"))
            h.update(b"\x1d")
    return h.hexdigest()


def save_links(path: str | Path, alignments: Sequence[Alignment]) -> None:
    """Write `alignments` to `path` (.npz) atomically."""
    counts = np.array([len(a.links) for a in alignments], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    links = (np.concatenate([a.links for a in alignments]) if alignments
             else np.zeros((0, 2), np.int32)).astype(np.int32).reshape(-1, 2)
    scored = np.array([a.scores is not None for a in alignments], dtype=bool)
    scores = np.concatenate([a.scores if a.scores is not None
                             else np.zeros(len(a.links), np.float32) for a in alignments]
                            ) if alignments else np.zeros(0, np.float32)
    with atomic_write(path, binary=True) as f:
        np.savez(f, links=links, scores=scores.astype(np.float32), offsets=offsets,
                 scored=scored)


def load_links(path: str | Path) -> list[Alignment]:
    """The alignments `save_links` wrote to `path`."""
    with np.load(path) as z:
        links, scores, offsets, scored = z["links"], z["scores"], z["offsets"], z["scored"]
    return [Alignment(links[lo:hi].copy(), scores[lo:hi].copy() if s else None)
            for lo, hi, s in zip(offsets[:-1], offsets[1:], scored)]


def cached_links(settings: Mapping[str, Any], src: Corpus, tgt: Corpus,
                 compute: Callable[[], Sequence[Alignment]], *,
                 root: str | Path | None = None) -> tuple[list[Alignment], bool]:
    """The links of (src, tgt) under `settings`: read from the cache, or made by `compute`
    and written there (a folder that cannot be written is logged, not an error). Also
    whether they came from the cache."""
    path = Path(root or links_root()) / f"{corpus_key(settings, src, tgt)}.npz"
    if path.exists():
        try:
            out = load_links(path)
        except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile):  # damaged: make again
            out = None
        if out is not None and len(out) == len(src):
            return out, True
    out = list(compute())
    if len(out) != len(src):
        raise ValueError(f"{len(out)} alignments for {len(src)} sentence pairs")
    try:
        save_links(path, out)
    except OSError as exc:  # an unwritable cache costs the next run time, not this one's links
        log.warning("could not cache the links in %s (%s); set $ANNOPROJ_LINKS to a "
                    "writable folder to keep them", path.parent, exc)
    return out, False
