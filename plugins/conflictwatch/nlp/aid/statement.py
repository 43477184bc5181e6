"""One segment read as a possible aid statement: what it names (crossings, agencies, area,
dates, duration) and how a kind rule turns it into a frame."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from spacy.tokens import Doc

from conflictwatch.nlp.aid.arguments import (
    Crossing,
    agencies_in,
    crossings_in,
    destination,
    document_from_country,
    from_country_of,
)
from conflictwatch.nlp.aid.lexicon import AidLexicon
from conflictwatch.nlp.kit.clauses import Segment, in_title_case
from conflictwatch.nlp.kit.dates import most_specific, statement_dates
from conflictwatch.nlp.kit.durations import Duration, find_duration
from conflictwatch.nlp.kit.frames import Trigger, make_frame, set_date, set_location
from conflictwatch.nlp.kit.mentions import doc_actors, doc_places, place_name, report_date, within
from conflictwatch.nlp.kit.spans import ActorMention, DateMention, PlaceMention, text_of
from conflictwatch.nlp.kit.terms import Hit
from conflictwatch.records import Frame


@dataclass
class DocumentMentions:
    """What the document's other components found, read once per document."""

    doc: Doc
    places: list[PlaceMention]
    dates: list[DateMention]
    actors: list[ActorMention]
    from_country: str | None
    reference: dt.date | None  # the report's date: the day a statement's date counts from

    @classmethod
    def of(cls, doc: Doc, lex: AidLexicon) -> DocumentMentions:
        return cls(doc, doc_places(doc), statement_dates(text_of(doc), doc._.cw_dates),
                   doc_actors(doc, lex.terms["party"]), document_from_country(text_of(doc)), report_date(doc))

    def in_link(self, start: int, end: int) -> bool:
        """Page furniture: in Title Case outside the document's own headline (the headline of another
        article pasted in as a link: "Russian Military Delivers 5 Tonnes of Aid to Hama"), or in a
        "Related ..." list the layout found. (A "Tags" list runs on into the text when the page lost
        its full stops: it is no reason to drop a statement.)"""
        text = text_of(self.doc)
        first_line_end = text.find("\n")
        in_headline = first_line_end < 0 or end <= first_line_end
        if not in_headline and in_title_case(text, start, end):
            return True
        layout = self.doc._.cw_document if Doc.has_extension("cw_document") else None
        spans = layout.debris if layout is not None else []
        return any(s <= start < e and not text.startswith("Tags", s) for s, e in spans)


@dataclass
class Statement:
    """A segment and its arguments; `base` holds the attrs every kind of frame shares."""

    seg: Segment
    mentions: DocumentMentions
    lex: AidLexicon
    crossings: list[Crossing]
    agencies: list[Hit]
    area: PlaceMention | None
    duration: Duration | None
    base: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.seg.text

    @property
    def off(self) -> int:
        return self.seg.start_char

    @property
    def crossing(self) -> Crossing | None:
        return self.crossings[0] if self.crossings else None

    @property
    def agency(self) -> str | None:
        return self.agencies[0].canonical if self.agencies else None

    @property
    def aid_word(self) -> bool:
        return bool(self.lex.terms.first("aid_noun", self.text))

    @property
    def required(self) -> list[tuple[int, int]]:
        return [(self.duration.start, self.duration.end)] if self.duration else []

    def set_area(self, place: PlaceMention) -> None:
        self.area = place
        self.base["to_area"] = place_name(place)

    def finish(self, kind: str, trigger: Trigger, extra: dict, required: list[tuple[int, int]]) -> Frame:
        """The frame of this statement: evidence around the trigger and `required`, the crossing
        (else the area) as its place, the most specific date inside the evidence (else the segment)."""
        frame = make_frame(self.seg, "aid_flow", trigger, required, {"kind": kind, **self.base, **extra})
        where = self.crossing or self.area
        if isinstance(where, Crossing):
            set_location(frame, where.text, where.location_id, where.start)
        elif where is not None:
            set_location(frame, where.text, where.location_id, where.start_char)
        dates = self.mentions.dates
        inside = within(dates, frame.evidence_start_char, frame.evidence_end_char)
        set_date(frame, most_specific(inside or within(dates, self.seg.start_char, self.seg.end_char)),
                 self.mentions.reference)
        return frame


def read_statement(seg: Segment, mentions: DocumentMentions, lex: AidLexicon) -> Statement:
    crossings = crossings_in(seg, mentions.places, lex)
    crossing = crossings[0] if crossings else None
    area = destination(seg, mentions.places, [(c.start, c.end) for c in crossings], lex)
    from_country = from_country_of(seg, lex) or (crossing.from_country if crossing else None)
    if crossing and not from_country:
        from_country = mentions.from_country
    st = Statement(seg, mentions, lex, crossings, agencies_in(seg, lex), area, find_duration(seg.text, seg.start_char))
    st.base = {
        "crossing_mention": crossing.text if crossing else None,
        "crossing_name": crossing.name if crossing else None,
        "crossing_id": crossing.location_id if crossing else None,
        "from_country": from_country,
        "to_area": place_name(area) if area else (crossing.admin1 if crossing else None),
        "agency": st.agency,
    }
    if st.duration:
        st.base.update({"duration_days": st.duration.days, "duration_text": st.duration.text,
                        "duration_months": st.duration.months})
    return st
