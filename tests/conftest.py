"""Shared test settings: hypothesis without deadlines (CI machines are slow and shared)."""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", deadline=None, max_examples=200,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

DATA = Path(os.environ.get("ANNOPROJ_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data")).resolve()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shared evaluation data; tests that need it skip when it is absent."""
    if not (DATA / "europarl" / "en.test.conll").exists():
        pytest.skip(f"shared data not found at {DATA}")
    return DATA
