"""Which of the event coder's learned parts earn their place: article-level cross-validation on train.

    .venv/bin/python scripts/model_cv.py [--configs none,place,place+perpetrator,...] [--folds 5] [--dev]

For each configuration (a set of the models in scripts/train_events.py), the train articles are
dealt into seeded folds; each fold is coded by models trained (train_events.train, the same
code as `make train`) on the other folds only, and the pooled coding of every train article is
scored as scripts/quick_eval.py scores it. With --dev, models trained on all of train code the
dev split too. The NLP runs once; only the event coder runs again. val and test are never read.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from pathlib import Path

from sklearn.model_selection import KFold

from conflictwatch.corpus import CORPUS_DIR, load_split, quick_warehouse, run_nlp
from conflictwatch.evaluate import evaluate
from conflictwatch.nlp.events.component import EventCoder
from conflictwatch.nlp.events.frames import event_frame, tally_frame

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("train_events", HERE / "train_events.py")
train_events = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(train_events)

CONFIGS = ("none", "place", "place+perpetrator", "perpetrator")
CODED = ("casualty_event", "casualty_tally")


def recode(pairs, models_dir: str) -> None:
    """The event coder's frames of each doc replaced by those of a coder with the models in models_dir."""
    coder = EventCoder(None, models_dir, 0.6)
    for _, doc in pairs:
        coded = coder.code(doc)
        doc._.cw_frames = [f for f in doc._.cw_frames if f.frame_type not in CODED] + \
            [event_frame(doc, ev) for ev in coded.events] + [tally_frame(doc, t) for t in coded.tallies]


def score(pairs, split: str, work: Path) -> dict:
    report = evaluate(CORPUS_DIR / split / "gold.yaml", quick_warehouse(pairs, work / f"cv-{split}.duckdb"))
    inc = report.categories["incidents"]
    fields = {f.field: f.correct for f in report.fields if f.category == "incidents"}
    return {"tp": inc.tp, "fp": inc.fp, "fn": inc.fn, "f1": round(inc.f1, 4), "killed": fields.get("killed"),
            "admin1": fields.get("admin1"), "perp": fields.get("perpetrator"), "type": fields.get("sub_event_type")}


def models_of(config: str) -> tuple[str, ...]:
    return () if config == "none" else tuple(config.split("+"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--dev", action="store_true")
    a = ap.parse_args()
    train = run_nlp(load_split("train"))
    dev = run_nlp(load_split("dev")) if a.dev else []
    folds = list(KFold(n_splits=a.folds, shuffle=True, random_state=train_events.SEED).split(train))
    with tempfile.TemporaryDirectory(prefix="cw-cv-") as tmp:
        work = Path(tmp)
        for n, config in enumerate(a.configs.split(",")):
            models = models_of(config)
            for k, (tr, te) in enumerate(folds):
                out = work / f"{n}-fold{k}"
                out.mkdir()
                if models:
                    train_events.train([train[i] for i in tr], out, "cv", models)
                recode([train[i] for i in te], str(out))
            cv = score(train, "train", work)
            line = f"{config:26} cv  " + " ".join(f"{k} {v}" for k, v in cv.items())
            if a.dev:
                out = work / f"{n}-all"
                out.mkdir()
                if models:
                    train_events.train(train, out, "all", models)
                recode(dev, str(out))
                line += "\n" + f"{'':26} dev " + " ".join(f"{k} {v}" for k, v in score(dev, "dev", work).items())
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
