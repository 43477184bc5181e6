"""conflictwatch_ceasefires_v1: ceasefire agreements and their violations.

Two passes over a document: first the agreements (a ceasefire word that is not a mere call,
with an anchor: a name/venue, parties or a date), merged when the text refers to the same
one again; then the violations (explicit "violated", "despite a truce", attacks in a
de-escalation zone), each tied to the agreement the text points at. Rules and limits:
docs/aid_and_ceasefires.md. Shared helpers (numbers, dates, actors, clause spans) live in
nlp/aid.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from conflictwatch.nlp.aid.component import (
    _WORDNUM,
    Term,
    actors_in,
    any_term,
    as_int,
    date_parts,
    dates_in,
    doc_actors,
    doc_dates,
    doc_places,
    find_numbers,
    find_terms,
    load_terms,
    make_frame,
    place_name,
    reference_dir,
    sentences,
    set_date,
    unique,
    word_value,
)
from conflictwatch.nlp.kit.spans import ActorMention, DateMention, get_list
from conflictwatch.nlp.mentions.actors import BROKERS_BEFORE
from conflictwatch.records import Frame

DEFINITE = re.compile(r"\b(?:the|this|that|its|latest|current|existing|ongoing|fragile)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
INDEFINITE = re.compile(r"\b(?:a|an|new|previous|earlier|another|first|second)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
BETWEEN = re.compile(r"\bbetween\s+", re.IGNORECASE)
BY_BROKER = re.compile(r"\b(?:brokered|mediated|sponsored|guaranteed|negotiated)\s+by\s+", re.IGNORECASE)
BY_PARTY = re.compile(r"\b(?:agreed|signed|endorsed|reached|forged|announced|declared|backed)\s+(?:up)?on\s+by\s+|\b(?:agreed|signed|endorsed|reached|forged|declared)\s+by\s+", re.IGNORECASE)
PARTY_VERB = re.compile(r"\b(?:agreed|signed|reached|held|brokered|forged|struck|sealed|inked)\b", re.IGNORECASE)
ANNOUNCE = re.compile(r"\b(?:announc(?:ed|es|ing)|declar(?:ed|es|ing)|unveil(?:ed|s))\b", re.IGNORECASE)
START_CUE = re.compile(
    r"\b(?:went|go(?:es|ing)?|came|come(?:s)?|entered)\s+into\s+(?:effect|force)|took\s+effect|take\s+effect|"
    r"(?:would|will|to|should)\s+(?:start|begin|take effect)|started|began|since|as of|from|effective",
    re.IGNORECASE,
)
SEPARATOR = re.compile(
    r"(?:\s*[-–—]\s*(?:which|who)\b[^,]*)?\s*(?:,\s*)?(?:and|&)?\s*(?:the\s+)?$|^\s*(?:[-–—]\s*(?:which|who)\b[^,]*,?)?\s*(?:,|and|&|,\s*and)?\s*(?:the\s+)?",
)
_MODIFIER_HEAD = r"\s+(?:allies|ally|backers?|patrons?|sponsors?|supporters?)\b"
_MODIFIER = r"(?:(?:regime|rebel|opposition|government|key|main|close|Syrian)\s+(?:allies|ally|backers?|patrons?|sponsors?|supporters?)\s+)"
HYPHEN_PAIR = re.compile(r"\b(Turkey|Russia|Turkish|Russian|US|U\.S\.|Iran|Iranian)[- ](Russia|Russian|Turkish|Turkey|Iran|Iranian|US|U\.S\.)(?:n)?[- ](?:brokered|backed|sponsored|agreed|mediated)?", re.IGNORECASE)
_COUNTRY_OF = {"turkey": "Turkey", "turkish": "Turkey", "russia": "Russia", "russian": "Russia", "us": "United States",
               "u.s.": "United States", "iran": "Iran", "iranian": "Iran"}
def times_any(text: str) -> bool:
    return bool(TIMES.search(text))


TIMES = re.compile(
    r"\b(?P<n>(?:(?:at least|more than|over|nearly|almost|around|about|some|no fewer than|no less than)\s+)?"
    r"(?:\d{1,3}(?:,\d{3})+|\d+|" + _WORDNUM + r"))\s+(?:times|violations|breaches)\b",
    re.IGNORECASE,
)
PERIOD = re.compile(
    r"\b(?:in|over|during|within|for)\s+(?:the\s+)?(?:last|past|previous)?\s*(?P<n>\d+(?:\.\d+)?|[a-z]+)\s+(?P<unit>days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)
SOURCE_ORG = re.compile(r"\b(?:Syria(?:'s|’s)\s+)?((?:[A-Z][\w'’-]+\s+){1,4}(?:Group|Observatory|Network|Defen[cs]e|Helmets|Council|Agency|Center|Centre|Office|Ministry|Committee|Monitor))\b")
ZONE = re.compile(r"(de-?escalation|cease-?\s?fire|truce) (?:zone|area)s?", re.IGNORECASE)
# "the truce, which broke down", "a ceasefire that collapsed": the agreement ended, nobody is said to violate it
COLLAPSE_AFTER = re.compile(r"^\S*\s+(?:[\w-]+\s+){0,4}?(?:broke|broken|collapsed|fell apart|ended|unravel+ed)\b", re.IGNORECASE)
# "X has been violated", "was repeatedly breached": the agreement is the subject of a passive
# ("have frequently violated" is active: has/have/had need "been")
PASSIVE_VIOLATED = re.compile(r"\b(?:(?:has|have|had)\s+been|was|were|is|are|being)\s+(?:[\w-]+ly\s+)?$", re.IGNORECASE)
BOTH_SIDES = re.compile(r"^\s+(?:[\w-]+ly\s+)?(?:[\w-]+\s+){0,3}?by\s+(?:both|all|the two|each)\s+(?:sides|parties|side|warring parties)\b", re.IGNORECASE)
CONCESSIVE_LEAD = re.compile(r"^\s*(?:although|though|even though|while|despite|in spite of)\b", re.IGNORECASE)


@dataclass
class Agreement:
    frame: Frame
    sentence_start: int
    sentence_end: int
    mention_start: int
    start: DateMention | None = None
    parties: list[str] = field(default_factory=list)
    brokers: list[str] = field(default_factory=list)
    venue: str | None = None

    @property
    def sort_key(self) -> tuple:
        d = self.start
        if d is None:
            return (0, 0, 0)
        # month_day / weekday / relative carry no year: they are "this year", after any explicit year
        year = d.year if d.year is not None else 9999
        return (year, d.month or 0, d.day or 0)

    def hint(self) -> dict:
        d = self.start
        out = {"name": self.frame.attrs.get("name"), "start_char": self.frame.evidence_start_char}
        if d is not None:
            out.update({k: v for k, v in (("year", d.year), ("month", d.month), ("day", d.day),
                                          ("weekday", d.weekday), ("kind", d.kind)) if v is not None})
        return out


class CeasefireFinder:
    def __init__(self, terms: dict[str, list[Term]]):
        self.t = terms

    # -- shared ---------------------------------------------------------------------------

    def _match_all(self, cat: str, text: str, offset: int = 0):
        return find_terms(self.t.get(cat, []), text, offset)

    def _has(self, cat: str, text: str) -> re.Match | None:
        return any_term(self.t.get(cat, []), text)

    def _agreement_mentions(self, sent: Span) -> list[tuple[int, int, str, str]]:
        """Ceasefire words in the sentence; a bare "agreement"/"deal" only with ceasefire context."""
        text, off = sent.text, sent.start_char
        found = [f for f in self._match_all("agreement", text, off) if not _place_like(text, f[0] - off, f[1] - off)
                 and not _in_tag_list(text, f[0] - off)]
        if found and self._has("foreign", text) and not re.search(r"\bSyria", text):
            return []  # "a three-year ceasefire between Ankara and the PKK": a conflict outside Syria
        venues = self._match_all("venue", text, off)
        strong = [f for f in found if f[3] != "agreement" or re.search(r"de-?escalation|cease|truce|hostilities", f[2], re.I)]
        if strong or venues or (found and self._has("halt", text)):
            return sorted(found + venues)
        return []

    def _is_call(self, text: str, rel: int) -> bool:
        """A call, push or attempt for a ceasefire ("called for a ceasefire", "efforts to reach a truce")."""
        window = text[max(0, rel - 45):rel]
        m = None
        for term in self.t.get("call", []):
            for m2 in term.regex.finditer(window):
                m = m2
        if m is None:
            return False
        between = window[m.end():]
        # a call only governs the mention when nothing but a short noun phrase lies between
        return len(between.split()) <= 5 and not re.search(r"[,;]|\b(?:after|when|but|although)\b", between)

    def _chain(self, doc: Doc, pos: int, actors: list[ActorMention], limit: int) -> list[ActorMention]:
        """Actors listed from `pos` on ("Moscow and Ankara", "Turkey, Russia, and Iran"); the
        first must start by `limit` (after an optional "the")."""
        out: list[ActorMention] = []
        cur = pos
        # "agreed by regime allies Iran and Russia and rebel backer Turkey": "regime"/"rebel"
        # modify "allies"/"backer" and are not parties themselves
        actors = [a for a in actors if not re.match(_MODIFIER_HEAD, doc.text[a.end_char:a.end_char + 20], re.I)]
        for a in sorted((a for a in actors if a.start_char >= pos), key=lambda a: a.start_char):
            if a.start_char < cur:
                continue
            if out:
                # "Moscow – which supports the regime ..., and Ankara": skip the relative clause
                rel = re.match(r"\s*[-–—]\s*(?:which|who)\b[^,–—]*[,–—]", doc.text[cur:])
                if rel:
                    cur += rel.end()
                    if a.start_char < cur:
                        continue
            gap = doc.text[cur:a.start_char]
            if not out:
                if a.start_char > limit and not re.fullmatch(r"\s*(?:the\s+)?" + _MODIFIER + r"?", gap, re.I):
                    break
            elif not re.fullmatch(r"\s*,?\s*(?:and|&)?\s*(?:the\s+)?(?:its\s+)?(?:[a-z]+-[a-z-]+\s+)?" + _MODIFIER + r"?", gap, re.I):
                break  # (one hyphenated modifier is allowed: "government forces and non-jihadist rebels")
            out.append(a)
            cur = a.end_char
        return out

    def _chain_before(self, doc: Doc, pos: int, actors: list[ActorMention], floor: int) -> list[ActorMention]:
        """Actors listed right before `pos`: "Turkey, Russia, and Iran held"."""
        out: list[ActorMention] = []
        cur = pos
        for a in sorted((a for a in actors if floor <= a.start_char and a.end_char <= pos), key=lambda a: -a.start_char):
            gap = doc.text[a.end_char:cur]
            limit = r"\s*" if not out else r"\s*,?\s*(?:and|&)?\s*(?:the\s+)?"
            if not re.fullmatch(limit, gap, re.I):
                break
            out.insert(0, a)
            cur = a.start_char
        return out

    # -- agreements -----------------------------------------------------------------------

    def agreements(self, doc: Doc, sents: list[Span], actors, dates, places) -> tuple[list[Agreement], dict[int, Agreement]]:
        found: list[Agreement] = []
        by_sentence: dict[int, Agreement] = {}
        for si, sent in enumerate(sents):
            text, off = sent.text, sent.start_char
            mentions = [m for m in self._agreement_mentions(sent) if not self._is_call(text, m[0] - off)]
            if not mentions and found and si - _sentence_of(sents, found[-1].sentence_start) <= 2:
                # "The agreement was mediated by ...": a bare "agreement" right after a ceasefire
                weak = re.search(r"\b(?:the|this|that)\s+(?:agreement|deal|accord)\b", text, re.I)
                if weak:
                    mentions = [(weak.end() - len(weak.group(0).split()[-1]) + off, weak.end() + off, weak.group(0), "agreement")]
            if not mentions:
                continue
            # "killed ... in a de-escalation zone outside X": the zone is where it happened
            named = list(mentions)  # every ceasefire word, for the area the text ties to one of them
            mentions = [m for m in mentions if not _located_in_zone(text, m[0] - off, m[1] - off)]
            if not mentions:
                continue
            m0 = mentions[0]
            rel = m0[0] - off
            venue = next((m[3] for m in mentions if m[3] in ("Sochi", "Astana")), None)
            # a violation sentence's own ceasefire word ("violated the cease-fire") is no agreement
            clause_start, clause_end = _clause_around(text, rel)
            clause_start += off
            clause_end += off
            s_dates = dates_in(dates, off, clause_end)
            if not dates_in(dates, clause_start, clause_end):
                # "after September 17, 2018, when Turkey and Russia held Sochi meetings"
                s_dates = [d for d in s_dates if clause_start - d.end_char < 60]
            start_date, announced = self._start_and_announced(doc, sent, s_dates, m0[0])
            sent_actors = actors_in(actors, off, sent.end_char)
            parties, brokers, announced_by = self._parties(doc, sent, sent_actors, m0[0], clause_start, clause_end)
            violated = re.search(r"\b(?:violat\w*|breach\w*|broke|broken)\s+(?:\w+\s+){0,3}$", text[max(0, rel - 40):rel], re.I) \
                or re.match(r"\S*\s+(?:has|have|had|was|were|is|are)\s+(?:been\s+)?(?:[\w-]+ly\s+)?(?:violated|breached)\b",
                            text[rel:rel + 60], re.I)  # "the truce was violated by ... on Monday"
            # ... unless the sentence also says what the agreement is: "in breach of a truce brokered
            # by X and Y", "violating the ceasefire that took effect on ...", "between X and Y"
            brokered = re.match(r"\S*\s+(?:[\w-]+\s+){0,2}?(?:" + BY_BROKER.pattern + "|" + BY_PARTY.pattern + ")",
                                text[rel:rel + 60], re.I)
            if violated and not (START_CUE.search(text[rel:rel + 80]) or BETWEEN.search(text[rel:rel + 40]) or venue
                                 or (brokered and (brokers or parties))):
                continue  # "violating the cessation of hostilities agreement": the object of a violation
            definite = bool(DEFINITE.search(text[max(0, rel - 30):rel])) and not INDEFINITE.search(text[max(0, rel - 25):rel])
            established = self._has("establish", text)
            anchors = bool(venue or parties or brokers or start_date or _explicit_name(text))
            if definite and not venue and start_date is None:
                # "The agreement was mediated by Moscow and Ankara": the one last mentioned
                if found and (parties or brokers or announced_by):
                    prev = found[-1]
                    prev.parties = unique(prev.parties + parties)
                    prev.brokers = unique(prev.brokers + brokers)
                    _refresh(prev, announced_by=announced_by)
                if found:
                    by_sentence[si] = found[-1]
                continue
            if not anchors or not (established or venue or start_date):
                continue
            same = _same_agreement(found, start_date, venue, definite)
            if same is not None:
                same.parties = unique(same.parties + parties)
                same.brokers = unique(same.brokers + brokers)
                _refresh(same, announced_by=announced_by)
                by_sentence[si] = same
                continue
            area = next((p for p in places if clause_start <= p.start_char < clause_end
                         and p.kind not in ("country", "crossing", "road")
                         and (p.admin1 or p.kind == "region")
                         and not any(a.start_char < p.end_char and p.start_char < a.end_char for a in sent_actors)
                         and not any(m[0] < p.end_char and p.start_char < m[1] for m in mentions)
                         and any(_area_of(doc.text, p, m[0], m[1]) for m in named)), None)
            attrs = {
                "name": _explicit_name(text),
                "announced_by": announced_by,
                "announced_date": date_parts(announced),
                "area": place_name(area) if area else None,
                "date_precision": start_date.precision if start_date else None,
                "venue": venue,
                "agreement_kind": m0[3] if m0[3] not in ("Sochi", "Astana") else "de-escalation zone",
            }
            need = [(m0[0], m0[1])]
            if start_date:
                need.append((start_date.start_char, start_date.end_char))
            for d in (announced,):
                if d:
                    need.append((d.start_char, d.end_char))
            for a in sent_actors:
                if a.name in parties or a.name in brokers or a.name == announced_by:
                    need.append((a.start_char, a.end_char))
            frame = make_frame(doc, sent, "ceasefire_agreement", (m0[0], m0[1], m0[2]), need, attrs)
            set_date(frame, start_date)
            if area:
                frame.location_mention, frame.location_id, frame.location_start_char = area.text, area.location_id, area.start_char
            ag = Agreement(frame, sent.start_char, sent.end_char, m0[0], start_date, parties, brokers, venue)
            found.append(ag)
            by_sentence[si] = ag
        for ag in found:
            _refresh(ag)
        return found, by_sentence

    def _start_and_announced(self, doc: Doc, sent: Span, s_dates: list[DateMention], mention: int):
        if not s_dates:
            return None, None
        text = doc.text
        ann = ANNOUNCE.search(text, sent.start_char, sent.end_char) if False else None
        for m in ANNOUNCE.finditer(sent.text):
            ann = m
            break
        starts = [m.end() + sent.start_char for m in START_CUE.finditer(sent.text)]
        start = None
        announced = None
        if ann is not None:
            a_pos = ann.start() + sent.start_char
            # "On January 10, Turkey announced ... would start on January 12"
            for d in s_dates:
                gap_before = text[d.end_char:a_pos] if d.end_char <= a_pos else None
                gap_after = text[ann.end() + sent.start_char:d.start_char] if d.start_char >= ann.end() + sent.start_char else None
                near_announce = (gap_before is not None and len(gap_before) < 40 and not any(d.start_char < s <= a_pos for s in starts)) or \
                                (gap_after is not None and re.fullmatch(r"\s*(?:on|that)?\s*", gap_after or ""))
                if near_announce and len(s_dates) > 1:
                    announced = d
        # "was initially scheduled to start on Thursday": a superseded plan, not the start
        rest = [d for d in s_dates if d is not announced and not re.search(
            r"\b(?:initially|originally|previously|first)\s+(?:scheduled|planned|set|due|expected)\b[^.;]{0,30}$",
            text[max(sent.start_char, d.start_char - 60):d.start_char], re.I)]
        after_cue = [d for d in rest if any(0 <= d.start_char - s < 40 for s in starts)]
        # otherwise only a date next to the mention ("the March 2020 truce", "a truce in March
        # 2020"); a date elsewhere in the sentence is usually the attack's
        near = [d for d in rest if _tied(sent.doc.text, d, mention)]
        after_cue = [d for d in after_cue if _tied(sent.doc.text, d, mention)]
        if re.match(r"\S*\s+(?:\w+\s+){0,2}?(?:broke down|collapsed|ended|expired|was over|fell apart)", text[mention:mention + 60]):
            near = []  # the date of a collapse is not the start of the agreement
        if after_cue:
            start = after_cue[0]
        elif near:
            start = min(near, key=lambda d: abs(d.start_char - mention))
        return start, announced

    def _parties(self, doc: Doc, sent: Span, sent_actors: list[ActorMention], mention: int, c_start: int, c_end: int):
        text, off = sent.text, sent.start_char
        parties: list[str] = []
        brokers: list[str] = []
        for m in BETWEEN.finditer(text):
            parties += [a.name for a in self._chain(doc, m.end() + off, sent_actors, m.end() + off + 3)]
        for m in BY_BROKER.finditer(text):
            brokers += [a.name for a in self._chain(doc, m.end() + off, sent_actors, m.end() + off + 3)]
        # "had a local truce with the regime", "reached an agreement with government officials"
        rel = mention - off
        w = re.match(r"\S+(?:\s+[\w-]+){0,2}?\s+with\s+", text[rel:rel + 60])
        if w:
            with_parties = [a.name for a in self._chain(doc, rel + w.end() + off, sent_actors, rel + w.end() + off + 4)]
            if with_parties:
                before = [a for a in sent_actors if a.end_char <= mention and mention - a.end_char < 60
                          and not re.search(r"[,;]", doc.text[a.end_char:mention])]
                parties += [a.name for a in before[-1:]] + with_parties
        for m in BY_PARTY.finditer(text):
            parties += [a.name for a in self._chain(doc, m.end() + off, sent_actors, m.end() + off + 3)]
        for m in PARTY_VERB.finditer(text):
            before = self._chain_before(doc, m.start() + off, sent_actors, off)
            if len(before) >= 2 or (before and m.group(0).lower() in ("held", "signed", "agreed")):
                parties += [a.name for a in before]
        for m in HYPHEN_PAIR.finditer(text):
            parties += [_COUNTRY_OF.get(m.group(1).lower(), m.group(1)), _COUNTRY_OF.get(m.group(2).lower(), m.group(2))]
        announced_by = None
        for m in ANNOUNCE.finditer(text):
            a_pos = m.start() + off
            if not (c_start - 200 <= a_pos <= c_end):
                continue
            subj = [a for a in sent_actors if a.end_char <= a_pos and a_pos - a.end_char < 40]
            if subj and (len(subj) == 1 or not re.search(r"[,;]", doc.text[subj[-1].end_char:a_pos])):
                announced_by = subj[-1].name
                break
        if announced_by and announced_by in parties and len(parties) > 1:
            announced_by = None
        return unique(parties), unique(brokers), announced_by

    # -- violations -----------------------------------------------------------------------

    def violations(self, doc: Doc, sents, actors, dates, places, agreements: list[Agreement],
                   by_sentence: dict[int, Agreement], counts: list[Frame]) -> list[Frame]:
        """Violation frames; `counts` are the casualty component's frames (events and tallies)."""
        casualties = [f for f in counts if f.frame_type == "casualty_event"]
        out: list[tuple[int, Frame, bool]] = []
        doc_has_ceasefire = bool(agreements) or any(self._agreement_mentions(s) for s in sents)
        for si, sent in enumerate(sents):
            text, off = sent.text, sent.start_char
            mentions = [m for m in self._agreement_mentions(sent) if not self._is_call(text, m[0] - off)]
            viol = self._has("violation", text)
            attack = self._first_attack(text)
            zone = next((z for z in ZONE.finditer(text) if not _place_like(text, z.start(), z.start() + len(z.group(1)))), None)
            concessive = self._has("concessive", text)
            kind = None
            trig: tuple[int, int, str] | None = None
            if viol and re.fullmatch(r"violations?|breach(?:es)?", viol.group(0), re.I) and not times_any(text) \
                    and not re.search(r"\b(?:in|a|new|fresh|clear)\s+(?:\w+\s+)?$", text[:viol.start()], re.I):
                viol = None  # a noun with no count and no "in violation of": a heading or a topic
            if viol and mentions and re.match(r"broke|broken", viol.group(0), re.I) and any(
                    m[1] - off <= viol.start() and COLLAPSE_AFTER.match(text[m[0] - off:]) for m in mentions):
                viol = None  # "the ceasefire which broke ...": a collapse, not a violation by someone
            if viol and (mentions or re.search(r"\bagreements?\b|\bdeals?\b", text[viol.end():viol.end() + 40], re.I)):
                trig = (viol.start() + off, viol.end() + off, viol.group(0))
                kind = "event"
            elif attack and (
                (mentions and concessive and _concessive_governs(text, concessive, mentions[0][0] - off))
                or (zone and doc_has_ceasefire and attack.start() < zone.start() + 60)
                or _contrasted(text, mentions, off, attack)
            ):
                trig = (attack.start() + off, attack.end() + off, attack.group(0))
                kind = "event"
            if kind is None and attack and concessive and any(a.mention_start < off for a in agreements):
                # "Despite the deal there has been an uptick in bombardment": the deal found earlier
                deal = re.search(r"\b(?:despite|in spite of|notwithstanding)\s+(?:the|this|that)\s+(?:[\w-]+\s+)?(?:agreement|deal|accord)\b", text, re.I)
                if deal and attack.start() > deal.start():
                    trig = (attack.start() + off, attack.end() + off, attack.group(0))
                    kind = "event"
            if kind is None:
                continue
            if re.search(r"\b(?:every|each|any)\s+time\b|\bwhenever\b", text, re.I) and not re.search(r"\d", text):
                continue  # "every time Russia declares a truce it is the first to violate it": a generalisation
            if len(text.split()) < 8 and not re.search(r"\d", text):
                continue  # a headline-like fragment ("Violations of ceasefire deals")
            times = TIMES.search(text)
            period = PERIOD.search(text)
            # the casualty component counted the sentence's dead and injured (events and tallies)
            counted = _counted(counts, sent)
            killed, killed_low, injured = (_int_or_none(counted, k) for k in ("killed", "killed_low", "injured"))
            habitual = self._has("habitual", text)
            if times:
                kind = "aggregate"
            elif habitual and not (killed or injured):
                # "has been violated nearly continuously": violations happened, no one event is
                # named; an aggregate without a count (dropped later when the article has another
                # violation of the same agreement)
                kind = "aggregate"
            elif counted is not None and counted.frame_type == "casualty_tally" and counted.attrs.get("scope") in ("period", "war"):
                # "1,300 civilians have been killed in attacks in the zone since the agreement": the
                # dead of many attacks over a period, so many violations, not one
                kind = "aggregate"
            attrs: dict = {"kind": kind}
            if kind == "aggregate" and counted is not None and counted.attrs.get("period_text") and not period:
                attrs["period_text"] = counted.attrs["period_text"]
            explicit = bool(viol)
            if times:
                n = _num(times.group("n"))
                attrs["violations_low"] = n
            if period:
                pn = word_value(period.group("n"))
                if pn is not None:
                    unit = period.group("unit").lower().rstrip("s")
                    attrs["period_days"] = round(pn * {"day": 1, "week": 7, "month": 30, "year": 365}[unit])
                    attrs["period_text"] = period.group(0)
            if killed is not None:
                attrs["killed"] = killed
            if killed_low is not None:
                attrs["killed_low"] = killed_low
            if injured is not None:
                attrs["injured"] = injured
            # violators: actors in the violating clause before the trigger
            agreement_clause = None
            if mentions:
                cs, ce = _clause_around(text, mentions[0][0] - off)
                if not (cs + off <= trig[0] < ce + off) or CONCESSIVE_LEAD.match(text[cs:]):
                    agreement_clause = (cs + off, ce + off)
            lo = off
            if agreement_clause and agreement_clause[1] <= trig[0]:
                lo = agreement_clause[1]
            passive = bool(viol) and any(m[1] <= trig[0] for m in mentions) and \
                bool(PASSIVE_VIOLATED.search(doc.text[max(off, trig[0] - 40):trig[0]]))
            if passive:
                # "A truce agreed by X and Y ... has been violated": X and Y are the agreement's, not violators
                subj = []
            else:
                subj = [a for a in actors_in(actors, lo, trig[0]) if _is_violator(doc, a, lo, agreement_clause)]
            if not subj and (kind == "event" or passive):
                # passive or after the trigger: "attacks by X", "was launched by X"
                subj = [a for a in actors_in(actors, trig[1], sent.end_char)
                        if re.search(r"\bby\s+(?:the\s+)?$", doc.text[max(trig[1], a.start_char - 10):a.start_char], re.I)
                        and not BROKERS_BEFORE.search(doc.text[max(trig[1], a.start_char - 80):a.start_char])]
            violators = unique([a.name for a in subj if a.name not in ("UN",)])
            own_ag = by_sentence.get(si)
            if not violators and own_ag is not None and BOTH_SIDES.match(doc.text[trig[1]:trig[1] + 60]):
                violators = list(own_ag.parties)  # "violated by both sides": the agreement's parties
            used_prev = False
            if not violators and si > 0 and not passive:
                prev = sents[si - 1]
                if self._first_attack(prev.text):
                    violators = unique([a.name for a in actors_in(actors, prev.start_char, prev.end_char) if a.name not in ("UN",)])
                    used_prev = bool(violators)
            if re.search(r"\b(?:its|their)\s+(?:main\s+)?(?:backers?|allies|supporters)\b", doc.text[lo:trig[0]], re.I):
                violators = unique(violators + self._backers(doc, sents, si, actors))
            attrs["violators"] = violators
            # agreement the text ties it to
            ag = by_sentence.get(si)
            if ag is None:
                definite = bool(re.search(r"\bthe\s+(?:\w+\s+)?(?:agreements?|deals?|cease-?\s?fire|truce)\b", text, re.I))
                ag = _pick_agreement(agreements, trig[0], definite=definite)
            if ag is not None:
                attrs["agreement_hint"] = ag.hint()
            # casualty link
            linked_date: Frame | None = None
            cas = _linked_casualty(casualties, sent, sents, si, dates) if kind == "event" else \
                _linked_casualty(casualties, sent, sents, si)
            if cas is not None:
                attrs["casualty_evidence_start_char"] = cas.evidence_start_char
                own_dated = [d for d in dates_in(dates, off, sent.end_char)
                             if not (agreement_clause and agreement_clause[0] <= d.start_char < agreement_clause[1])
                             and not (ag is not None and ag.start is d)]
                if not own_dated and cas.date_kind is not None:
                    linked_date = cas  # the casualty report's date is the violation's (set below)
                own_count = killed is not None or injured is not None
                for k in ("killed", "killed_low", "injured", "killed_children", "killed_women"):
                    if not own_count and k not in attrs and cas.attrs.get(k) is not None:
                        attrs[k] = cas.attrs[k]
            if kind == "aggregate":
                self._aggregate_details(sents, si, attrs, counts)
            # date: the sentence's dates outside the agreement clause; else the previous sentence's
            own = [d for d in dates_in(dates, off, sent.end_char)
                   if not (agreement_clause and agreement_clause[0] <= d.start_char < agreement_clause[1])
                   and not (ag is not None and ag.start is d)]
            if not own and used_prev:
                own = dates_in(dates, sents[si - 1].start_char, sents[si - 1].end_char)
            place = next((p for p in places if off <= p.start_char < sent.end_char
                          and not (agreement_clause and agreement_clause[0] <= p.start_char < agreement_clause[1])
                          and not BROKERS_BEFORE.search(doc.text[max(off, p.start_char - 80):p.start_char])
                          and not (p.location_id or "").startswith("abroad:")  # a venue, a capital
                          and p.kind not in ("country",)), None)
            need = []
            if times:
                need.append((times.start() + off, times.end() + off))
            if period:
                need.append((period.start() + off, period.end() + off))
            if counted is not None and killed is not None:
                need.append((counted.evidence_start_char, counted.evidence_end_char))
            need += [(a.start_char, a.end_char) for a in subj[:1]]
            frame = make_frame(doc, sent, "ceasefire_violation", trig, need, attrs)
            if kind == "event" and mentions and concessive and not viol and agreement_clause:
                # "The assault was launched despite a truce that ...": keep the agreement clause too
                s = min(frame.evidence_start_char, agreement_clause[0])
                e = max(frame.evidence_end_char, agreement_clause[1])
                frame.evidence_start_char, frame.evidence_end_char = s, e
                frame.evidence_text = doc.text[s:e]
            set_date(frame, _best_date(own))
            if not own and linked_date is not None and kind == "event":
                for col in ("date_text", "date_kind", "date_year", "date_month", "date_day", "date_weekday", "date_offset_days"):
                    setattr(frame, col, getattr(linked_date, col))
            if subj:
                frame.perpetrator_mention = subj[0].text
                frame.perpetrator_actor_id = subj[0].actor_id if not subj[0].actor_id.startswith("lexicon:") else None
            if place:
                frame.location_mention, frame.location_id, frame.location_start_char = place.text, place.location_id, place.start_char
            out.append((si, frame, explicit))
        merged = _merge_violations(out)
        # an aggregate without a count, period or casualties only stands when the article has no
        # other violation of the same agreement ("has consistently violated ..." next to "N times")
        def bare(f: Frame) -> bool:
            a = f.attrs
            return a["kind"] == "aggregate" and not any(a.get(k) is not None for k in ("violations_low", "period_days", "killed", "injured"))
        key = lambda f: (f.attrs.get("agreement_hint") or {}).get("start_char")  # noqa: E731
        kept_bare = []
        for f in merged:
            other = next((g for g in merged if g is not f and not bare(g) and key(g) == key(f)), None) if bare(f) else None
            if other is None:
                kept_bare.append(f)
            elif f.attrs.get("violators") and not other.attrs.get("violators"):
                # "the regime and its allies have frequently violated the truce" names who did what
                # the counted aggregate ("1,300 killed in attacks since the agreement") leaves unnamed
                other.attrs["violators"] = f.attrs["violators"]
                other.perpetrator_mention, other.perpetrator_actor_id = f.perpetrator_mention, f.perpetrator_actor_id
        merged = kept_bare
        # a headline repeated as the lead ("80 Civilians Killed ... despite Truce" / "Friday ...
        # Civilians Killed ... despite Truce"): near-identical evidence about the same agreement is one
        # a headline sums up the article: its violation is the body's first violation of the same
        # agreement ("80 Civilians Killed ... despite 48-Hour Truce" / "X soon violated the truce")
        head_end = doc.text.find("\n\n")
        if head_end > 0:
            titles = [f for f in merged if f.evidence_start_char < head_end]
            # the headline repeated as the lead counts as the headline
            heads = titles + [g for g in merged if g not in titles and any(
                key(g) == key(t) and _jaccard(g.evidence_text, t.evidence_text) >= 0.7 for t in titles)]
            for h in heads:
                body = next((g for g in merged if g not in heads and key(g) == key(h)), None)
                if body is None:
                    continue
                for k, v in h.attrs.items():
                    if body.attrs.get(k) is None:
                        body.attrs[k] = v
                if body.date_kind is None and h.date_kind is not None:
                    for col in ("date_text", "date_kind", "date_year", "date_month", "date_day", "date_weekday", "date_offset_days"):
                        setattr(body, col, getattr(h, col))
                merged = [g for g in merged if g is not h]
        kept: list[Frame] = []
        for f in merged:
            twin = next((g for g in kept if key(g) == key(f) and _jaccard(g.evidence_text, f.evidence_text) >= 0.7), None)
            if twin is None:
                kept.append(f)
                continue
            for k, v in f.attrs.items():
                twin.attrs.setdefault(k, v)
        return kept

    def _first_attack(self, text: str) -> re.Match | None:
        best = None
        for term in self.t.get("attack", []):
            for m in term.regex.finditer(text):
                if m.group(0).lower() in ("killed", "killing", "hit") :
                    continue
                if best is None or m.start() < best.start():
                    best = m
                break
        return best

    def _backers(self, doc: Doc, sents: list[Span], si: int, actors: list[ActorMention]) -> list[str]:
        """"the regime and its backers" -> the backers the next sentences name."""
        for s in sents[si: si + 3]:
            for m in re.finditer(r"\b(?:backers?|allies|supporters|patrons)\b", s.text, re.I):
                chain = self._chain(doc, m.end() + s.start_char, actors_in(actors, s.start_char, s.end_char), m.end() + s.start_char + 3)
                if chain:
                    return [a.name for a in chain]
        return []

    def _aggregate_details(self, sents: list[Span], si: int, attrs: dict, counts: list[Frame]) -> None:
        """What the next sentences add to an aggregate: the breakdown of its dead ("Of the 66
        civilians killed, 29 are children"), the people its attacks displaced, who reported it."""
        killed = attrs.get("killed")
        for s in sents[si + 1: si + 5]:
            later = [f for f in counts if s.start_char <= f.evidence_start_char < s.end_char]
            for f in later:
                if killed is not None and _int_or_none(f, "killed") == killed:
                    for who in ("children", "women"):
                        if _int_or_none(f, "killed_" + who) is not None:
                            attrs.setdefault("killed_" + who, _int_or_none(f, "killed_" + who))
                if _int_or_none(f, "displaced") is not None and "displaced_low" not in attrs \
                        and re.search(r"\battacks?\b", s.text, re.I):
                    attrs["displaced_low"] = _int_or_none(f, "displaced_low") or _int_or_none(f, "displaced")
            if "reporting_source" not in attrs:
                org = SOURCE_ORG.search(s.text)
                if org and re.search(r"\b(?:said|told|according|reported|director|head|spokes)", s.text, re.I):
                    attrs["reporting_source"] = org.group(1).strip()

    def __call__(self, doc: Doc) -> list[Frame]:
        sents = sentences(doc)
        actors = doc_actors(doc, self.t.get("party", []))
        dates = doc_dates(doc)
        places = doc_places(doc)
        agreements, by_sentence = self.agreements(doc, sents, actors, dates, places)
        counts = [f for f in get_list(doc, "cw_frames") if f.frame_type in ("casualty_event", "casualty_tally")]
        violations = self.violations(doc, sents, actors, dates, places, agreements, by_sentence, counts)
        return [a.frame for a in agreements] + violations


# -- module helpers ----------------------------------------------------------------------


def _tied(text: str, d: DateMention, mention: int) -> bool:
    """A date belongs to the agreement mention when nothing but a short, unbroken stretch of the
    same clause lies between them, and it is not the date of an attack named just before it."""
    lo, hi = (d.end_char, mention) if d.end_char <= mention else (mention, d.start_char)
    between = text[lo:hi]
    if len(between) > 130 or re.search(r"[;:]|\s[–—]\s|\b(?:killing|killed|bombed|shelled|struck|hit)\b", between, re.I):
        return False
    if d.end_char <= mention and re.search(r",\s", between) and not re.search(r",\s+(?:when|as)\b", between, re.I):
        return False
    return not re.search(r"\b(?:bombed|shelled|struck|hit|attacked|killed|raided|pounded|targeted)\s+(?:\w+\s+){0,2}$", text[max(0, d.start_char - 40):d.start_char], re.I)


_AREA_BEFORE = re.compile(r"(?:['’]s)?\s+(?:(?:northwest(?:ern)?|north(?:ern)?|south(?:ern)?|east(?:ern)?|west(?:ern)?|"
                          r"de-?escalation|humanitarian|local|partial|nationwide|new|fragile|\d+-\w+)\s+){0,2}", re.I)
_AREA_AFTER = re.compile(r"\S*\s+(?:[\w-]+\s+){0,9}?(?:in|for|around|across|covering|over|of|throughout)\s+"
                         r"(?:the\s+)?(?:(?:northwest(?:ern)?|north(?:ern)?|south(?:ern)?|east(?:ern)?|west(?:ern)?)\s+)?"
                         r"(?:(?:province|governorate|city|region|town|countryside|part)\s+of\s+)?$", re.I)
_AREA_SUBJECT = re.compile(r"\s+(?:falls?|lies?|is|are)\s+(?:with)?in\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}$", re.I)


def _area_of(text: str, p, start: int, end: int) -> bool:
    """The place is the agreement's area when it names it: a modifier right before the mention ("the
    Idlib ceasefire", "Idlib's de-escalation zone"), the object of "in/for/around ..." right after it
    ("a truce in Deraa", "zones across northwest Syria"), or the subject of "falls within a ... zone";
    not a place elsewhere in the clause ("bombed Ariha despite the Sochi agreement")."""
    if p.end_char <= start:
        gap = text[p.end_char:start]
        return bool(_AREA_BEFORE.fullmatch(gap) or _AREA_SUBJECT.fullmatch(gap))
    gap = text[end:p.start_char]
    return p.start_char >= end and len(gap) < 80 and not re.search(r"[,;:]", gap) and bool(_AREA_AFTER.fullmatch(gap))


def _in_tag_list(text: str, rel: int) -> bool:
    """A keyword list ("Tags Syria Airstrikes Truce Ceasefire Assad ..."): no statement."""
    m = re.search(r"\bTags:?\s+((?:[\w'’-]+\s+){0,15})$", text[max(0, rel - 160):rel])
    return bool(m) and not re.search(r"\b(?:the|a|an|of|was|were|is|are|has|have|had|by|to|on|that|which|after)\b", m.group(1), re.I)


def _located_in_zone(text: str, s: int, e: int) -> bool:
    """"(strikes killed four) in a de-escalation zone": a zone named as the place of something."""
    zone = re.search(r"(?:zones?|areas?)$", text[s:e], re.I) or re.match(r"\s+(?:zones?|areas?)\b", text[e:e + 10], re.I)
    return bool(zone) and bool(
        re.search(r"\b(?:in|inside|within)\s+(?:a|an|one of the)\s+(?:[\w-]+\s+)?$", text[max(0, s - 30):s], re.I))


def _jaccard(a: str, b: str) -> float:
    ta, tb = set(re.findall(r"[a-z]+", a.lower())), set(re.findall(r"[a-z]+", b.lower()))
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def _place_like(text: str, s: int, e: int) -> bool:
    """A ceasefire word used as a place: "the Golan ceasefire line", "outside the ceasefire zone"."""
    after = text[e:e + 12]
    if re.match(r"\s+lines?\b", after, re.I):
        return True
    return bool(re.match(r"\s+(?:zones?|areas?)\b", after, re.I)) and bool(
        re.search(r"\boutside\s+(?:of\s+)?(?:the\s+|a\s+)?(?:[\w-]+\s+)?$", text[max(0, s - 40):s], re.I))


def _is_violator(doc: Doc, a: ActorMention, lo: int, agreement_clause: tuple[int, int] | None) -> bool:
    """An actor in the violating clause, not an object ("the suffering of X") unless it controls
    the attackers ("groups controlled by the regime")."""
    if agreement_clause and agreement_clause[0] <= a.start_char < agreement_clause[1]:
        return False
    before = doc.text[max(lo, a.start_char - 40):a.start_char]
    after = doc.text[a.end_char:a.end_char + 40]
    if re.match(r"\s*:|(?:\s+[\w'’-]+){0,3}?\s+(?:said|says|claimed|claims|reported|reports|told|accused|accuses|announced)\b", after, re.I):
        return False  # the source of the claim ("Russia: terrorists breached ...", "X claimed that ...")
    if re.search(r"\b(?:controlled|backed|led|commanded|sponsored) by\s+(?:the\s+)?(?:\w+\s+){0,3}$", before, re.I):
        return True
    return not re.search(r"\b(?:by|of|with|against|on)\s+(?:the\s+)?$", before[-14:], re.I)


def _sentence_of(sents: list, char: int) -> int:
    return next((i for i, s in enumerate(sents) if s.start_char <= char < s.end_char), len(sents))


def _num(text: str) -> int | None:
    nums = find_numbers(text)
    return int(nums[0].value) if nums else None


def _clause_around(text: str, rel: int) -> tuple[int, int]:
    """The comma-delimited clause holding position `rel` (relative to the sentence)."""
    starts = [0] + [m.end() for m in re.finditer(r",\s+|;\s+|\s+[–—]\s+", text) if m.end() <= rel]
    ends = [m.start() for m in re.finditer(r",\s+|;\s+|\s+[–—]\s+|\.\s*$", text) if m.start() > rel] + [len(text)]
    return max(starts), min(ends)


def _contrasted(text: str, mentions: list, off: int, attack: re.Match) -> bool:
    """"A truce took effect on Saturday, but regime forces shelled X hours later": an agreement in
    force, then "but" and an attack."""
    but = re.search(r",?\s+but\s+", text)
    return bool(but and mentions and mentions[0][1] - off <= but.start() < attack.start()
                and re.search(r"\b(?:took|taken|takes|came|come|comes|went|go|goes)\s+(?:into\s+)?(?:effect|force)|"
                              r"\bwas\s+(?:announced|declared|agreed|reached)|\bbegan|\bstarted|\bin\s+place\b",
                              text[:but.start()], re.I))


def _concessive_governs(text: str, concessive: re.Match, rel: int) -> bool:
    """"despite a truce", "Although X announced that a ceasefire ...": the truce is conceded."""
    return concessive.start() <= rel and (rel - concessive.end() < 80)


def _explicit_name(text: str) -> str | None:
    m = re.search(r"\b((?:[A-Z][\w'’-]+\s+){1,4}(?:Agreement|Memorandum|Accord|Protocol|Deal|Truce|Ceasefire))\b", text)
    if m and (_in_tag_list(text, m.start()) or re.match(r"Tags\b", m.group(1))):
        return None  # a keyword list, not a name
    if m and not re.match(r"(?:The|A|An|This|That|However|But)\s", m.group(1)):
        return m.group(1).strip()
    return None


def _same_agreement(found: list[Agreement], start: DateMention | None, venue: str | None,
                    definite: bool = False) -> Agreement | None:
    for ag in found:
        if venue and ag.venue == venue:
            return ag
        if start is None or ag.start is None:
            continue
        a, b = ag.start, start
        if definite and a.kind == b.kind == "relative" and a.offset_days is not None and b.offset_days is not None \
                and abs(a.offset_days - b.offset_days) <= 7:
            # "a ceasefire that began this week" ... "since the truce took effect three days ago"
            return ag
        if a.year == b.year and a.month == b.month and a.month is not None and (a.day is None or b.day is None or a.day == b.day):
            return ag
    return None


def _refresh(ag: Agreement, announced_by: str | None = None) -> None:
    attrs = ag.frame.attrs
    if announced_by and not attrs.get("announced_by"):
        attrs["announced_by"] = announced_by
    parties = ag.parties or ag.brokers  # guarantors named only as mediators stand in for the parties
    if parties:
        attrs["parties"] = parties
    if ag.brokers:
        attrs["brokers"] = ag.brokers
    if not attrs.get("name") or attrs.get("name_source") == "built":
        attrs["name"] = _build_name(ag)
        attrs["name_source"] = "built"
    else:
        attrs["name_source"] = "text"


def _build_name(ag: Agreement) -> str:
    """A descriptive name: "Sochi agreement", "Turkey-Russia ceasefire of March 2020"."""
    kind = ag.frame.attrs.get("agreement_kind") or "ceasefire"
    if ag.venue:
        return f"{ag.venue} de-escalation zones" if ag.venue == "Astana" else f"{ag.venue} agreement"
    who = "-".join(ag.parties or ag.brokers) or (f"{ag.frame.attrs['announced_by']}-announced" if ag.frame.attrs.get("announced_by") else "")
    area = ag.frame.attrs.get("area")
    when = f" of {ag.start.text}" if ag.start else ""
    parts = [p for p in (area, who, kind) if p]
    return " ".join(parts) + when


def _pick_agreement(agreements: list[Agreement], pos: int, definite: bool) -> Agreement | None:
    if not agreements:
        return None
    if definite:
        before = [a for a in agreements if a.mention_start < pos]
        if before:
            return before[-1]
    # the latest-starting agreement: the one in force when the violation happened
    return max(agreements, key=lambda a: (a.sort_key, a.mention_start))


CONTINUES = re.compile(
    r"\b(?:the|that|this|those|these)\s+(?:\w+\s+)?(?:attacks?|strikes?|air ?strikes?|airstrikes?|raids?|shelling|bombardment|bombing|assault|barrage)\b"
    r"|[\"“”]|\b(?:said|says|told|added|according to)\b",
    re.IGNORECASE,
)
NEW_EVENT = re.compile(r"\b(?:another|separately|elsewhere|meanwhile|in a separate|earlier|later|also on)\b", re.IGNORECASE)


def _int_or_none(frame: Frame | None, key: str) -> int | None:
    value = frame.attrs.get(key) if frame is not None else None
    return None if value is None else as_int(value)


def _counted(counts: list[Frame], sent: Span) -> Frame | None:
    """The first casualty frame (event or tally) of the sentence that counts dead or injured."""
    return next((f for f in counts if sent.start_char <= f.evidence_start_char < sent.end_char
                 and (f.attrs.get("killed") is not None or f.attrs.get("injured") is not None)), None)


def _linked_casualty(casualties: list[Frame], sent: Span, sents: list[Span], si: int,
                     dates: list[DateMention] | None = None) -> Frame | None:
    """The casualty frame of the violation: in its sentence, else the previous or next one, else
    (when the text clearly goes on about the same event) up to three sentences on: each
    sentence in between and the casualty's own refers back ("the strikes", a quote, "said")
    and none opens another event or names a new date."""
    lo = sents[si - 1].start_char if si > 0 else sent.start_char
    hi = sents[si + 1].end_char if si + 1 < len(sents) else sent.end_char
    inside = [f for f in casualties if sent.start_char <= f.evidence_start_char < sent.end_char]
    near = [f for f in casualties if lo <= f.evidence_start_char < hi]
    if inside or near:
        return (inside or near)[0]
    for j in range(si + 1, min(si + 4, len(sents))):
        s = sents[j]
        if NEW_EVENT.search(s.text) or any(s.start_char <= d.start_char < s.end_char for d in (dates or [])):
            return None
        if not CONTINUES.search(s.text.strip(" \"“”'")):  # a stray quote mark the splitter left is no quote
            return None
        hit = [f for f in casualties if s.start_char <= f.evidence_start_char < s.end_char]
        if hit and j >= si + 2:
            return hit[0]
    return None


def _best_date(dates: list[DateMention]) -> DateMention | None:
    rank = {"absolute": 0, "month_day": 1, "weekday": 2, "relative": 3, "month": 4, "year": 5}
    return min(dates, key=lambda d: rank.get(d.kind, 9)) if dates else None


def _merge_violations(items: list[tuple[int, Frame, bool]]) -> list[Frame]:
    """Adjacent events about the same attack ("despite a ceasefire, killed a child" / "have violated
    the ceasefire by attacking ...") become one: the explicit "violated" sentence wins. Aggregates
    with the same count and period (a headline and its lead) become one too."""
    out: list[tuple[int, Frame, bool]] = []
    for si, f, explicit in items:
        prev = out[-1] if out else None
        if prev is not None:
            psi, pf, pexp = prev
            same_aggregate = f.attrs["kind"] == pf.attrs["kind"] == "aggregate" and \
                f.attrs.get("violations_low") == pf.attrs.get("violations_low") and \
                f.attrs.get("period_days") == pf.attrs.get("period_days")
            same_event = f.attrs["kind"] == pf.attrs["kind"] == "event" and si - psi <= 1 and \
                set(f.attrs.get("violators", [])) & set(pf.attrs.get("violators", [])) and explicit != pexp
            if same_aggregate or same_event:
                keep, drop = (f, pf) if (explicit and not pexp) or (same_aggregate and len(f.attrs) >= len(pf.attrs)) else (pf, f)
                for k, v in drop.attrs.items():
                    keep.attrs.setdefault(k, v)
                if keep.date_kind is None and drop.date_kind is not None:
                    for col in ("date_text", "date_kind", "date_year", "date_month", "date_day", "date_weekday", "date_offset_days"):
                        setattr(keep, col, getattr(drop, col))
                out[-1] = (si, keep, explicit or pexp)
                continue
        out.append((si, f, explicit))
    return [f for _, f, _ in out]


def build_ceasefire_finder(configured_dir: str | None = None) -> CeasefireFinder:
    base = reference_dir(configured_dir)
    return CeasefireFinder(load_terms(str(base / "ceasefire_terms.csv")))


@Language.factory("conflictwatch_ceasefires_v1", default_config={"reference_dir": None})
def make_ceasefires(nlp: Language, name: str, reference_dir: str | None):
    finder = build_ceasefire_finder(reference_dir)

    def component(doc: Doc) -> Doc:
        get_list(doc, "cw_frames").extend(finder(doc))
        return doc

    return component


__all__ = ["CeasefireFinder", "build_ceasefire_finder"]
