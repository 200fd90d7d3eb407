"""The `Translator` interface, its registry, and translations read from files.

A translator turns a batch of tokenised sentences of one language into tokenised
sentences of another. Alignment refinement uses one to back-translate the target side
into the source language (`annoproj.align.refine.BacktranslationRefiner`). Model-backed
translators plug in later through the same interface and registry; offline, translations
made elsewhere are read from files by `PrecomputedTranslator`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from annoproj.data.model import Alignment
from annoproj.errors import ConfigError, DataError
from annoproj.registry import Registry

__all__ = ["AligningTranslator", "PrecomputedTranslator", "Translator", "read_translations",
           "translators"]

Tokens = Sequence[str]

#: File name endings `PrecomputedTranslator` looks for in a folder, in this order.
SUFFIXES = (".txt", ".tok", ".conll")


@runtime_checkable
class Translator(Protocol):
    """Translates tokenised sentences, a batch at a time.

    A translator class may declare `model_option`, the option that the model (a name,
    folder or file) given to `annoproj.translate.make_translator` goes to ("model" when it
    does not), and `needs_model` (True when it does not).
    """

    name: str

    def translate(
        self, sentences: Sequence[Tokens], *, src_lang: str, tgt_lang: str
    ) -> list[list[str]]:
        """One tokenised translation per input sentence, in order."""
        ...


@runtime_checkable
class AligningTranslator(Translator, Protocol):
    """A translator that also says which input words each output word translates."""

    def translate_aligned(
        self, sentences: Sequence[Tokens], *, src_lang: str, tgt_lang: str
    ) -> list[tuple[list[str], Alignment | None]]:
        """(tokens, links from input word i to output word j) per input sentence; the
        links are None where the translator has none for a sentence."""
        ...


#: Translators by name; models and programs load only when one is built.
translators: Registry[Translator] = Registry("translator", providers=(
    "annoproj.translate.apertium", "annoproj.translate.ct2", "annoproj.translate.hf"))


def read_translations(path: str | Path, fmt: str = "auto") -> list[list[str]]:
    """Tokenised sentences of `path`: one a line (whitespace separated), or CoNLL.

    `fmt` is "text", "conll" or "auto" (CoNLL for .conll/.conllu/.iob/.bio/.tsv names,
    text otherwise). Files may be compressed (.gz, .zst). In a text file an empty line is an empty sentence, so line k is
    always sentence k.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such translation file")
    if fmt == "auto":
        name = path.name.lower().removesuffix(".gz").removesuffix(".zst")
        conll = name.endswith((".conll", ".conllu", ".iob", ".bio", ".tsv"))
        fmt = "conll" if conll else "text"
    if fmt == "conll":
        from annoproj.data.io import read_conll

        return [list(s.tokens) for s in read_conll(path)]
    if fmt == "text":
        from annoproj.data.io.files import open_text  # .gz and .zst too

        with open_text(path, "r") as f:
            return [line.split() for line in f.read().splitlines()]
    raise ConfigError(f"unknown translation file format {fmt!r}: use auto, text or conll")


@translators.register("precomputed")
class PrecomputedTranslator:
    """Translations made beforehand, read from a file or a folder, keyed by position.

    `path` is either one file (its line k translates input sentence k; `src_lang` and
    `tgt_lang`, when given, must match the calls) or a folder holding one file per
    direction named ``{src_lang}-{tgt_lang}`` plus ``.txt``, ``.tok`` or ``.conll``
    (e.g. ``de-en.txt``: German sentences translated into English). Instead of a path,
    `sentences` gives the translations directly. A call must pass exactly as many
    sentences as there are translations; otherwise it raises ValueError, since
    positions would silently pair the wrong sentences.

    Word links from each input sentence to its translation (Pharaoh ``i-j``, input word i
    to output word j, one line a sentence, as ``annoproj translate --links`` writes them)
    come from `links` (a file, or the alignments themselves), or in a folder from a
    ``{src_lang}-{tgt_lang}.links`` file beside the translations; `translate_aligned`
    returns them (None without).
    """

    name = "precomputed"
    #: `make_translator`'s `model` is the translations' file or folder, which may be absent
    #: when `sentences` are given.
    model_option = "path"
    needs_model = False

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        sentences: Sequence[Tokens] | None = None,
        src_lang: str | None = None,
        tgt_lang: str | None = None,
        fmt: str = "auto",
        links: str | Path | Sequence[Alignment] | None = None,
    ) -> None:
        if (path is None) == (sentences is None):
            raise ConfigError("give either a path or the translated sentences")
        self.path = None if path is None else Path(path)
        self.src_lang = src_lang
        self.tgt_lang = tgt_lang
        self.fmt = fmt
        self._cache: dict[Path, list[list[str]]] = {}
        self._given = None if sentences is None else [list(s) for s in sentences]
        if self.path is not None and not self.path.exists():
            raise FileNotFoundError(f"{self.path}: no such translation file or folder")
        self._links: list[Alignment] | None = None
        self.links_path: Path | None = None
        if isinstance(links, (str, Path)):
            self.links_path = Path(links)
            if not self.links_path.is_file():
                raise FileNotFoundError(f"{self.links_path}: no such links file")
        elif links is not None:
            self._links = list(links)

    def file_for(self, src_lang: str, tgt_lang: str) -> Path:
        """The file that holds the `src_lang` -> `tgt_lang` translations."""
        assert self.path is not None
        if not self.path.is_dir():
            return self.path
        for suffix in SUFFIXES:
            cand = self.path / f"{src_lang}-{tgt_lang}{suffix}"
            if cand.is_file():
                return cand
        names = ", ".join(f"{src_lang}-{tgt_lang}{s}" for s in SUFFIXES)
        raise FileNotFoundError(f"no {src_lang}->{tgt_lang} translations in {self.path}: "
                                f"expected one of {names}")

    def _check_langs(self, src_lang: str, tgt_lang: str) -> None:
        for want, got, side in ((self.src_lang, src_lang, "source"),
                                (self.tgt_lang, tgt_lang, "target")):
            if want is not None and want != got:
                raise DataError(f"these translations have {side} language {want!r}, "
                                 f"but {got!r} was asked for")

    def translations(self, src_lang: str, tgt_lang: str) -> list[list[str]]:
        """All stored translations of the direction, in order."""
        self._check_langs(src_lang, tgt_lang)
        if self._given is not None:
            return self._given
        path = self.file_for(src_lang, tgt_lang)
        if path not in self._cache:
            self._cache[path] = read_translations(path, self.fmt)
        return self._cache[path]

    def translate(
        self, sentences: Sequence[Tokens], *, src_lang: str, tgt_lang: str
    ) -> list[list[str]]:
        """The stored translations of `sentences`, which must match them in number."""
        found = self.translations(src_lang, tgt_lang)
        if len(found) != len(sentences):
            where = "the given translations" if self._given is not None else str(
                self.file_for(src_lang, tgt_lang)
            )
            raise ValueError(
                f"{where} hold {len(found)} {src_lang}->{tgt_lang} translations but "
                f"{len(sentences)} sentences were given: translations are matched by "
                "position, so the counts must agree"
            )
        return [list(t) for t in found]

    def links_file(self, src_lang: str, tgt_lang: str) -> Path | None:
        """The Pharaoh file of the direction's word links, or None."""
        if self.links_path is not None:
            return self.links_path
        if self.path is not None and self.path.is_dir():
            cand = self.path / f"{src_lang}-{tgt_lang}.links"
            return cand if cand.is_file() else None
        return None

    def translate_aligned(
        self, sentences: Sequence[Tokens], *, src_lang: str, tgt_lang: str
    ) -> list[tuple[list[str], Alignment | None]]:
        """The stored translations with their word links (None for each, without links)."""
        out = self.translate(sentences, src_lang=src_lang, tgt_lang=tgt_lang)
        links = self._links
        path = None
        if links is None:
            path = self.links_file(src_lang, tgt_lang)
            if path is None:
                return [(t, None) for t in out]
            from annoproj.data.io import read_pharaoh

            links = read_pharaoh(path)
        if len(links) != len(out):
            where = str(path) if path is not None else "the given links"
            raise DataError(f"{where} hold {len(links)} alignments for {len(out)} translations")
        for k, (a, s, t) in enumerate(zip(links, sentences, out)):
            try:
                a.check_bounds(len(s), len(t))
            except ValueError as exc:
                where = f"{path}:{k + 1}" if path is not None else f"links of sentence {k}"
                raise DataError(f"{where}: {exc}") from None
        return list(zip(out, links))
