"""Compact delivery clauses: GIVER? VERB (N UNIT of)? AID (to PLACE)? ("WFP Delivers 40 Tonnes of
Food Aid to Deraa"). A run-on sentence (a string of headlines that lost its punctuation) holds
several: each is its own frame, its evidence the clause alone."""

from __future__ import annotations

import re

from conflictwatch.nlp.aid.arguments import negated
from conflictwatch.nlp.aid.lexicon import AidLexicon
from conflictwatch.nlp.aid.statement import DocumentMentions
from conflictwatch.nlp.kit.clauses import Segment, at_least_words
from conflictwatch.nlp.kit.dates import most_specific
from conflictwatch.nlp.kit.frames import make_frame, set_date, set_evidence, set_location
from conflictwatch.nlp.kit.mentions import place_name
from conflictwatch.nlp.kit.numbers import as_int, exact_counts
from conflictwatch.nlp.kit.spans import PlaceMention, text_of
from conflictwatch.records import Frame

_DEST_LEAD_RE = re.compile(r"^(?:(?:Syria(?:s|'s|’s)?|Syrian|the|besieged|rebel-held|opposition-held|\w+ern)\s+)+", re.I)


def compact_deliveries(seg: Segment, mentions: DocumentMentions, lex: AidLexicon) -> list[Frame]:
    out = []
    for m in lex.compact.finditer(seg.text):
        frame = _clause_frame(seg, m, mentions, lex)
        if frame is not None:
            out.append(frame)
    return out


def _is_intention(seg: Segment, m: re.Match, lex: AidLexicon) -> bool:
    """"to send aid", "plans to deliver" (not "managed to deliver"); a bare "sent relief"; a convoy
    described by what it carried ("a convoy delivering aid ... was hit": no delivery is stated)."""
    v0 = m.start() + seg.start_char
    before = text_of(seg.doc)[max(seg.start_char, v0 - 30):v0]
    if m.group("verb").lower().endswith("ing") and lex.terms.ends("convoy_noun", before):
        return True
    if lex.terms.first("purpose_before", before) and not lex.terms.first("success_before", before):
        return True
    return lex.terms.matches("loose_send_verb", m.group("verb")) and not (m.group("qty") or m.group("dest"))


def _giver(seg: Segment, v0: int, mentions: DocumentMentions, lex: AidLexicon) -> tuple[int, int, str] | None:
    """The agency or actor right before the verb (auxiliaries and "managed to" may stand between)."""
    agencies = lex.terms.find("agency", seg.text, seg.start_char)
    cands = [(a.start, a.end, a.canonical) for a in agencies if a.end <= v0] + \
            [(a.start_char, a.end_char, a.name) for a in mentions.actors if a.end_char <= v0 and seg.start_char <= a.start_char]
    for s0, e0, name in sorted(cands, key=lambda c: -c[1]):
        return (s0, e0, name) if lex.terms.matches("giver_gap", text_of(seg.doc)[e0:v0].lstrip()) else None
    return None


def _destination(seg: Segment, m: re.Match, places: list[PlaceMention]) -> tuple[PlaceMention | None, str | None]:
    """The gazetteer's place after to/into, else the capitalised name as written."""
    if not m.group("dest"):
        return None, None
    ds, de = m.start("dest") + seg.start_char, m.end("dest") + seg.start_char
    dest = next((p for p in places if ds <= p.start_char < de and p.kind not in ("country",)), None)
    if dest is not None:
        return dest, None
    name = _DEST_LEAD_RE.sub("", m.group("dest"))
    return None, name if name[:1].isupper() else None  # "to civilians" names no place


def _clause_frame(seg: Segment, m: re.Match, mentions: DocumentMentions, lex: AidLexicon) -> Frame | None:
    if _is_intention(seg, m, lex):
        return None
    qty = None
    if m.group("qty"):
        counts = exact_counts(m.group("qty"))
        if not counts:
            return None
        qty = as_int(counts[0].value)
    off = seg.start_char
    v0 = m.start() + off
    giver = _giver(seg, v0, mentions, lex)
    dest, dest_text = _destination(seg, m, mentions.places)
    end = max(m.end() + off, dest.end_char) if dest is not None else m.end() + off  # "Hama Province" runs on
    start = giver[0] if giver else v0
    neg = negated(seg.text, m.start(), lex)
    attrs = {
        "kind": "interruption" if neg else "delivery",
        "status": "interrupted" if neg else None,
        "agency": giver[2] if giver else None,
        "quantity": qty,
        "unit": lex.terms.canonical("unit", m.group("unit")) if m.group("unit") else None,
        "to_area": place_name(dest) if dest else dest_text,
    }
    frame = make_frame(seg, "aid_flow", (v0, m.end("verb") + off, m.group("verb")), [(start, end)], attrs)
    # the clause alone (a run-on sentence holds several), five words at least
    set_evidence(frame, text_of(seg.doc), at_least_words(text_of(seg.doc), seg.start_char, start, end), end)
    if dest is not None:
        set_location(frame, dest.text, dest.location_id, dest.start_char)
    near = [d for d in mentions.dates if off <= d.start_char < seg.end_char
            and (start <= d.start_char < end or 0 <= d.start_char - end < 40)]
    set_date(frame, most_specific(near), mentions.reference)
    return frame
