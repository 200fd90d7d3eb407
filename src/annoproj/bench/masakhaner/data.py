"""The MasakhaNER benchmark's data: translations (mended), pivots, the MasakhaNER splits."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from annoproj.bench.common import resolve_data_dir
from annoproj.bench.masakhaner.config import EMPTY_TOKEN, SOURCE_MAP, TARGET_MAP
from annoproj.data.io import read_conll
from annoproj.data.labels import LabelMap
from annoproj.data.model import Sentence
from annoproj.translate.tokenize import is_mark, regroup, rejoin_sentences, runs


def translation_files(data_dir: Path, lang: str) -> list[Path]:
    """The files a language's translate-train run reads (besides MasakhaNER)."""
    return [data_dir / "tprojection" / f"{lang}.train.conll",
            data_dir / "tprojection" / f"{lang}.src_ids",
            data_dir / "conll2003" / "train.txt"]


def eval_file(data_dir: Path, lang: str, split: str, *, dev_fallback: bool = False) -> Path | None:
    """The MasakhaNER file to score `lang` on, or None if it is absent."""
    path = data_dir / "masakhaner2" / lang / f"{split}.txt"
    if path.exists():
        return path
    if dev_fallback and split == "test":
        dev = path.with_name("dev.txt")
        return dev if dev.exists() else None
    return None


def translated_languages(data_dir: str | Path | None = None) -> list[str]:
    """Languages with translations and their source ids (pivot candidates)."""
    d = resolve_data_dir(data_dir)
    found = sorted(p.name.split(".")[0] for p in (d / "tprojection").glob("*.train.conll"))
    return [lang for lang in found if (d / "tprojection" / f"{lang}.src_ids").exists()]


def available_languages(data_dir: str | Path | None = None) -> list[str]:
    """Languages with translations, their source ids and a MasakhaNER folder."""
    d = resolve_data_dir(data_dir)
    return [lang for lang in translated_languages(d)
            if all(p.exists() for p in translation_files(d, lang))
            and (d / "masakhaner2" / lang).is_dir()]


def label_mapped(sentences: Sequence[Sentence], label_map: str) -> list[Sentence]:
    """`sentences` with their spans relabelled by `label_map` (e.g. "MISC=O")."""
    lmap = LabelMap.parse(label_map)
    return [Sentence(s.tokens, lmap.map_spans(s.spans), s.id, s.meta) for s in sentences]


def merge_mark_tokens(sentence: Sentence) -> Sentence:
    """`sentence` with tokens made only of combining marks glued back onto the token before.

    Tokenisers that split before a combining accent (Yoruba tone marks: "mọ ́" for "mọ́")
    leave such tokens; a span keeps its words, re-indexed. Returns `sentence` if untouched.
    """
    toks = sentence.tokens
    if not any(is_mark(t) for t in toks[1:]):
        return sentence
    return regroup(sentence, runs([is_mark(t) for t in toks]))


def mended(sentences: list[Sentence], *, repair_tokens: bool = True, rejoin: str = "none"
           ) -> list[Sentence]:
    """Translations with split words rejoined (`rejoin`), or else with lone marks glued back
    (`repair_tokens`)."""
    if rejoin != "none":
        return rejoin_sentences(sentences, mode=rejoin)
    return [merge_mark_tokens(s) for s in sentences] if repair_tokens else sentences


def read_src_ids(path: str | Path) -> list[int]:
    """The 0-based English sentence index of each translated sentence."""
    with open(path, encoding="utf-8") as f:
        ids = []
        for k, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                ids.append(int(line))
            except ValueError:
                raise ValueError(f"{path}:{k}: not a sentence index: {line!r}") from None
    return ids


def read_translated(data_dir: Path, lang: str) -> tuple[list[Sentence], list[int]]:
    """`lang`'s translations as released, and the English sentence index of each."""
    conll, ids_file = (data_dir / "tprojection" / f"{lang}.train.conll",
                       data_dir / "tprojection" / f"{lang}.src_ids")
    sents = read_conll(conll)
    ids = read_src_ids(ids_file)
    if len(ids) != len(sents):
        raise ValueError(f"{ids_file} has {len(ids)} ids but {conll} has {len(sents)} sentences")
    return sents, ids


def load_translations(
    data_dir: str | Path | None, lang: str, *, limit: int | None = None,
    english: Sequence[Sentence] | None = None, repair_tokens: bool = True, rejoin: str = "none",
) -> tuple[list[Sentence], list[Sentence]]:
    """(English source, translation) pairs; translations keep their T-Projection spans.

    The English side keeps MISC (projection drops or relabels it); the translations have none. `english` is the CoNLL-2003 train set, if already read.
    `repair_tokens` applies `merge_mark_tokens` to the translations; `rejoin` ("pieces" or
    "words", see `MasakhanerConfig`) `rejoin_sentences` instead, which does that and more.
    """
    d = resolve_data_dir(data_dir)
    missing = [str(p) for p in translation_files(d, lang) if not p.exists()]
    if missing:
        raise FileNotFoundError(f"{lang}: missing {', '.join(missing)}")
    _, ids_file, en_file = translation_files(d, lang)
    tgt, ids = read_translated(d, lang)
    if english is None:
        english = read_conll(en_file)
    bad = [i for i in ids if not 0 <= i < len(english)]
    if bad:
        raise ValueError(f"{ids_file}: index {bad[0]} is outside {en_file} ({len(english)} sentences)")
    if limit is not None:
        tgt, ids = tgt[:limit], ids[:limit]
    src = [english[i] for i in ids]
    return src, label_mapped(mended(tgt, repair_tokens=repair_tokens, rejoin=rejoin), SOURCE_MAP)


def pivot_corpora(
    data_dir: str | Path | None, lang: str, pivots: Sequence[str] | None = None, *,
    limit: int | None = None, repair_tokens: bool = True, rejoin: str = "none",
    cache: dict[str, dict[int, list[str]]] | None = None,
) -> dict[str, list[list[str]]]:
    """The translations of `pivots` parallel to `lang`'s (as `load_translations` pairs them):
    one token list per `lang` sentence, empty where a pivot lacks that English sentence.

    `pivots` None: every other language of `translated_languages`. A named pivot without
    translations is a FileNotFoundError. `cache`, shared by the calls of one run (with the
    same `repair_tokens` and `rejoin`), keeps each pivot's sentences by English index so that a run over
    several targets reads every pivot file once.
    """
    d = resolve_data_dir(data_dir)
    ids = read_src_ids(d / "tprojection" / f"{lang}.src_ids")
    if limit is not None:
        ids = ids[:limit]
    names = [p for p in (translated_languages(d) if pivots is None else pivots) if p != lang]
    out: dict[str, list[list[str]]] = {}
    for p in names:
        missing = [str(f) for f in translation_files(d, p)[:2] if not f.exists()]
        if missing:
            raise FileNotFoundError(f"pivot {p}: missing {', '.join(missing)}")
        by_id = None if cache is None else cache.get(p)
        if by_id is None:
            sents, p_ids = read_translated(d, p)
            sents = mended(sents, repair_tokens=repair_tokens, rejoin=rejoin)
            by_id = {i: s.tokens for i, s in zip(p_ids, sents)}
            if cache is not None:
                cache[p] = by_id
        out[p] = [list(by_id.get(i, [])) for i in ids]
    return out


def load_masakhaner(path: str | Path, *, limit: int | None = None) -> list[Sentence]:
    """A MasakhaNER 2.0 split with DATE mapped to O."""
    sents = read_conll(path, empty_token=EMPTY_TOKEN)
    return label_mapped(sents[:limit] if limit is not None else sents, TARGET_MAP)
