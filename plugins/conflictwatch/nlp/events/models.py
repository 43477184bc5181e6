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
class ClassModel:
    """A multinomial logistic model: one weight vector per class."""

    name: str
    classes: tuple[str, ...]
    weights: dict[str, dict[str, float]]
    bias: dict[str, float]

    def predict(self, features: dict[str, float]) -> tuple[str, float]:
        scores = {c: self.bias[c] + sum(self.weights[c].get(k, 0.0) * v for k, v in features.items()) for c in self.classes}
        top = max(scores.values())
        total = sum(math.exp(s - top) for s in scores.values())
        best = max(self.classes, key=lambda c: scores[c])
        return best, 1.0 / total

    @classmethod
    def read(cls, path: Path) -> ClassModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["name"], tuple(data["classes"]), data["weights"], data["bias"])


@dataclass(frozen=True)
class Models:
    """place: which place option is an event's location; event: whether an assembled event is kept."""

    place: LinearModel | None = None
    event: LinearModel | None = None
    perpetrator: LinearModel | None = None
    type: ClassModel | None = None

    def event_type(self, ev, context_type: str | None) -> str | None:
        """The type model's reading of an event's sub-event type (the rules' when no model is loaded)."""
        if self.type is None:
            return ev.sub_event_type
        from conflictwatch.nlp.events.features import type_features

        return self.type.predict(type_features(ev, context_type))[0]

    def place_scorer(self):
        return self.place.probability if self.place else None

    def place_threshold(self, default: float) -> float:
        return self.place.threshold if self.place else default

    def keep(self, ev, features: dict[str, float]) -> bool:
        """The event model's verdict on an assembled event, from its features (kept when no model is loaded)."""
        if self.event is None:
            return True
        ev.score = self.event.probability(features)
        return ev.score >= self.event.threshold


@lru_cache(maxsize=4)
def load_models(models_dir: str | None = None) -> Models:
    folder = Path(models_dir) if models_dir else MODELS_DIR
    found = {}
    for name in ("place", "event", "perpetrator"):
        path = folder / f"{name}_model.json"
        if path.exists():
            found[name] = LinearModel.read(path)
    if (folder / "type_model.json").exists():
        found["type"] = ClassModel.read(folder / "type_model.json")
    return Models(**found)
