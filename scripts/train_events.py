"""Train the event coder's learned parts from the annotated corpus (`make train`).

    .venv/bin/python scripts/train_events.py [--split train] [--out plugins/conflictwatch/nlp/models]

Two logistic models (scikit-learn, liblinear, fixed seed), saved as JSON weights:

1. place_model.json: is this place of the sentence the event's location? One example per
   (candidate event, usable place option) in sentences that tell a gold incident; positive when
   the option names the location (or an alternative) of a gold incident the sentence tells.
2. event_model.json: is an assembled event (with the place model applied) an incident of the
   article? Positive when it matches a gold incident by the evaluation's rule (same place, day).

Each threshold is chosen by 5-fold cross-validation on the training split (the F1 of the
positive class, over a grid); the weights are then fitted on the whole split. The same corpus
and code give the same files (features sorted, seeds fixed). The test split is never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from conflictwatch.corpus import load_split, run_nlp
from conflictwatch.evaluate import actor_set, dates_compatible, find_spans, gold_date, place_similarity
from conflictwatch.nlp.events import arguments as args_mod
from conflictwatch.nlp.events import assemble as asm
from conflictwatch.nlp.events import perpetrators as perps
from conflictwatch.nlp.events.component import EventCoder
from conflictwatch.nlp.events.features import event_features, type_features
from conflictwatch.nlp.events.models import MODELS_DIR

SEED = 13
C_GRID = (0.1, 0.3, 1.0, 3.0)


def gold_spans(text: str, g: dict) -> list[tuple[int, int]]:
    out = []
    for ev in [g.get("evidence"), *(g.get("also_evidence") or [])]:
        out += find_spans(text, ev)
    return out


def names_of(g: dict) -> list[str]:
    return [g.get("location"), *list(g.get("location_alternatives") or [])]


def place_examples(pairs, coder: EventCoder):
    X, y = [], []
    for article, doc in pairs:
        golds = (article.gold or {}).get("incidents") or []
        spans = [gold_spans(doc.text, g) for g in golds]
        for cand in coder.candidates(doc, doc._.cw_document):
            told = [g for g, sp in zip(golds, spans, strict=True)
                    if any(cand.sent.start_char < e and s < cand.sent.end_char for s, e in sp)]
            if not told:
                continue
            told = _by_count(cand, told)
            for opt in cand.place_options:
                if not args_mod.usable(opt):
                    continue
                hit = any(place_similarity(n, opt.mention.text) > 0 for g in told for n in names_of(g)[:1])
                hit = hit or any(place_similarity(n, opt.mention.text) > 0 for g in told for n in names_of(g)[1:])
                X.append(opt.features)
                y.append(1 if hit else 0)
    return X, np.array(y)


def _by_count(cand, told: list[dict]) -> list[dict]:
    """Of the gold incidents a sentence tells, those whose figures are the candidate's own: in
    "one was killed in X while two were killed in Y" X is the place of the count one only."""
    if len(told) < 2:
        return told
    mine = {(t.role, t.value) for t in cand.tolls if t.value is not None}
    same = [g for g in told if ("killed", g.get("killed")) in mine or ("injured", g.get("injured")) in mine]
    return same or told


def _match(ev, golds) -> dict | None:
    for g in golds:
        names = names_of(g)
        place = ev.place.text if ev.place is not None else None
        if not any(place_similarity(n, place) > 0 for n in names):
            continue
        gdate, gprec = gold_date(g.get("date"))
        if gdate is None or ev.date is None:
            continue
        if dates_compatible(gdate, g.get("date_precision") or gprec, ev.date, ev.date_precision):
            return g
    return None


def event_examples(pairs, coder: EventCoder):
    X, y = [], []
    for article, doc in pairs:
        golds = (article.gold or {}).get("incidents") or []
        model = doc._.cw_document
        events, _ = coder.assemble(coder.candidates(doc, model), model)
        for ev in events:
            X.append(event_features(ev, model.reference_date))
            y.append(1 if _match(ev, golds) else 0)
    return X, np.array(y)


def type_examples(pairs, coder: EventCoder):
    """(features, gold sub-event type) for every assembled event that matches a gold incident."""
    X, y = [], []
    for article, doc in pairs:
        golds = (article.gold or {}).get("incidents") or []
        model = doc._.cw_document
        cands = coder.candidates(doc, model)
        context = asm.dominant_type(cands)
        events, _ = coder.assemble(cands, model)
        for ev in events:
            g = _match(ev, golds)
            if g is not None and g.get("sub_event_type"):
                X.append(type_features(ev, context))
                y.append(g["sub_event_type"])
    return X, y


def perpetrator_examples(pairs, coder: EventCoder):
    """One example per (event matched to a gold incident, actor the article names)."""
    X, y = [], []
    for article, doc in pairs:
        golds = (article.gold or {}).get("incidents") or []
        model = doc._.cw_document
        actors = doc._.cw_actors
        cands = coder.candidates(doc, model)
        events, _ = coder.assemble(cands, model, asm.claimants(doc.sents, actors))
        for ev in events:
            g = _match(ev, golds)
            if g is None:
                continue
            wanted = actor_set(g.get("perpetrator"))
            for actor_id, mentions in sorted(perps.actor_options(actors).items()):
                X.append(perps.option_features(ev, actor_id, mentions, cands, model.in_headline))
                y.append(1 if actor_set(mentions[0].name) <= wanted and wanted else 0)
    return X, np.array(y)


def fit_classes(X: list[dict], y: list[str], name: str, trained_on: str) -> dict:
    vec = DictVectorizer(sort=True, sparse=False)
    M = vec.fit_transform(X)
    labels = np.array(y)
    best = None
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=SEED)
    rare = {c for c in set(y) if y.count(c) < 3}
    strat = np.array([("rare" if c in rare else c) for c in y])
    for C in C_GRID:
        correct = 0
        for tr, te in folds.split(M, strat):
            clf = LogisticRegression(C=C, random_state=SEED, max_iter=3000)
            clf.fit(M[tr], labels[tr])
            correct += int((clf.predict(M[te]) == labels[te]).sum())
        if best is None or correct > best[0]:
            best = (correct, C)
    correct, C = best
    clf = LogisticRegression(C=C, random_state=SEED, max_iter=3000)
    clf.fit(M, labels)
    names = vec.get_feature_names_out()
    classes = [str(c) for c in clf.classes_]
    weights = {c: {f: round(float(w), 6) for f, w in zip(names, clf.coef_[k], strict=True) if abs(w) > 1e-4}
               for k, c in enumerate(classes)}
    print(f"{name}: {len(y)} examples, {len(classes)} classes, C={C}, cross-validated accuracy={correct / len(y):.3f}")
    return {"name": name, "trained_on": trained_on, "examples": len(y), "C": C, "cv_accuracy": round(correct / len(y), 4),
            "classes": classes, "bias": {c: round(float(b), 6) for c, b in zip(classes, clf.intercept_, strict=True)},
            "weights": {c: dict(sorted(w.items())) for c, w in weights.items()}}


def fit(X: list[dict], y: np.ndarray, name: str, trained_on: str) -> dict:
    vec = DictVectorizer(sort=True, sparse=False)
    M = vec.fit_transform(X)
    best = None
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    for C in C_GRID:
        probs = np.zeros(len(y))
        for tr, te in folds.split(M, y):
            clf = LogisticRegression(C=C, solver="liblinear", random_state=SEED, max_iter=2000)
            clf.fit(M[tr], y[tr])
            probs[te] = clf.predict_proba(M[te])[:, 1]
        for t in np.arange(0.2, 0.81, 0.05):
            pred = probs >= t
            tp = int((pred & (y == 1)).sum())
            f1 = 2 * tp / (pred.sum() + (y == 1).sum()) if pred.sum() + (y == 1).sum() else 0.0
            if best is None or f1 > best[0] + 1e-9:
                best = (f1, C, float(round(t, 2)))
    f1, C, threshold = best
    clf = LogisticRegression(C=C, solver="liblinear", random_state=SEED, max_iter=2000)
    clf.fit(M, y)
    weights = {f: round(float(w), 6) for f, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=True) if abs(w) > 1e-6}
    print(f"{name}: {len(y)} examples ({int(y.sum())} positive), C={C}, threshold={threshold}, cross-validated F1={f1:.3f}")
    return {"name": name, "trained_on": trained_on, "examples": len(y), "positives": int(y.sum()), "C": C,
            "cv_f1": round(f1, 4), "threshold": threshold, "bias": round(float(clf.intercept_[0]), 6),
            "weights": dict(sorted(weights.items()))}


def write(path: Path, model: dict) -> None:
    path.write_text(json.dumps(model, indent=1, sort_keys=False) + "\n", encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="train", choices=("train",))
    ap.add_argument("--out", type=Path, default=MODELS_DIR)
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    pairs = run_nlp(load_split(a.split))
    gold = Path("corpus") / a.split / "gold.yaml"
    digest = hashlib.sha256(gold.read_bytes()).hexdigest()[:12]
    trained_on = f"corpus/{a.split} ({len(pairs)} articles, gold.yaml sha256 {digest})"
    empty = a.out / "_none"
    empty.mkdir(exist_ok=True)
    rules = EventCoder(None, str(empty), 0.6, 0.5)  # no models: the rule scores
    place = fit(*place_examples(pairs, rules), "place", trained_on)
    write(a.out / "place_model.json", place)
    staged = a.out / "_staged"
    staged.mkdir(exist_ok=True)
    write(staged / "place_model.json", place)
    with_place = EventCoder(None, str(staged), 0.6, 0.5)
    write(a.out / "event_model.json", fit(*event_examples(pairs, with_place), "event", trained_on))
    write(a.out / "perpetrator_model.json", fit(*perpetrator_examples(pairs, with_place), "perpetrator", trained_on))
    for folder in (staged, empty):
        for f in folder.glob("*"):
            f.unlink()
        folder.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
