"""A simple language-neutral tokenizer and detokenizer for machine-translation output.

Words are runs of letters/digits (joined by inner hyphens, apostrophes, dots, commas, as in
"well-known", "don't", "U.S.", "1,000.5"); every other non-space character is a token of its
own; tag-like markers such as ``<e0>``/``</e0>`` stay whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["detokenize", "tokenize"]

_TOKEN = re.compile(
    r"</?[A-Za-z]\w*>"                     # markers such as <e0> and </e0>
    r"|\w+(?:[-'’.,]\w+)*\.?(?<=\w\.\w\.)"  # abbreviations such as U.S. (keep the last dot)
    r"|\w+(?:[-'’.,]\w+)*"                  # words, numbers, hyphenated compounds
    r"|[^\w\s]",                            # any other single character
    re.UNICODE,
)

_NO_SPACE_BEFORE = set(".,;:!?)]}%»”’…")
_NO_SPACE_AFTER = set("([{«“¿¡")


def tokenize(text: str) -> list[str]:
    """Tokens of `text`: words, numbers and single punctuation characters.

    >>> tokenize("Mr. Smith's well-known book (2nd ed.) costs $1,000.50!")
    ['Mr', '.', "Smith's", 'well-known', 'book', '(', '2nd', 'ed', '.', ')', 'costs', '$', '1,000.50', '!']
    """
    return _TOKEN.findall(text)


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
