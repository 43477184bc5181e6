"""How many gold incident locations the places component finds as mentions (train/dev only).

    .venv/bin/python scripts/place_recall.py train
"""
import collections,sys
from conflictwatch.corpus import load_split, run_nlp
from conflictwatch.evaluate import place_similarity, find_spans
miss=[];n=0;found=0
for art, doc in run_nlp(load_split(sys.argv[1])):
    places=doc._.cw_places
    for g in (art.gold or {}).get("incidents") or []:
        n+=1
        names=[g.get('location')]+list(g.get('location_alternatives') or [])
        if any(place_similarity(nm,p.text)>0 for p in places for nm in names[:1]): found+=1
        else:
            # is the gold location string in text?
            intext = bool(find_spans(doc.text, g.get('location')))
            miss.append((art.file, g.get('location'), intext, [p.text for p in places][:8]))
print(found, n, found/n)
c=collections.Counter(m[2] for m in miss); print(c)
for m in miss[:70]: print(m)
