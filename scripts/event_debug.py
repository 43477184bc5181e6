"""Show what the event coder saw in corpus articles, next to their gold (train/dev only).

    .venv/bin/python scripts/event_debug.py dev fakes_1923102855.txt [more files]
    .venv/bin/python scripts/event_debug.py train --first 5
"""

from __future__ import annotations

import argparse
import sys

from conflictwatch.corpus import load_split, run_nlp
from conflictwatch.nlp.events.component import EventCoder


def show(article, doc) -> None:
    model = doc._.cw_document
    print(f"=== {article.file}  reference={model.reference_date} ({model.reference_source}) manifest={article.manifest_date}")
    for f in sorted(doc._.cw_frames, key=lambda f: f.evidence_start_char):
        if not f.frame_type.startswith("casualty"):
            continue
        a = f.attrs
        print(f"  OUT {f.frame_type[9:]:6} {f.sub_event_type or '-':34} {f.location_mention or '-':22} "
              f"{f.date_year}-{f.date_month}-{f.date_day}/{a.get('date_precision')} k={a.get('killed')} i={a.get('injured')} "
              f"perp={a.get('perpetrator_actor_ids')} from={a.get('location_from')} | {f.evidence_text[:90]}")
    for g in (article.gold or {}).get("incidents") or []:
        print(f"  GOLD {g.get('sub_event_type') or '-':40} {g.get('location'):22} {g.get('date')}/{g.get('date_precision')} "
              f"k={g.get('killed')} i={g.get('injured')} perp={g.get('perpetrator')} | {g.get('evidence', '')[:90]}")
    for t in (article.gold or {}).get("tallies") or []:
        print(f"  GOLD tally {t.get('kind')} k={t.get('killed')} | {t.get('evidence', '')[:90]}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("split", choices=("train", "dev"))
    ap.add_argument("files", nargs="*")
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--sentences", action="store_true", help="print every sentence with its candidates")
    args = ap.parse_args()
    arts = load_split(args.split)
    if args.files:
        arts = [a for a in arts if a.file in args.files]
    elif args.first:
        arts = arts[: args.first]
    for article, doc in run_nlp(arts):
        if args.sentences:
            coder = EventCoder(None, None, 0.6)
            for c in coder.candidates(doc, doc._.cw_document):
                opts = ", ".join(f"{o.mention.text}:{o.score:.2f}" for o in c.place_options[:3])
                print(f"  [s{c.sent_index}] {c.anchor.text}/{c.sub_event_type} tolls={[(t.role, t.value) for t in c.tolls]} "
                      f"places={[p.text for p in c.places]} opts=({opts}) perp={[a.name for a in c.perpetrators]} "
                      f"date={c.date.text if c.date else None}")
        show(article, doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
