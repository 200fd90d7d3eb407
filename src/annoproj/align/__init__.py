"""Word aligners: eflomal (statistical, offline) and neural ones (annoproj[neural]).

``from annoproj.align import EflomalAligner, make_aligner`` (loaded on first use);
``annoproj.align(src, tgt)`` aligns sentences (`annoproj.api.align`).
"""

import sys as _sys
import types as _types

_LAZY = {'Aligner': 'annoproj.align.base', 'make_aligner': 'annoproj.align.base', 'registered_aligners': 'annoproj.align.base', 'EflomalAligner': 'annoproj.align.eflomal', 'NameKeyAligner': 'annoproj.align.keys', 'align_refined': 'annoproj.align.refine'}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


class _CallableModule(_types.ModuleType):
    """This package called as a function is `annoproj.api.align` (``annoproj.align(...)``)."""

    def __call__(self, *args, **kwargs):
        from annoproj.api import align

        return align(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
