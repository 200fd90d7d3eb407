"""Statistical word alignment with eflomal (Östling & Tiedemann 2016), seeded."""

from __future__ import annotations

import hashlib
import logging
import math
import os
import shutil
import subprocess
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from annoproj._cache import cache_dir
from annoproj.align.base import Tokens, aligners
from annoproj.align.symmetrize import SYMMETRIZERS, symmetrize
from annoproj.data.model import Alignment
from annoproj.errors import ConfigError

log = logging.getLogger(__name__)

#: eflomal writes sentences of this many tokens or more as empty ones.
MAX_TOKENS = 1024


def eflomal_binary() -> str:
    """Path of the eflomal executable shipped with the `eflomal` package."""
    try:
        import eflomal
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ImportError("eflomal is not installed: pip install eflomal") from exc
    path = Path(eflomal.__file__).parent / "bin" / "eflomal"
    if path.exists():
        return str(path)
    found = shutil.which("eflomal")
    if not found:
        raise FileNotFoundError(f"the eflomal binary is missing from {path.parent} and PATH")
    return found


_SHIM: str | None | bool = False  # False: not tried yet; None: unavailable


def seed_shim() -> str | None:
    """The compiled LD_PRELOAD library that seeds eflomal, or None if it cannot be built."""
    global _SHIM
    if _SHIM is not False:
        return _SHIM  # type: ignore[return-value]
    src = Path(__file__).with_name("_seed_shim.c")
    digest = hashlib.sha1(src.read_bytes()).hexdigest()[:12]
    out = cache_dir() / f"seed_shim_{digest}.so"
    if not out.exists():
        cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
        if cc is None:
            _SHIM = None
            return None
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(f".{os.getpid()}.tmp")
        res = subprocess.run(
            [cc, "-shared", "-fPIC", "-O2", "-o", str(tmp), str(src), "-ldl"],
            capture_output=True,
            text=True,
        )
        if res.returncode != 0:
            log.warning("could not build the eflomal seed shim: %s", res.stderr.strip())
            _SHIM = None
            return None
        os.replace(tmp, out)
    _SHIM = str(out)
    return _SHIM


def _encode(
    sentences: Sequence[Tokens], *, lowercase: bool, prefix_len: int, suffix_len: int
) -> tuple[list[np.ndarray], int]:
    """Map tokens to integer ids as eflomal expects."""
    index: dict[str, int] = {}
    out = []
    for sent in sentences:
        ids = np.empty(len(sent), dtype=np.int64)
        for k, tok in enumerate(sent):
            if lowercase:
                tok = tok.lower()
            if prefix_len:
                tok = tok[:prefix_len]
            elif suffix_len:
                tok = tok[-suffix_len:]
            ids[k] = index.setdefault(tok, len(index))
        out.append(ids)
    return out, len(index)


def _write_corpus(path: Path, sents: list[np.ndarray], voc_size: int) -> None:
    with open(path, "w", encoding="ascii") as f:
        f.write(f"{len(sents)} {voc_size}\n")
        f.writelines(
            f"{len(s)} {' '.join(map(str, s.tolist()))}\n" if 0 < len(s) < MAX_TOKENS else "0\n"
            for s in sents
        )


def _read_links(path: Path, n: int) -> list[Alignment]:
    out = []
    with open(path, encoding="ascii") as f:
        for k, line in enumerate(f):
            if k >= n:
                break
            line = line.strip()
            if not line:
                out.append(Alignment())
                continue
            flat = np.array(line.replace("-", " ").split(), dtype=np.int32)
            out.append(Alignment.from_arrays(flat.reshape(-1, 2)))
    while len(out) < n:
        out.append(Alignment())
    return out


def identical_word_pairs(
    src: Sequence[Tokens], tgt: Sequence[Tokens]
) -> tuple[list[list[str]], list[list[str]]]:
    """One-word pseudo sentence pairs (w, w) for each word that a pair has on both sides.

    Names and numbers are mostly copied across; adding them to the corpus tells the
    statistical model so, which small corpora cannot learn from co-occurrence alone.
    Matching is case-insensitive; words without a letter or digit are left out.
    """
    out_src: list[list[str]] = []
    out_tgt: list[list[str]] = []
    for s, t in zip(src, tgt):
        seen = {w.lower() for w in s}
        for w in dict.fromkeys(t):
            if w.lower() in seen and any(c.isalnum() for c in w):
                out_src.append([w])
                out_tgt.append([w])
    return out_src, out_tgt


@dataclass
class EflomalResult:
    """Both directional alignments of a corpus, source->target order in each."""

    forward: list[Alignment]
    reverse: list[Alignment]


@aligners.register("eflomal")
class EflomalAligner:
    """eflomal alignment of both directions, symmetrised, with a fixed seed.

    `extra_src`/`extra_tgt` are unlabelled parallel sentences added to the alignment
    corpus (only the sentences passed to `align` are returned): eflomal is statistical,
    so more data gives better links. `prefix_len` cuts words to their first characters
    (a cheap stemmer that helps small corpora); `identical_words` adds the words that a
    pair shares as one-word pairs (see `identical_word_pairs`). The defaults are those
    measured best on Europarl (docs/benchmarks.md).
    """

    name = "eflomal"

    def __init__(
        self,
        *,
        symmetrize: str = "auto",
        seed: int | None = 0,
        lowercase: bool = True,
        prefix_len: int = 4,
        identical_words: bool = True,
        suffix_len: int = 0,
        model: int = 3,
        n_samplers: int = 3,
        rel_iterations: float = 1.0,
        null_prior: float = 0.2,
        extra_src: Sequence[Tokens] = (),
        extra_tgt: Sequence[Tokens] = (),
    ) -> None:
        if symmetrize not in SYMMETRIZERS and symmetrize != "auto":
            raise ConfigError(
                f"unknown symmetrisation {symmetrize!r}; choose one of {', '.join(SYMMETRIZERS)}"
            )
        if model not in (1, 2, 3):
            raise ConfigError("model must be 1 (IBM1), 2 (HMM) or 3 (HMM + fertility)")
        if len(extra_src) != len(extra_tgt):
            raise ConfigError(
                f"extra corpus has {len(extra_src)} source but {len(extra_tgt)} target sentences"
            )
        self.symmetrize = symmetrize
        self.seed = seed
        self.lowercase = lowercase
        self.prefix_len = prefix_len
        self.suffix_len = suffix_len
        self.model = model
        self.n_samplers = n_samplers
        self.rel_iterations = rel_iterations
        self.null_prior = null_prior
        self.extra_src = list(extra_src)
        self.extra_tgt = list(extra_tgt)
        self.identical_words = identical_words

    def _iterations(self, n_sentences: int) -> tuple[int, int, int]:
        iters = max(2, int(round(self.rel_iterations * 5000 / math.sqrt(max(n_sentences, 1)))))
        quarter = max(1, iters // 4)
        if self.model == 1:
            return iters, 0, 0
        if self.model == 2:
            return max(2, quarter), iters, 0
        return max(2, quarter), quarter, iters

    def align_both(self, src: Sequence[Tokens], tgt: Sequence[Tokens]) -> EflomalResult:
        """Forward and reverse alignments of each pair (both in source->target order)."""
        if len(src) != len(tgt):
            raise ValueError(f"{len(src)} source but {len(tgt)} target sentences")
        n = len(src)
        if n == 0:
            return EflomalResult([], [])
        all_src = list(src) + self.extra_src
        all_tgt = list(tgt) + self.extra_tgt
        if self.identical_words:
            id_src, id_tgt = identical_word_pairs(all_src, all_tgt)
            all_src += id_src
            all_tgt += id_tgt
        opts = dict(
            lowercase=self.lowercase, prefix_len=self.prefix_len, suffix_len=self.suffix_len
        )
        s_ids, s_voc = _encode(all_src, **opts)
        t_ids, t_voc = _encode(all_tgt, **opts)
        it = self._iterations(len(all_src))
        binary = eflomal_binary()
        env = dict(os.environ)
        if self.seed is not None:
            shim = seed_shim()
            if shim is None:
                warnings.warn(
                    "eflomal cannot be seeded (no C compiler to build the seed shim); "
                    "alignments will vary from run to run",
                    RuntimeWarning,
                    stacklevel=2,
                )
            else:
                env["LD_PRELOAD"] = " ".join(filter(None, [shim, env.get("LD_PRELOAD")]))
        from annoproj._proc import pid_tempdir, spawn, stop

        # a folder named with this pid (swept by a later run if this one is killed), and
        # children that die with this process (annoproj._proc)
        with pid_tempdir("annoproj-eflomal-") as d:
            _write_corpus(d / "src", s_ids, s_voc)
            _write_corpus(d / "tgt", t_ids, t_voc)
            procs = []
            try:
                # one process per direction: each is then deterministic under the seed
                for k, (flag, out) in enumerate((("-f", "fwd"), ("-r", "rev"))):
                    args = [
                        binary, "-m", str(self.model), "-s", str(d / "src"), "-t", str(d / "tgt"),
                        "-n", str(self.n_samplers), "-N", str(self.null_prior), "-q",
                        "-1", str(it[0]), flag, str(d / out),
                    ]  # fmt: skip
                    if self.model >= 2:
                        args += ["-2", str(it[1])]
                    if self.model >= 3:
                        args += ["-3", str(it[2])]
                    penv = dict(env)
                    if self.seed is not None:
                        penv["ANNOPROJ_SEED"] = str(int(self.seed) * 2 + k)
                        # eflomal's sampler threads split one random state in a race:
                        # one thread per direction makes the order, and so the links, fixed
                        penv["OMP_NUM_THREADS"] = "1"
                    procs.append(spawn(args, env=penv, stderr=subprocess.PIPE, text=True))
                for p in procs:
                    _, err = p.communicate()
                    if p.returncode != 0:
                        raise RuntimeError(f"eflomal failed (exit {p.returncode}): {err.strip()}")
            finally:  # an error, Ctrl-C or SIGTERM: no eflomal outlives this call
                for p in procs:
                    stop(p)
            fwd = _read_links(d / "fwd", n)
            rev = _read_links(d / "rev", n)
        return EflomalResult(fwd, rev)

    def align(self, src: Sequence[Tokens], tgt: Sequence[Tokens]) -> list[Alignment]:
        """Symmetrised alignments of each pair."""
        both = self.align_both(src, tgt)
        return [
            symmetrize(f, r, len(s), len(t), method=self.symmetrize)
            for f, r, s, t in zip(both.forward, both.reverse, src, tgt)
        ]
