"""The kinds of aid statement, one rule each, tried in the order of RULES: the first rule that
fires gives the segment's frame (docs/aid_and_ceasefires.md, "Aid flows").

A rule reads a Statement and returns a Frame, None (not this kind), or STOP (no aid flow here,
whatever the later rules would say).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from conflictwatch.nlp.aid.arguments import (
    QUANTITY_UNITS,
    cause_of,
    count_before,
    negated,
    opening_subject,
    previous_destination,
    quantity,
)
from conflictwatch.nlp.aid.lexicon import CROSSING_GENERIC_RE, AidLexicon
from conflictwatch.nlp.aid.statement import Statement
from conflictwatch.nlp.kit.frames import as_trigger
from conflictwatch.nlp.kit.mentions import AREA_KINDS, place_name, unique, within
from conflictwatch.nlp.kit.numbers import PERCENT_RE, as_int, word_value
from conflictwatch.nlp.kit.prefilter import Prefilter
from conflictwatch.nlp.kit.spans import text_of
from conflictwatch.records import Frame

STOP = object()
Rule = Callable[[Statement], "Frame | object | None"]
_UN = ("United Nations", "UN")


def consent(st: Statement) -> Frame | None:
    """"Damascus agreed to allow the UN to use Bab al-Hawa for six months": the state authorises."""
    m = st.lex.terms.first("consent", st.text)
    if not (m and st.crossing and not negated(st.text, m.start(), st.lex) and st.crossing.start >= m.start() + st.off):
        return None
    who = st.lex.terms.first("syrian_government_before", st.text[:m.start()])
    subj = [a for a in within(st.mentions.actors, st.off, m.start() + st.off) if a.name not in _UN]
    if not (who or subj):
        return None
    by = "Syrian government" if who else subj[-1].name
    need = [*st.required, (st.crossing.start, st.crossing.end)]
    need.append((who.start() + st.off, who.end() + st.off) if who else (subj[-1].start_char, subj[-1].end_char))
    if who and st.area is not None and st.area.start_char < m.start() + st.off:
        st.base["to_area"] = st.crossing.admin1  # the consenting capital is no destination
    status = "extended" if re.search(r"\bextend|\brenew", st.text[m.start():], re.I) else "authorised"
    return st.finish("authorisation", as_trigger(m, st.off), {"authorised_by": by, "status": status, "agency": st.agency}, need)


def _lapsed(st: Statement, auth: re.Match) -> bool:
    before = st.text[max(0, auth.start() - 40):auth.start()]
    return negated(st.text, auth.start(), st.lex) or bool(st.lex.terms.first("not_renewed_before", before))


def closure_after_lapse(st: Statement) -> Frame | None:
    """"X was closed ... after the Security Council failed to renew the mechanism": a closure."""
    auth = st.lex.terms.first("auth_verb", st.text)
    closed = st.lex.terms.first("status_closed", st.text)
    if not (auth and st.crossing and closed and closed.start() < auth.start() and _lapsed(st, auth)):
        return None
    need = [*st.required, (st.crossing.start, st.crossing.end)]
    return st.finish("closure", as_trigger(closed, st.off), {"status": "closed", "cause": cause_of(st.text, st.lex)}, need)


def authorisation(st: Statement) -> Frame | None:
    """Security Council / a resolution / a veto + authorise|extend|renew + cross-border, a crossing or aid."""
    terms = st.lex.terms
    auth = terms.first("auth_verb", st.text)
    authoriser = terms.find("authoriser", st.text, st.off)
    resolution = terms.first("resolution", st.text)
    veto = terms.first("veto", st.text)
    if not (auth and (authoriser or resolution or veto) and (st.crossing or terms.first("cross_border", st.text) or st.aid_word)):
        return None
    lapsed = _lapsed(st, auth)
    status = "lapsed" if lapsed else "extended" if re.match(r"exten|renew", auth.group(0), re.I) else "authorised"
    # the most specific verb: "extend its decision authorizing X" -> evidence from "authorizing"
    authorising = [m for m in terms["auth_verb"][0].regex.finditer(st.text) if re.match(r"authori", m.group(0), re.I)]
    trigger = as_trigger(authorising[-1] if authorising else auth, st.off)
    extra = {
        "authorised_by": authoriser[0].canonical if authoriser else "UN Security Council" if veto else None,
        "status": status,
        "resolution": resolution.group("num") if resolution else None,
        "agency": st.agency or ("UN" if (authoriser or resolution) else None),
    }
    need = [*st.required, *([(st.crossing.start, st.crossing.end)] if st.crossing else [])]
    return st.finish("authorisation", trigger, extra, need)


def crossing_opening(st: Statement) -> Frame | None:
    """"opened two new border crossings into north Syria": how many, where, who opened them."""
    m = st.lex.terms.first("opening", st.text)
    if not (m and st.crossings and not negated(st.text, m.start(), st.lex)):
        return None
    after = [c for c in st.crossings if c.start >= m.start() + st.off]
    target = after[0] if after else st.crossings[0]
    count = count_before(text_of(st.seg.doc), target.start, st.off)
    subj = within(st.mentions.actors, st.off, m.start() + st.off) or opening_subject(st.seg, st.mentions.actors)
    extra = {"crossings_count": count if count is not None else (len(after) or None),
             "authorised_by": subj[-1].name if subj else None, "status": "open"}
    need = [*st.required, (target.start, target.end)]
    if st.area and st.area.start_char > target.start:
        need.append((st.area.start_char, st.area.end_char))
    return st.finish("crossing_opening", as_trigger(m, st.off), extra, need)


def _borrow_destination(st: Statement) -> None:
    """"aid has not reached the besieged east": the destination the previous sentence named."""
    if st.area is None:
        prev = previous_destination(st.seg, st.mentions.places, st.lex)
        if prev is not None:
            st.set_area(prev)


def not_reached(st: Statement) -> Frame | None:
    """"no aid has entered X for N days", "aid convoys have been unable to enter X"."""
    m = st.lex.terms.first("not_reached", st.text)
    if m is None:
        return None
    _borrow_destination(st)
    need = [*st.required, *([(st.area.start_char, st.area.end_char)] if st.area else [])]
    extra = {"status": "interrupted", "cause": cause_of(st.text, st.lex), "agency": st.agency}
    return st.finish("interruption", as_trigger(m, st.off), extra, need)


def blocked(st: Statement) -> Frame | None:
    """"UN agencies have been barred from entering X", "the UN decided to suspend all aid convoys"."""
    terms = st.lex.terms
    m = terms.first("blocked", st.text)
    if m is None:
        return None
    _borrow_destination(st)
    before = st.text[:m.start()][-30:]
    if not (st.aid_word or st.agencies) or (terms.first("purpose_before", before) and not terms.first("decided_before", before)):
        return None
    b0 = m.start() + st.off
    givers = [a for a in st.agencies if a.end <= b0]
    after = [p for p in st.mentions.places if m.end() + st.off <= p.start_char < m.end() + st.off + 45
             and p.kind in (*AREA_KINDS, "unresolved")]
    if after:
        st.set_area(after[0])
    extra = {"status": "interrupted", "cause": cause_of(st.text, st.lex),
             "agency": " and ".join(unique([a.canonical for a in givers])) or st.agency}
    need = [*st.required, *[(a.start, a.end) for a in givers]]
    if st.area is not None:
        need.append((st.area.start_char, st.area.end_char))
    return st.finish("interruption", as_trigger(m, st.off), extra, need)


def crossing_status(st: Statement) -> Frame | None:
    """A crossing + aid: closed, interrupted, or (negated, or "remains open") open."""
    terms = st.lex.terms
    if not (st.crossing and (st.aid_word or st.agencies)):
        return None
    closed, interrupted = terms.first("status_closed", st.text), terms.first("status_interrupt", st.text)
    trig = closed or interrupted
    need = [*st.required, (st.crossing.start, st.crossing.end)]
    if trig:
        need += [(d.start_char, d.end_char) for d in within(st.mentions.dates, st.off, st.seg.end_char)
                 if d.start_char > trig.start() + st.off][:1]
        if negated(st.text, trig.start(), st.lex):
            return st.finish("crossing_status", as_trigger(trig, st.off), {"status": "open"}, need)
        kind, status = ("closure", "closed") if closed else ("interruption", "interrupted")
        return st.finish(kind, as_trigger(trig, st.off), {"status": status, "cause": cause_of(st.text, st.lex)}, need)
    is_open = terms.first("status_open", st.text)
    if is_open and abs(is_open.start() + st.off - st.crossing.start) < 60 and st.crossing.name \
            and not terms.first("negation", st.text[:is_open.start()][-25:]):
        return st.finish("crossing_status", as_trigger(is_open, st.off), {"status": "open"}, need)
    return None


def shares(st: Statement) -> Frame | None:
    """"N% of X depend on aid" (dependency), "X received N per cent of all aid" (share_of_aid)."""
    for pm in PERCENT_RE.finditer(st.text):
        pct = word_value(pm.group("n"))
        if pct is None:
            continue
        after = st.text[pm.end():]
        dep = st.lex.terms.first("depends", after)
        if dep and dep.start() < 150:
            return _dependency(st, pm, dep, pct)
        share = st.lex.terms.first("share_of_aid", after.lstrip()) if after.lstrip().lower().startswith("of") else None
        if share and share.start() == 0:
            return _share_of_aid(st, pm, share, pct, len(after) - len(after.lstrip()))
    return None


def _dependency(st: Statement, pm: re.Match, dep: re.Match, pct: float) -> Frame:
    # "75% of X's opposition-held Y region depends on aid": the phrase's head (its last place)
    span_end = pm.end() + dep.start() + st.off
    inside = [p for p in st.mentions.places if pm.end() + st.off <= p.start_char < span_end
              and p.kind in (*AREA_KINDS, "unresolved")]
    if inside:
        st.set_area(inside[-1])
    need = [(pm.start() + st.off, pm.end() + st.off), (span_end, pm.end() + dep.end() + st.off)]
    extra = {"share_pct": as_int(pct), "unit": "percent", "agency": None}
    return st.finish("dependency", (need[1][0], need[1][1], dep.group(0)), extra, need)


def _share_of_aid(st: Statement, pm: re.Match, share: re.Match, pct: float, gap: int) -> Frame:
    since = st.lex.terms.first("since", st.text)
    # the receiving area is the clause's subject, before the percentage
    subj = next((p for p in st.mentions.places if st.off <= p.start_char < pm.start() + st.off
                 and p.kind in (*AREA_KINDS, "unresolved")), None)
    if subj:
        st.set_area(subj)
    need = [(pm.start() + st.off, pm.end() + st.off + gap + share.end())]
    if subj:
        need.append((subj.start_char, subj.end_char))
    if since:
        need.append((since.start() + st.off, since.end() + st.off))
    extra = {"share_pct": as_int(pct), "unit": "percent", "agency": None,
             "period_start_text": since.group(0) if since else None}
    return st.finish("share_of_aid", as_trigger(pm, st.off), extra, need)


def provider(st: Statement) -> Frame | None:
    """"the primary source of aid to X is the UN"."""
    m = st.lex.terms.first("provider", st.text)
    if not (m and st.agencies):
        return None
    ag = min(st.agencies, key=lambda a: abs(a.start - (m.start() + st.off)))
    extra: dict = {"agency": ag.canonical}
    need = [(ag.start, ag.end)]
    dest = re.match(r"\s+(?:to|in|for)\s+((?:[A-Z][\w'’-]*\s?)+)", st.text[m.end():])
    if not st.area and dest:
        extra["to_area"] = dest.group(1).strip()
    if st.area:
        need.append((st.area.start_char, st.area.end_char))
    return st.finish("provider", as_trigger(m, st.off), extra, need)


def arrived_carrier(st: Statement) -> Frame | None:
    """Aid being unloaded, or "trucks carrying aid ... entered X": the aid reached its destination
    (an attack on it afterwards is a separate incident)."""
    terms = st.lex.terms
    unloaded, carrier = terms.first("unloaded", st.text), terms.first("carrier", st.text)
    arrived = terms.first("arrived", st.text, carrier.end()) if carrier else None
    moved = carrier and arrived and not negated(st.text, arrived.start(), st.lex) and not terms.first("stuck", st.text) \
        and not terms.first("purpose_before", st.text[:arrived.start()][-30:])
    if not (unloaded or moved):
        return None
    trig = unloaded or carrier
    qty = quantity(st.text, st.off, st.lex)
    extra = {"status": None, "unit": "trucks" if re.search(r"\b(?:trucks|lorries)\b", trig.group(0), re.I) else None,
             "agency": " and ".join(unique([a.canonical for a in st.agencies])) or None}
    if qty:
        extra.update({"quantity": qty[0], "unit": qty[1]})
    need = [*st.required, as_trigger(trig, st.off)[:2]]
    if arrived and not unloaded:
        need.append(as_trigger(arrived, st.off)[:2])
    if st.area is not None:
        need.append((st.area.start_char, st.area.end_char))
    return st.finish("delivery", as_trigger(trig, st.off), extra, need)


def took_place(st: Statement) -> Frame | None:
    """"Aid deliveries to the suburb have taken place": a delivery (not when negated)."""
    m = st.lex.terms.first("took_place", st.text)
    if m is None:
        return None
    kind, status = ("interruption", "interrupted") if negated(st.text, m.end() - 12, st.lex) else ("delivery", None)
    need = [*st.required, *([(st.area.start_char, st.area.end_char)] if st.area else [])]
    return st.finish(kind, as_trigger(m, st.off), {"status": status}, need)


def received(st: Statement) -> Frame | None:
    """"X received its first shipment of medical aid": a delivery to the receiver (the place
    before the verb, when there is one)."""
    m = st.lex.terms.first("received", st.text)
    if m is None or st.lex.terms.first("purpose_before", st.text[:m.start()][-30:]):
        return None
    receiver = [p for p in st.mentions.places if st.off <= p.start_char < m.start() + st.off
                and p.kind in (*AREA_KINDS, "unresolved") and p.kind != "country"]
    if receiver:
        st.set_area(receiver[-1])
    kind, status = ("interruption", "interrupted") if negated(st.text, m.start(), st.lex) else ("delivery", None)
    need = [*st.required, *([(st.area.start_char, st.area.end_char)] if st.area else [])]
    return st.finish(kind, as_trigger(m, st.off), {"status": status, "agency": st.agency}, need)


def permission(st: Statement) -> Frame | None:
    """"The UN had been granted permission by Syria to send convoys with aid": an authorisation by
    the one who gave it (a country stands for its government)."""
    m = st.lex.terms.first("permission", st.text)
    if m is None or not st.aid_word:
        return None
    at = m.end() + st.off
    giver = next((a.name for a in st.mentions.actors if at <= a.start_char < at + 15), None)
    if giver is None:
        place = next((p for p in st.mentions.places if at <= p.start_char < at + 15 and p.kind == "country"), None)
        giver = f"{place_name(place)}n government" if place is not None and place_name(place) == "Syria" else None
    if giver is None:
        return None
    extra = {"authorised_by": giver, "status": "authorised", "agency": st.agency}
    return st.finish("authorisation", as_trigger(m, st.off), extra, [*st.required])


def attacked_convoy(st: Statement) -> object | None:
    """An attack on a convoy is an incident, not an aid flow."""
    return STOP if st.lex.terms.first("attacked", st.text) else None


def _moved_or_stuck(st: Statement, moved: re.Match | None, convoy: re.Match | None) -> tuple[str, bool]:
    stuck = negated(st.text, (moved or convoy).start(), st.lex) or bool(st.lex.terms.first("stuck", st.text))
    return ("interruption" if stuck else "delivery"), stuck


def quantity_moved(st: Statement) -> Frame | None:
    """"A convoy of 45 trucks carrying food crossed into Idlib": a quantity of aid that moved."""
    terms = st.lex.terms
    qty = quantity(st.text, st.off, st.lex)
    if not (qty and (terms.first("aid_context", st.text) or st.agencies)):
        return None
    moved, convoy = terms.first("delivery_verb", st.text), terms.first("convoy", st.text)
    if not (moved or convoy):
        return None
    value, unit, s, e = qty
    kind, stuck = _moved_or_stuck(st, moved, convoy)
    need = [*st.required, (s, e), *([as_trigger(moved, st.off)[:2]] if moved else [])]
    extra = {"quantity": value, "unit": unit, "status": "interrupted" if stuck else None}
    return st.finish(kind, (s, e, text_of(st.seg.doc)[s:e]), extra, need)


def convoy_moved(st: Statement) -> Frame | None:
    """"A UN aid convoy entered X" (or was not able to: an interruption)."""
    terms = st.lex.terms
    convoy = terms.first("convoy", st.text)
    moved = terms.first("delivery_verb", st.text, convoy.end()) if convoy else None
    if moved is None:
        return None
    if not terms.first("stuck", st.text) and re.search(r"\b(?:to|will|would|could|can|may|might)\s+(?:\w+\s+)?$",
                                                         st.text[max(0, moved.start() - 15):moved.start()], re.I):
        return None  # "to allow convoys to reach X", "are going to enter": a purpose, not a delivery
    kind, stuck = _moved_or_stuck(st, moved, None)
    extra = {"status": "interrupted" if stuck else None, "cause": cause_of(st.text, st.lex) if stuck else None}
    return st.finish(kind, as_trigger(convoy, st.off), extra, [*st.required, as_trigger(moved, st.off)[:2]])


RULES: tuple[Rule, ...] = (
    permission, consent, closure_after_lapse, authorisation, crossing_opening, not_reached, blocked, crossing_status,
    shares, provider, arrived_carrier, took_place, received, attacked_convoy, quantity_moved, convoy_moved,
)


# The term each rule cannot fire without (a rule that needs a crossing may have it from the
# gazetteer instead: see `may_hold_flow`). Keep in step with RULES.
_TRIGGER_CATEGORIES = (
    "permission", "consent", "auth_verb",  # permission, consent; closure_after_lapse, authorisation
    "opening", "not_reached", "blocked", "provider", "took_place", "received",
    "unloaded", "carrier",  # arrived_carrier
    "convoy",  # convoy_moved
)


def trigger_filter(lex: AidLexicon) -> Prefilter:
    """What a segment must hold for a rule, or a compact clause, to give a frame: a trigger term,
    a unit of an aid quantity (quantity_moved), a percentage (shares), a crossing phrase (the
    crossing rules; `crossings_in`), or a compact clause. Built from the lexicon, so a term added
    to a category is covered."""
    terms = lex.terms
    patterns = [t.regex for c in _TRIGGER_CATEGORIES for t in terms[c]]
    patterns += [t.regex for t in terms["unit"] if t.canonical in QUANTITY_UNITS]
    return Prefilter([*patterns, PERCENT_RE, CROSSING_GENERIC_RE, lex.compact])


def may_hold_flow(triggers: Prefilter, text: str, gazetteer_crossing: bool) -> bool:
    """False when no rule of RULES and no compact clause can give a frame for the segment `text`
    (`gazetteer_crossing`: the places component found a crossing in it)."""
    return gazetteer_crossing or triggers.search(text)


def statement_frame(st: Statement) -> Frame | None:
    for rule in RULES:
        out = rule(st)
        if out is STOP:
            return None
        if out is not None:
            return out  # type: ignore[return-value]
    return None


__all__ = ["RULES", "STOP", "may_hold_flow", "place_name", "statement_frame", "trigger_filter"]
