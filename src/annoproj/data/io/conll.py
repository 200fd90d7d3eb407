"""CoNLL files: one token per line, token first and tag last, blank lines between sentences."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from annoproj.data.io.files import atomic_write, iter_lines
from annoproj.data.model import Sentence, Span
from annoproj.data.tags import spans_to_tags, split_tag, tags_to_spans
from annoproj.errors import FormatError, TokenError

_SPLIT = re.compile(r"[ \t]+")


#: The line that stands for a sentence without tokens (followed by the blank line that ends
#: every sentence): a comment to other CoNLL readers, an empty sentence to annoproj's, so
#: that a file keeps one sentence for each of its source's (docs/formats.md).
EMPTY_SENTENCE = "# annoproj: empty sentence"


_LABEL = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:/-]*$")


def _check_tag(tag: str, path, lineno: int, strict: bool = False) -> None:
    """FormatError unless `tag` is O or a scheme letter, '-' and an identifier label (always
    checked; `strict` is kept for callers that ask for scheme tags explicitly)."""
    if not tag:
        raise FormatError(path, lineno, "empty tag (expected O or e.g. B-PER)")
    prefix, type_ = split_tag(tag)
    if prefix != "O" and not type_:
        raise FormatError(path, lineno, f"tag {tag!r} has no entity type (expected e.g. B-PER)")
    if prefix == "O":
        return
    if tag[:1] not in "BIESLU" or tag[1:2] not in ("-", "_") or not _LABEL.match(type_):
        raise FormatError(path, lineno, f"tag {tag!r} belongs to no tag scheme: expected O or "
                          "a scheme letter (B, I, E, S, L, U), '-' and a label that is an "
                          "identifier, e.g. B-PER")


_TAG = re.compile(r"^(O|[BIESLU][-_]\S+)$")


def _is_comment(line: str) -> bool:
    """A line that starts with the comment mark at a sentence start and is not a token line."""
    cols = line.split("\t") if "\t" in line else _SPLIT.split(line.strip())
    if len(cols) < 2 or cols[1].strip() == "=":
        return True
    return _TAG.match(cols[-1].strip()) is None


def iter_conll(
    path: str | Path,
    *,
    sep: str | None = None,
    tag_col: int = -1,
    tags: bool = True,
    comments: str = "#",
    empty_token: str | None = None,
    strict_tags: bool = False,
    keep_tags: bool = False,
) -> Iterator[Sentence]:
    """Sentences of a CoNLL file, one at a time.

    Columns are split on tabs when a line has one (tokens may then contain spaces), else on
    spaces, or on `sep` when given. ``-DOCSTART-`` lines, comment lines (``# ...`` outside a
    sentence) and repeated blank lines are skipped. With `tags` False, files may have a token
    column only and sentences come without spans. A line whose token is empty (`` O``, a
    token lost upstream) is an error, unless `empty_token` is given: the token then reads
    as `empty_token` and a warning names the file and lines. With `strict_tags`, a tag
    that belongs to no scheme (``0``, ``PER``, ``FOO``) is an error naming the line (else
    a bare type reads as an IO tag); with `keep_tags`, each sentence keeps its tags as read,
    unrepaired, in ``meta["_tags"]``.
    """
    tokens: list[str] = []
    labels: list[str] = []
    start = 0
    name = Path(path).name
    emptied: list[int] = []
    for lineno, line in iter_lines(path):
        if not line.strip():
            if tokens:
                yield _sentence(tokens, labels, tags, f"{name}:{start}", keep_tags)
                tokens, labels = [], []
            continue
        if not tokens and line.rstrip() == EMPTY_SENTENCE:
            yield Sentence(tokens=[], spans=[], id=f"{name}:{lineno}")
            continue
        if (not tokens and comments and line.startswith(comments)
                and not (sep is None and line.startswith(comments + "\t"))  # "#\tO": a token
                and _is_comment(line)):
            continue
        if line.startswith("-DOCSTART-"):
            continue
        if sep is not None:
            cols = line.split(sep)
        elif "\t" in line:  # trailing tabs are no column: "tok\tO\t" is fine, "tok\t" has no tag
            cols = line.rstrip("\t").split("\t")
        else:
            cols = _SPLIT.split(line.strip())
            if line[:1].isspace():  # " O": the token column is empty
                cols.insert(0, "")
        if sep is None and "\t" in line and tags and " " in cols[tag_col].strip():
            raise FormatError(path, lineno, f"tag column {cols[tag_col]!r} holds a space: "
                              "separate the columns with tabs or with spaces, not both")
        cols = [c.strip() for c in cols]
        token = cols[0]
        if not token:
            if empty_token is None:
                raise FormatError(path, lineno, f"empty token in line {line!r} (a reader "
                                  "option, empty_token, can stand in for it)")
            token = empty_token
            emptied.append(lineno)
        if tags:
            if len(cols) < 2:
                raise FormatError(path, lineno, f"expected a token and a tag, got {line!r}")
            tag = cols[tag_col]
            _check_tag(tag, path, lineno, strict_tags)
            labels.append(tag)
        if not tokens:
            start = lineno
        tokens.append(token)
    if tokens:
        yield _sentence(tokens, labels, tags, f"{name}:{start}", keep_tags)
    if emptied:
        import warnings

        shown = ", ".join(map(str, emptied[:5])) + (" ..." if len(emptied) > 5 else "")
        warnings.warn(f"{path}: {len(emptied)} empty token(s) read as {empty_token!r} "
                      f"(lines {shown})", stacklevel=2)


def _sentence(tokens: list[str], labels: list[str], tags: bool, sid: str,
              keep_tags: bool = False) -> Sentence:
    spans = tags_to_spans(labels) if tags else []
    return Sentence(tokens=tokens, spans=spans, id=sid,
                    meta={"_tags": list(labels)} if keep_tags and tags else {})


def read_conll(path: str | Path, **options) -> list[Sentence]:
    """All sentences of a CoNLL file (see `iter_conll` for the options)."""
    return list(iter_conll(path, **options))


def check_token(token: str) -> None:
    """A `TokenError` (a ValueError) unless `token` reads back from a CoNLL line as itself:
    not empty, no tab, line end or surrounding space, not ``-DOCSTART-``."""
    if not isinstance(token, str) or not token:
        raise TokenError(f"token {token!r} cannot be written to CoNLL: tokens are not empty")
    if token != token.strip() or any(c in token for c in "\t\n\r"):
        raise TokenError(f"token {token!r} cannot be written to CoNLL: it holds a tab, a line "
                         "end or surrounding space")
    if token.startswith("-DOCSTART-"):
        raise TokenError(f"token {token!r} cannot be written to CoNLL: it reads as a "
                         "document mark")


def format_conll(sentence: Sentence, *, scheme: str = "IOB2", sep: str = "\t") -> str:
    """One sentence as CoNLL lines, ending with a blank line; a sentence without tokens is
    the line `EMPTY_SENTENCE`. A ValueError for a token the reader could not read back."""
    if not sentence.tokens:
        return EMPTY_SENTENCE + "\n\n"
    for k, tok in enumerate(sentence.tokens):
        try:
            check_token(tok)
        except TokenError as exc:
            raise TokenError(f"sentence {sentence.id or '?'}, token {k + 1}: {exc}") from None
    tags = spans_to_tags(_non_overlapping(sentence.spans), len(sentence.tokens), scheme=scheme)
    lines = [f"{tok}{sep}{tag}" for tok, tag in zip(sentence.tokens, tags)]
    return "\n".join(lines) + "\n\n"


def _non_overlapping(spans: Iterable[Span]) -> list[Span]:
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if not out or s.start >= out[-1].end:
            out.append(Span(s.start, s.end, s.label))
        else:
            raise ValueError(f"spans {out[-1]} and {tuple(s)} overlap: CoNLL tags cannot hold both")
    return out


def write_conll(
    path: str | Path, sentences: Iterable[Sentence], *, scheme: str = "IOB2", sep: str = "\t"
) -> int:
    """Write sentences as CoNLL (atomically); returns how many were written."""
    n = 0
    with atomic_write(path) as f:
        for s in sentences:
            f.write(format_conll(s, scheme=scheme, sep=sep))
            n += 1
    return n
