"""Apertium: rule-based machine translation from system packages, offline, with word links.

Apertium (https://apertium.org) translates a few dozen language pairs with dictionaries
and transfer rules; a pair is one system package (Debian/Ubuntu: ``apt-get install
apertium apertium-eng-spa``) and needs no model download. Pairs include English with
Spanish, Catalan, Galician, Basque, Esperanto, Icelandic, Macedonian and Serbo-Croatian,
and pairs between related languages (Spanish-Italian, Catalan-Italian, Afrikaans-Dutch,
Breton-French, Sardinian-Italian, ...); `ApertiumTranslator.pairs` lists the installed ones.

Apertium also tells which input word each output word comes from: annoproj wraps every
input token in a *wordbound blank* (``[[w3]]word[[/]]``), which Apertium's pipeline
(3.8 and later) carries onto the words it generates, reordered or split ("Parlamento
Europeo" -> "European Parliament": links 0-1, 1-0; "del" -> "of the": 0-0, 0-1).
`ApertiumTranslator.translate_aligned` returns these links, so back-translation
refinement (`annoproj.align.refine.BacktranslationRefiner`) takes them as its
back-translation -> target leg instead of aligning that leg statistically. Words the
rules insert (English "to", "do") have no link.

A direction without a mode of its own is chained through a third language
(``via=("spa",)`` for Italian -> Spanish -> English, or found automatically among the
installed modes); the links compose through the chain.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from annoproj.data.model import Alignment
from annoproj.translate.base import translators
from annoproj.translate.langcodes import to_iso1, to_iso3
from annoproj.translate.tokenize import tokenize

__all__ = ["AlignedTranslation", "ApertiumTranslator", "parse_stream", "to_stream"]

Tokens = Sequence[str]

#: Characters Apertium's stream format reserves; a literal one is escaped with a backslash.
RESERVED = frozenset("\\[]^$/<>@*#{}~")

#: Where the pair packages put their modes, unless APERTIUM_DATA or `data_dir` says otherwise.
DEFAULT_DATA_DIR = Path("/usr/share/apertium")

_INSTALL = ("install Apertium 3.8 or later and the language pair, e.g. on Debian/Ubuntu "
            "'apt-get install apertium apertium-eng-spa' (the pairs: "
            "'apt-cache search apertium-')")


class AlignedTranslation(NamedTuple):
    """A translation's tokens and its links from input word i to output word j."""

    tokens: list[str]
    alignment: Alignment


def _escape(token: str) -> str:
    return "".join("\\" + c if c in RESERVED else c for c in token.replace("\0", ""))


def to_stream(tokens: Tokens) -> str:
    """One sentence as Apertium stream text, each token in a wordbound blank of its index.

    >>> to_stream(["Parlamento", "a/b"])
    '[[w0]]Parlamento[[/]] [[w1]]a\\\\/b[[/]]'
    """
    return " ".join(f"[[w{k}]]{_escape(t)}[[/]]" for k, t in enumerate(tokens))


_IDS = re.compile(r"(?:^|;)\s*w(\d+)\s*(?=;|$)")


def parse_stream(text: str) -> list[tuple[str, list[int]]]:
    """Apertium's output for one sentence as (text, input word indices) segments.

    Text inside a wordbound blank carries the indices its header names (several, when
    Apertium merged words: ``[[w4; w5]]``); text outside any, and superblanks (``[...]``,
    formatting), carry none and are dropped, respectively. Escapes are undone.

    >>> parse_stream("[[w1]]European[[/]] [[w0]]parliament[[/]] to \\\\/ [[w2; w3]]of the[[/]][]")
    [('European', [1]), (' ', []), ('parliament', [0]), (' to / ', []), ('of the', [2, 3])]
    """
    out: list[tuple[str, list[int]]] = []
    buf: list[str] = []
    ids: list[int] = []
    i, n = 0, len(text)

    def flush() -> None:
        if buf:
            out.append(("".join(buf), list(ids)))
            buf.clear()

    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            buf.append(text[i + 1])
            i += 2
        elif text.startswith("[[/]]", i):
            flush()
            ids = []
            i += 5
        elif text.startswith("[[", i):
            end = text.find("]]", i + 2)
            if end < 0:  # not a wordbound blank after all
                buf.append(c)
                i += 1
                continue
            flush()
            ids = [int(m.group(1)) for m in _IDS.finditer(text[i + 2 : end])]
            i = end + 2
        elif c == "[":  # a superblank: skip to its unescaped closing bracket
            j = i + 1
            while j < n and text[j] != "]":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
        else:
            buf.append(c)
            i += 1
    flush()
    return out


def _codes(lang: str) -> list[str]:
    """The names a language may have in Apertium mode names: as given, ISO 639-3, 639-1."""
    out = [lang]
    for conv in (to_iso3, to_iso1):
        try:
            code = conv(lang)
        except (KeyError, ValueError):
            continue
        if code and code not in out:
            out.append(code)
    return out


@translators.register("apertium")
class ApertiumTranslator:
    """Translates with Apertium's installed modes; see the module docstring.

    `data_dir`: Apertium's data folder (the one holding ``modes/``; default the
    APERTIUM_DATA environment variable, else /usr/share/apertium). `via`: languages to
    chain through, in order, when a direction has no mode of its own (empty: look for a
    chain of two modes among the installed ones); a direction with a mode takes it.
    `marks`: keep Apertium's marks on words it does not know (``*Xqzt``). `timeout`:
    seconds a batch may take. `src_lang` and `tgt_lang`: the direction of calls that name
    none.
    """

    name = "apertium"
    #: `make_translator`'s `model` is Apertium's data folder (default: the installed one).
    model_option = "data_dir"
    needs_model = False

    def __init__(
        self,
        *,
        data_dir: str | Path | None = None,
        via: Sequence[str] = (),
        marks: bool = False,
        timeout: float | None = None,
        src_lang: str | None = None,
        tgt_lang: str | None = None,
    ) -> None:
        if data_dir is None:
            data_dir = os.environ.get("APERTIUM_DATA") or DEFAULT_DATA_DIR
        self.data_dir = Path(data_dir)
        self.via = tuple(via)
        self.marks = marks
        self.timeout = timeout
        self.src_lang, self.tgt_lang = src_lang, tgt_lang
        self._scripts: dict[str, str] = {}
        #: The modes the last call went through, e.g. ["ita-spa", "spa-eng"].
        self.last_chain: list[str] = []

    # --- modes ------------------------------------------------------------------------------

    def pairs(self) -> list[str]:
        """The installed translation directions (mode names such as ``spa-eng``)."""
        folder = self.data_dir / "modes"
        if not folder.is_dir():
            return []
        return sorted(p.stem for p in folder.glob("*.mode"))

    def _mode(self, src: str, tgt: str, installed: set[str]) -> str | None:
        for a in _codes(src):
            for b in _codes(tgt):
                if f"{a}-{b}" in installed:
                    return f"{a}-{b}"
        return None

    def chain(self, src_lang: str, tgt_lang: str) -> list[str]:
        """The modes that take `src_lang` to `tgt_lang`: its own, else a chain through `via`
        (or through one installed language). ModelError names what to install if none."""
        from annoproj.errors import ModelError

        self._check_installed()
        installed = set(self.pairs())
        direct = self._mode(src_lang, tgt_lang, installed)
        if direct is not None:
            return [direct]
        if self.via:
            steps = [src_lang, *self.via, tgt_lang]
            hops = list(zip(steps, steps[1:]))
            found = {hop: self._mode(*hop, installed) for hop in hops}
            missing = [f"{a}->{b}" for (a, b), mode in found.items() if mode is None]
            if not missing:
                return [found[hop] for hop in hops]  # type: ignore[misc]
            what = ", ".join(missing)
        else:
            for mode in sorted(installed):
                first, _, rest = mode.partition("-")
                if first in _codes(src_lang) and "_" not in rest:
                    second = self._mode(rest, tgt_lang, installed)
                    if second is not None:
                        return [mode, second]
            what = f"{src_lang}->{tgt_lang}"
        shown = ", ".join(p for p in sorted(installed) if "_" not in p) or "none"
        raise ModelError(f"no Apertium mode for {what} in {self.data_dir / 'modes'} "
                         f"(installed: {shown}): {_INSTALL}")

    def _check_installed(self) -> None:
        from annoproj.errors import MissingDependencyError

        if shutil.which("apertium-wblank-mode") is None or shutil.which("bash") is None:
            raise MissingDependencyError(f"Apertium is not installed (apertium-wblank-mode "
                                         f"not found on PATH): {_INSTALL}")

    def _script(self, mode: str) -> str:
        """The shell pipeline of `mode`, with wordbound blanks kept and null flushing."""
        if mode not in self._scripts:
            path = self.data_dir / "modes" / f"{mode}.mode"
            res = subprocess.run(["apertium-wblank-mode", "-z", str(path)], capture_output=True,
                                 text=True, check=False)
            if res.returncode != 0 or not res.stdout.strip():
                raise RuntimeError(f"apertium-wblank-mode could not read {path}: "
                                   f"{res.stderr.strip() or 'no pipeline'}")
            self._scripts[mode] = res.stdout
        return self._scripts[mode]

    # --- translation ------------------------------------------------------------------------

    def _run(self, mode: str, sentences: Sequence[Tokens]) -> list[str]:
        """Apertium's raw output for each sentence, through one pipeline run."""
        if not sentences:
            return []
        text = "".join(to_stream(s) + "\0" for s in sentences)
        generation = "-g" if self.marks else "-n"  # what `apertium` does without / with -u
        from annoproj import _proc

        try:  # the pipeline's stages die with annoproj (annoproj._proc)
            # pipefail: a stage that fails (a program the mode names but the system lacks)
            # fails the run, instead of an empty translation from the stages after it
            res = _proc.run(["bash", "-c", "set -o pipefail\n" + self._script(mode), "apertium",
                             generation, ""],
                            input=text.encode("utf-8"), timeout=self.timeout)
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"Apertium ({mode}) took more than {self.timeout} s for "
                               f"{len(sentences)} sentences") from exc
        err = res.stderr.decode("utf-8", errors="replace")
        missing = re.findall(r"([\w.-]+): command not found", err)
        if missing:
            from annoproj.errors import MissingDependencyError

            need = sorted(set(missing))
            hint = " (Debian/Ubuntu: apt install cg3)" if "cg-proc" in need else ""
            raise MissingDependencyError(
                f"the Apertium mode {mode} runs {', '.join(need)}, which is not installed"
                f"{hint}: {_INSTALL}")
        chunks = res.stdout.decode("utf-8", errors="replace").split("\0")
        if res.returncode != 0 or len(chunks) < len(sentences):
            raise RuntimeError(f"Apertium ({mode}) failed on a batch of {len(sentences)} "
                               f"sentences (exit {res.returncode}, {len(chunks)} outputs): "
                               f"{err.strip()[:500]}")
        return chunks[: len(sentences)]

    def _direction(self, src_lang: str | None, tgt_lang: str | None) -> tuple[str, str]:
        src, tgt = src_lang or self.src_lang, tgt_lang or self.tgt_lang
        if not src or not tgt:
            raise ValueError("name the direction: src_lang and tgt_lang (here or when "
                             "building the translator)")
        return src, tgt

    def translate_aligned(
        self, sentences: Sequence[Tokens], *, src_lang: str | None = None,
        tgt_lang: str | None = None,
    ) -> list[AlignedTranslation]:
        """Each sentence's translation, tokenised, with its input -> output word links."""
        chain = self.chain(*self._direction(src_lang, tgt_lang))
        self.last_chain = list(chain)
        current = [list(s) for s in sentences]
        origin = [[{k} for k in range(len(s))] for s in current]  # token -> input words
        for mode in chain:
            raw = self._run(mode, current)
            current, new_origin = [], []
            for chunk, prev in zip(raw, origin):
                toks: list[str] = []
                came: list[set[int]] = []
                for text, ids in parse_stream(chunk):
                    words = set().union(*(prev[i] for i in ids if i < len(prev)))
                    for tok in tokenize(text):
                        toks.append(tok)
                        came.append(words)
                current.append(toks)
                new_origin.append(came)
            origin = new_origin
        return [
            AlignedTranslation(toks, Alignment.from_pairs(sorted(
                (i, j) for j, words in enumerate(came) for i in words)))
            for toks, came in zip(current, origin)
        ]

    def translate(
        self, sentences: Sequence[Tokens], *, src_lang: str | None = None,
        tgt_lang: str | None = None,
    ) -> list[list[str]]:
        """One tokenised translation per input sentence, in order."""
        return [t.tokens for t in self.translate_aligned(sentences, src_lang=src_lang,
                                                          tgt_lang=tgt_lang)]
