"""The conflictwatch_casualties_v1 component: casualty counts -> casualty_event / casualty_tally frames.

Per sentence: find counts (numbers.py), keep those a casualty word governs (killed / injured /
displaced), attach victim subsets ("six of whom were children"), split distributive lists
("eight in A, two each in B and C"), and tie each group of counts to its place, date,
perpetrator and trigger. Statements over a period, a whole war or a disaster become tallies.
Per document: a lead total restated by per-place parts becomes an `article_total` tally,
parts and follow-up sentences inherit what they leave out from their event chain, and
frames about the same event are consolidated. Rules and limits: docs/nlp.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from conflictwatch.nlp.context import (
    ADMIN_KINDS,
    SentenceSpan,
    Trigger,
    contains,
    date_rank,
    dates_compatible,
    in_span,
    load_event_types,
    most_specific,
    place_precision,
    place_rank,
    same_place,
    sentences,
    title_line,
)
from conflictwatch.nlp.kit.numbers import PERSON_NOUNS, find_numbers, find_person_counts, noun_group
from conflictwatch.nlp.kit.spans import ActorMention, DateMention, PlaceMention, get_list
from conflictwatch.nlp.mentions.actors import BROKERS_BEFORE, GENERIC_ACTORS
from conflictwatch.records import Frame

# --- vocabulary ---------------------------------------------------------------------------------

KILLED_RIGHT = (
    r"killed|dead|died|die|dies|perished|slain|martyred|lost\s+(?:their|his|her)\s+lives?|"
    r"lost\s+(?:their|his|her)\s+life|deaths?|fatalities|bodies|eliminated"
)
INJURED_RIGHT = (
    r"injured|wounded|hurt|injuries|wounds|maimed|suffocated|"
    r"suffer(?:ed|ing|s)?\s+(?:from\s+)?(?:suffocation|breathing\s+difficulties|respiratory\s+problems)"
)
DISPLACED_RIGHT = r"displaced|fled|flee|fleeing|migrate|uprooted|evacuated|forced\s+to\s+leave|homeless"
_RIGHT_RE = re.compile(
    rf"\b(?:(?P<killed>{KILLED_RIGHT})|(?P<injured>{INJURED_RIGHT})|(?P<displaced>{DISPLACED_RIGHT}))\b", re.I
)
_LEFT_RE = re.compile(
    r"\b(?:(?P<killed>kill(?:ed|ing|s)?|claim(?:ed|ing|s)?\s+the\s+lives\s+of|deaths?\s+of|killing\s+of|bod(?:y|ies)\s+of|"
    r"death\s+toll\s+(?:\w+\s+){0,3}?(?:to|at|of)|toll\s+(?:\w+\s+){0,2}?(?:to|at)|massacr(?:ed|ing)|"
    # "the death toll from the air strike on a market in X rose to 12"
    r"(?:death\s+)?toll\s+(?:from|of|in)\s+[^,;:]{1,100}?\s(?:has\s+|had\s+)?(?:rose|risen|climbed|increased|jumped|"
    r"reached|hit|stood|stands|mounted|soared)\s+(?:to|at)?|"
    r"(?:victims|dead|fatalities|those\s+killed)\s+(?:included|include|were|are)|kills|executed|executing|"
    r"eliminat(?:ed|ing|es))"
    r"|(?P<injured>injur(?:ed|ing|es|y\s+to|ies\s+to)|wound(?:ed|ing|s)?|hurt(?:ing)?|wounding\s+of|"
    r"(?:suffocation|breathing\s+difficulties|respiratory\s+problems)\s+(?:[\w-]+\s+){0,3}?(?:for|among|in|to))"
    r"|(?P<displaced>displac(?:ed|ing|es)|displacement\s+of|forced\s+migration\s+of|uproot(?:ed|ing)))"
    r"(?:\s+(?:a\s+total\s+of|an?\s+estimated|another|also|more\s+than|nearly|almost|at\s+least))?\s*$",
    re.I,
)
_SUBSET_AFTER_RE = re.compile(
    r"\s*(?:(?:of\s+(?:whom|them|those)|among\s+them)\s+(?:were\s+|are\s+|being\s+)?|(?:were|are)\s+)"
    r"(?:(?:\w+\s+){0,1})(?P<noun>children|child|kids|minors|women|woman|girls|boys|babies|infants)\b",
    re.I,
)
_SUBSET_BEFORE_RE = re.compile(r"\b(?:including|among\s+them|among\s+whom|of\s+whom|of\s+them)\s*$", re.I)
_MODAL_RE = re.compile(r"\b(?:may|might|could|would|will|threaten(?:s|ed)?\s+to|risk|feared)\b\s+(?:\w+\s+){0,2}$", re.I)
_SEGMENT_SPLIT_RE = re.compile(r"(?<!\d),|,(?!\d)|[;:()\"“”]|\s[–—-]\s|\bwhile\b|\bwhereas\b|\bbut\b", re.I)
_STOP = {
    "and", "or", "in", "at", "on", "of", "to", "from", "by", "with", "for", "the", "a", "an", "as", "that",
    "who", "which", "were", "was", "are", "is", "have", "has", "had", "been", "be", "after", "before",
    "during", "while", "when", "since", "into", "near", "across", "each",
}
_PERSON_SET = {p.lower() for p in PERSON_NOUNS}
_NOUN_RE = re.compile(r"\s*(?:of\s+(?:the\s+)?)?((?:[\w'’-]+\s+){0,3}?)([\w-]+)\b")
_NON_PERSON_AFTER_RE = re.compile(
    r"\s*(?:%|per\s*cent|percent|km|kilomet|miles|met(?:er|re)s|hours?|days?|weeks?|months?|years?|"
    r"times|trucks|tonnes|tons|dollars|euros|air\s*strikes|airstrikes|strikes|raids|rockets|shells|"
    r"missiles|barrel|attacks|violations|buildings|houses|homes|villages|towns|schools|hospitals|camps|"
    r"crossings|tents|families\s+(?:live|are|were)|million\s+(?:dollars|euros)|\w+-year-old)",
    re.I,
)
_PLACE_LINK_RE = re.compile(r"\s*(?:each\s+)?(?:(?:were\s+|was\s+)?(?:killed|injured|wounded)\s+)?(?:in|at|from|near)\s+", re.I)

# tallies: periods, wars, disasters, aggregated attacks
_PERIOD_RE = re.compile(
    # ("in the past 24 hours" is a day's report, coded as an incident like ACLED does: not a period)
    r"\b(?:in|over|during|within|for)\s+(?:the\s+)?(?:last|past|previous|first|recent)\s+"
    r"(?!(?:24|twenty-four)\s+hours)(?:[\w.]+\s+){0,2}?"
    r"(?:hours|days|weeks|months|years|decade)\b"
    r"|\b(?:in|over|during|within)\s+(?:the\s+)?(?:\d+(?:\.\d+)?|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|several|many|a\s+few|few)\s+(?:days|weeks|months|years)\b"
    r"|\bsince\s+(?:that\s+time|then|the\s+(?:start|beginning|outbreak|eruption|onset|end)|the\s+(?:war|conflict|"
    r"uprising|revolution|earthquake|ceasefire|cease-fire|truce|offensive|campaign|agreement)|last|early|late|mid|"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)|\d{4})"
    r"|\bso\s+far\s+(?:this|in)\b|\bthis\s+(?:year|month)\b|\bto\s+date\b|\bin\s+total\b|\bcumulative\b"
    r"|\bthe\s+past\s+(?:\w+\s+)?(?:weeks|months|years)\b|\bmonthly\b|\bweekly\s+toll\b|\bper\s+(?:day|month)\b",
    re.I,
)
_AFTER_DATE_RE = re.compile(r"\b(?:since|after|from|between|until|throughout)\s+$", re.I)


def _bounds_a_period(text: str, start: int, end: int) -> bool:
    """"since Monday", "from March": the date bounds a period; not "from Monday's shelling",
    where the possessive date names the event the toll is from."""
    return bool(_AFTER_DATE_RE.search(text[max(0, start - 12) : start])) and not re.match(r"['’]s\b", text[end:end + 3])
_WAR_RE = re.compile(
    r"\b(?:(?:the|syria['’]s|a|this|its|decade-long|years-long|\d+-year)\s+(?:\w+[\s-]+){0,2}?(?:war|conflict)\s+"
    r"(?:has|had|that\s+has|which\s+has|which\s+had)\s+(?:killed|left|claimed|displaced)"
    r"|\b(?:in|during|throughout)\s+(?:the\s+|syria['’]?s\s+|this\s+|its\s+|a\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:war|conflict)(?![\w-])(?!\s+(?:zone|area|front))"
    r"|years\s+of\s+(?:war|conflict|fighting)|since\s+(?:the\s+)?(?:war|conflict|uprising|revolution)\s+"
    r"(?:began|started|erupted|broke\s+out)|since\s+2011|death\s+toll\s+(?:of|in)\s+(?:the|syria['’]s)\s+(?:\w+\s+)?war)",
    re.I,
)
_DISASTER_RE = re.compile(
    r"\b(?:earthquakes?|quakes?|tremors?|aftershocks?|floods?|flooding|storms?|landslides?|wildfires?|"
    r"snowstorms?|heavy\s+rains?|cholera|coronavirus|covid(?:-19)?|pandemic|epidemic|cold\s+weather|freezing)\b",
    re.I,
)
_AGGREGATE_RE = re.compile(
    r"(?P<n>\d[\d,]*|dozens|hundreds|thousands|scores)\s+(?:of\s+)?(?:\w+\s+)?"
    r"(?:air\s*strikes|airstrikes|strikes|raids|attacks|violations|times|assaults|bombardments|incidents)\b",
    re.I,
)
_NEGATION_RE = re.compile(r"\b(?:no|not|none|nobody|without)\b\s+(?:\w+\s+){0,2}$", re.I)
_EVENT_CUE_RE = re.compile(
    rf"\b(?:{KILLED_RIGHT}|{INJURED_RIGHT}|kill\w*|injur\w*|wound\w*|victims?|casualt\w+|attack\w*|strikes?|"
    r"shell\w*|bomb\w*|raids?|targeted|pounded|hit)\b",
    re.I,
)
_PERP_EXCLUDE_BEFORE_RE = re.compile(
    r"\b(?:against|targeting|targeted|on|at|from|fighting|backed\s+by|supported\s+by|with|between|"
    r"held\s+by|controlled\s+by|seized\s+by|captured\s+by|run\s+by|(?:under\s+the\s+)?control\s+of)\s+"
    r"(?:the\s+|a\s+|an\s+|its\s+)?(?:(?:tens|dozens|scores|hundreds)\s+of\s+(?:the\s+)?)?(?:[\w-]+\s+){0,1}$",
    re.I,
)
_ATTACK_NOUN_AFTER_RE = re.compile(
    r"\s+(?:(?:air|drone|missile|rocket|artillery)\s+)?(?:air\s*strikes?|airstrikes?|strikes?|shelling|bombardments?|"
    r"bombing|raids?|attacks?|warplanes|jets|drones?|missiles?|rockets?|barrel\s+bombs?)\b", re.I)
_STRIKE_VERB_RE = re.compile(
    r"\b(?:pounded|bombed|shelled|struck|hit|targeted|raided|attacked|bombarded|strikes?\s+on|"
    r"air\s*strikes?\s+on|raids?\s+on|shelling\s+(?:on|of)|bombing\s+of|bombardment\s+of)\b",
    re.I,
)

SPECIFIC_KINDS = ("community", "neighbourhood", "road", "crossing", "admin3")

# "N civilians, including three children, were killed": the subsets sit between the count and its verb
_SUBSET_CUE = r"(?:including|among\s+them|among\s+whom|of\s+whom|of\s+them|mostly|mainly)"
_SUBSETS_BETWEEN_RE = re.compile(
    rf"\s*,?\s*{_SUBSET_CUE}\s+N(?:\s*(?:,|and|,\s*and)\s*N)*\s*,?\s*(?:who\s+)?"
    r"(?:were|was|are|is|have\s+been|has\s+been|had\s+been|got)?\s*",
    re.I,
)
_SUBSET_ASIDE_RE = re.compile(rf"\s*,\s*{_SUBSET_CUE}\s+[^,;:.()]{{1,60}}?(?:,\s*(?:and\s+)?[^,;:.()]{{1,40}}?)?,\s*", re.I)
_SUBSET_TRAIL_RE = re.compile(r"\s*,?\s*(?:among|amongst)\s+(?:them|whom|the\s+(?:dead|victims|wounded|injured))\b", re.I)
_ALONG_WITH_RE = re.compile(r"\b(?:along\s+with|together\s+with|as\s+well\s+as|in\s+addition\s+to)\s+$", re.I)
# "one of those killed", "two of the wounded": a reference to victims already counted
_PARTITIVE_RE = re.compile(
    r"\s+of\s+(?:those|the|them)\s+(?:who\s+(?:were|was|died)\s+)?(?:killed|dead|injured|wounded|victims|casualties)\b",
    re.I,
)
# "one of ISIS bodies", "two of the army's units": parts of an organisation, not dead bodies
_ORG_PARTS_RE = re.compile(
    r"\s+of\s+(?:the\s+)?(?:[A-Z][\w-]*|(?:\w+['’]s))\s+(?:[\w-]+\s+)?(?:bodies|organs|branches|units|institutions|agencies)\b"
)
# a follow-up that adds injured to the toll of the sentence before ("also wounded 25 others")
_FOLLOW_UP_RE = re.compile(r"\b(?:also|other|others|another|further)\b", re.I)
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# a month without a day ("In May ... barrel bomb attacks"): with plural attacks, a month's tally
_MONTH_ONLY_RE = re.compile(rf"\b(?i:in|during|throughout|over)\s+(?:(?i:early|late|mid)-?\s*)?{_MONTH}\b(?!\s+\d)")
_PLURAL_ATTACKS_RE = re.compile(
    r"\b(?:attacks|strikes|air\s*strikes|airstrikes|raids|bombardments|bombings|barrel\s+bombs|shells|rockets)\b",
    re.I,
)
# two days or more in one figure ("on Friday and Saturday at least 13 died")
_MULTI_DAY_RE = re.compile(rf"\b{_WEEKDAY}\s*(?:,\s*|\s+and\s+|\s+to\s+|\s+through\s+|\s*-\s*){_WEEKDAY}\b")
# a class of events, not one ("were killed in such attacks")
_CLASS_OF_EVENTS_RE = re.compile(
    r"\b(?:in|by|from)\s+(?:such|these|those|similar|similar\s+such)\s+(?:attacks|strikes|raids|incidents|bombings)\b"
    r"|\b(?:in|during)\s+(?:\w+\s+)?separate\s+(?:attacks|strikes|raids|incidents|bombings|operations|clashes|"
    r"battles|assaults|ambushes)\b",
    re.I,
)
# the place an attack came from, not where it hit ("terrorists positioned in X fired on Y")
_ORIGIN_BEFORE_RE = re.compile(
    r"\b(?:positioned|stationed|deployed|based|entrenched|holed\s+up|fired\s+from|launched\s+from|"
    r"coming\s+from|came\s+from|from\s+(?:their|its)\s+positions\s+in)\s+(?:in|at|inside)?\s*"
    r"(?:the\s+)?(?:(?:towns?|villages?|areas?|neighbou?rhoods?)\s+of\s+)?(?:[\w'’-]+\s+(?:and\s+)?){0,3}$",
    re.I,
)
# "<count> members of <actor>": the actor is the victims' group
_MEMBERS_OF_RE = re.compile(
    r"\s+(?:[\w-]+\s+)?(?:members|fighters|militants|elements|commanders|soldiers|troops|gunmen|terrorists|"
    r"personnel|operatives|recruits)\s+(?:of|from)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}$",
    re.I,
)
# the day of the report, not of the event: "a monitor said Friday"
_REPORT_DATE_BEFORE_RE = re.compile(
    r"\b(?:said|says|reported|announced|added|stated|confirmed|told\s+(?:[A-Z][\w-]*\s*){1,3})\s+(?:on\s+)?$"
)
# a sentence that turns to another event ("Meanwhile ...", "Elsewhere ...")
_NEW_EVENT_RE = re.compile(
    r"^\W*(?:meanwhile|elsewhere|separately|in\s+another|in\s+a\s+separate|also|earlier|later|in\s+addition|"
    r"on\s+(?:the\s+)?other)\b",
    re.I,
)
# a place used as a reference point, not where it happened
_REFERENCE_POINT_RE = re.compile(
    r"\b(?:to\s+the|kilomet(?:er|re)s?|km|miles)\s+(?:\(\d+\s+miles\)\s+)?"
    r"(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of\s+(?:the\s+)?(?:city\s+of\s+)?$",
    re.I,
)
# present perfect casualty verbs: "have been killed", "has died"
_PERFECT_RE = re.compile(r"\b(?:have|has)\s+(?:been\s+)?(?:killed|wounded|injured|died)\b", re.I)
# datelines: the publication date written before the story, not an event date
_DATELINE_BEFORE_RE = re.compile(
    r"(?:^|\n|\b(?:published|updated|posted|date\s+of\s+publication|AFP|Reuters|AP|Anadolu(?:\s+Agency)?)\s*:?)"
    r"\s*(?:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)[a-z]*,?\s+)?$",
    re.I,
)


# --- intermediate records -----------------------------------------------------------------------


@dataclass
class Unit:
    start: int  # doc offsets of the count expression
    end: int
    value: int | None
    low: int | None
    high: int | None
    vague: bool
    qualifier: str | None
    category: str | None = None  # killed | injured | displaced
    group: str = "civilians"
    children: int = 0
    women: int = 0
    each: bool = False
    subset: str | None = None  # children | women (for subset units)
    span_start: int = 0  # evidence extent: count + governing casualty word
    span_end: int = 0
    subsets: list[Unit] = field(default_factory=list)
    along: bool = False  # "... along with six teachers": adds to the count before it


@dataclass
class Group:
    """One candidate report: counts by category, with where/when/who, inside one sentence."""

    sentence: SentenceSpan
    units: list[Unit]
    places: list[PlaceMention]
    place: PlaceMention | None = None
    place_inherited: bool = False
    date: DateMention | None = None
    date_inherited: bool = False
    perpetrators: list[ActorMention] = field(default_factory=list)
    source: ActorMention | None = None
    trigger: Trigger | None = None
    scope: str | None = None  # None = event; else period | war | disaster | article_total
    period_text: str | None = None
    since_text: str | None = None
    evidence: tuple[int, int] = (0, 0)
    counts: dict = field(default_factory=dict)
    countless: bool = False
    merged: list[str] = field(default_factory=list)
    date_is_report: bool = False  # the date is the day something was said ("said Friday")
    date_from_lead: bool = False  # the date is the article's lead date, taken for lack of any other
    headline: bool = False  # counts inside the title or a restatement of it in the body
    victims: set = field(default_factory=set)
    rest_of_total: bool = False  # "six others" of a lead total: placed at the total's place, not a part's  # actor_ids of the victims' group ("20 ISIL members were killed")


# --- sentence level -------------------------------------------------------------------------------


def _segments(text: str) -> list[tuple[int, int]]:
    """Comma/clause segments of a sentence (offsets relative to the sentence)."""
    cuts = [0]
    for m in _SEGMENT_SPLIT_RE.finditer(text):
        cuts.extend([m.start(), m.end()])
    cuts.append(len(text))
    return [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]


def _segment_of(segments: list[tuple[int, int]], pos: int) -> int:
    for i, (s, e) in enumerate(segments):
        if s <= pos < e or (pos == e and i == len(segments) - 1):
            return i
    for i, (s, _e) in enumerate(segments):
        if pos < s:
            return max(0, i - 1)
    return len(segments) - 1


def _noun_after(text: str, pos: int) -> tuple[str | None, int]:
    """The person noun a count quantifies ('seven civilians', 'nine members', '82 others')."""
    m = _NOUN_RE.match(text, pos)
    if not m:
        return None, pos
    mods = m.group(1).split()
    if any(w.lower() in _STOP for w in mods):
        # the noun must follow the count directly or through modifiers: stop at a function word
        first = mods[0].lower() if mods else ""
        if first in _STOP or any(w.lower() in _STOP for w in mods):
            word = re.match(r"\s*(?:of\s+(?:the\s+)?)?([\w-]+)", text[pos:])
            if word and word.group(1).lower() in _PERSON_SET:
                return word.group(1), pos + word.end()
            return None, pos
    noun = m.group(2)
    if noun.lower() in _PERSON_SET:
        return noun, m.end()
    # the noun after one to three modifiers: "15 Daesh terrorists", "seven Al-Nusra members"
    for k in range(1, 4):
        mk = re.match(rf"\s*(?:of\s+(?:the\s+)?)?((?:[\w'’-]+\s+){{{k}}})([\w-]+)\b", text[pos:])
        if not mk or any(w.lower() in _STOP for w in mk.group(1).split()):
            break
        if mk.group(2).lower() in _PERSON_SET:
            return mk.group(2), pos + mk.end()
    return None, pos


def _find_units(sent: SentenceSpan, doc: Doc, dates: list[DateMention], places: list[PlaceMention]) -> list[Unit]:
    text = sent.text
    base = sent.start
    date_spans = [(d.start_char - base, d.end_char - base) for d in dates]
    candidates: list[tuple[int, int, Unit]] = []
    persons = find_person_counts(text)
    for p in persons:
        u = Unit(base + p.start_char, base + p.end_char, p.total, p.total, p.total, False, None,
                 children=p.children, women=p.women)
        u.group = "children" if p.children == p.total else "women" if p.women == p.total else (
            "fighters" if p.fighters == p.total else "civilians")
        candidates.append((p.start_char, p.end_char, u))
    for n in find_numbers(text):
        if any(n.start_char < e and s < n.end_char for s, e, _ in candidates):
            continue
        if any(n.start_char < e and s < n.end_char for s, e in date_spans):
            continue
        if n.value is None or (not n.vague and 1900 <= n.value <= 2100 and n.qualifier is None and "," not in n.text):
            continue
        if _NON_PERSON_AFTER_RE.match(text, n.end_char):
            continue
        u = Unit(base + n.start_char, base + n.end_char, n.value, n.low, n.high, n.vague, n.qualifier)
        candidates.append((n.start_char, n.end_char, u))
    candidates.sort(key=lambda c: c[0])

    units: list[Unit] = []
    last_main: Unit | None = None
    last_subset: Unit | None = None
    place_starts = {p.start_char - base for p in places}
    nouns = {s: _noun_after(text, e) for s, e, _u in candidates}
    for s, e, u in candidates:
        before = text[:s]
        noun, noun_end = nouns[s]
        if _PARTITIVE_RE.match(text, noun_end if noun else e) or _ORG_PARTS_RE.match(text, e):
            continue  # "one of those killed": victims counted elsewhere; "one of the group's bodies"
        if noun and u.group == "civilians" and not (u.children or u.women):
            u.group = noun_group(noun)
            if u.group == "children":
                u.children = u.value or 0
            elif u.group == "women":
                u.women = u.value or 0
        end_np = noun_end if noun else e
        u.span_start, u.span_end = u.start, base + end_np
        # subsets: "six of whom were children", "four of them children", "29 are children", "including 3 women"
        sub = _SUBSET_AFTER_RE.match(text, e)
        continues_subset = (
            last_subset is not None and last_main is not None and last_main.subsets
            and last_main.subsets[-1] is last_subset
            and re.fullmatch(r"\s*(?:,|and|,\s*and)\s*", text[last_subset.span_end - base : s]) is not None
        )
        cw_kind = _children_women_kind(u, noun)
        trailing = _SUBSET_TRAIL_RE.match(text, noun_end if noun else e)  # "... killed, a woman among them"
        if last_main is not None and (sub or ((_SUBSET_BEFORE_RE.search(before) or continues_subset or trailing)
                                              and cw_kind is not None)):
            kind = noun_group(sub.group("noun")) if sub else cw_kind
            if kind in ("children", "women", "mixed"):
                u.subset = kind
                u.category = last_main.category
                u.span_end = base + (sub.end() if sub else end_np)
                last_main.subsets.append(u)
                last_subset = u
                continue
        seg_start = max((m.end() for m in _SEGMENT_SPLIT_RE.finditer(text, 0, s)), default=0)
        left = _LEFT_RE.search(text[seg_start:s])
        if left and not _MODAL_RE.search(text[seg_start:s][: left.start()]):
            u.category = next(k for k in ("killed", "injured", "displaced") if left.group(k))
            u.span_start = base + seg_start + left.start()
            # "Nine killed 12 injured" (punctuation lost): the participle closes the count before it;
            # this count's own verb follows it directly
            gap = len(text[end_np:]) - len(text[end_np:].lstrip())
            own = _RIGHT_RE.match(text, end_np + gap)
            if own and gap and left.group(0).strip().lower() in ("killed", "injured", "wounded"):
                own_cat = next(k for k in ("killed", "injured", "displaced") if own.group(k))
                if own_cat != u.category:
                    u.category, u.span_start, u.span_end = own_cat, u.start, base + own.end()
        if u.category is None:
            # "Four civilians, including two children, were killed": the verb is past the subset aside
            aside = _SUBSET_ASIDE_RE.match(text, end_np)
            seg_from = aside.end() if aside else end_np
            seg_end = min((m.start() for m in _SEGMENT_SPLIT_RE.finditer(text, seg_from)), default=len(text))
            right = _RIGHT_RE.search(text, end_np, seg_end)
            if right:
                between = text[end_np : right.start()]
                others = [c for c in candidates if end_np <= c[0] < right.start()]
                has_other_count = bool(others) and not _only_subsets_between(
                    text, end_np, right.start(), others, nouns)
                bare_conjunction = noun is None and re.search(r"\b(?:and|with)\b", between)
                if (not has_other_count and not _MODAL_RE.search(between) and len(between) <= 90
                        and not bare_conjunction):
                    u.category = next(k for k in ("killed", "injured", "displaced") if right.group(k))
                    u.span_end = base + right.end()
        if u.category is None and last_main is not None and last_main.category and _ALONG_WITH_RE.search(before):
            u.category = last_main.category  # "22 children were killed along with six teachers"
            u.along = True
        if u.category is None and last_main is not None and last_main.category:
            # a distributive list continues: "eight in Binnish, two each in A and B"
            link = _PLACE_LINK_RE.match(text, end_np)
            if link and any(link.end() <= ps <= link.end() + 25 for ps in place_starts):
                u.category = last_main.category
        if u.category is None:
            continue
        if re.match(r"\s*each\b", text[e:]):
            u.each = True
        if re.search(r"\b(?:no|not|none\s+of\s+the)\s+$", text[:s], re.I):
            continue  # "wounded no one"
        units.append(u)
        last_main = u
    return units


def _children_women_kind(u: Unit, noun: str | None) -> str | None:
    """children | women | mixed when every person the count names is a child or a woman."""
    if not u.value:
        return None
    if noun and noun_group(noun) in ("children", "women"):
        return noun_group(noun)
    if u.children + u.women == u.value:
        return "children" if u.children == u.value else "women" if u.women == u.value else "mixed"
    return None


def _only_subsets_between(text: str, start: int, end: int, others: list, nouns: dict) -> bool:
    """'11 civilians[, among them three children,] were killed': only subset counts in between."""
    pieces, pos = [], start
    for s, e, u in others:
        noun, noun_end = nouns[s]
        if _children_women_kind(u, noun) is None:
            return False
        pieces.append(text[pos:s])
        pieces.append("N")
        pos = noun_end if noun else e
    pieces.append(text[pos:end])
    return _SUBSETS_BETWEEN_RE.fullmatch("".join(pieces)) is not None


def _group_units(units: list[Unit], sent: SentenceSpan, places: list[PlaceMention]) -> list[Group]:
    """Split a sentence's units into reports by the places their list items name."""
    if not units:
        return []
    items: list[tuple[Unit, list[PlaceMention]]] = []
    for i, u in enumerate(units):
        end = units[i + 1].start if i + 1 < len(units) else sent.end
        items.append((u, [p for p in places if u.start <= p.start_char < end]))
    groups: list[Group] = []
    for u, ps in items:
        if groups and u.along:
            groups[-1].units.append(u)
            groups[-1].places.extend(ps)
            continue
        if groups:
            prev = groups[-1]
            prev_cats = {x.category for x in prev.units}
            own = [p for p in ps if p.kind != "country"]
            prev_own = [p for p in prev.places if p.kind != "country"]
            joins = (
                (u.category not in prev_cats and (not own or not prev_own))
                or (u.category in prev_cats and not own and not prev_own and not u.each
                    and all(x.group != u.group for x in prev.units))
            )
            if joins and not u.each and not any(x.each for x in prev.units):
                prev.units.append(u)
                prev.places.extend(ps)
                continue
        groups.append(Group(sent, [u], list(ps)))
    return groups


def _expand_each(groups: list[Group]) -> list[Group]:
    out = []
    for g in groups:
        if any(u.each for u in g.units):
            specific = [p for p in g.places if p.kind not in ADMIN_KINDS]
            hints = [p for p in g.places if p.kind in ("admin1", "admin2")]
            if len(specific) >= 2:
                for p in specific:
                    ng = Group(g.sentence, g.units, [p, *hints])
                    out.append(ng)
                continue
        out.append(g)
    return out


def _counts(units: list[Unit]) -> dict:
    counts: dict = {}
    for cat in ("killed", "injured", "displaced"):
        us = [u for u in units if u.category == cat]
        if not us:
            continue
        exact = [u for u in us if not u.vague]
        chosen = exact or us
        value = sum(u.value or 0 for u in chosen)
        counts[cat] = value
        if cat == "displaced":
            continue
        lows = [u.low for u in chosen]
        highs = [u.high for u in chosen]
        counts[f"{cat}_low"] = sum(lows) if all(v is not None for v in lows) else None
        counts[f"{cat}_high"] = sum(highs) if all(v is not None for v in highs) else None
        if not exact:
            counts[f"{cat}_vague"] = True
        children = sum(u.children for u in chosen) + sum(
            (s.value or 0) if s.subset == "children" else s.children if s.subset == "mixed" else 0
            for u in chosen for s in u.subsets)
        women = sum(u.women for u in chosen) + sum(
            (s.value or 0) if s.subset == "women" else s.women if s.subset == "mixed" else 0
            for u in chosen for s in u.subsets)
        if children:
            counts[f"{cat}_children"] = children
        if women:
            counts[f"{cat}_women"] = women
        groups = {u.group for u in chosen}
        counts.setdefault("victim_group", groups.pop() if len(groups) == 1 else "mixed")
    return counts


_LOCATIVE_RE = re.compile(
    r"\b(?:in|into|to|from|towards|toward|across|near|inside|within|with|border\s+with)\s+(?:\w+\s+and\s+)?(?:the\s+)?$",
    re.I,
)
_PLACE_NOUN_AFTER_RE = re.compile(
    r"[\s-]+(?:bastion|stronghold|territory|territories|areas?|enclave|held|controlled|-held|side|lines|positions?|"
    r"posts?|bases?|headquarters|checkpoints?|sites?|outposts?)\b", re.I
)
_COUNTRY_ACTORS = re.compile(r"^(?:Turkey|Russia|Iran|Israel|Syria|Lebanon|Iraq|Jordan|"
                             r"Ankara|Moscow|Tehran|Washington|Damascus|Amman|Beirut|Baghdad)$", re.I)


# the actor who speaks, not who acts: "the Turkish army said", "the regime media reported"
_SPEAKER_AFTER_RE = re.compile(
    r"\s*(?:\)\s*)?(?:has\s+|had\s+|also\s+)?(?:said|says|told|reported|reports|announced|added|stated|claimed|"
    r"confirmed|denied)\b",
    re.I,
)


# a temporal clause after the killers are named tells the backdrop: "... after/as rebels launched ..."
_BACKGROUND_CLAUSE_RE = re.compile(
    r"\b(?:after|as|while|when|since|before|following)\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){0,1}$", re.I
)


def _perpetrators(actors: list[ActorMention], text: str, base: int, units: list[Unit],
                  victims: set | None = None) -> list[ActorMention]:
    """Perpetrator-role actors of a sentence that act in it; the ids of the victims' group go to `victims`."""
    out = []
    for a in actors:
        if a.role != "perpetrator":
            continue
        before = text[max(0, a.start_char - base - 30) : a.start_char - base]
        if _COUNTRY_ACTORS.match(a.text) and _LOCATIVE_RE.search(before):
            continue  # "in Syria and Turkey": a place
        if any(u.start <= a.start_char < u.span_end for u in units) or any(
                u.end <= a.start_char and (_MEMBERS_OF_RE.match(text[u.end - base : a.start_char - base])
                                           or re.fullmatch(r"\s*[\"'“‘]\s*", text[u.end - base : a.start_char - base]))
                for u in units):
            # "killing five regime soldiers", "20 members of the Daesh group were killed": victims
            if victims is not None:
                victims.add(a.actor_id)
            continue
        if units and all(u.end <= a.start_char for u in units) and _SPEAKER_AFTER_RE.match(text, a.end_char - base):
            continue  # "..., the Turkish military said": a trailing attribution names who reports it
        if out and _BACKGROUND_CLAUSE_RE.search(text[max(0, a.start_char - base - 30) : a.start_char - base]):
            continue  # "killed in regime air strikes after rebels launched an offensive": the backdrop
        if _PERP_EXCLUDE_BEFORE_RE.search(text[max(0, a.start_char - base - 40) : a.start_char - base]) \
                and not _ATTACK_NOUN_AFTER_RE.match(text, a.end_char - base):
            continue  # ... but "the toll from the Russian air strike": the actor's attack
        if BROKERS_BEFORE.search(text[max(0, a.start_char - base - 80) : a.start_char - base]):
            continue
        if _PLACE_NOUN_AFTER_RE.match(text, a.end_char - base):
            continue  # "the last rebel bastion", "regime areas": where, not who
        out.append(a)
    return out


def _tally_scope(sent: SentenceSpan, group: Group, dates: list[DateMention]) -> tuple[str | None, str | None, str | None]:
    """(scope, period_text, since_text) when the report is not an incident."""
    text = sent.text
    segs = _segments(text)
    first_unit = min(u.start for u in group.units) - sent.start
    seg_i = _segment_of(segs, first_unit)
    seg_end = segs[seg_i][1]
    upto = text[:seg_end]
    if _DISASTER_RE.search(text):
        return "disaster", _DISASTER_RE.search(text).group(0), None
    war = _WAR_RE.search(upto)
    if war:
        return "war", war.group(0), None
    period = (_PERIOD_RE.search(upto) or _MULTI_DAY_RE.search(upto) or _CLASS_OF_EVENTS_RE.search(text)
              or (_PLURAL_ATTACKS_RE.search(text) and _MONTH_ONLY_RE.search(upto)))
    since = None
    for d in dates:
        rel = d.start_char - sent.start
        if rel < seg_end and _bounds_a_period(text, rel, d.end_char - sent.start):
            since = text[max(0, rel - 12) : rel].split()[-1] + " " + d.text
        elif rel < seg_end and d.precision in ("month", "year") and d.kind in ("month", "year", "relative"):
            period = period or re.match(r".*", d.text)
    agg = next((m for m in _AGGREGATE_RE.finditer(upto)
                if m.group("n").isalpha() or int(m.group("n").replace(",", "")) >= 5), None)
    if period or since or agg:
        return "period", (period.group(0) if period else agg.group(0) if agg else None), since
    counts = group.counts
    if set(counts) & {"killed", "injured"} == set() and "displaced" in counts:
        return "period", None, None
    return None, None, None


def _sentence_groups(
    sent: SentenceSpan, doc: Doc, places: list[PlaceMention], actors: list[ActorMention],
    dates: list[DateMention], triggers: list[Trigger],
) -> list[Group]:
    s_places = [p for p in in_span(places, sent.start, sent.end)
                if not any(a.start_char <= p.start_char < a.end_char for a in actors) and _is_target_place(doc.text, p)]
    all_dates = in_span(dates, sent.start, sent.end)
    s_dates = [d for d in all_dates if not _is_dateline(doc.text, d)]
    s_actors = in_span(actors, sent.start, sent.end)
    units = _find_units(sent, doc, all_dates, s_places)
    groups = _expand_each(_group_units(units, sent, s_places))
    if not groups:
        return []
    s_triggers = in_span(triggers, sent.start, sent.end)
    first_start = min(u.start for u in units)
    prefix_places = [p for p in s_places if p.start_char < first_start]
    victims: set = set()
    perps = _perpetrators(s_actors, sent.text, sent.start, units, victims)
    sources = [a for a in s_actors if a.role == "source"]
    for g in groups:
        g.counts = _counts(g.units)
        own = [p for p in g.places if p.kind != "country"]
        if not own and g is groups[0]:
            own = prefix_places
        g.places = own
        g.place = most_specific(own)
        event_dates = [d for d in s_dates if not _bounds_a_period(sent.text, d.start_char - sent.start, d.end_char - sent.start)
                       and d.precision in ("day", "week")]
        if event_dates:
            anchor = g.units[0].start
            told = [d for d in event_dates if _is_report_date(doc.text, d)]
            own_dates = [d for d in event_dates if d not in told] or told
            g.date = min(own_dates, key=lambda d: abs(d.start_char - anchor))
            g.date_is_report = g.date in told
        g.perpetrators = perps
        g.victims = set(victims)
        g.source = sources[0] if sources else None
        g.trigger = _best_trigger(s_triggers)
        g.scope, g.period_text, g.since_text = _tally_scope(sent, g, s_dates)
        if g.scope is None and _PERFECT_RE.search(sent.text):
            # "X has been under rocket fire since January. Twenty people have been killed ...":
            # a present-perfect toll right after a period sentence continues that period
            prev = doc.text[max(0, sent.start - 300) : sent.start]
            prev = re.split(r"(?<=[.!?])\s+", prev.strip())[-1] if prev.strip() else ""
            period = _PERIOD_RE.search(prev)
            if period and not _WAR_RE.search(prev):
                g.scope, g.period_text = "period", period.group(0)
        g.evidence = _evidence(g)
    return groups


# "strikes north of X", "south of the Syrian capital X": X is the reference; "in the north of X" is not
_BARE_DIRECTION_RE = re.compile(
    r"\b(?:north|south|east|west)(?:-?(?:east|west))?\s+of\s+(?:the\s+)?"
    r"(?:(?:(?:Syrian|Syrias|Syria['’]s)\s+)?(?:capital|city|town|village|provincial\s+capital)\s+(?:of\s+)?)?$"
)


def _is_target_place(text: str, p: PlaceMention) -> bool:
    """False for places that say who or where from: "Britain-based", "terrorists positioned in X",
    or a reference point: "the town, 10 km north of X", "to the north of X"."""
    if re.match(r"[\s-]*based\b", text[p.end_char : p.end_char + 8]):
        return False
    if _REFERENCE_POINT_RE.search(text[max(0, p.start_char - 60) : p.start_char]):
        return False
    before = text[max(0, p.start_char - 60) : p.start_char]
    bare = _BARE_DIRECTION_RE.search(before)
    if bare and not re.search(r"\b(?:the|its|their)\s+(?:[\w-]+\s+)?$", before[: bare.start()], re.I):
        return False
    return not _ORIGIN_BEFORE_RE.search(text[max(0, p.start_char - 80) : p.start_char])


def _is_report_date(text: str, d: DateMention) -> bool:
    return _REPORT_DATE_BEFORE_RE.search(text[max(0, d.start_char - 40) : d.start_char]) is not None


def _is_dateline(text: str, d: DateMention) -> bool:
    """A full date written as the story's dateline ("AFP Thursday 27 Oct 2016", "Published July 2 2016")."""
    if d.kind != "absolute":
        return False
    line_start = text.rfind("\n", 0, d.start_char) + 1
    return _DATELINE_BEFORE_RE.search(text[max(line_start, d.start_char - 60) : d.start_char]) is not None and (
        d.start_char - line_start < 300)


def _best_trigger(triggers: list[Trigger]) -> Trigger | None:
    return min(triggers, key=lambda t: (t.priority, t.start_char)) if triggers else None


def _evidence(g: Group) -> tuple[int, int]:
    start = min(min([u.span_start, *(s.span_start for s in u.subsets)]) for u in g.units)
    end = max(max([u.span_end, *(s.span_end for s in u.subsets)]) for u in g.units)
    if g.place is not None and g.sentence.start <= g.place.start_char < g.sentence.end:
        start, end = min(start, g.place.start_char), max(end, g.place.end_char)
        # take in the words that close the place name ("Sarmin village", "Idlib province")
        tail = re.match(r"[\w'’-]*(?:\s+(?:village|town|city|province|governorate|region|district|countryside|"
                        r"market|highway|neighbourhood|camp))?", g.sentence.text[end - g.sentence.start :])
        if tail:
            end += tail.end()
    return start, end


# --- document level -------------------------------------------------------------------------------


def _countless_groups(
    sent: SentenceSpan, places: list[PlaceMention], actors: list[ActorMention],
    dates: list[DateMention], triggers: list[Trigger],
) -> list[Group]:
    """Strikes on named places with no count ('Aerial strikes pounded the towns of A, B')."""
    s_triggers = [t for t in in_span(triggers, sent.start, sent.end) if t.priority <= 7]
    if not s_triggers or not _STRIKE_VERB_RE.search(sent.text):
        return []
    if _PERIOD_RE.search(sent.text) or _DISASTER_RE.search(sent.text) or _MODAL_RE.search(sent.text + " x"):
        return []
    if re.search(r"\b(?:has|have)\s+(?:\w+\s+)?(?:been\s+)?(?:bomb|shell|target|strik|pound)\w*\b.*\bsince\b",
                 sent.text, re.I):
        return []
    s_actors = in_span(actors, sent.start, sent.end)
    specific = [p for p in in_span(places, sent.start, sent.end)
                if p.kind in SPECIFIC_KINDS and not any(a.start_char <= p.start_char < a.end_char for a in s_actors)]
    out = []
    for p in specific:
        g = Group(sent, [], [p], place=p, countless=True)
        s_dates = [d for d in in_span(dates, sent.start, sent.end) if d.precision == "day"]
        g.date = s_dates[0] if s_dates else None
        g.perpetrators = _perpetrators(s_actors, sent.text, sent.start, [])
        srcs = [a for a in s_actors if a.role == "source"]
        g.source = srcs[0] if srcs else None
        g.trigger = _best_trigger(s_triggers)
        g.evidence = (sent.start + len(sent.text) - len(sent.text.lstrip()), sent.start + len(sent.text.rstrip()))
        out.append(g)
    return out


def _chain(index: int, sents: list[SentenceSpan], cue: list[bool], depth: int = 3) -> list[int]:
    """Previous sentences of the same event chain: up to `depth` back, each with an event cue."""
    out = []
    for k in range(index - 1, max(-1, index - 1 - depth), -1):
        if not cue[k]:
            break
        out.append(k)
    return out


def _inherit(groups: list[Group], by_sentence: dict[int, dict], sents: list[SentenceSpan],
             cue: list[bool], lead_date: DateMention | None) -> None:
    for g in groups:
        if g.scope is not None:
            continue
        chain = _chain(g.sentence.index, sents, cue)
        info = [by_sentence[k] for k in chain if k in by_sentence]
        if g.date is None:
            for i in info:
                if i["date"] is not None:
                    g.date, g.date_inherited = i["date"], True
                    break
        if g.date is None and lead_date is not None and not g.countless:
            g.date, g.date_inherited, g.date_from_lead = lead_date, True, True
        if not g.perpetrators:
            for i in info:
                perps = _not_victims(i["perps"], g)
                if perps:
                    g.perpetrators = perps
                    break
        if g.trigger is None or g.trigger.priority >= 9:
            for i in info:
                if i["trigger"] is not None and (g.trigger is None or i["trigger"].priority < g.trigger.priority):
                    g.trigger = i["trigger"]
                    break
        if g.source is None:
            for i in info:
                if i["source"] is not None:
                    g.source = i["source"]
                    break
        # place: own if specific; else the nearest more specific place of the chain inside it
        if (g.place is None or g.place.kind in ("admin1", "admin2", "region")) and not g.rest_of_total:
            for i in info:
                cand = [p for p in i["places"] if place_rank(p) < place_rank(g.place)
                        and (g.place is None or contains(g.place, p))]
                if cand:
                    # the nearest place below admin level ("the village of A in Idlib province" -> A)
                    specific = [p for p in cand if p.kind not in ADMIN_KINDS and p.kind != "region"]
                    if g.place is None:
                        g.place = (specific or cand)[-1]
                    else:
                        g.place = most_specific(cand)
                    g.place_inherited = True
                    break


def _elaborate(groups: list[Group], by_sentence: dict[int, dict], sents: list[SentenceSpan], cue: list[bool]) -> None:
    """A lead gives the toll, the next sentences the details: "... killed 12 in Idlib province. Jets
    targeted the village of A" -> A. A report whose place is missing or an admin area / region, whose
    date is missing or only the day of the report ("a monitor said Friday"), or who has no perpetrator,
    takes them from the next one or two sentences of the same event: sentences with an event cue, no
    new casualty count of their own (restating the same figure is allowed), not turning to another
    event ("Meanwhile ..."), and naming exactly one place below admin level, inside the report's area,
    as the object of a strike verb ("hit the village of A")."""
    by_index: dict[int, list[Group]] = {}
    for h in groups:
        if not h.countless:
            by_index.setdefault(h.sentence.index, []).append(h)
    for g in groups:
        if g.scope is not None or g.countless:
            continue
        wide = (g.place is None or g.place.kind in ("admin1", "admin2", "region")) and not g.rest_of_total
        weak_date = g.date is None or g.date_is_report or g.date_from_lead
        if not (wide or weak_date or not g.perpetrators or g.trigger is None):
            continue
        for k in range(g.sentence.index + 1, min(len(sents), g.sentence.index + 3)):
            if not cue[k] or _NEW_EVENT_RE.search(sents[k].text) or _PERIOD_RE.search(sents[k].text):
                break
            own = by_index.get(k, [])
            if any(h.counts.get("killed") != g.counts.get("killed") for h in own):
                break
            info = by_sentence.get(k)
            if info is None:
                continue
            if wide:
                specific = [p for p in info["places"] if p.kind not in ADMIN_KINDS and p.kind != "region"
                            and (g.place is None or contains(g.place, p)) and _struck(sents[k], p)]
                if len({(p.location_id or p.text) for p in specific}) == 1:
                    g.place, g.place_inherited, wide = specific[0], True, False
            if weak_date and info["date"] is not None and not info["date_is_report"]:
                g.date, g.date_is_report, g.date_inherited, weak_date = info["date"], False, True, False
                g.date_from_lead = False
            if not g.perpetrators and _not_victims(info["perps"], g):
                g.perpetrators = _not_victims(info["perps"], g)
            if g.trigger is None and info["trigger"] is not None:
                g.trigger = info["trigger"]


def _struck(sent: SentenceSpan, p: PlaceMention) -> bool:
    """The place is what a strike verb hit: "... hit the village of A", "targeted A"."""
    before = sent.text[max(0, p.start_char - sent.start - 60) : p.start_char - sent.start]
    return any(not re.search(r"[,;]", before[m.end():]) for m in _STRIKE_VERB_RE.finditer(before))


def _follow_ups(groups: list[Group]) -> list[Group]:
    """Injured told in a sentence after the dead ("The strike also wounded 25 others") join that report."""
    out: list[Group] = []
    for g in groups:
        if (g.scope is None and not g.countless and "injured" in g.counts and "killed" not in g.counts
                and (g.place is None or g.place_inherited or g.place.kind in ADMIN_KINDS)
                and _FOLLOW_UP_RE.search(g.sentence.text)):
            prev = next((p for p in reversed(out)
                         if p.scope is None and not p.countless and "killed" in p.counts
                         and "injured" not in p.counts and 1 <= g.sentence.index - p.sentence.index <= 2
                         and dates_compatible(p.date, g.date)
                         and (g.place is None or g.place_inherited or contains(g.place, p.place)
                              or same_place(g.place, p.place))), None)
            if prev is not None:
                for key, value in g.counts.items():
                    if key.startswith("injured"):
                        prev.counts[key] = value
                prev.merged.append([g.evidence[0], g.evidence[1]])
                continue
        out.append(g)
    return out


def _article_totals(groups: list[Group]) -> None:
    """A lead total restated by per-place parts after it becomes a tally, not an extra event."""
    events = [g for g in groups if g.scope is None and not g.countless]
    for i, total in enumerate(events):
        k = total.counts.get("killed")
        if not k or total.counts.get("killed_vague"):
            continue
        near = [g for g in events[i + 1 :]
                if g.sentence.index - total.sentence.index <= 4 and g.counts.get("killed")
                and not g.counts.get("killed_vague")
                and g.counts.get("killed") != k]  # the same figure again is a restatement, not a part
        parts = [g for g in near if g.place is not None and place_rank(g.place) <= 2]
        low, high = total.counts.get("killed_low"), total.counts.get("killed_high")
        exact = low is not None and low == high
        approx = low is None and high is None

        # the rest of a total told without a place of its own: "16 killed in A province ... ten in the
        # town of B ... six others were killed in the east of the city" (16 = 10 + 6): the six are in A
        rest = [g for g in near if g not in parts and g.place is None and _OTHERS_RE.search(g.sentence.text)
                and "injured" not in g.counts and total.place is not None]
        if parts and rest and (exact or low is not None) and sum(
                p.counts["killed"] for p in parts + rest) == k and all(
                place_rank(g.place) < place_rank(total.place) for g in parts):
            total.scope = "article_total"
            for r in rest:
                r.place, r.place_inherited, r.rest_of_total = total.place, True, True
            parts = parts + rest
        else:
            # parts name narrower places than the total, or the total's own place is one of them
            if not (all(place_rank(g.place) < place_rank(total.place) for g in parts)
                    or any(same_place(g.place, total.place) for g in parts)):
                continue
            if len({(p.place.location_id or p.place.text) for p in parts}) < 2 and not (
                    exact and len({p.sentence.index for p in parts}) >= 2
                    and all(place_rank(p.place) < place_rank(total.place) for p in parts)):
                continue  # one place: two reports there add up only to an exact total, told apart
            s = sum(p.counts["killed"] for p in parts)
            ok = (s == k) if exact else (abs(s - k) <= max(1, k // 5)) if approx else (
                s >= (low or 0) and (high is None or s <= high))
            if not ok:
                continue
        total.scope = "article_total"
        for p in parts:
            p.date = p.date or total.date
            p.perpetrators = p.perpetrators or _not_victims(total.perpetrators, p)
            if p.trigger is None or (total.trigger and p.trigger.priority > total.trigger.priority):
                p.trigger = total.trigger
            p.source = p.source or total.source


def _not_victims(perps: list[ActorMention], g: Group) -> list[ActorMention]:
    """Perpetrators another sentence or report offers, minus the group this report's victims belong to
    ("Daesh shelled the town. Ten Daesh members were killed by the army": Daesh is not the killer)."""
    named = any(v not in GENERIC_ACTORS for v in g.victims)
    return [a for a in perps if a.actor_id not in g.victims
            and not (named and a.actor_id in GENERIC_ACTORS and _TERRORIST_WORD_RE.search(a.text))]


# state media's word for whoever the army fights: with a named victims' group, that group
_TERRORIST_WORD_RE = re.compile(r"\bterrorist", re.I)


_OTHERS_RE = re.compile(r"\b(?:others|other|another|more|remaining|rest)\b", re.I)


def _perp_ids(g: Group) -> set[str]:
    return {a.actor_id for a in g.perpetrators}


def _consolidate(groups: list[Group]) -> list[Group]:
    """Frames about the same event become one: most specific place, exact counts over vague ones."""
    events = [g for g in groups if g.scope is None]
    others = [g for g in groups if g.scope is not None]
    changed = True
    while changed:
        changed = False
        for a in events:
            for b in events:
                if a is b or not _mergeable(a, b):
                    continue
                _merge_into(a, b)
                events.remove(a)
                changed = True
                break
            if changed:
                break
    return sorted(events + others, key=lambda g: g.evidence)


def _is_weaker(a: Group, b: Group) -> bool:
    """Should `a` be folded into `b`? (a says less: vague/no counts, or a wider place)."""
    if a.countless:
        return same_place(a.place, b.place) and (not b.countless or a.evidence > b.evidence)
    if b.countless:
        return False
    a_vague = all(a.counts.get(f"{c}_vague") for c in ("killed", "injured") if c in a.counts)
    b_vague = all(b.counts.get(f"{c}_vague") for c in ("killed", "injured") if c in b.counts)
    if a_vague and not b_vague:
        return a.place is None or contains(a.place, b.place) or same_place(a.place, b.place)
    if b_vague and not a_vague:
        return False
    # both exact: the same figures told twice, the wider place folds into the narrower
    for c in ("killed", "injured"):
        if c in a.counts and c in b.counts and a.counts[c] != b.counts[c]:
            return False
    if not (set(a.counts) & set(b.counts) & {"killed", "injured"}):
        return False
    if same_place(a.place, b.place):
        # the fuller report wins; on a tie the one that names the place itself (not a headline that
        # borrowed it from the body), so the evidence holds the place, the count and the day
        def own(g: Group) -> tuple:
            return (len(g.counts), -date_rank(g.date), not g.place_inherited and not _is_headline(g))
        return (*own(a), b.evidence) < (*own(b), a.evidence)
    if contains(a.place, b.place):  # a wider area (or a region holding the governorate) folds in
        return True
    # A headline sums up the body: the same figures in the same governorate are one event, told
    # with the body's place ("Warplanes kill four in <governorate> town" over "... struck <village>").
    return _is_headline(a) and not _is_headline(b) and _same_admin1(a.place, b.place) and set(
        k for k in ("killed", "injured") if k in a.counts) <= set(b.counts)


def _is_headline(g: Group) -> bool:
    """The document's first line when it reads as a title (no closing full stop), or the title
    restated in the body (agency copy often repeats it after the dateline)."""
    text = g.sentence.text.strip()
    return g.headline or (g.sentence.index == 0 and bool(text) and text[-1] not in ".!?\"'”’")


def _title_spans(text: str) -> list[tuple[int, int]]:
    """The title line and its verbatim restatements in the body (case and spacing ignored)."""
    first = title_line(text)
    if first is None:
        return []
    title = first.strip()
    start = text.index(title)
    spans = [(start, start + len(title))]
    pattern = r"\s+".join(re.escape(w) for w in title.split())
    for m in re.finditer(pattern, text[len(first):], re.I):
        spans.append((len(first) + m.start(), len(first) + m.end()))
    return spans


def _headline_restates_tally(groups: list[Group]) -> None:
    """A headline figure that the body gives as a tally or article total is that tally, not an event."""
    tallies = [g for g in groups if g.scope in ("period", "article_total") and g.counts.get("killed")
               and not re.search(r"\b(?:24|twenty-four)\s+hours\b|\b(?:a|one)\s+day\b", g.period_text or "", re.I)]
    for g in groups:
        if g.scope is None and _is_headline(g) and g.counts.get("killed"):
            t = next((t for t in tallies if t is not g and not _is_headline(t)
                      and t.counts["killed"] == g.counts["killed"]), None)
            if t is not None:
                g.scope, g.period_text = t.scope, t.period_text


def _headline_sums_up_body(groups: list[Group]) -> None:
    """A headline figure the body does not restate is its summary, not one more incident: "Strikes
    kill 31 in Aleppo" over a body telling 21 dead in the city and 10 on a road. When the body
    tells events of the same kind (dead, or injured), the headline's figure becomes the article's
    total (a tally); when the body has none, the headline is the only record and stays an event.
    So does a headline naming a town or village the body's events do not: that is its own event."""
    events = [g for g in groups if g.scope is None and not g.countless]
    body = [g for g in events if not _is_headline(g)]
    for g in events:
        if not _is_headline(g):
            continue
        kinds = {c for c in ("killed", "injured") if g.counts.get(c)}
        same_kind = [b for b in body if kinds & {c for c in ("killed", "injured") if b.counts.get(c)}]
        local = g.place is not None and place_rank(g.place) <= 3
        if same_kind and (not local or any(same_place(g.place, b.place) for b in same_kind)):
            g.scope = "article_total"


_COORDINATION_RE = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)(?:the\s+)?(?:(?:town|village|city)\s+of\s+)?$", re.I)
_SPLIT_FIELDS = ("killed", "killed_low", "killed_high", "injured", "injured_low", "injured_high")


def _coordinated(place: PlaceMention, places: list[PlaceMention], text: str) -> list[PlaceMention]:
    """The list of towns or villages `place` is one of ("the towns of A and B", "A, B and C"),
    in text order; [place] alone when it is not in such a list."""
    local = [p for p in places if place_rank(p) <= 2 and p.kind not in ("road", "crossing")]
    chain = [place]
    for step in (1, -1):
        cur = place
        while True:
            if step == 1:
                nxt = next((p for p in local if p.start_char >= cur.end_char
                            and _COORDINATION_RE.fullmatch(text[cur.end_char:p.start_char])), None)
            else:
                nxt = next((p for p in reversed(local) if p.end_char <= cur.start_char
                            and _COORDINATION_RE.fullmatch(text[p.end_char:cur.start_char])), None)
            if nxt is None or any(same_place(nxt, c) for c in chain):
                break
            chain.append(nxt)
            cur = nxt
    return sorted(chain, key=lambda p: p.start_char)


def _split_coordinated_places(groups: list[Group], places: list[PlaceMention], text: str) -> list[Group]:
    """One event per town or village, as ACLED codes it: "shelling on the towns of A and B killed
    four" is an event in A and one in B. A count not broken down by place is divided evenly (the
    remainder to the first place, as ACLED divides fatalities); the frame says it was divided and
    keeps the count the text gives. Places another event of the sentence already has keep theirs."""
    out: list[Group] = []
    taken = {(g.sentence.index, g.place.start_char) for g in groups if g.place is not None and g.scope is None}
    for g in groups:
        out.append(g)
        if g.scope is not None or g.countless or g.place is None or g.place_inherited or place_rank(g.place) > 2:
            continue
        chain = _coordinated(g.place, [p for p in places if g.sentence.start <= p.start_char < g.sentence.end], text)
        if len(chain) < 2 or any((g.sentence.index, p.start_char) in taken for p in chain if p is not g.place):
            continue
        n, counts = len(chain), dict(g.counts)
        shares = []
        for i, p in enumerate(chain):
            share = dict(counts)
            for k in _SPLIT_FIELDS:
                if counts.get(f"{k.split('_')[0]}_vague"):
                    if i:  # "a number of", "dozens": no figure to divide; the first place keeps it
                        share.pop(k, None)  # (the vague flag stays: some were hurt here too)
                elif isinstance(counts.get(k), int):
                    share[k] = counts[k] // n + (1 if i < counts[k] % n else 0)
            for k in [k for k in counts if k.endswith(("_children", "_women"))]:
                base = k.split("_")[0]
                if i or (share.get(k) is not None and share.get(base) is not None and share[k] > share[base]):
                    share.pop(k)  # a subset is not divided: it stays with the first place when it fits
            share["count_divided_among"] = n
            share["count_as_reported"] = {k: counts[k] for k in _SPLIT_FIELDS if counts.get(k) is not None}
            shares.append((p, share))
        g.place, g.counts = shares[[p for p, _ in shares].index(g.place)]
        for p, share in shares:
            if p is g.place:
                continue
            twin = Group(g.sentence, g.units, g.places, place=p, date=g.date, date_inherited=g.date_inherited,
                         perpetrators=g.perpetrators, source=g.source, trigger=g.trigger, evidence=g.evidence,
                         counts=share, date_is_report=g.date_is_report, date_from_lead=g.date_from_lead,
                         victims=g.victims)
            out.append(twin)
    return out


def _same_admin1(a: PlaceMention | None, b: PlaceMention | None) -> bool:
    if a is None or b is None:
        return True
    a1 = a.admin1 or a.admin1_hint
    b1 = b.admin1 or b.admin1_hint
    return bool(a1 and b1 and a1 == b1)


def _mergeable(a: Group, b: Group) -> bool:
    if not dates_compatible(a.date, b.date):
        return False
    pa, pb = _perp_ids(a), _perp_ids(b)
    if pa and pb and not (pa & pb):
        return False
    return _is_weaker(a, b)


def _merge_into(a: Group, b: Group) -> None:
    if b.countless:
        b.countless = False
        b.units, b.counts, b.evidence, b.sentence = a.units, a.counts, a.evidence, a.sentence
    else:
        for c in ("killed", "injured"):
            if c not in a.counts or a.counts.get(f"{c}_vague"):
                continue
            for key in (f"{c}_children", f"{c}_women"):
                if key in a.counts and key not in b.counts:
                    b.counts[key] = a.counts[key]
        for key, value in a.counts.items():
            if key.startswith(("killed", "injured")) and key not in b.counts and not a.counts.get(
                    f"{key.split('_')[0]}_vague"):
                b.counts[key] = value
    if date_rank(a.date) < date_rank(b.date):
        b.date = a.date
    ids = _perp_ids(b)
    b.perpetrators = b.perpetrators + [p for p in a.perpetrators if p.actor_id not in ids | b.victims]
    kept = [p for p in b.perpetrators if p.actor_id not in a.victims]
    b.perpetrators = kept or b.perpetrators  # the other report's victims are not this one's killers
    b.victims = b.victims | a.victims
    if a.trigger is not None and (b.trigger is None or a.trigger.priority < b.trigger.priority):
        b.trigger = a.trigger
    if place_rank(a.place) < place_rank(b.place) or (
            a.place is not None and b.place is not None and place_rank(a.place) == place_rank(b.place)
            and not (b.place.admin1 or b.place.admin1_hint) and (a.place.admin1 or a.place.admin1_hint)):
        b.place = a.place  # the more specific place, or the same kind of place with its governorate
    if a.place is not None and b.place is not None and same_place(a.place, b.place):
        # "Northern Syria of Aleppo" in the headline: its governorate still tells where the body's "northern Syria" is
        b.places = b.places + [p for p in a.places if p.kind == "admin1" and p not in b.places]
    b.headline = b.headline and a.headline
    b.source = b.source or a.source
    b.merged.append([a.evidence[0], a.evidence[1]])


def _perpetrator_mention(doc: Doc, perps: list[ActorMention]) -> str | None:
    if not perps:
        return None
    first, last = perps[0], perps[-1]
    if last.start_char - first.end_char <= 40 and last.start_char >= first.start_char:
        return doc.text[first.start_char : last.end_char]
    return first.text


def _frame(doc: Doc, g: Group) -> Frame:
    start, end = g.evidence
    text = doc.text[start:end]
    strip_l = len(text) - len(text.lstrip(" ,;"))
    strip_r = len(text) - len(text.rstrip(" ,;"))
    start, end = start + strip_l, end - strip_r
    attrs: dict = {k: v for k, v in g.counts.items() if v is not None}
    ids = list(dict.fromkeys(a.actor_id for a in g.perpetrators))
    if ids:
        attrs["perpetrator_actor_ids"] = ids
    if g.source is not None:
        attrs["reporting_source"] = g.source.actor_id
    if g.place is not None:
        attrs["geo_precision"] = place_precision(g.place)
    if g.scope is not None:
        attrs["scope"] = g.scope
        if g.period_text:
            attrs["period_text"] = g.period_text
        if g.since_text:
            attrs["since"] = g.since_text
    if g.place_inherited:
        attrs["location_from"] = "event_chain"
    if g.date_inherited:
        attrs["date_from"] = "event_chain"
    if g.merged:
        attrs["merged_evidence_spans"] = g.merged
    d = g.date
    p = g.place
    t = g.trigger
    return Frame(
        document_id="",
        frame_type="casualty_event" if g.scope is None else "casualty_tally",
        frame_index=0,
        sentence_index=g.sentence.index,
        evidence_text=doc.text[start:end],
        evidence_start_char=start,
        evidence_end_char=end,
        trigger=t.text if t else None,
        event_type=t.event_type if t else None,
        sub_event_type=t.sub_event_type if t else None,
        location_mention=p.text if p else None,
        location_id=p.location_id if p else None,
        location_admin1_hint=(p.admin1_hint or _admin_hint(g)) if p else None,
        location_start_char=p.start_char if p else None,
        date_text=d.text if d else None,
        date_kind=d.kind if d else None,
        date_year=d.year if d else None,
        date_month=d.month if d else None,
        date_day=d.day if d else None,
        date_weekday=d.weekday if d else None,
        date_offset_days=d.offset_days if d else None,
        perpetrator_mention=_perpetrator_mention(doc, g.perpetrators),
        perpetrator_actor_id=ids[0] if ids else None,
        attrs=attrs,
    )


def _admin_hint(g: Group) -> str | None:
    for p in g.places:
        if p is not g.place and p.kind == "admin1":
            return p.name or p.text
    return None


def extract_frames(doc: Doc, reference_dir: str | None = None) -> list[Frame]:
    places = sorted(get_list(doc, "cw_places"), key=lambda p: p.start_char)
    actors = sorted(get_list(doc, "cw_actors"), key=lambda a: a.start_char)
    dates = sorted(get_list(doc, "cw_dates"), key=lambda d: d.start_char)
    triggers = load_event_types(reference_dir).find(doc.text)
    sents = sentences(doc)
    cue = [bool(_EVENT_CUE_RE.search(s.text)) or bool(in_span(triggers, s.start, s.end)) for s in sents]

    groups: list[Group] = []
    by_sentence: dict[int, dict] = {}
    lead_date: DateMention | None = None
    title_spans = _title_spans(doc.text)
    for s in sents:
        s_places = [p for p in in_span(places, s.start, s.end) if p.kind != "country"
                    and not any(a.start_char <= p.start_char < a.end_char for a in actors)
                    and _is_target_place(doc.text, p)]
        s_dates = [d for d in in_span(dates, s.start, s.end) if d.precision in ("day", "week")
                   and not _bounds_a_period(doc.text, d.start_char, d.end_char)
                   and not _is_dateline(doc.text, d)]
        s_actors = in_span(actors, s.start, s.end)
        s_trig = in_span(triggers, s.start, s.end)
        tally_sentence = bool(_PERIOD_RE.search(s.text) or _WAR_RE.search(s.text) or _DISASTER_RE.search(s.text))
        own_dates = [d for d in s_dates if not _is_report_date(doc.text, d)]
        sg = _sentence_groups(s, doc, places, actors, dates, triggers)
        s_victims = set().union(*(g.victims for g in sg)) if sg else set()
        by_sentence[s.index] = {
            "date": (own_dates or s_dates)[0] if s_dates else None,
            "date_is_report": bool(s_dates) and not own_dates,
            # the victims of this sentence ("ten Daesh members were killed") never pass on as killers
            # nor do speakers ("..., the Turkish military said")
            "perps": [a for a in _perpetrators(s_actors, s.text, s.start, []) if a.actor_id not in s_victims
                      and not _SPEAKER_AFTER_RE.match(doc.text, a.end_char)],
            "trigger": _best_trigger(s_trig),
            "source": next((a for a in s_actors if a.role == "source"), None),
            "places": s_places,
        }
        if lead_date is None and s_dates and s_trig and not tally_sentence and s.index <= 6:
            lead_date = s_dates[0]
        for g in sg:
            g.headline = bool(g.units) and any(all(a <= u.start and u.end <= b for u in g.units)
                                               for a, b in title_spans)
        groups.extend(sg)
        if not sg:
            groups.extend(_countless_groups(s, places, actors, dates, triggers))

    _article_totals(groups)
    _inherit(groups, by_sentence, sents, cue, lead_date)
    _elaborate(groups, by_sentence, sents, cue)
    for g in groups:
        if g.scope is None and not g.countless:
            big = max(g.counts.get("killed") or 0, g.counts.get("injured") or 0) >= 1000
            if (g.place is None and g.date is None) or (big and (g.date is None or g.date_inherited)):
                g.scope = "period"
        if g.countless and (g.date is None or not g.perpetrators):
            g.scope = "drop"
    groups = [g for g in groups if g.scope != "drop"]
    _headline_restates_tally(groups)
    groups = _follow_ups(groups)
    groups = _consolidate(groups)
    _headline_sums_up_body(groups)
    groups = _split_coordinated_places(groups, places, doc.text)
    return [_frame(doc, g) for g in groups]


@Language.factory("conflictwatch_casualties_v1", default_config={"reference_dir": None})
def make_casualties(nlp: Language, name: str, reference_dir: str | None):
    def component(doc: Doc) -> Doc:
        get_list(doc, "cw_frames").extend(extract_frames(doc, reference_dir))
        return doc

    return component
