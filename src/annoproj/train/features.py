"""Token features for sequence taggers, tuned for languages with little data.

Features of a word depend only on its string, so they are computed once per word type and
cached; a token's features are its own list plus its neighbours' (pre-built, offset-tagged)
lists. Features are plain strings, as crfsuite takes them (each has weight 1).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields

from annoproj.errors import ConfigError

_PUNCT_CATEGORIES = ("P", "S")
#: Feature templates: "rich" (annoproj's, the default) and "plain" (sklearn-crfsuite's tutorial).
TEMPLATES = ("rich", "plain")


@dataclass(frozen=True)
class FeatureConfig:
    """Which features a tagger extracts.

    template: "rich", annoproj's features (the options below); or "plain", the features of
        sklearn-crfsuite's tutorial without part-of-speech tags (the lowercased word, its
        last 2 and 3 characters, upper/title/digit flags, and the lowercased word and
        upper/title flags of each neighbour), a common baseline CRF. "plain" takes no other
        option but `normalize`.
    affixes: prefixes and suffixes of 1..affixes characters of the lowercased word.
    window: neighbouring words on each side whose lowercased form and shape are features.
    context_affixes: suffix of this many characters of the nearest neighbours (0: none).
    ascii_fold: add the word's ASCII transliteration (diacritics and tone marks removed).
    normalize: Unicode normal form words are put in first (NFC, NFD, ...; "" for none), so
        composed and decomposed spellings of the same word get the same features.
    bigrams: add the lowercased (previous word, word) and (word, next word) pairs.
    fold_affixes: take the prefixes and suffixes (the word's and its neighbours') from the
        word without its accents and tone marks (`_unaccented`; letters such as Hausa *ƙ*
        stay), so that names spelt with tone marks (Yoruba *Ọ̀yọ́*, *Èkó*) share
        them with names spelt without.
    """

    affixes: int = 4
    window: int = 2
    context_affixes: int = 3
    ascii_fold: bool = True
    bigrams: bool = True
    normalize: str = "NFC"
    fold_affixes: bool = False
    template: str = "rich"

    def __post_init__(self) -> None:
        if self.template not in TEMPLATES:
            raise ConfigError(f"feature template must be one of {', '.join(TEMPLATES)}, "
                             f"not {self.template!r}")
        if self.template == "plain" and self.fold_affixes:
            raise ConfigError("fold_affixes needs the rich template: the plain one has fixed affixes")
        if self.normalize not in ("", "NFC", "NFD", "NFKC", "NFKD"):
            raise ConfigError(f"normalize must be NFC, NFD, NFKC, NFKD or '', not {self.normalize!r}")
        for name in ("affixes", "window", "context_affixes"):
            if getattr(self, name) < 0:
                raise ConfigError(f"feature option {name} must be >= 0")

    @classmethod
    def from_dict(cls, data: dict | None) -> FeatureConfig:
        """The config from a (possibly partial) dict; unknown keys are an error."""
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown feature options {unknown}; known: {sorted(known)}")
        return cls(**data)

    def to_dict(self) -> dict:
        return asdict(self)


def word_shape(word: str) -> str:
    """The word's characters as X (upper), x (lower), d (digit) or themselves, runs collapsed.

    >>> word_shape("McDonald's"), word_shape("1996-08-22"), word_shape("ABC")
    ("XxXx'x", 'd-d-d', 'X')
    """
    out: list[str] = []
    for ch in word:
        if ch.isupper():
            c = "X"
        elif ch.isalpha():
            c = "x"
        elif ch.isdigit():
            c = "d"
        else:
            c = ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def _is_punct(word: str) -> bool:
    return all(unicodedata.category(ch)[0] in _PUNCT_CATEGORIES for ch in word)


def _unaccented(word: str) -> str:
    """`word` without accents and tone marks (combining marks placed above or below a
    letter, classes 200-240 after NFD): "ọ̀yọ́" -> "oyo"; "ƙasar" and Devanagari's
    virama and vowel signs stay.

    >>> _unaccented("ọ̀yọ́"), _unaccented("ƙasar"), _unaccented("हिन्दी") == "हिन्दी"
    ('oyo', 'ƙasar', True)
    """
    kept = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.combining(c) < 200)
    return unicodedata.normalize("NFC", kept)


def _fold(word: str) -> str:
    try:
        from anyascii import anyascii
    except ImportError:  # pragma: no cover - anyascii is a core dependency
        return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return anyascii(word)


class FeatureExtractor:
    """Turns token lists into crfsuite feature-string lists, caching per word type."""

    def __init__(self, config: FeatureConfig | None = None) -> None:
        self.config = config or FeatureConfig()
        self._rich = self.config.template == "rich"
        w = self.config.window if self._rich else 1
        self._offsets = [o for o in range(-w, w + 1) if o != 0]
        # word -> (own features, {offset: neighbour features})
        self._cache: dict[str, tuple[list[str], dict[int, list[str]]]] = {}
        self._pad = {o: [f"{o:+d}:{'BOS' if o < 0 else 'EOS'}"] for o in self._offsets}

    def _word(self, word: str) -> tuple[list[str], dict[int, list[str]]]:
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        cfg = self.config
        key = word
        if cfg.normalize:
            word = unicodedata.normalize(cfg.normalize, word)
        low = word.lower()
        if not self._rich:
            hit = self._plain(word, low)
            self._cache[key] = hit
            return hit
        # case and shape read the word without combining marks: Yoruba "Ọ̀yọ́" is title case
        bare = "".join(c for c in word if not unicodedata.combining(c)) or word
        shape = word_shape(bare)
        own = ["b", "w=" + low, "sh=" + shape, "len=" + str(min(len(word), 8))]
        affix = _unaccented(low) if cfg.fold_affixes else low
        for k in range(1, cfg.affixes + 1):
            if len(affix) > k:
                own.append(f"p{k}={affix[:k]}")
                own.append(f"s{k}={affix[-k:]}")
        if bare.istitle():
            own.append("title")
        if bare.isupper():
            own.append("upper")
        if word.isdigit():
            own.append("digit")
        elif any(c.isdigit() for c in word):
            own.append("hasdigit")
        if _is_punct(word):
            own.append("punct")
        if "-" in word:
            own.append("hyphen")
        if any(c.isupper() for c in bare[1:]) and any(c.islower() for c in bare):
            own.append("mixed")
        if cfg.ascii_fold:
            folded = _fold(low)
            if folded != low:
                own.append("a=" + folded)
        ctx: dict[int, list[str]] = {}
        for o in self._offsets:
            feats = [f"{o:+d}:w={low}", f"{o:+d}:sh={shape}"]
            if abs(o) == 1:
                if bare.istitle():
                    feats.append(f"{o:+d}:title")
                if cfg.context_affixes and len(affix) > cfg.context_affixes:
                    feats.append(f"{o:+d}:s={affix[-cfg.context_affixes:]}")
            ctx[o] = feats
        hit = (own, ctx)
        self._cache[key] = hit
        return hit

    @staticmethod
    def _plain(word: str, low: str) -> tuple[list[str], dict[int, list[str]]]:
        """The "plain" template's features of one word: own and as a neighbour."""
        flags = [name for name, on in (("upper", word.isupper()), ("title", word.istitle()))
                 if on]
        own = ["b", "w=" + low, "s3=" + word[-3:], "s2=" + word[-2:], *flags]
        if word.isdigit():
            own.append("digit")
        return own, {o: [f"{o:+d}:w={low}", *(f"{o:+d}:{f}" for f in flags)] for o in (-1, 1)}

    def sentence(self, tokens: Sequence[str]) -> list[list[str]]:
        """Feature lists of each token of one sentence."""
        n = len(tokens)
        recs = [self._word(t) for t in tokens]
        rich = self._rich
        lows = [r[0][1] for r in recs] if rich and self.config.bigrams else None  # "w=<lower>"
        out: list[list[str]] = []
        for i in range(n):
            feats = list(recs[i][0])
            for o in self._offsets:
                j = i + o
                feats.extend(recs[j][1][o] if 0 <= j < n else self._pad[o])
            if not rich:
                out.append(feats)
                continue
            if i == 0:
                feats.append("first")
                if "title" in recs[0][0]:
                    feats.append("first&title")
            if i == n - 1:
                feats.append("last")
            if lows is not None:
                if i > 0:
                    feats.append(f"bg-={lows[i - 1][2:]}|{lows[i][2:]}")
                if i + 1 < n:
                    feats.append(f"bg+={lows[i][2:]}|{lows[i + 1][2:]}")
            out.append(feats)
        return out

    def __call__(self, sentences: Sequence[Sequence[str]]) -> list[list[list[str]]]:
        """Feature lists of each token of each sentence."""
        return [self.sentence(s) for s in sentences]
