"""Events and tallies as the frames the warehouse keeps (records.Frame), evidence spans exact."""

from __future__ import annotations

from spacy.tokens import Doc

from conflictwatch.nlp.events.assemble import Event
from conflictwatch.nlp.events.lexicon import EVENT_TYPE_OF
from conflictwatch.nlp.kit.spans import text_of
from conflictwatch.records import Frame

COUNT_FIELDS = ("killed", "killed_low", "killed_high", "injured", "injured_low", "injured_high",
                "killed_children", "killed_women", "injured_children", "injured_women")


def evidence_span(doc: Doc, ev: Event) -> tuple[int, int]:
    sent = ev.main.sent
    text = text_of(doc)
    start, end = sent.start_char, sent.end_char
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _base(doc: Doc, ev: Event, frame_type: str) -> Frame:
    start, end = evidence_span(doc, ev)
    c = ev.main
    perps = ev.perpetrators if ev.perpetrators is not None else c.perpetrators
    trigger = c.triggers[0] if c.triggers else None
    frame = Frame(
        document_id="",
        frame_type=frame_type,
        frame_index=0,
        sentence_index=c.sent_index,
        evidence_text=text_of(doc)[start:end],
        evidence_start_char=start,
        evidence_end_char=end,
        trigger=doc[trigger.start : trigger.end].text if trigger else None,
        event_type=EVENT_TYPE_OF.get(ev.sub_event_type) if ev.sub_event_type else None,
        sub_event_type=ev.sub_event_type,
        perpetrator_mention=perps[0].text if perps else None,
        perpetrator_actor_id=perps[0].actor_id if perps else None,
    )
    if ev.place is not None:
        frame.location_mention = ev.place.text
        frame.location_id = ev.place.location_id
        frame.location_admin1_hint = ev.place.admin1_hint
        frame.location_start_char = ev.place.start_char
    if ev.date is not None:
        frame.date_kind = "absolute"
        frame.date_year, frame.date_month, frame.date_day = ev.date.year, ev.date.month, ev.date.day
        frame.date_text = ev.date_text
    elif ev.date_mention is not None:  # no report date known: the parts, for dbt to resolve
        m = ev.date_mention
        frame.date_kind, frame.date_text = m.kind, m.text
        frame.date_year, frame.date_month, frame.date_day = m.year, m.month, m.day
        frame.date_weekday, frame.date_offset_days = m.weekday, m.offset_days
    attrs = {k: getattr(ev, k) for k in COUNT_FIELDS}  # every count key, null where the text gives none
    if ev.displaced is not None:
        attrs["displaced"] = ev.displaced
    for role in ("killed", "injured"):
        if getattr(ev, role + "_vague"):
            attrs[role + "_vague"] = True
            attrs[role + "_vague_text"] = getattr(ev, role + "_vague")
    if ev.date is not None:
        attrs["date_precision"] = ev.date_precision
    if perps:
        attrs["perpetrator_actor_ids"] = [a.actor_id for a in perps]
    if c.targets:
        attrs["target_actor_ids"] = [a.actor_id for a in c.targets]
    if c.sources:
        attrs["reporting_source"] = c.sources[0].actor_id
    if ev.place is not None and ev.place.geo_precision:
        attrs["geo_precision"] = ev.place.geo_precision
    attrs["location_from"] = ev.place_from
    if ev.divided_among:
        attrs["count_divided_among"] = ev.divided_among
        attrs["count_as_reported"] = ev.as_reported  # {"killed": n, "injured": m} before the division
    if ev.told:
        attrs["restated_in"] = sorted({(t.sent.start_char, t.sent.end_char) for t in ev.told})
    attrs["coder"] = "events_v1"
    frame.attrs = attrs
    return frame


def event_frame(doc: Doc, ev: Event) -> Frame:
    return _base(doc, ev, "casualty_event")


def tally_frame(doc: Doc, ev: Event) -> Frame:
    frame = _base(doc, ev, "casualty_tally")
    frame.attrs["scope"] = ev.scope or "period"
    return frame
