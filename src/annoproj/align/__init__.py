"""Word aligners: eflomal (statistical, offline) and neural ones (annoproj[neural]).

``from annoproj.align import EflomalAligner, make_aligner`` (loaded on first use);
``annoproj.align(src, tgt)`` aligns sentences (`annoproj.api.align`).
"""

from annoproj._lazy import install as _install

_install(__name__, {'Aligner': 'annoproj.align.base', 'make_aligner': 'annoproj.align.base', 'registered_aligners': 'annoproj.align.base', 'EflomalAligner': 'annoproj.align.eflomal', 'NameKeyAligner': 'annoproj.align.keys', 'align_refined': 'annoproj.align.stage'}, call="align")
