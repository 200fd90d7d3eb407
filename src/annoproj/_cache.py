"""Where annoproj keeps what it computes once: one rule for every on-disk cache."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir(*parts: str, env: str | None = None) -> Path:
    """`$env` when that variable is set, else `$XDG_CACHE_HOME/annoproj/<parts>` (or
    `~/.cache/annoproj/<parts>`)."""
    if env and os.environ.get(env):
        return Path(os.environ[env])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base, "annoproj", *parts)
