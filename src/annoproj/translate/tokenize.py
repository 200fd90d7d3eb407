"""A simple language-neutral tokenizer and detokenizer for machine-translation output.

Words are runs of letters/digits (joined by inner hyphens, apostrophes, dots, commas, as in
"well-known", "don't", "U.S.", "1,000.5"); every other non-space character is a token of its
own; tag-like markers such as ``<e0>``/``</e0>`` stay whole.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annoproj.data.model import Sentence

__all__ = ["REJOIN_MODES", "detokenize", "is_mark", "regroup", "rejoin", "rejoin_groups",
           "rejoin_sentences", "runs", "tokenize"]

#: How far `rejoin_groups` goes: nothing, the pieces that never start a word, or also
#: the word continuations after a combining mark (`continuations=True`).
REJOIN_MODES = ("none", "pieces", "words")

_TOKEN = re.compile(
    r"</?[A-Za-z]\w*>"                     # markers such as <e0> and </e0>
    r"|\w+(?:[-'’.,]\w+)*\.?(?<=\w\.\w\.)"  # abbreviations such as U.S. (keep the last dot)
    r"|\w+(?:[-'’.,]\w+)*"                  # words, numbers, hyphenated compounds
    r"|[^\w\s]",                            # any other single character
    re.UNICODE,
)

_WORD = re.compile(r"\w")
_JOINERS = "-'’"
_APOSTROPHES = "'’"
_NO_SPACE_BEFORE = set(".,;:!?)]}%»”’…")
_NO_SPACE_AFTER = set("([{«“¿¡")


def is_mark(token: str) -> bool:
    """Whether `token` is made of combining marks only (Unicode categories Mn, Mc, Me).

    >>> is_mark("\u0301"), is_mark("ọ\u0301")
    (True, False)
    """
    return all(unicodedata.category(c)[0] == "M" for c in token)


def _ends_in_mark(word: str) -> bool:
    return unicodedata.category(word[-1])[0] == "M"


def tokenize(text: str) -> list[str]:
    """Tokens of `text`: words, numbers and single punctuation characters.

    Combining marks stay inside their word (Yoruba "wọ́n", Hindi "हिन्दी"), although the
    regular expression's `\\w` does not match them.

    >>> tokenize("Mr. Smith's well-known book (2nd ed.) costs $1,000.50!")
    ['Mr', '.', "Smith's", 'well-known', 'book', '(', '2nd', 'ed', '.', ')', 'costs', '$', '1,000.50', '!']
    >>> tokenize("Wọ́n lọ sí Ọ̀yọ́-Ilé. हिन्दी")
    ['Wọ́n', 'lọ', 'sí', 'Ọ̀yọ́-Ilé', '.', 'हिन्दी']
    """
    out: list[str] = []
    found = list(_TOKEN.finditer(text))
    for k, m in enumerate(found):
        tok = m.group()
        if out and m.start() == found[k - 1].end() and _continues(out[-1], tok, found, k):
            out[-1] += tok
        else:
            out.append(tok)
    return out


def _continues(word: str, tok: str, found: list[re.Match], k: int) -> bool:
    """Whether `tok` (match k, touching `word`) goes on the word that a combining mark cut."""
    if is_mark(tok):
        return True
    if _WORD.match(tok):
        return _ends_in_mark(word) or (len(word) > 1 and word[-1] in _JOINERS)
    return (tok in _JOINERS and any(is_mark(c) for c in word) and k + 1 < len(found)
            and found[k + 1].start() == found[k].end() and bool(_WORD.match(found[k + 1].group())))


def detokenize(tokens: Sequence[str]) -> str:
    """Tokens joined into running text: no space before closing punctuation or after opening.

    >>> detokenize(["Hello", ",", "[", "world", "]", "(", "again", ")", "!"])
    'Hello, [world] (again)!'
    """
    out: list[str] = []
    glue = True  # no space before the first token
    quote_open = False
    for tok in tokens:
        if tok == '"':
            # straight double quotes alternate between opening and closing
            attach = quote_open
            if not (glue or attach):
                out.append(" ")
            out.append(tok)
            glue = not quote_open
            quote_open = not quote_open
            continue
        if not glue and tok not in _NO_SPACE_BEFORE:
            out.append(" ")
        out.append(tok)
        glue = tok in _NO_SPACE_AFTER
    return "".join(out)


def _glues_back(prev: str, tok: str) -> bool:
    """Pieces that never start a word: combining marks alone ("mọ ́"), and an apostrophe
    with a lower-case letter after a word ending in a letter (Hausa "jam 'iyyar")."""
    if is_mark(tok):
        return True
    return (len(tok) > 1 and tok[0] in _APOSTROPHES and tok[1].islower()
            and prev[-1:].isalpha())


def rejoin_groups(corpus: Sequence[Sequence[str]], *, continuations: bool = True) -> list[list[int]]:
    """For each sentence of `corpus`, the word each token belongs to once split words are
    rejoined: `groups[i][k]` is the index of token k's word in sentence i.

    Undoes tokenisers that cut words at characters a regular expression's `\\w` does not
    match. Always joined onto the token before: a token of combining marks only (Yoruba
    "mọ ́" -> "mọ́") and an apostrophe piece (Hausa "jam 'iyyar" -> "jam'iyyar"). With
    `continuations`, a lower-case token after a word that ends in a combining mark joins
    it too when the corpus has that token after such words more often, relative to all
    tokens, than after other words: the Yoruba "wọ́ n" is "wọ́n", and "Gẹ̀ ẹ́ sì" is
    "Gẹ̀ẹ́sì", while "mọ́ ìkésíni" stays two words, as "ìkésíni" is common elsewhere.

    >>> corpus = [["wọ", "\u0301", "n", "lọ"], ["mọ", "\u0301", "ìkésíni"], ["ìkésíni", "n"],
    ...           ["àwọn", "ìkésíni"], ["àwọn", "ìkésíni"], ["jam", "'iyyar", "'", "Yes"]]
    >>> rejoin_groups(corpus)
    [[0, 0, 0, 1], [0, 0, 1], [0, 1], [0, 1], [0, 1], [0, 0, 1, 2]]
    """
    # token -> word once the pieces that never start a word are glued back, and those words
    first = [runs([k > 0 and _glues_back(toks[k - 1], t) for k, t in enumerate(toks)])
             for toks in corpus]
    glued = [rejoin(toks, index) for toks, index in zip(corpus, first)]
    joins: set[str] = set()
    if continuations:
        after, elsewhere = Counter(), Counter()
        for words in glued:
            for prev, w in zip(words, words[1:]):
                (after if _ends_in_mark(prev) else elsewhere)[w] += 1
        n_after, n_elsewhere = sum(after.values()), sum(elsewhere.values())
        joins = {w for w, c in after.items()
                 if w[0].islower() and c * n_elsewhere > (elsewhere[w] + 1) * n_after}
    groups: list[list[int]] = []
    for words, index in zip(glued, first):
        # glued word -> final word; a joined word ends as the word before it did
        second = runs([k > 0 and w in joins and _ends_in_mark(words[k - 1])
                       for k, w in enumerate(words)])
        groups.append([second[i] for i in index])
    return groups


def runs(joined: Sequence[bool]) -> list[int]:
    """The group of each token when a token whose flag is true joins the group before it.

    >>> runs([False, True, True, False, True])
    [0, 0, 0, 1, 1]
    """
    group: list[int] = []
    for k, j in enumerate(joined):
        group.append(group[-1] if k and j else (group[-1] + 1 if group else 0))
    return group


def rejoin(tokens: Sequence[str], group: Sequence[int]) -> list[str]:
    """The words of `tokens` as `rejoin_groups` groups them.

    >>> rejoin(["Gẹ", "\u0300", "ẹ", "\u0301", "sì", "tì"], [0, 0, 0, 0, 0, 1]) == ["Gẹ̀ẹ́sì", "tì"]
    True
    """
    words: list[str] = []
    for k, (t, g) in enumerate(zip(tokens, group)):
        if k and g == group[k - 1]:
            words[-1] += t
        else:
            words.append(t)
    return words


def regroup(sentence: Sentence, group: Sequence[int]) -> Sentence:
    """`sentence` with its tokens joined into words by `group` (token k goes into word
    `group[k]`, as `rejoin_groups` gives); a span keeps its words, re-indexed, and one that
    starts inside the word another ends in is merged into that one."""
    from annoproj.data.model import Sentence, Span

    spans: list[Span] = []
    for s in sentence.spans:
        a, b = group[s.start], group[s.end - 1] + 1
        if not spans or a >= spans[-1].end:
            spans.append(Span(a, b, s.label))
        else:
            spans[-1] = Span(spans[-1].start, max(b, spans[-1].end), spans[-1].label)
    return Sentence(rejoin(sentence.tokens, group), spans, sentence.id, dict(sentence.meta))


def rejoin_sentences(sentences: Sequence[Sentence], *, mode: str = "words") -> list[Sentence]:
    """`sentences` with split words rejoined as `mode` of `REJOIN_MODES` says
    (`rejoin_groups` fitted on them all; "words" with continuations), spans carried onto
    the words; a sentence with nothing to join is returned as it is."""
    if mode not in REJOIN_MODES:
        raise ValueError(f"rejoin mode must be one of {', '.join(REJOIN_MODES)}, not {mode!r}")
    if mode == "none":
        return list(sentences)
    groups = rejoin_groups([s.tokens for s in sentences], continuations=mode == "words")
    return [s if len(set(g)) == len(g) else regroup(s, g) for s, g in zip(sentences, groups)]
