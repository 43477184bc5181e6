"""The governorate of an event place the gazetteer could not resolve, read as a coder reads it.

In order: the governorate the text ties the mention to ("in Idlib's countryside"), the
governorate of a resolved place in the same sentence, else the article's own governorate (the
one its resolved Syrian places mostly lie in, the headline's counting double). dbt keeps a
resolved place's own governorate whatever this says.
"""

from __future__ import annotations

from collections import Counter

from conflictwatch.nlp.kit.spans import PlaceMention

ADMIN1_NAMES = {"Aleppo", "Idlib", "Hama", "Homs", "Latakia", "Tartus", "Damascus", "Rural Damascus", "Daraa",
                "Quneitra", "As-Suwayda", "Deir ez-Zor", "Raqqa", "Hasakah"}


def admin1_of(p: PlaceMention) -> str | None:
    if p.admin1:
        return p.admin1
    if p.kind == "admin1" and p.name:
        return p.name
    return None


def document_admin1(places: list[PlaceMention], in_headline) -> str | None:
    votes: Counter[str] = Counter()
    for p in places:
        a = admin1_of(p)
        if a and p.kind not in ("country",):
            votes[a] += 2 if in_headline(p.start_char, p.end_char) else 1
    if not votes:
        return None
    (best, n), *rest = [*votes.most_common(2), (None, 0)]
    return best if n > rest[0][1] else None


def fill_admin1(place: PlaceMention, sentence_places: list[PlaceMention], fallback: str | None) -> PlaceMention:
    """The mention with an admin1 hint when it has no governorate of its own."""
    if admin1_of(place) or place.admin1_hint:
        return place
    near = sorted((p for p in sentence_places if admin1_of(p) and p is not place),
                  key=lambda p: abs(p.start_char - place.start_char))
    hint = admin1_of(near[0]) if near else fallback
    if hint is None:
        return place
    return PlaceMention(place.start_char, place.end_char, place.text, place.kind, place.location_id, place.name,
                        place.admin1, place.admin2, hint, place.latitude, place.longitude, place.geo_precision)
