"""Training NER taggers on (projected) annotations, and tagging new text with them."""

from annoproj.errors import MissingDependencyError, ModelError
from annoproj.train.base import (
    Tagger,
    Trainer,
    load_tagger,
    taggers,
    trainers,
)
from annoproj.train.crf import CRFTagger, CRFTrainer
from annoproj.train.features import FeatureConfig, FeatureExtractor
from annoproj.train.hf import HFTagger, HFTrainer  # torch is imported only when used

__all__ = [
    "CRFTagger",
    "CRFTrainer",
    "FeatureConfig",
    "FeatureExtractor",
    "HFTagger",
    "HFTrainer",
    "MissingDependencyError",
    "ModelError",
    "Tagger",
    "Trainer",
    "load_tagger",
    "taggers",
    "trainers",
]
