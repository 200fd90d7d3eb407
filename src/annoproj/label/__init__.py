"""Source-side NER labellers: spaCy, Hugging Face token classification, or gold spans.

Importing this package registers them in `labellers` ("gold", "spacy", "hf"); spaCy, torch
and transformers load only when a labeller is built.
"""

from annoproj.label.base import Labeller, labellers, make_labeller
from annoproj.label.gold import GoldLabeller
from annoproj.label.hf import HFLabeller
from annoproj.label.spacy import SpacyLabeller

__all__ = ["GoldLabeller", "HFLabeller", "Labeller", "SpacyLabeller", "labellers", "make_labeller"]
