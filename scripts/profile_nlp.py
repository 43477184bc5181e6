"""CPU seconds per NLP component against the bare spaCy model, on the annotated corpus.

    .venv/bin/python scripts/profile_nlp.py [--splits train,dev] [--repeat 3] [--cprofile NAME]

Loads the pipeline as the ingest does (`load_nlp(settings.spacy_model, settings.reference_dir)`,
docs made by `make_doc`), then runs it one component at a time over all the texts, in batches
of 32 as `annotate` does (`proc.pipe` where a component has one, else one doc at a time),
timing each with `time.process_time` (this process's CPU, so other jobs on the machine count
less than in wall time). The model's time is the tokenizer plus spaCy's own components; the
own time is the layout component and the conflictwatch_* components. In each round the bare
model (`spacy.load(model)`, `nlp.pipe` on the same texts, no components of ours) is timed
too, just before. Prints the median of the rounds and the ratio
(bare model + own) / bare model. `--cprofile NAME` also profiles one component (or `own`).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import time

from conflictwatch.config import get_settings
from conflictwatch.corpus import CORPUS_DIR, load_split
from conflictwatch.nlp.pipeline import load_nlp, make_doc

BATCH = 32
SEEDS_DIR = CORPUS_DIR.parent / "include"


def documents(splits: list[str]):
    out = []
    for split in splits:
        arts = load_split("seeds", SEEDS_DIR) if split == "seeds" else load_split(split)
        out.extend(a.document() for a in arts)
    return out


def batches(items, size=BATCH):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def run_component(proc, docs):
    if hasattr(proc, "pipe"):
        return [d for b in batches(docs) for d in proc.pipe(b, batch_size=BATCH)]
    return [proc(d) for d in docs]


def time_pipeline(nlp, docs_in, profile: cProfile.Profile | None, profiled: str | None) -> dict[str, float]:
    times = {}
    gc.collect()
    t = time.process_time()
    docs = [make_doc(nlp, d) for d in docs_in]
    times["tokenizer"] = time.process_time() - t
    for name, proc in nlp.pipeline:
        on = profile is not None and (profiled == name or (profiled == "own" and is_own(name)))
        if on:
            profile.enable()
        t = time.process_time()
        docs = run_component(proc, docs)
        times[name] = time.process_time() - t
        if on:
            profile.disable()
    return times


def time_bare(bare, texts) -> float:
    gc.collect()
    t = time.process_time()
    for _ in bare.pipe(texts, batch_size=BATCH):
        pass
    return time.process_time() - t


def is_own(name: str) -> bool:
    return name.startswith("conflictwatch_")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--splits", default="train,dev", help="comma-separated: train, dev, test, seeds")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-bare", action="store_true", help="skip the separate bare-model run")
    ap.add_argument("--cprofile", metavar="NAME", help="a component name, or 'own' for all of ours")
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args()

    settings = get_settings()
    nlp = load_nlp(settings.spacy_model, str(settings.reference_dir))
    docs_in = documents(args.splits.split(","))
    texts = [d.text for d in docs_in]
    bare = None
    if not args.no_bare:
        import spacy

        bare = spacy.load(settings.spacy_model)
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} documents, {words:,} words ({args.splits}); model {settings.spacy_model}; "
          f"{args.repeat} round(s), CPU seconds (time.process_time), median")
    run_nlp_once = [make_doc(nlp, d) for d in docs_in[:2]]
    list(nlp.pipe(run_nlp_once))  # warm-up: lazy loads happen outside the timings
    if bare is not None:
        list(bare.pipe(texts[:2]))

    profile = cProfile.Profile() if args.cprofile else None
    rounds: list[dict[str, float]] = []
    for _ in range(args.repeat):
        times = {}
        if bare is not None:
            times["bare model (separate run)"] = time_bare(bare, texts)
        times.update(time_pipeline(nlp, docs_in, profile, args.cprofile))
        rounds.append(times)

    med = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
    model = sum(v for k, v in med.items() if k != "bare model (separate run)" and not is_own(k))
    own = sum(v for k, v in med.items() if is_own(k))
    width = max(len(k) for k in med)
    for k, v in med.items():
        share = f"{100 * v / own:5.1f}% of own" if is_own(k) else ""
        runs = " ".join(f"{r[k]:.2f}" for r in rounds)
        print(f"  {k:<{width}} {v:7.2f} s  {share:<13} [{runs}]")
    print(f"  {'model in the pipeline':<{width}} {model:7.2f} s")
    print(f"  {'own components':<{width}} {own:7.2f} s  ({100 * own / model:.1f}% on top of the model)")
    print(f"ratio (model + own) / model, model timed in the pipeline: {(model + own) / model:.3f}")
    if bare is not None:
        b = med["bare model (separate run)"]
        print(f"ratio (bare + own) / bare, bare model timed alone:      {(b + own) / b:.3f}")
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
