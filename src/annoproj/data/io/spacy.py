"""spaCy's binary training format (DocBin, ``.spacy``): what ``spacy train`` reads.

Entities are written as `Doc.ents`, so no tag scheme is involved (``spacy convert`` of
BIOES or BILUO CoNLL is not needed). spaCy loads only when these functions run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from annoproj.data.model import Sentence, Span


def _spacy():
    try:
        import spacy
    except ImportError as exc:
        raise ImportError("reading or writing .spacy files needs spaCy: "
                          "pip install 'annoproj[spacy]'") from exc
    return spacy


def write_docbin(path: str | Path, sentences: Sequence[Sentence]) -> int:
    """Write `sentences` as one Doc each (tokens as words, spans as ents); returns the count.
    Overlapping spans raise a ValueError (a Doc's ents cannot overlap)."""
    _spacy()
    from spacy.tokens import Doc, DocBin
    from spacy.tokens import Span as SpacySpan
    from spacy.vocab import Vocab

    vocab = Vocab()
    db = DocBin(store_user_data=False)
    for s in sentences:
        doc = Doc(vocab, words=list(s.tokens))
        doc.ents = [SpacySpan(doc, int(x[0]), int(x[1]), label=str(x[2])) for x in s.spans]
        db.add(doc)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(path)
    return len(sentences)


def read_docbin(path: str | Path) -> list[Sentence]:
    """Sentences of a DocBin file: each Doc's tokens and ents."""
    _spacy()
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    docs = DocBin().from_disk(Path(path)).get_docs(Vocab())
    return [Sentence([t.text for t in d], [Span(e.start, e.end, e.label_) for e in d.ents],
                     id=f"{Path(path).name}:{k + 1}") for k, d in enumerate(docs)]
