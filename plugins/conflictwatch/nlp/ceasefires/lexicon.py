"""The ceasefire component's reference data (include/reference/ceasefire_terms.csv) and the few
structural patterns built around it, and the document it reads (mentions, casualty frames)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from conflictwatch.nlp.kit.clauses import Segment, segments
from conflictwatch.nlp.kit.dates import statement_dates
from conflictwatch.nlp.kit.mentions import doc_actors, doc_places, report_date
from conflictwatch.nlp.kit.numbers import WORD_NUMBER
from conflictwatch.nlp.kit.prefilter import Prefilter
from conflictwatch.nlp.kit.spans import ActorMention, DateMention, PlaceMention, get_list, text_of
from conflictwatch.nlp.kit.terms import Lexicon
from conflictwatch.records import Frame

# "Turkish-Russian brokered", "US-Russia": two parties joined by a hyphen
HYPHEN_PAIR_RE = re.compile(
    r"\b(Turkey|Russia|Turkish|Russian|US|U\.S\.|Iran|Iranian)[- ](Russia|Russian|Turkish|Turkey|Iran|Iranian|US|U\.S\.)"
    r"(?:n)?[- ](?:brokered|backed|sponsored|agreed|mediated)?", re.IGNORECASE)
COUNTRY_OF = {"turkey": "Turkey", "turkish": "Turkey", "russia": "Russia", "russian": "Russia", "us": "United States",
              "u.s.": "United States", "iran": "Iran", "iranian": "Iran"}
# "violated the truce at least 300 times", "800 violations"
TIMES_RE = re.compile(
    r"\b(?P<n>(?:(?:at least|more than|over|nearly|almost|around|about|some|no fewer than|no less than)\s+)?"
    r"(?:\d{1,3}(?:,\d{3})+|\d+|" + WORD_NUMBER + r"))\s+(?:times|violations|breaches)\b",
    re.IGNORECASE,
)
ZONE_RE = re.compile(r"(de-?escalation|cease-?\s?fire|truce) (?:zone|area)s?", re.IGNORECASE)
# An organisation that reports ("the Syrian Network for Human Rights", "Civil Defence")
SOURCE_ORG_RE = re.compile(r"\b(?:Syria(?:'s|’s)\s+)?((?:[A-Z][\w'’-]+\s+){1,4}(?:Group|Observatory|Network|Defen[cs]e|Helmets"
                           r"|Council|Agency|Center|Centre|Office|Ministry|Committee|Monitor))\b")
EXPLICIT_NAME_RE = re.compile(r"\b((?:[A-Z][\w'’-]+\s+){1,4}(?:Agreement|Memorandum|Accord|Protocol|Deal|Truce|Ceasefire))\b")
VENUES = ("Sochi", "Astana")


def modifier_pattern(lex: Lexicon) -> str:
    """"regime allies", "rebel backer": a modifier before a party (regex piece)."""
    return r"(?:(?:" + alternation(lex, "modifier_word") + r")\s+(?:" + alternation(lex, "modifier_head") + r")\s+)"


def alternation(lex: Lexicon, *categories: str) -> str:
    """The patterns of the categories as one regex alternation."""
    return "|".join(t.regex.pattern for c in categories for t in lex[c])


def made_by_re(lex: Lexicon) -> re.Pattern:
    """"a truce brokered by X", "agreed upon by X" right after the mention: it says who made it."""
    return re.compile(r"\S*\s+(?:[\w-]+\s+){0,2}?(?:" + alternation(lex, "by_broker", "by_party") + ")", re.I)


@dataclass
class CeasefireDocument:
    """One document as the ceasefire rules read it."""

    doc: Doc
    lex: Lexicon
    segs: list[Segment]
    actors: list[ActorMention]
    dates: list[DateMention]
    places: list[PlaceMention]
    counts: list[Frame]  # the event coder's casualty_event and casualty_tally frames
    reference: dt.date | None = None  # the report's date (dateline, else manifest): relative dates count from it

    @classmethod
    def of(cls, doc: Doc, lex: Lexicon, segs: list[Segment] | None = None) -> CeasefireDocument:
        counts = [f for f in get_list(doc, "cw_frames") if f.frame_type in ("casualty_event", "casualty_tally")]
        return cls(doc, lex, segments(doc) if segs is None else segs, doc_actors(doc, lex["party"]), statement_dates(text_of(doc), doc._.cw_dates),
                   doc_places(doc), counts, report_date(doc))

    def in_headline(self, start: int, end: int) -> bool:
        model = _layout(self.doc)
        return bool(model is not None and model.in_headline(start, end))

    def in_debris(self, start: int) -> bool:
        model = _layout(self.doc)
        return bool(model is not None and model.in_debris(start))

    @property
    def text(self) -> str:
        return text_of(self.doc)

    @property
    def casualties(self) -> list[Frame]:
        return [f for f in self.counts if f.frame_type == "casualty_event"]


def _layout(doc: Doc):
    """The document model (headline, dateline, debris) when the layout component ran."""
    return doc._.cw_document if Doc.has_extension("cw_document") else None


@lru_cache(maxsize=8)
def cue_filter(lex: Lexicon) -> Prefilter:
    """The words without which a segment neither mentions an agreement (`ceasefire_words`: a
    ceasefire word or a venue) nor states a violation explicitly (`violation`)."""
    return Prefilter(t.regex for c in ("agreement", "venue", "violation") for t in lex[c])


def load_lexicon(configured_dir: str | None = None) -> Lexicon:
    return Lexicon.from_reference("ceasefire_terms.csv", configured_dir)
