"""Dump everything the NLP stage produces for a set of texts, to check a change leaves it unchanged.

    .venv/bin/python scripts/dump_nlp_outputs.py data/nlp-before.json [--splits train,dev,seeds]
    .venv/bin/python scripts/dump_nlp_outputs.py data/nlp-after.json --compare data/nlp-before.json

Per document, in pipeline order: every field of every frame on doc._.cw_frames (type, evidence
offsets and text, attrs, ...), every field of cw_places, cw_actors and cw_dates, the sentence
boundaries, the dateline, and the Annotation the ingest writes (`doc_to_annotation`). The docs
are made and tagged as the ingest does (`load_nlp`, `make_doc`, `nlp.pipe`). `--compare` exits
1 and names the first differences when the two dumps differ.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from conflictwatch.config import get_settings
from conflictwatch.corpus import CORPUS_DIR, load_split
from conflictwatch.nlp.pipeline import doc_to_annotation, load_nlp, make_doc

SEEDS_DIR = CORPUS_DIR.parent / "include"


def plain(obj):
    """A JSON-able copy (dataclasses as dicts, dates as ISO strings, tuples as lists)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        items = [plain(v) for v in obj]
        return sorted(items, key=repr) if isinstance(obj, (set, frozenset)) else items
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    return repr(obj)


def dump(splits: list[str]) -> dict:
    settings = get_settings()
    nlp = load_nlp(settings.spacy_model, str(settings.reference_dir))
    out = {}
    for split in splits:
        arts = load_split("seeds", SEEDS_DIR) if split == "seeds" else load_split(split)
        documents = [a.document() for a in arts]
        docs = nlp.pipe((make_doc(nlp, d) for d in documents), batch_size=32)
        for art, document, doc in zip(arts, documents, docs, strict=True):
            entry = {
                "frames": plain(doc._.cw_frames or []),
                "places": plain(doc._.cw_places or []),
                "actors": plain(doc._.cw_actors or []),
                "dates": plain(doc._.cw_dates or []),
                "sentences": [(s.start_char, s.end_char) for s in doc.sents],
                "dateline": plain(doc._.cw_document.dateline if doc._.cw_document is not None else None),
            }
            entry["annotation"] = plain(doc_to_annotation(doc, document.document_id))
            out[f"{split}/{art.file}"] = entry
    return out


def differences(a: dict, b: dict, limit: int = 20) -> list[str]:
    diffs = []
    for key in sorted(set(a) | set(b)):
        if key not in a or key not in b:
            diffs.append(f"{key}: only in {'after' if key not in a else 'before'}")
            continue
        for part in a[key]:
            if a[key][part] != b[key].get(part):
                x, y = a[key][part], b[key].get(part)
                detail = ""
                if isinstance(x, list) and isinstance(y, list):
                    i = next((i for i, (p, q) in enumerate(zip(x, y, strict=False)) if p != q), min(len(x), len(y)))
                    detail = f" (lengths {len(x)}/{len(y)}; first difference at {i}: " \
                             f"{x[i] if i < len(x) else None!r} vs {y[i] if i < len(y) else None!r})"
                diffs.append(f"{key}: {part} differs{detail}")
        if len(diffs) >= limit:
            break
    return diffs


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--splits", default="train,dev,seeds")
    ap.add_argument("--compare", type=Path, help="an earlier dump to compare with")
    args = ap.parse_args()
    data = dump(args.splits.split(","))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, sort_keys=True, indent=1), encoding="utf-8")
    n_frames = sum(len(v["frames"]) for v in data.values())
    print(f"{len(data)} documents, {n_frames} frames -> {args.out}")
    if args.compare:
        before = json.loads(args.compare.read_text(encoding="utf-8"))
        diffs = differences(before, json.loads(json.dumps(data)))
        if diffs:
            print("DIFFERENT from", args.compare)
            print("\n".join(diffs))
            return 1
        print("identical to", args.compare)
    return 0


if __name__ == "__main__":
    sys.exit(main())
