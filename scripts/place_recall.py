"""How many gold incident locations the places component finds as mentions (train/dev only).

    .venv/bin/python scripts/place_recall.py train
"""

from __future__ import annotations

import collections
import sys
import time

from conflictwatch.corpus import load_split, run_nlp
from conflictwatch.evaluate import find_spans, place_similarity


def main(split: str) -> None:
    misses = []
    total = found = 0
    started = time.perf_counter()
    pairs = run_nlp(load_split(split))
    print(f"tagged {len(pairs)} articles in {time.perf_counter() - started:.1f} s")
    for article, doc in pairs:
        places = doc._.cw_places
        for g in (article.gold or {}).get("incidents") or []:
            total += 1
            if any(place_similarity(g.get("location"), p.text) > 0 for p in places):
                found += 1
            else:
                in_text = bool(find_spans(doc.text, g.get("location")))
                misses.append((article.file, g.get("location"), in_text, [p.text for p in places][:8]))
    print(found, total, round(found / total, 3))
    print(collections.Counter(m[2] for m in misses))
    for m in misses[:70]:
        print(m)


if __name__ == "__main__":
    main(sys.argv[1])
