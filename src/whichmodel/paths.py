"""Where whichmodel keeps its files: one definition shared by the catalog cache and the Hub snapshot."""

from __future__ import annotations

import os
from pathlib import Path

ENV_CACHE_DIR = "WHICHMODEL_CACHE_DIR"
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024  # the largest catalog or scope file whichmodel reads


def cache_dir() -> Path:
    """``WHICHMODEL_CACHE_DIR`` when set, else the platformdirs user cache dir for whichmodel."""
    env = os.environ.get(ENV_CACHE_DIR, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("whichmodel", appauthor=False))
