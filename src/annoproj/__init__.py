"""annoproj: named-entity annotation projection for low-resource languages.

``annoproj.read``, ``write``, ``align``, ``project``, ``evaluate`` and ``translate_train`` are
the Python front door (`annoproj.api`)."""

from annoproj.data.model import Alignment, ProjectedSpan, Sentence, Span

__version__ = "0.1.0"

__all__ = ["Alignment", "ProjectedSpan", "Sentence", "Span", "__version__", "align", "evaluate",
           "project", "read", "translate_train", "write"]


def __getattr__(name: str):
    """The front door (`annoproj.api`), imported on first use so `import annoproj` stays
    light: read, write, translate_train are functions; align, project and evaluate are
    their packages, which are callable (``annoproj.align(src, tgt)``)."""
    if name in ("read", "write", "translate_train"):
        from annoproj import api

        return getattr(api, name)
    if name in ("align", "project", "evaluate"):
        import importlib

        return importlib.import_module(f"annoproj.{name}")
    raise AttributeError(f"module 'annoproj' has no attribute {name!r}")
