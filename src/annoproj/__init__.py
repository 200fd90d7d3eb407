"""annoproj: named-entity annotation projection for low-resource languages."""

from annoproj.data.model import Alignment, ProjectedSpan, Sentence, Span

__version__ = "0.1.0"

__all__ = ["Alignment", "ProjectedSpan", "Sentence", "Span", "__version__"]
