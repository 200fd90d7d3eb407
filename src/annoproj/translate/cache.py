"""A sentence-level on-disk translation cache shared by all translators (one SQLite file).

Each entry is keyed by a hash of (model, source language, target language, sentence text)
and holds the translation as text, so re-running a pipeline translates only new sentences.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["TranslationCache", "cache_key", "cached"]


def cache_key(model: str, src_lang: str, tgt_lang: str, text: str) -> str:
    """The hex key of one sentence translated by `model` from `src_lang` to `tgt_lang`."""
    blob = json.dumps([model, src_lang, tgt_lang, text], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class TranslationCache:
    """Translations stored in the SQLite file `path` (created on first use)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            self.path = self.path / "translations.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, text TEXT NOT NULL)"
        )
        self._db.commit()

    def get_many(self, model: str, src_lang: str, tgt_lang: str,
                 texts: Sequence[str]) -> list[str | None]:
        """The stored translation of each text, None where there is none."""
        keys = [cache_key(model, src_lang, tgt_lang, t) for t in texts]
        found: dict[str, str] = {}
        for k in range(0, len(keys), 500):
            chunk = keys[k : k + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, text FROM translations WHERE key IN ({marks})", chunk
            )
            found.update(rows.fetchall())
        return [found.get(key) for key in keys]

    def put_many(self, model: str, src_lang: str, tgt_lang: str,
                 texts: Sequence[str], translations: Sequence[str]) -> None:
        """Store `translations[i]` as the translation of `texts[i]`."""
        if len(texts) != len(translations):
            raise ValueError(f"{len(texts)} texts but {len(translations)} translations")
        rows = [(cache_key(model, src_lang, tgt_lang, t), tr) for t, tr in zip(texts, translations)]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?)", rows)

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM translations").fetchone()[0])

    def close(self) -> None:
        """Close the database file."""
        self._db.close()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def cached(
    translate: Callable[[list[str]], list[str]],
    texts: Sequence[str],
    *,
    cache: TranslationCache | None,
    model: str,
    src_lang: str,
    tgt_lang: str,
) -> list[str]:
    """Translations of `texts`: stored ones from `cache`, the rest (deduplicated) from
    `translate`, which are then stored."""
    if cache is None:
        uniq = list(dict.fromkeys(texts))
        done = dict(zip(uniq, translate(uniq))) if uniq else {}
        return [done[t] for t in texts]
    found = cache.get_many(model, src_lang, tgt_lang, texts)
    missing = list(dict.fromkeys(t for t, f in zip(texts, found) if f is None))
    if missing:
        new = translate(missing)
        cache.put_many(model, src_lang, tgt_lang, missing, new)
        fresh = dict(zip(missing, new))
        found = [f if f is not None else fresh[t] for t, f in zip(texts, found)]
    return [f if f is not None else "" for f in found]
