"""Where the reference lists live, read once: include/reference/*.csv (also dbt seeds)."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path


def reference_dir(configured: str | None = None) -> Path:
    """The configured reference folder, else the settings' (CONFLICTWATCH_REFERENCE_DIR or include/reference)."""
    if configured:
        return Path(configured)
    from conflictwatch.config import get_settings

    return Path(get_settings().reference_dir)


def reference_path(name: str, configured: str | None = None) -> Path:
    return reference_dir(configured) / name


@lru_cache(maxsize=32)
def read_csv(name: str, configured: str | None = None) -> tuple[dict[str, str], ...]:
    with reference_path(name, configured).open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


@lru_cache(maxsize=1)
def pattern_tokenizer():
    """spaCy's English tokenizer, to split list entries the way texts are split ("car-bomb" -> car - bomb)."""
    import spacy

    return spacy.blank("en").tokenizer


def pattern_words(pattern: str) -> tuple[str, ...]:
    return tuple(t.lower_ for t in pattern_tokenizer()(pattern.strip()))
