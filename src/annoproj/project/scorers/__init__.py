"""Scorers of the matching projection, registered in `annoproj.project.base.scorers`."""

from annoproj.project.scorers.alignment import AlignmentScorer
from annoproj.project.scorers.fusion import FusionScorer
from annoproj.project.scorers.lexical import LexicalScorer
from annoproj.project.scorers.memory import MemoryScorer
from annoproj.project.scorers.string import StringScorer

# model-backed scorers: cheap to import (torch is loaded when one is built)
from annoproj.project.scorers.clip import ClipScorer
from annoproj.project.scorers.embedding import EmbeddingScorer
from annoproj.project.scorers.neural_ner import NERScorer
from annoproj.project.scorers.nmt import NMTScorer

__all__ = ["AlignmentScorer", "FusionScorer", "LexicalScorer", "MemoryScorer", "StringScorer"]
__all__ += ["ClipScorer", "EmbeddingScorer", "NERScorer", "NMTScorer"]
