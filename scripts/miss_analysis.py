"""Why gold incidents are missed: for each, what the coder made of the sentences that tell it (train/dev only)."""

from __future__ import annotations

import collections
import sys

from conflictwatch.corpus import load_split, run_nlp
from conflictwatch.evaluate import find_spans, place_similarity
from conflictwatch.nlp.events.component import EventCoder


def spans(text, g):
    out = []
    for ev in [g.get("evidence"), *(g.get("also_evidence") or [])]:
        out += find_spans(text, ev)
    return out


def main(split: str, show: str | None = None) -> None:
    coder = EventCoder(None, None, 0.6)
    reasons = collections.Counter()
    examples = collections.defaultdict(list)
    for art, doc in run_nlp(load_split(split)):
        coded = coder.code(doc)
        cands, events = coded.candidates, coded.events
        for g in (art.gold or {}).get("incidents") or []:
            sp = spans(doc.text, g)
            hit = [e for e in events if place_similarity(g.get("location"), e.place.text if e.place else None) > 0
                   or any(place_similarity(a, e.place.text if e.place else None) > 0 for a in g.get("location_alternatives") or [])]
            if hit:
                reasons["place_found"] += 1
                continue
            cs = [c for c in cands if any(c.sent.start_char < e and s < c.sent.end_char for s, e in sp)]
            if not cs:
                r = "no_candidate"
            elif all(c.role != "event" for c in cs):
                r = "role:" + "/".join(sorted({c.role for c in cs}))
            elif not any(c.places for c in cs if c.role == "event"):
                r = "no_place_in_sentence"
            else:
                r = "wrong_place"
            reasons[r] += 1
            examples[r].append(f"{art.file} {g.get('location')} | {g.get('evidence','')[:100]} | "
                               + "; ".join(f"{c.anchor.text}/{c.role}/{[p.text for p in c.places]}" for c in cs[:3]))
    total = sum(reasons.values())
    for r, n in reasons.most_common():
        print(f"{r:28} {n:4} {n / total:.2f}")
    if show:
        for line in examples[show][:40]:
            print("  ", line)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
