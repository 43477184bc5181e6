"""What the project's spaCy components find, kept on `Doc._` for the components after them.

Order in the pipeline: places -> actors -> dates -> casualties -> aid -> ceasefires. Each
component reads the mentions of those before it and never re-parses what they found.
All offsets are character offsets into `doc.text` (the document's text).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span


@dataclass
class PlaceMention:
    start_char: int
    end_char: int
    text: str  # as the text writes it
    kind: str  # community | neighbourhood | admin3 | admin2 | admin1 | country | region | road | crossing
    location_id: str | None = None  # id in include/reference/places.csv (None: unresolved)
    name: str | None = None  # the gazetteer's canonical name
    admin1: str | None = None
    admin2: str | None = None
    admin1_hint: str | None = None  # the governorate the text ties it to ("Idlib's Bara")
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None  # 1 exact place, 2 near/part of place, 3 admin centroid
    # How sure the places component is that this is a place (docs/places.md, "Confidence"):
    # high | medium | low. The component is recall-oriented: it keeps doubtful names and says so here.
    confidence: str = "high"
    # What made it a place: name (a multi-word or admin/curated name needs nothing else) | cue (a
    # preposition, verb or noun that takes places: "in", "shelled", "the fall of") | list (in a list
    # or run of places) | ner (spaCy GPE/LOC/FAC) | governorate (its governorate is the one the
    # sentence names) | settlement ("the village of X", "X neighbourhood") | toponym ("Kafr X") |
    # discourse (the article placed the same name elsewhere with evidence) |
    # facility ("X airport", "Division 17")
    evidence: str | None = None
    # The mention names a facility or landmark at or of the place ("Nairab military airport",
    # "Castello road", "the citadel"): airport | airbase | base | road | street | junction | square |
    # bridge | dam | mosque | church | shrine | hospital | school | university | prison | stadium |
    # factory | field | mountain | desert | farms | camp | checkpoint | station | park | citadel |
    # crossing | old city. None for plain place names.
    facility: str | None = None


KM_PER_DEGREE = 111.0
COS_SYRIA = 0.81  # cos(36 deg): a degree of longitude at Syria's latitudes, within 3% from Daraa to Qamishli


def km_apart(a, b) -> float | None:
    """Kilometres between two things with a latitude and a longitude (places, mentions), on a flat
    map of Syria; None when either has no point."""
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    dy = (a.latitude - b.latitude) * KM_PER_DEGREE
    dx = (a.longitude - b.longitude) * KM_PER_DEGREE * COS_SYRIA
    return (dx * dx + dy * dy) ** 0.5


@dataclass
class ActorMention:
    start_char: int
    end_char: int
    text: str
    actor_id: str  # id in include/reference/actors.csv
    name: str  # canonical name ("Syrian government forces")
    role: str  # perpetrator | source | victim | party  (the dictionary's default role)


@dataclass
class DateMention:
    start_char: int
    end_char: int
    text: str
    kind: str  # absolute | month_day | month | year | weekday | relative
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # ISO Monday=1 .. Sunday=7
    offset_days: int | None = None  # relative: -1 yesterday, 0 today, -7 last week
    precision: str = "day"  # day | week | month | year


@dataclass
class NumberMention:
    start_char: int
    end_char: int
    text: str
    value: int | None  # best value (ACLED conventions for vague words: several=3, dozens=12, ...)
    low: int | None = None
    high: int | None = None
    vague: bool = False  # "dozens", "scores of": not an exact count
    qualifier: str | None = None  # at least | more than | over | up to | around | nearly ...
    extra: dict = field(default_factory=dict)


EXTENSIONS = {
    "cw_places": list,  # list[PlaceMention]
    "cw_actors": list,  # list[ActorMention]
    "cw_dates": list,  # list[DateMention]
    "cw_frames": list,  # list[conflictwatch.records.Frame] (document_id filled in by the pipeline)
}


def register_extensions() -> None:
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def get_list(doc: Doc, name: str) -> list:
    """The extension's list, created on first use (spaCy defaults must be immutable)."""
    value = getattr(doc._, name)
    if value is None:
        value = []
        setattr(doc._, name, value)
    return value


register_extensions()


def text_of(doc: Doc) -> str:
    """The document's text, built once: spaCy's `Doc.text` joins every token on each read, which
    is quadratic when a component reads it per mention."""
    text = doc.user_data.get("cw_text")
    if text is None:
        text = doc.user_data["cw_text"] = doc.text
    return text


class Sentence(Span):
    """A sentence whose `text` is sliced from the document's text (`text_of`) and kept on first read:
    spaCy's `Span.text` builds a Token per word and joins them on every read, and the event coder
    reads each sentence's text dozens of times (per count, per candidate, per event). The same
    string: a span's text runs from its first token's start to its last token's end."""

    @property
    def text(self) -> str:
        cache = self.__dict__
        text = cache.get("cw_text")
        if text is None:
            text = cache["cw_text"] = text_of(self.doc)[self.start_char : self.end_char]
        return text


def sentences(doc: Doc) -> list[Sentence]:
    """`doc.sents` as Sentence spans (same boundaries and label)."""
    return [Sentence(doc, s.start, s.end, label=s.label) for s in doc.sents]
