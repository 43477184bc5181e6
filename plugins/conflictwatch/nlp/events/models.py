"""The event coder's learned parts: small logistic models stored as JSON weights.

`make train` fits them with scikit-learn from the annotated corpus (scripts/train_events.py)
and writes plugins/conflictwatch/nlp/models/*.json: the feature weights, the bias, the
decision threshold chosen on the training folds, and what they were trained on. Loading them
needs nothing but the standard library; without them the rule scores decide.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
NAMES = ("place", "perpetrator")


@dataclass(frozen=True)
class LinearModel:
    name: str
    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def read(cls, path: Path) -> LinearModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["name"], data["weights"], float(data["bias"]), float(data["threshold"]))


@dataclass(frozen=True)
class Models:
    """place: which place option is an event's location; perpetrator: who carried out an event whose own
    telling names nobody."""

    place: LinearModel | None = None
    perpetrator: LinearModel | None = None

    def place_scorer(self):
        return self.place.probability if self.place else None

    def place_threshold(self, default: float) -> float:
        return self.place.threshold if self.place else default


@lru_cache(maxsize=4)
def load_models(models_dir: str | None = None) -> Models:
    folder = Path(models_dir) if models_dir else MODELS_DIR
    found = {}
    for name in NAMES:
        path = folder / f"{name}_model.json"
        if path.exists():
            found[name] = LinearModel.read(path)
    return Models(**found)
