"""From candidates to the article's events, as a coder reads the whole article.

Each step is one decision a coder makes, in this order:

1. what each candidate is: an event of this article, a tally (a period's or the war's toll),
   background (before the reporting window, or abroad), or nothing (denied, hypothetical);
2. where and when: a candidate the sentence does not place takes the place of the event the
   text is telling (the previous one in the paragraph, else the lead's or the headline's);
   one with no day takes the day of the event it continues, else the report's date at week
   precision (ACLED's time precision 2);
3. its type, when only generic words tell it ("attack", "hit", a casualty count);
4. restatements merged: the same place, day and kind of attack told again is one event with
   the best-supported count;
5. totals: a figure that sums the article's events at named places is the article's total;
6. one event per place: a list of places with one count is one event each, the count divided.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field

from conflictwatch.nlp.events.arguments import ARMED_SIDES
from conflictwatch.nlp.events.candidates import TYPE_PRIORITY, Candidate
from conflictwatch.nlp.kit import translit
from conflictwatch.nlp.kit.dates import resolve
from conflictwatch.nlp.kit.numbers import words_to_int
from conflictwatch.nlp.kit.spans import ActorMention, PlaceMention, text_of
from conflictwatch.nlp.kit.syntax import conj_root, head_of, is_negated, modality, speech_head, timed_links

WINDOW_DAYS = 31
STATE_ACTORS = frozenset({"syrian_government", "russia", "iran", "iran_backed_militias", "hezbollah"})
PERIOD_RE = re.compile(
    r"\b(?:since|so\s+far|this\s+year|last\s+year|this\s+month|past\s+(?:\w+\s+)?(?:weeks?|months?|years?|days)|"
    r"over\s+the\s+(?:past|last)|in\s+(?:the\s+)?(?:past|last)\s+(?:\w+\s+)?(?:weeks?|months?|years?)|"
    r"(?<![-\d])(?:two|three|four|five|six|seven|several|\d+)\s+(?:days|weeks|months|years)(?!\s+(?:after|before|ago|earlier|later|old))|"
    r"throughout|(?:in|over)\s+recent\s+(?:days|weeks|months|years)|"
    r"during\s+the\s+(?:week|month|year)|a\s+(?:week|month)(?!\s+(?:after|before|ago|earlier|later))|in\s+total|in\s+all|"
    r"overall|altogether|total\s+of)\b",
    re.I,
)
WAR_RE = re.compile(
    r"\b(?:the\s+(?:war|conflict|crisis|uprising|revolution)|civil\s+war|since\s+(?:the\s+(?:start|beginning|outbreak)"
    r"(?!\s+of\s+(?:the\s+|this\s+|last\s+)?(?:year|month|week|day|offensive|campaign|operation))|20[01]\d|March\s+2011)|"
    r"(?:five|six|seven|eight)-year|years?-long|war-torn|throughout\s+the\s+country)\b",
    re.I,
)
PAST_24H_RE = re.compile(r"\b(?:past|last)\s+24\s+hours\b", re.I)
LONGER_HOURS_RE = re.compile(r"\b(?:past|last)\s+(?:[3-9]\d|\d{3})\s+hours\b", re.I)
MONTH_ONLY_RE = re.compile(
    r"\b(?i:in|during|throughout|since|over)\s+(?:(?i:early|late|mid)[\s-]+)?(?:January|February|March|April|May|June|July|"
    r"August|September|October|November|December)\b(?!\s+\d)")
PERIOD_START_RE = re.compile(r"\b(?:since|from|until|till|starting)\s+(?:\w+\s+)?$", re.I)


@dataclass
class Event:
    """An event of the article: the candidates that tell it, merged, and what was decided."""

    main: Candidate
    place: PlaceMention | None
    place_from: str | None
    date: dt.date | None
    date_precision: str
    date_text: str | None
    sub_event_type: str | None
    date_mention: object | None = None  # the DateMention, for dbt to resolve when no report date is known
    date_reported: bool = False  # only the day a source spoke
    told: list[Candidate] = field(default_factory=list)
    killed: int | None = None
    killed_low: int | None = None
    killed_high: int | None = None
    killed_vague: str | None = None
    injured: int | None = None
    injured_low: int | None = None
    injured_high: int | None = None
    injured_vague: str | None = None
    killed_children: int | None = None
    killed_women: int | None = None
    displaced: int | None = None
    injured_children: int | None = None
    injured_women: int | None = None
    divided_among: int | None = None
    as_reported: dict | None = None
    role: str = "event"  # event | tally
    scope: str | None = None  # tally scope: article_total | period | war | claim
    perpetrators: list | None = None  # chosen over the whole article (perpetrators.py); None: the candidate's
    fixed_counts: bool = False  # counts given place by place (breakdown): not settled from the tellings
    listed: list = field(default_factory=list)  # places listed with the event's place: one event each (split_places)


# ---- 1. what a candidate is ----------------------------------------------------------------------


def classify(cand: Candidate, doc_model, reference: dt.date | None) -> str:
    """event | tally | background | drop, by rule; a trained model may overrule `event` vs `drop`."""
    anchor = cand.anchor
    verb = anchor if anchor.pos_ in ("VERB", "AUX") else anchor.head
    if not cand.tolls and ((is_negated(verb) and not _said_of_it(anchor, verb))
                           or (anchor.i != verb.i and is_negated(anchor))):  # "there was no air strike"
        return "drop"
    if modality(verb) in ("modal", "hedge") and not any(t.value for t in cand.tolls):
        return "drop"
    if cand.date is not None and reference is not None:
        day, precision = resolve(cand.date, reference)
        if day is not None and (reference - day).days > WINDOW_DAYS and precision in ("day", "month", "year"):
            return "background"
        if day is not None and (day - reference).days > 1:
            return "drop"  # a date after the report: a plan, a deadline, a future meeting
    elif cand.date is not None and cand.date.year:
        # no report date known: the report is no older than the latest full date it tells
        day, precision = resolve(cand.date, None)
        latest = latest_told_day(cand.anchor.doc)
        if day is not None and latest is not None and (latest - day).days > WINDOW_DAYS + (365 if precision == "year" else 0):
            return "background"
    if not cand.tolls and _describes_a_side(cand):
        return "drop"
    if cand.tolls and all(t.role == "displaced" for t in cand.tolls):
        return "tally"  # people who fled: a displacement figure, never an attack's toll
    cand.tolls = [t for t in cand.tolls if t.role != "displaced"] or cand.tolls
    if cand.tolls and _tally_cue(cand):
        return "tally"
    if not cand.tolls and (_campaign(cand) or _ongoing(cand)):
        return "drop"  # "over the past three days the bombardment has been ...": a campaign, not one event
    if cand.place_options and all(o.features.get("abroad") for o in cand.place_options[:1]) and not cand.places:
        return "background"
    return "event"


def latest_told_day(doc) -> dt.date | None:
    """The latest full date (day, month and year) the article tells: the report is no older."""
    days = []
    for m in doc._.cw_dates or ():
        if m.kind == "absolute":
            with contextlib.suppress(ValueError, TypeError):
                days.append(dt.date(m.year, m.month, m.day))
    return max(days, default=None)


def running_totals(cands: list[Candidate]) -> frozenset:
    """The death tolls the article calls running totals ("bringing the toll to 45")."""
    return frozenset(v for c in cands for v in c.features.get("running", ()))


def tells_running_total(cand: Candidate, running: frozenset) -> bool:
    """The candidate's figures are all running totals, told as such or as a figure the article calls one
    ("At least 45 people have been killed in Aleppo in the last 24 hours ... 12 were killed in X on
    Monday, bringing the number killed in 24 hours to 45"): a tally. Otherwise its running totals are
    dropped from its counts: the event's own figure is the other one."""
    figures = [t for t in cand.tolls if t.value is not None]
    if figures and all(t.running or (t.role == "killed" and t.value in running) for t in figures):
        return True
    cand.tolls = [t for t in cand.tolls if not t.running]
    return False


def _said_of_it(anchor, verb) -> bool:
    """'The attack ... was not an isolated case': a copula's negation denies what is said of the event,
    not that it happened."""
    return anchor.i != verb.i and anchor.dep_ in ("nsubj", "nsubjpass") and verb.lemma_ == "be" \
        and any(c.dep_ in ("attr", "acomp") for c in verb.children)


SIDE_VERBS = frozenset({"fight", "battle"})


def _describes_a_side(cand: Candidate) -> bool:
    """'rebels fighting to oust Assad', 'factions fighting alongside the FSA', 'villagers who had fought
    to defend their homes', 'interested in fighting Daesh': who someone is or whom they are against,
    not a fight that happened somewhere on a day."""
    anchor = cand.anchor
    if anchor.pos_ not in ("VERB", "AUX") or anchor.lemma_.lower() not in SIDE_VERBS:
        return False
    if any(c.lower_ == "alongside" for c in anchor.children):
        return True
    if any(c.dep_ in ("xcomp", "advcl") and any(g.lower_ == "to" and g.dep_ == "aux" for g in c.children) for c in anchor.children):
        return True  # fighting to oust / to defend: a purpose, not an event
    return anchor.dep_ in ("acl", "relcl", "pcomp")


DEFINITE = frozenset({"the", "this", "that", "its", "their", "these", "those", "his", "her"})
BACKGROUNDING = frozenset({"despite", "after", "following", "amid", "since", "during", "before", "in"})


COMMENT_VERBS = frozenset({"be", "mark", "raise", "halt", "come", "prompt", "spark", "draw", "force", "bring", "mean",
                           "highlight", "underline", "show", "follow", "add", "represent", "constitute", "remain"})


def _definite(noun) -> bool:
    """'the bombing', 'its bombardment', 'that battle'."""
    return any(c.dep_ in ("det", "poss") and c.lower_ in DEFINITE for c in noun.children)


def echoes(cand: Candidate, cands: list[Candidate]) -> bool:
    """'Despite the bombing, ...', '... in its third deadly bombardment', 'the renewed fighting has halted
    aid deliveries': a definite attack noun in a backgrounding phrase, or the subject of what it caused or
    meant, that tells again an event already told (no count of its own)."""
    anchor = cand.anchor
    if cand.tolls or anchor.pos_ not in ("NOUN", "PROPN"):
        return False
    if not _definite(anchor):
        return False
    backgrounded = anchor.dep_ == "pobj" and anchor.head.lower_ in BACKGROUNDING
    # "The renewed fighting has halted aid deliveries", "That battle marked the first time ...": the event
    # told before, now the subject of what it caused or meant
    commented = anchor.dep_ == "nsubj" and anchor.head.lemma_.lower() in COMMENT_VERBS
    if not (backgrounded or commented):
        return False
    return any(o is not cand and o.role == "event" and o.start_char < cand.start_char
               and same_kind(o.sub_event_type, cand.sub_event_type) for o in cands)


ASPECT_VERBS = frozenset({"maintain", "continue", "keep", "step", "intensify", "escalate", "sustain", "persist"})


def _ongoing(cand: Candidate) -> bool:
    """'maintained ground attacks', 'those being bombed': an ongoing or habitual campaign, not one event."""
    anchor = cand.anchor
    if anchor.tag_ == "NNS" and anchor.head.lemma_.lower() in ASPECT_VERBS and anchor.dep_ in ("dobj", "nsubj", "pobj"):
        # "stepped up strikes on the villages of A, B and C" is the day's attacks there, unless only "if"
        conditional = any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in anchor.head.children)
        if conditional or not any(_fineness(p) == 3 for p in cand.places):
            return True
    if anchor.dep_ == "pcomp" and anchor.head.lower_ in ("after", "following", "upon", "before"):
        return False  # "after being hit by warplanes on Sunday": one event, told as what came first
    verb = anchor if anchor.pos_ in ("VERB", "AUX") else anchor.head
    if any(c.dep_ == "advmod" and c.lower_ in HABITUAL for c in verb.children) and not (
            cand.date is not None and cand.date.precision == "day"):
        return True  # "have regularly launched rockets into the city", "were gradually expelled"
    return anchor.tag_ in ("VBG", "VBN") and any(c.lower_ == "being" for c in anchor.children)


HABITUAL = frozenset({"regularly", "routinely", "frequently", "often", "repeatedly", "constantly", "continuously",
                      "continually", "gradually", "daily", "habitually", "periodically", "occasionally", "sporadically"})


def _campaign(cand: Candidate) -> bool:
    day = cand.date is not None and cand.date.precision == "day"
    text = cand.sent.text
    if cand.date is not None:  # "a week ago" dates the event; it is not a period the event spans
        a, b = cand.date.start_char - cand.sent.start_char, cand.date.end_char - cand.sent.start_char
        if 0 <= a < b <= len(text):
            text = text[:a] + " " * (b - a) + text[b:]
    # the words around the event, not a far clause ("... bombardment of Jamiyat al Zahra district where
    # rebels had gained ground ... the city which was before the 2011 civil war the main hub")
    at = cand.anchor.idx - cand.sent.start_char
    near = text[max(0, at - CAMPAIGN_REACH):at + CAMPAIGN_REACH]
    return not day and bool(PERIOD_RE.search(near) or WAR_RE.search(near)) and not PAST_24H_RE.search(text)


CAMPAIGN_REACH = 100  # characters either side of the event word


# a class or series of attacks: "similar attacks", "four separate operations" (at one named village on
# one day still one event, as ACLED codes it)
SERIES_RE = re.compile(r"\b(?:similar|separate|several|multiple|a\s+series\s+of|a\s+wave\s+of|repeated|a\s+string\s+of)\s+"
                       r"(?:\w+\s+)?(?:attacks|strikes|raids|operations|bombings|incidents|explosions)\b", re.I)
# attacks all over an area: "across Idlib"
ACROSS_AREA_RE = re.compile(r"\bacross\s+(?:the\s+)?(?:country|province|region|governorate|[A-Z]\w+\s+(?:province|governorate))\b", re.I)
# two days in one figure: "on Monday and Tuesday", "between Sunday and Tuesday"
TWO_DAYS_RE = re.compile(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\s+(?:and|to|through|-)\s+(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b")
# disasters and hardship are not attacks
HARDSHIP_RE = re.compile(r"\b(?:floods?|flooding|earthquakes?|storms?|snow|cold|freezing|starvation|starved|hunger|"
                         r"malnutrition|disease|cholera|drown(?:ed|ing)|heat\s*wave|landslide)\b", re.I)
# two days in one figure, told as a start and a continuation: "strikes which began Saturday and continued Sunday"
BEGAN_AND_CONTINUED_RE = re.compile(
    r"\b(?:began|begun|started|erupted|broke\s+out)\s+(?:on\s+|late\s+|early\s+)?(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\s+"
    r"(?:\w+\s+)?and\s+(?:continued|lasted|went\s+on|carried\s+on|raged)\s+(?:\w+\s+)?(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b")
TALLY_CUES = (ACROSS_AREA_RE, TWO_DAYS_RE, HARDSHIP_RE, BEGAN_AND_CONTINUED_RE)
AGGREGATE_MIN = 10  # "120 air strikes killed ...": a count of attacks this large is a campaign


def _tally_cue(cand: Candidate) -> bool:
    """The count is summed over a period, a class of attacks or the war: 'since 2011', 'in three days',
    'in March', 'similar attacks', '120 air strikes', or it is not an attack's toll at all (floods)."""
    text = cand.sent.text
    if PAST_24H_RE.search(text):
        return False
    toll = cand.killed() or cand.injured()
    local = text_of(cand.sent.doc)[max(cand.sent.start_char, toll.start_char - 80): min(cand.sent.end_char, toll.end_char + 80)]
    day = cand.date is not None and cand.date.precision == "day" and not cand.date_reported and not _starts_period(cand)
    if any(rx.search(text) for rx in TALLY_CUES):
        return True
    if SERIES_RE.search(text) and not _one_place_day(cand, day):
        return True
    if cand.features.get("after_period") and not day and _perfect(cand):
        return True  # "... under fire since mid-March. Twelve people have been killed": the period's toll
    if not day and _perfect(cand) and cand.places and all(_province_wide(cand, p) for p in cand.places):
        return True  # "327 people have also been killed in clashes in the province of Aleppo": no day, a province
    if cand.date is not None and _perfect(cand) and _starts_period(cand):
        return True  # "213 have been killed ... since a cease-fire collapsed Monday": the period's toll
    if LONGER_HOURS_RE.search(text):
        return not day
    if MONTH_ONLY_RE.search(text):
        return not day and not _one_attack_one_place(cand)
    if WAR_RE.search(local) or PERIOD_RE.search(local) or PERIOD_RE.search(_predicate_text(cand, toll)):
        return not (day and not WAR_RE.search(local))
    if cand.date is not None and cand.date.precision in ("month", "year") and not day:
        # "In March more than 70 were killed": a month's toll; not "In early April 88 were killed in a
        # chemical attack on Khan Sheikhun": one attack on one place, told with its month
        return not _one_attack_one_place(cand)
    if _many_attacks(cand):
        return True
    return (toll.value or 0) >= 1000


def _after_preposition(cand: Candidate, place: PlaceMention) -> bool:
    """The place is where something happened ("in X", "on the town of X"), not a metonym subject."""
    tok = head_of(cand.sent, place.start_char, place.end_char)
    return tok is not None and any(a.dep_ == "prep" for a in [tok, *list(tok.ancestors)[:3]])


def attacks_of_two_days(cand: Candidate) -> Candidate | None:
    """"The air strikes which began Saturday and continued Sunday killed 45 in X": the figure is the two
    days' tally, but the attacks at the place are an incident all the same (codebook 2.2: every event,
    with or without a toll); the candidate without its figure, to be told as one."""
    if not cand.places or not any(t.kind == "event" for t in cand.triggers):
        return None
    if not all(_after_preposition(cand, p) for p in cand.places):
        return None  # "Damascus lost 40 troops on Sunday and Monday": the government, not a place hit
    if not BEGAN_AND_CONTINUED_RE.search(cand.sent.text):
        return None
    return dataclasses.replace(cand, tolls=[], role="event", features=dict(cand.features))


def _predicate_text(cand: Candidate, toll) -> str:
    """The words from the count to the end of its predicate's phrase ("50 militants were killed during
    infighting among the groups in Eastern Ghouta in past few days"), a relative clause left out."""
    doc = cand.sent.doc
    verb = doc[toll.anchor]
    skip = {t.i for c in verb.children if c.dep_ in ("relcl", "acl", "ccomp", "conj") for t in c.subtree}
    end = max((t.i for t in verb.subtree if t.i not in skip), default=verb.i)
    return text_of(doc)[toll.start_char : doc[end].idx + len(doc[end].text)]


def _one_place_day(cand: Candidate, day: bool) -> bool:
    """'Several strikes on the village of X on Monday': one place, one day, the attacks not counted."""
    fine = [p for p in cand.places if _fineness(p) == 3]
    return (day or cand.date is None) and len(fine) == 1 and not COUNTED_SERIES_RE.search(cand.sent.text)


def _one_attack_one_place(cand: Candidate) -> bool:
    """'a chemical attack on Khan Sheikhun': one attack (a singular noun with its article) on one town."""
    anchor = cand.anchor
    single = anchor.tag_ == "NN" and any(c.dep_ == "det" and c.lower_ in ("a", "an", "the") for c in anchor.children)
    return single and len(cand.places) == 1 and _fineness(cand.places[0]) == 3


COUNTED_SERIES_RE = re.compile(r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:separate|similar|different)\b", re.I)


PROVINCE_WORD_RE = re.compile(r"\b(?:province|governorate|countryside|region)\b", re.I)


def _province_wide(cand: Candidate, place: PlaceMention) -> bool:
    """A whole province, region or country, said so ("the province of Aleppo", "Idlib province"): not
    a city that shares its province's name."""
    if place.kind in ("region", "country"):
        return True
    text = text_of(cand.sent.doc)
    return place.kind == "admin1" and bool(PROVINCE_WORD_RE.search(text[max(0, place.start_char - 16) : place.end_char + 14]))


def _perfect(cand: Candidate) -> bool:
    """The count's verb in the present perfect ("have been killed", "has killed")."""
    verbs = {cand.sent.doc[t.anchor] for t in cand.tolls}
    return any(c.lower_ in ("have", "has") and c.dep_ in ("aux", "auxpass") for v in verbs for c in v.children)


def _starts_period(cand: Candidate) -> bool:
    """"Since Monday": the date opens a period; it is not the event's day."""
    d = cand.date
    text = text_of(cand.sent.doc)
    if re.match(r"['\u2019]s\b", text[d.end_char : d.end_char + 3]):
        return False  # "from Monday's shelling": the day of the event, not a period's start
    return bool(PERIOD_START_RE.search(text[max(0, d.start_char - 20) : d.start_char])) or _began_on(cand) \
        or _in_since_clause(cand)


def shares_a_tally(cand: Candidate, cands: list[Candidate]) -> bool:
    """'213 have been killed by airstrikes and shelling since the truce collapsed': the means told
    together with a period's tally (split into one candidate each) are that tally's, not events."""
    if cand.tolls or not cand.triggers:
        return False
    return any(o is not cand and o.role == "tally" and o.sent_index == cand.sent_index and o.triggers
               and any(_told_together(cand.sent.doc, a, b) for a in cand.triggers for b in o.triggers) for o in cands)


SPREAD_RE = re.compile(r"\b(?:the|those|these)\s+(?:\w+\s+)?(?:deaths|dead|killings|casualties|victims|fatalities)\s+"
                       r"(?:came|occurred|happened|took\s+place|were\s+(?:caused|recorded))\s+(?:in|during)\s+(?:\w+\s+)?"
                       r"(?:separate|different|several|multiple|various|two|three|four|five|six|\d+)\s+(?:\w+\s+){0,2}?"
                       r"(?:clashes|attacks|strikes|raids|incidents|battles|bombings|explosions|operations)\b", re.I)
SPREAD_GAP = 2  # sentences between a figure and the words that spread its deaths over several attacks


def spread_over_attacks(cand: Candidate, cands: list[Candidate]) -> bool:
    """'35 jihadists were killed in clashes around X. ... the deaths came in three separate clashes': a
    later sentence says the figure's deaths came in several attacks, so it is their total (a tally)."""
    if not any(t.role == "killed" and t.value is not None for t in cand.tolls):
        return False
    return any(0 < o.sent_index - cand.sent_index <= SPREAD_GAP and not any(t.value for t in o.tolls)
               and SPREAD_RE.search(o.sent.text) for o in cands)


def _told_together(doc, a, b) -> bool:
    """'airstrikes and shelling': two attack words coordinated (in the tree, or side by side in the text,
    where the parse hangs the second elsewhere)."""
    if conj_root(doc[a.head]).i == conj_root(doc[b.head]).i:
        return True
    first, second = sorted((a, b), key=lambda t: t.start)
    gap = doc[first.end : second.start].text if second.start >= first.end else "x"
    return bool(re.fullmatch(r"(?:,|and|&|or)?\s*(?:and|or)?", gap.strip()))


def _in_since_clause(cand: Candidate) -> bool:
    """'213 have been killed since a cease-fire collapsed Monday evening', 'since it was launched on
    November 15': the day the period began, told in a clause opened by 'since'."""
    head = head_of(cand.sent, cand.date.start_char, cand.date.end_char)
    for t in [head, *list(head.ancestors)[:4]] if head is not None else []:
        if t.pos_ in ("VERB", "AUX") and any(c.dep_ in ("mark", "prep") and c.lower_ == "since" for c in t.children):
            return t.i not in {tok.i for tok in cand.tokens()}
    return False


START_VERBS = frozenset({"begin", "start", "launch", "kick"})


def _began_on(cand: Candidate) -> bool:
    """'a government offensive that began on June 3', 'the campaign launched on 30 September': the day
    a campaign named by the event word started, told in a clause on that word; not the day of what
    the sentence reports."""
    head = head_of(cand.sent, cand.date.start_char, cand.date.end_char)
    if head is None:
        return False
    verb = head.head.head if head.head.dep_ == "prep" else head.head  # "began on June 3" / "began June 3"
    if verb.lemma_.lower() not in START_VERBS or verb.dep_ not in ("relcl", "acl"):
        return False
    return any(verb.head.i == cand.sent.doc[t.head].i for t in cand.triggers)


def _many_attacks(cand: Candidate) -> bool:
    for t in cand.triggers:
        if t.kind not in ("event", "generic"):
            continue  # "30 rockets" are munitions of one attack, "30 air strikes" are many attacks
        for c in cand.sent.doc[t.head].children:
            if c.dep_ == "nummod" and c.like_num:
                from conflictwatch.nlp.kit.numbers import words_to_int

                n = words_to_int(c.text)
                if n is not None and n >= AGGREGATE_MIN:
                    return True
    return False


def tally_scope(cand: Candidate) -> str:
    text = cand.sent.text
    if WAR_RE.search(text):
        return "war"
    if HARDSHIP_RE.search(text):
        return "disaster"
    if speech_head(cand.anchor) is not None and not PERIOD_RE.search(text) and not any(rx.search(text) for rx in TALLY_CUES):
        return "claim"
    return "period"


# ---- 2. place and date from context --------------------------------------------------------------


def inherit_place(cand: Candidate, previous: list[Event], lead_place: PlaceMention | None,
                  same_sentence: list[Candidate]) -> tuple[list[PlaceMention], str | None]:
    if cand.places:
        return cand.places, "sentence"
    for other in same_sentence:
        if other is not cand and other.places and other.role == "event":
            return other.places[:1], "sentence"
    if not reports_event(cand):
        return [], None
    weak = cand.weak_places
    if cand.anaphor is not None and not any(w.kind in ("community", "neighbourhood", "admin3") for w in weak):
        return [cand.anaphor], "anaphor"  # "the town was shelled": the town named a few sentences before
    for ev in reversed(previous):
        if ev.place is not None and cand.sent_index - ev.main.sent_index <= 3 and _compatible(cand, ev) and not weak:
            return [ev.place], "context"
    if len(weak) == 1:
        return [weak[0]], "sentence_weak"
    places = {place_key(ev.place) for ev in previous}
    if lead_place is not None and not weak and len(places) <= 1:
        return [lead_place], "lead"  # an article about one place: later sentences tell more of it
    return [], None


def reports_event(cand: Candidate) -> bool:
    """Worth placing from context: a stated count, or an event word in a past, affirmative clause."""
    if any(t.value is not None for t in cand.tolls):
        return True
    if not any(t.kind in ("event", "territory", "instrument") for t in cand.triggers):
        return False
    verb = cand.anchor if cand.anchor.pos_ in ("VERB", "AUX") else cand.anchor.head
    return not is_negated(verb) and modality(verb) is None and verb.tag_ in ("VBD", "VBN", "VBZ", "VBP", "NN", "NNS")


# A finer type of the same attack: a bombing first told as "an explosion", then "a suicide car bomb".
# A telling of the finer kind refines one of the coarser (merged as one event, the finer type kept); a
# territory change that came with fighting is one event, coded as the change (codebook 2.1).
REFINES = {"Suicide bomb": "Remote explosive/landmine/IED", "Chemical weapon": "Air/drone strike",
           "Non-state actor overtakes territory": "Armed clash", "Government regains territory": "Armed clash"}


def same_kind(a: str | None, b: str | None) -> bool:
    """Two tellings may be one event: a type unsaid, the same type, or one refining the other."""
    return a is None or b is None or a == b or REFINES.get(a) == b or REFINES.get(b) == a


def _compatible(cand: Candidate, ev: Event) -> bool:
    return same_kind(cand.sub_event_type, ev.sub_event_type)


@dataclass
class When:
    """An event's date: the day (resolved when the report's date is known), its precision, the words
    it came from, the mention itself (for dbt when no report date is known) and whether it is only
    the day a source spoke."""

    day: dt.date | None = None
    precision: str = "unknown"
    text: str | None = None
    mention: object | None = None
    reported: bool = False


def own_date(cand: Candidate, reference: dt.date | None) -> When:
    """The date the candidate's own sentence gives, else an empty When."""
    if cand.date is not None:
        day, precision = resolve(cand.date, reference)
        if not (_starts_period(cand) and (day is None or reference is None or (reference - day).days > 2)):
            return When(day, precision if day else "unknown", cand.date.text, cand.date, cand.date_reported)
        # "since April 28" opens a period of weeks: not the day of what the sentence tells ("since Sunday
        # night" still dates a raid of the last day or two)
    if PAST_24H_RE.search(cand.sent.text) and reference is not None:
        return When(reference, "day", "past 24 hours")
    return When()


NARRATIVE_DAY_RE = re.compile(
    r"\b(?:(?P<back>the\s+(?:previous|preceding)\s+day|the\s+day\s+before(?!\s+yesterday)|a\s+day\s+earlier)"
    r"|(?P<ahead>the\s+(?:next|following)\s+day|a\s+day\s+later)"
    r"|(?P<n>two|three|four|five|six|\d)\s+days\s+(?P<dir>earlier|later))\b", re.I)


def narrative_offset(text: str) -> tuple[int, str] | None:
    """'the previous day', 'a day later', 'two days earlier': days from the day the narrative is on
    (not from the report's date), with the words."""
    m = NARRATIVE_DAY_RE.search(text)
    if m is None:
        return None
    if m.group("back"):
        return -1, m.group(0)
    if m.group("ahead"):
        return 1, m.group(0)
    n = words_to_int(m.group("n"))
    return (-n if m.group("dir").lower() == "earlier" else n), m.group(0)


DURATION_DAYS = {"day": 1, "week": 7}


def _duration_days(tok) -> int | None:
    """'one week', 'a day', 'two days': the days a duration noun spans."""
    unit = DURATION_DAYS.get(tok.lemma_.lower())
    if unit is None:
        return None
    n = 1
    for c in tok.children:
        if c.dep_ == "nummod":
            n = words_to_int(c.text) or 0
    return n * unit if n else None


def anchored_shift(cand: Candidate) -> tuple[int, str] | None:
    """'The latest attack comes one week after a suicide bomber blew himself up ...', 'the shelling
    comes two days after the bombing of the market': the event told after 'after' ('before') is that
    many days before (after) the day the sentence is on."""
    for node in [cand.anchor, *cand.anchor.ancestors]:
        for link, duration in timed_links(node):
            days = _duration_days(duration)
            if days:
                return (-days if link.lower_ == "after" else days), f"{duration.text} {link.text}"
    return None


def _narrative_day(before: list[Candidate], reference: dt.date | None) -> When | None:
    """The day of the nearest earlier sentence that gives one (the narrative's day, as a coder reads on)."""
    for other in reversed(before):
        if other.role in ("background", "drop") or _in_relative_clause(other) or other.features.get("caption") \
                or _aside_day(other):
            continue
        d = own_date(other, reference)
        if (d.day is not None and d.precision == "day") or (d.day is None and d.mention is not None
                                                            and getattr(d.mention, "precision", "") == "day"):
            return d
    return None


SCENE_RELATIVIZERS = frozenset({"where", "when"})


def _aside_day(cand: Candidate) -> bool:
    """The candidate's day is told inside a relative clause on a noun ("a hill that rebels seized on
    October 5", "a truce which took hold on Sunday"): the day of an aside about that thing, not the day
    the narrative is on, so later sentences do not take it. A 'where'/'when' clause tells the scene's own
    event ("the town, where 20 were killed on Monday") and keeps its day, as does a clause on the event
    word itself ("the blast, which occurred on Monday")."""
    if cand.date is None:
        return False
    head = head_of(cand.sent, cand.date.start_char, cand.date.end_char)
    told = {t.i for t in cand.tokens()}
    for a in ([head, *head.ancestors] if head is not None else []):
        if a.dep_ == "relcl":
            return a.head.i not in told and not any(c.lower_ in SCENE_RELATIVIZERS for c in a.children)
    return False


def _in_relative_clause(cand: Candidate) -> bool:
    """Told in a relative clause ("towns including X, where an attack took place on 19 September",
    "the town that Kurdish forces recaptured on January 26"): an aside about a place or an actor,
    whose day is not the day the narrative goes on telling."""
    if not cand.triggers:
        return False
    for t in cand.tokens():
        for a in [t, *t.ancestors]:
            if a.dep_ == "relcl":
                break
        else:
            return False
    return True


QUOTES = "\"“”"


def _quoted_today(cand: Candidate) -> bool:
    """The candidate's day is "today" inside a quotation: the day the quoted source spoke, which a
    report published the next morning does not share."""
    d = cand.date
    if d is None or d.kind != "relative" or getattr(d, "offset_days", None) != 0:
        return False
    before = text_of(cand.sent.doc)[cand.sent.start_char : d.start_char]
    return sum(before.count(q) for q in QUOTES) % 2 == 1


def event_date(cand: Candidate, before: list[Candidate], reference: dt.date | None) -> When:
    """Its own date; else a day counted from the narrative's ('the previous day'); else the narrative's
    day; else the report's date at week precision."""
    own = own_date(cand, reference)
    carried = _narrative_day(before, reference)
    if _quoted_today(cand) and carried is not None and carried.day is not None and reference is not None \
            and 0 < (reference - carried.day).days <= 3:
        return carried  # "'21 people have lost their lives today,' a tweet read": the day the text is telling
    if own.mention is not None or own.day is not None:
        return own
    shift = narrative_offset(cand.sent.text) or anchored_shift(cand)
    if shift is not None:
        base = carried.day if carried is not None and carried.day is not None else reference
        if base is not None:
            return When(base + dt.timedelta(days=shift[0]), "day", shift[1])
    if carried is not None:
        return carried
    if reference is not None:
        return When(reference, "week")
    return When()


CLAIM_RE = re.compile(r"\bclaim(?:ed|s|ing)?\s+(?:responsibility|the\s+(?:attack|bombing|blast|explosion|assault|strike))|"
                      r"\b(?:claimed|carried\s+out|perpetrated)\s+by\b|\bresponsibility\s+for\b", re.I)


def claimants(sents, actors) -> list:
    """Actors an article says claimed an attack ("IS claimed responsibility", "claimed by ISIS")."""
    out = []
    for sent in sents:
        if not CLAIM_RE.search(sent.text):
            continue
        out += [a for a in actors if sent.start_char <= a.start_char < sent.end_char and a.role == "perpetrator"]
    return out


CLAIMABLE = ("Suicide bomb", "Remote explosive/landmine/IED", "Attack", "Shelling/artillery/missile attack")


REMOTE = ("Air/drone strike", "Shelling/artillery/missile attack", "Chemical weapon")


CONTEXT_AGENT_REACH = 3  # sentences: an agent told further away is another attack's, not this one's


def context_perpetrators(cand: Candidate, others: list[Candidate], sub: str | None) -> list:
    """Who the article has carrying out this kind of attack: the nearest mention of the same type with
    an agent (the headline, the lead's "Syrian government air strikes ... killed 32", a later "Russian
    jets") within a few sentences, for remote violence only, where one side's air force or artillery
    is the story."""
    if sub not in REMOTE:
        return []
    ranked = sorted((o for o in others if o.perpetrators and o.sub_event_type == sub and o.role != "background"
                     and abs(o.sent_index - cand.sent_index) <= CONTEXT_AGENT_REACH),
                    key=lambda o: (abs(o.sent_index - cand.sent_index), o.sent_index > cand.sent_index))
    return ranked[0].perpetrators if ranked else []


# Weapons only one side has: in Syria only the government's helicopters drop barrel bombs
GOVERNMENT_WEAPON_RE = re.compile(r"\bbarrel[\s-]+bomb(?:s|ing|ings)?\b", re.I)


def weapon_perpetrators(cand: Candidate) -> list:
    """'five died in barrel bomb attacks in X': a weapon only the Syrian government uses names the side that
    struck when the text names no one else (an event whose telling names an actor keeps it)."""
    m = GOVERNMENT_WEAPON_RE.search(cand.sent.text)
    if m is None:
        return []
    start = cand.sent.start_char + m.start()
    return [ActorMention(start, start + len(m.group(0)), m.group(0), "syrian_government", "Syrian government forces",
                         "perpetrator")]


# ---- 3. type -------------------------------------------------------------------------------------


GENERIC_DEFAULTS = {"strike": "Air/drone strike", "raid": "Air/drone strike", "bomb": "Air/drone strike",
                    "bombing": "Air/drone strike", "pound": "Air/drone strike", "shoot": "Attack",
                    "attack": "Attack", "assault": "Armed clash", "operation": "Armed clash", "hit": "Air/drone strike",
                    "target": "Air/drone strike", "fire": "Shelling/artillery/missile attack",
                    "launch": "Air/drone strike"}


def territory_type(actor_id: str) -> str:
    return "Government regains territory" if actor_id in STATE_ACTORS else "Non-state actor overtakes territory"


# Who attacks decides what a word that does not say how means: in Syria, Russia and the US-led
# coalition strike from the air; rebels, jihadists and militias have no aircraft (codebook 2.1).
AIR_ONLY = frozenset({"russia", "us_coalition", "israel"})
NO_AIRCRAFT = frozenset({"rebels", "fsa", "hts", "al_qaeda", "islamic_state", "sdf", "sna", "hezbollah", "iran",
                         "iran_backed_militias"})
REMOTE_TYPES = ("Air/drone strike", "Shelling/artillery/missile attack")
FIRE_WORDS = frozenset({"fire", "shell", "pound", "bombard", "bombardment", "hit", "launch"})


def resolve_type(cand: Candidate, context_type: str | None, cands: list[Candidate] = ()) -> str | None:
    sub = _resolve_type(cand, context_type, cands)
    if (cand.sub_event_type and not cand.generic_only) or (sub not in REMOTE_TYPES and not _remote_word(cand)):
        return sub
    actors = {a.actor_id for a in cand.perpetrators}
    if sub == "Air/drone strike" and actors and actors <= NO_AIRCRAFT:
        words = {cand.sent.doc[t.head].lemma_.lower() for t in cand.triggers}  # "rebels fired into Damascus";
        return "Shelling/artillery/missile attack" if words & FIRE_WORDS else "Armed clash"  # "Ahrar attacked X"
    if actors and actors <= AIR_ONLY and (sub == "Shelling/artillery/missile attack" or _remote_word(cand)):
        return "Air/drone strike"  # "bombardment by Russia", "coalition raids", "the bombing carried out by the coalition"
    return sub


REMOTE_WORDS = frozenset({"bomb", "bombing", "bombardment", "bombard", "strike", "raid", "pound", "hit", "target"})


def _remote_word(cand: Candidate) -> bool:
    """Only generic words that say an attack came from afar ("raids", "the bombing", "pounded")."""
    words = {cand.sent.doc[t.head].lemma_.lower() for t in cand.triggers if t.kind == "generic"}
    return bool(words) and words <= REMOTE_WORDS


def _resolve_type(cand: Candidate, context_type: str | None, cands: list[Candidate] = ()) -> str | None:
    if cand.territory:
        actor = cand.perpetrators[0].actor_id if cand.perpetrators else None
        if actor is None:
            return "Armed clash" if cand.tolls else None
        return territory_type(actor)
    if cand.sub_event_type:
        return cand.sub_event_type
    generic = next((cand.sent.doc[t.head].lemma_.lower() for t in cand.triggers if t.kind == "generic"), None)
    earlier = [o for o in cands if o.sent_index < cand.sent_index and o.sub_event_type and o.role == "event"]
    if generic and earlier and definite_telling(cand):
        return earlier[-1].sub_event_type  # "the attack", "Tuesday's attack": the one just told
    if generic == "attack" and any(t.actor_id in ARMED_SIDES for t in cand.targets):
        return "Armed clash"
    if not cand.triggers and earlier and NO_DEATHS_RE.search(cand.sent.text) \
            and cand.sent_index - earlier[-1].sent_index <= 1:
        return earlier[-1].sub_event_type  # "No casualties were reported": of the attack just told
    if not cand.triggers:  # a count with no attack word: the next sentence often says how ("Warplanes hit ...")
        nearby = [o.sub_event_type for o in cands if o.sub_event_type and 0 < o.sent_index - cand.sent_index <= 1
                  and not o.tolls and o.role == "event"]
        if nearby:
            return nearby[0]
    if not cand.triggers and cand.perpetrators and any(t.group == "fighters" for t in cand.tolls):
        return "Armed clash"  # "YPG fighters killed 10 IS members": fighters killed by an armed side
    if context_type and (generic in (None, "attack", "hit", "target", "strike", "raid", "bomb", "bombing", "pound", "fire")):
        return context_type
    if generic:
        return GENERIC_DEFAULTS.get(generic, "Attack")
    return context_type or "Attack"


def dominant_type(cands: list[Candidate]) -> str | None:
    types = [c.sub_event_type for c in cands if c.sub_event_type and c.role == "event"]
    if not types:
        return None
    return max(set(types), key=lambda t: (types.count(t), -TYPE_PRIORITY.index(t)))


# ---- 4. restatements -----------------------------------------------------------------------------


def place_key(p: PlaceMention | None) -> str:
    if p is None:
        return ""
    if p.location_id:
        return p.location_id
    return re.sub(r"[^a-z]", "", p.text.lower())


BROAD_KINDS = frozenset({"admin1", "admin2", "region", "country"})
NAME_GENERIC_WORDS = frozenset({"city", "town", "village", "neighbourhood", "neighborhood", "district"})


def same_name(a: PlaceMention | None, b: PlaceMention | None) -> bool:
    """One name written twice in an article is one place, though one writing was resolved and the other
    not, or each to a different gazetteer entry ("Fardos" / "Fardos", "Midan" / "al-Midan",
    "Salamyieh" / "Salamyieh City")."""
    if a is None or b is None:
        return False
    if (a.kind in BROAD_KINDS or b.kind in BROAD_KINDS) and a.kind != b.kind:
        return False  # "Aleppo" the province and "Aleppo" the city: two scopes of one name
    def key(p: PlaceMention) -> str:
        return " ".join(w for w in translit.place_key(p.text).split() if w not in NAME_GENERIC_WORDS)
    return bool(key(a)) and key(a) == key(b)


ANOTHER_RE = re.compile(r"\b(?:also|another|other|meanwhile|separately|elsewhere|separate|in\s+addition|further)\b", re.I)
# "Another 65 people were injured", "a further two civilians were wounded": more people of the event
# told, not another event
MORE_PEOPLE_RE = re.compile(r"\b(?:another|other|a\s+further)\s+(?:\d[\d,]*|[a-z]+(?:-[a-z]+)?)\s+(?:people|persons|"
                            r"civilians|others|children|women|men|fighters|soldiers|members)\b", re.I)


def elaborates(broad: Event, specific: Event) -> bool:
    """A report at a governorate or region told in detail at a named place of it by the next sentences
    ("killed nine in Idlib ... The raids hit the village of Taftanaz"), unless they say it is another
    event ("also", "meanwhile", "another")."""
    if broad.place is None or specific.place is None or broad.place.kind not in ("admin1", "region", "admin2"):
        return False
    if _fineness(specific.place) <= _fineness(broad.place):
        return False
    gov = broad.place.admin1 or broad.place.name
    inside = specific.place.admin1 == gov or specific.place.admin1_hint == gov or specific.place.admin1 is None
    gap = specific.main.sent_index - broad.main.sent_index
    later = specific.main if gap >= 0 else broad.main
    exact = broad.killed is not None and specific.killed is not None and broad.killed != specific.killed
    return inside and abs(gap) <= 2 and not exact and not ANOTHER_RE.search(later.sent.text)


def _fineness(p: PlaceMention) -> int:
    """Country 0, governorate or region 1, district 2, anything named inside one 3."""
    return {"country": 0, "admin1": 1, "region": 1, "admin2": 2}.get(p.kind, 3)


def same_event(a: Event, b: Event) -> bool:
    if not same_kind(a.sub_event_type, b.sub_event_type):
        return False
    if (a.fixed_counts or b.fixed_counts) and a.killed is not None and b.killed is not None and a.killed != b.killed:
        return False  # a place's own figure in a breakdown is not the article's total told again
    if a.date != b.date and not (a.date_precision == "week" or b.date_precision == "week"
                                 or a.date_reported or b.date_reported):
        return False
    if a.date is None and b.date is None and _weekday(a) != _weekday(b) and None not in (_weekday(a), _weekday(b)) \
            and not (a.date_reported or b.date_reported):
        return False
    if place_key(a.place) == place_key(b.place) or same_name(a.place, b.place):
        return True
    if elaborates(a, b) or elaborates(b, a):
        return True
    # the headline's or lead's broad place ("Aleppo") told in detail below ("Tareeq al-Bab in Aleppo")
    return contains(a.place, b.place) and (a.main.features.get("headline") or b.main.features.get("headline"))


ELSEWHERE_RE = re.compile(r"\b(?:another|other|elsewhere|separately|meanwhile|separate)\b", re.I)


def adds_dead(cand: Candidate, events: list[Event]) -> Event | None:
    """'Five medics were killed when a strike hit a clinic in X. Nine rebels working there were also
    killed': a death toll said with 'also', in a sentence that names no place of its own, no other day
    and no other event, counts more dead of the event just told (which states a figure): the event
    whose figure it adds to."""
    tolls = [t for t in cand.tolls if t.role == "killed" and t.value is not None]
    if len(tolls) != 1 or cand.places or cand.weak_places or ELSEWHERE_RE.search(MORE_PEOPLE_RE.sub(" ", cand.sent.text)):
        return None
    verb = cand.sent.doc[tolls[0].anchor]
    if not any(c.lower_ == "also" and c.dep_ == "advmod" for c in verb.children):
        return None
    if cand.date is not None and cand.date.precision == "day":
        return None
    def last_told(e: Event) -> int:
        return max(c.sent_index for c in [e.main, *e.told] if c.sent_index < cand.sent_index)

    before = [e for e in events if e.main.sent_index < cand.sent_index and cand.sent_index - last_told(e) <= ADDED_GAP
              and e.killed is not None]  # the last event told with a figure (a countless retelling between)
    last = max(before, key=last_told, default=None)
    if last is None or last.fixed_counts or not same_kind(last.sub_event_type, cand.sub_event_type):
        return None
    return last


ADDED_GAP = 6  # sentences between an event's count and the dead added to it


def placed_by(unplaced: Event, ev: Event) -> bool:
    """A count the sentence does not place, placed by the next sentences that tell the same attack
    ("Missile strikes killed 23 civilians on Thursday. Airstrikes hit a school ... in the town of X"),
    unless they give another count or say it is another event. Sentences between that place no event
    (who is to blame, background) do not break the thread: the caller drops the count once another
    event is placed."""
    gap = ev.main.sent_index - unplaced.main.sent_index
    if not 0 < gap <= PLACED_GAP or ANOTHER_RE.search(MORE_PEOPLE_RE.sub(" ", ev.main.sent.text)):
        return False
    if not same_kind(ev.sub_event_type, unplaced.sub_event_type):
        return False
    if any(t.value is not None and t.role == "killed" for t in ev.main.tolls):
        return False  # its own death toll: another event (the injured of the one told are its own)
    return ev.date == unplaced.date or ev.date_precision != "day" or unplaced.date_precision != "day"


PLACED_GAP = 4  # sentences between an unplaced count and the telling that places it (no placed event told between)
RETOLD_GAP = 3  # sentences between a toll and the definite telling that places it
WEAK_PLACES = frozenset({"context", "lead", "anaphor", "sentence_weak"})
WEEKDAY_POSSESSIVE_RE = re.compile(r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)'?s?$", re.I)


def definite_telling(cand: Candidate) -> bool:
    """The event word is a definite noun: 'the explosion took place in X', 'Wednesday's blast in X'."""
    anchor = cand.anchor
    if anchor.pos_ not in ("NOUN", "PROPN"):
        return False
    return _definite(anchor) or any(c.dep_ in ("poss", "compound", "nmod") and WEEKDAY_POSSESSIVE_RE.match(c.text)
                                    for c in anchor.children)


def retells(toll: Event, telling: Event) -> bool:
    """'An explosion inside a bus killed six ... Syrian TV said the explosion took place in X': a toll the
    article placed only from context (or at a place containing X), told again a few sentences on at a
    place the sentence names, by a definite event word (with no other death toll) or as the same kind
    of attack with the same death toll, is one event there."""
    stated = next((t.value for t in telling.main.tolls if t.role == "killed" and t.value is not None), None)
    if telling.place is None or (stated is not None and stated != toll.killed):
        return False
    same_toll = toll.killed is not None and stated == toll.killed and (
        toll.sub_event_type == telling.sub_event_type
        or (None not in (toll.sub_event_type, telling.sub_event_type) and same_kind(toll.sub_event_type, telling.sub_event_type)))
    if telling.place_from != "sentence" or not (same_toll or definite_telling(telling.main)) \
            or ANOTHER_RE.search(telling.main.sent.text):
        return False
    gap = telling.main.sent_index - toll.main.sent_index
    if not 0 < gap <= RETOLD_GAP or toll.fixed_counts or toll.listed or (toll.killed is None and toll.injured is None):
        return False
    if not same_kind(toll.sub_event_type, telling.sub_event_type):
        return False
    if toll.date != telling.date and "day" == toll.date_precision == telling.date_precision:
        return False
    return toll.place is None or toll.place_from in WEAK_PLACES or contains(toll.place, telling.place) \
        or _quarter_of(telling, toll.place)


def _quarter_of(ev: Event, town: PlaceMention) -> bool:
    """The event's place is a quarter the text calls a neighbourhood or district ("the regime-held
    Salaheddin neighborhood"), of the town or province told before: the gazetteer left the name
    unresolved or resolved it to a place of the same province."""
    if town.kind not in ("community", "admin1", "admin2") or not _called_a_quarter(ev):
        return False
    return ev.place.location_id is None or (ev.place.admin1 is not None and ev.place.admin1 == (town.admin1 or town.name))


def fold_retellings(events: list[Event]) -> list[Event]:
    """Each toll told again by a later definite telling (retells) becomes that telling's event."""
    out = list(events)
    for telling in events:
        if telling not in out:
            continue  # folded into a later telling already
        toll = next((e for e in reversed(out) if e is not telling and retells(e, telling)), None)
        if toll is None:
            continue
        merge(telling, toll)
        settle_counts(telling)
        out.remove(toll)
    return out


PROVINCE_SCALE_KINDS = ("admin1", "admin2", "region")


def fold_broad_tellings(events: list[Event]) -> list[Event]:
    """An event told at a province's or a region's scale ("an air strike on a market killed 21 in a
    village of Aleppo province") on the day the article places one event of that kind at a town inside
    it ("the strike hit Atareb") is that event told again. Not when it states a figure of its own: a
    province's toll is often a sum over towns, or a province-level event the article codes apart."""
    out = list(events)
    for broad in events:
        if broad.place is None or broad.place.kind not in PROVINCE_SCALE_KINDS or broad.role != "event" or broad.killed is not None:
            continue
        inner = [e for e in out if e is not broad and e.role == "event" and e.place is not None
                 and e.place.kind not in PROVINCE_SCALE_KINDS and contains(broad.place, e.place)
                 and same_kind(broad.sub_event_type, e.sub_event_type) and _same_day(broad, e)]
        if len(inner) != 1:
            continue
        merge(inner[0], broad)
        settle_counts(inner[0])
        out.remove(broad)
    return out


def _same_day(a: Event, b: Event) -> bool:
    return a.date == b.date or "week" in (a.date_precision, b.date_precision)


def _weekday(ev: Event):
    m = ev.date_mention
    return (getattr(m, "kind", None), getattr(m, "weekday", None), getattr(m, "offset_days", None)) if m else None


def headline_match(events: list[Event], head: Event) -> Event | None:
    """The body event a headline tells: same type (or none said) and the same or a containing place,
    or no place but the same count."""
    best = None
    for ev in events:
        if not same_kind(head.sub_event_type, ev.sub_event_type):
            continue
        same_place = head.place is None or place_key(head.place) == place_key(ev.place) or contains(head.place, ev.place)
        same_count = head.killed is None or ev.killed is None or head.killed == ev.killed
        if same_place and same_count:
            return ev
        if head.killed is not None and head.killed == ev.killed and best is None:
            best = ev
    return best


def contains(a: PlaceMention | None, b: PlaceMention | None) -> bool:
    if a is None or b is None:
        return False
    for outer, inner in ((a, b), (b, a)):
        if outer.kind in ("admin1", "region") and (inner.admin1 == (outer.admin1 or outer.name) or inner.admin1_hint == (outer.admin1 or outer.name)):
            return True
        if outer.kind in ("community", "admin2", "admin3") and inner.kind == "neighbourhood" and inner.admin2 == outer.admin2:
            return True
    return False


def merge(into: Event, other: Event) -> None:
    """Fold a restatement in; the counts are settled afterwards from every telling (settle_counts)."""
    into.told.append(other.main)
    if REFINES.get(other.sub_event_type) == into.sub_event_type:
        into.sub_event_type = other.sub_event_type  # "the explosion" told closer: "a suicide car bomb"
    if into.place is not None and other.place is not None and into.place.kind in ("admin1", "region", "admin2") \
            and _fineness(other.place) > _fineness(into.place):
        into.place, into.place_from = other.place, "context"
        into.listed = other.listed
    if not into.main.perpetrators and other.main.perpetrators:
        into.main.perpetrators = other.main.perpetrators
    if (into.date_precision == "week" and other.date_precision == "day") or (into.date_reported and not other.date_reported
                                                                            and other.date_mention is not None):
        into.date, into.date_precision, into.date_text = other.date, other.date_precision, other.date_text
        into.date_mention, into.date_reported = other.date_mention, other.date_reported
    if not into.fixed_counts and _better_evidence(other.main, into.main):
        into.told.append(into.main)
        into.told.remove(other.main)
        into.main, other.main = other.main, into.main
        into.main.perpetrators = into.main.perpetrators or other.main.perpetrators
        if into.place is not None and into.main.places and into.place is not into.main.places[0]:
            into.place_from = "context"


NO_DEATHS_RE = re.compile(
    r"\b(?:no\s+(?:one|body)\s+(?:was|were)\s+(?:killed|hurt|injured)|no\s+(?:human\s+|civilian\s+)?(?:casualties|causalities|"
    r"deaths|fatalities|injuries|victims)|without\s+(?:causing\s+)?(?:any\s+)?(?:human\s+|civilian\s+)?(?:casualties|causalities)|"
    r"(?:only|causing|caused|leaving|left)\s+(?:only\s+)?(?:some\s+|heavy\s+|great\s+)?(?:material|property)\s+damages?)\b", re.I)


KILL_WORD_RE = re.compile(r"\b(?:kill\w*|dead|deaths?|died|dying|lives|fatalit\w+|massacre\w*)\b", re.I)


def settle_counts(ev: Event) -> None:
    """UCDP's low / best / high over every telling of one event: best is the figure of the sentence that
    tells it best (else the highest told), low and high the extremes when the tellings disagree."""
    if ev.fixed_counts:
        return
    tellings = [ev.main, *ev.told]
    ev.killed_vague = ev.injured_vague = None
    moved = [t.value for c in tellings for t in c.tolls if t.role == "displaced" and t.value is not None]
    ev.displaced = max(moved) if moved else None
    for role in ("killed", "injured"):
        tolls = [t for c in tellings for t in c.tolls if t.role == role]
        added = [t for t in tolls if t.adds and t.value is not None]
        tolls = [t for t in tolls if t not in added] or added
        exact = [t for t in tolls if t.value is not None]
        main = next((t for t in ev.main.tolls if t.role == role and t.value is not None and not t.adds), None)
        best = main or (max(exact, key=lambda t: t.value) if exact else None)
        best = _update_of(best, tellings, role) if best is not None else None
        if best is None:
            vague = next((t for t in tolls if t.vague), None)
            if vague is not None:
                setattr(ev, role, None)
                setattr(ev, role + "_vague", vague.vague)
            continue
        values = [t.value for t in exact]
        more = sum(t.value for t in added if t not in exact)  # "N were also killed": on top of the figure
        setattr(ev, role, best.value + more)
        low = min([v for v in values] + [t.low for t in exact if t.low is not None])
        high = max(values)
        low = best.low if len(set(values)) == 1 else low
        setattr(ev, role + "_low", None if low is None else low + more)
        setattr(ev, role + "_high", None if more else best.high if len(set(values)) == 1 else high)
        for part in ("children", "women"):
            parts = [getattr(t, part) for t in [best, *exact] if getattr(t, part) is not None]
            setattr(ev, f"{role}_{part}", parts[0] if parts else None)
    if ev.killed is None and not ev.killed_vague and _nobody_died(ev, tellings):
        ev.killed = 0  # a report of injuries only, or of no casualties or only damage: nobody died (codebook)


TOLL_TO_RISE_RE = re.compile(r"\b(?:expected|likely|feared|set)\s+to\s+(?:rise|climb|increase|go\s+up)\b|"
                             r"\blikely\s+to\s+increase\s+the\s+(?:death\s+)?toll\b", re.I)


def _update_of(best, tellings: list[Candidate], role: str):
    """A figure the article says is expected to rise, then a higher figure told later of the same event:
    the later is the update, the best figure (codebook 2.4: best = the latest; low stays the first)."""
    text = text_of(tellings[0].sent.doc)
    later = sorted((t for c in tellings for t in c.tolls if t.role == role and t.value is not None and not t.adds
                    and t.value > best.value and t.start_char > best.end_char), key=lambda t: t.start_char)
    for t in later:
        if TOLL_TO_RISE_RE.search(text[best.end_char : t.start_char]):
            return t
    return best


def unharmed(cand: Candidate, events: list[Event]) -> list[Event]:
    """'The attacks caused material damage only without any human casualties': a sentence that names no
    place and states no count, saying nobody was hurt, tells the attacks of its kind told last (within
    a few sentences) that state no death toll: every one told in that sentence when its attack word is
    plural, else the last."""
    if cand.tolls or cand.places or not NO_DEATHS_RE.search(cand.sent.text):
        return []

    def told_at(e: Event) -> set[int]:
        return {c.sent_index for c in [e.main, *e.told] if c.sent_index < cand.sent_index}

    kin = [e for e in events if e.killed is None and not e.main.territory and same_kind(e.sub_event_type, cand.sub_event_type)
           and told_at(e) and cand.sent_index - max(told_at(e)) <= UNHARMED_GAP]
    last = max((max(told_at(e)) for e in kin), default=None)
    told = [e for e in kin if last in told_at(e)]
    plural = cand.anchor.tag_ in ("NNS", "NNPS") or any(c.dep_ == "nummod" for c in cand.anchor.children)
    return told if plural else told[-1:]


UNHARMED_GAP = 4  # sentences between an attack and the words that nobody was hurt in it


def _nobody_died(ev: Event, tellings: list[Candidate]) -> bool:
    if any(NO_DEATHS_RE.search(c.sent.text) for c in tellings):
        return True
    injured = ev.injured is not None or ev.injured_vague
    return bool(injured) and not any(t.role == "killed" for c in tellings for t in c.tolls) \
        and not any(KILL_WORD_RE.search(c.sent.text) for c in tellings)


def _better_evidence(a: Candidate, b: Candidate) -> bool:
    """The body sentence that states a count beats a headline or a countless one."""
    def rank(c: Candidate) -> tuple:
        return (bool(c.tolls), not c.features.get("headline"), bool(c.places))
    return rank(a) > rank(b)


# ---- 5. totals and 6. one event per place --------------------------------------------------------


def mark_totals(events: list[Event]) -> None:
    """A count at a broad place (or in the headline) that the article's events at named places add up to."""
    for ev in events:
        if ev.killed is None or ev.role != "event":
            continue
        broad = (ev.place is None or ev.place.kind in ("admin1", "region", "admin2", "country")
                 or ev.main.features.get("headline") or ev.place_from not in ("sentence", "breakdown", "anaphor"))
        parts = [o for o in events if o is not ev and o.role == "event" and o.killed is not None and o.place is not None
                 and (o.fixed_counts or place_key(o.place) != place_key(ev.place))]
        if not broad:
            # a town's figure its neighbourhoods' events add up to ("attacks on Aleppo city killed 3 ...
            # two women in al-Sayyed Ali ... one in al-Hamidiyeh")
            parts = [o for o in parts if _same_day(ev, o) and (
                (o.place.kind == "neighbourhood" and contains(ev.place, o.place))
                or (_called_a_quarter(o) and o.place.admin1 == ev.place.admin1))]
        # restated by its parts: the places' figures add up to the total (give or take a tenth)
        if len(parts) >= 2 and 0.9 * ev.killed <= sum(o.killed for o in parts) <= ev.killed:
            ev.role, ev.scope = "tally", "article_total"


PARTS_GAP = 3  # sentences between an event's own figure and the other events that make up the total


def own_figure_of_total(events: list[Event]) -> None:
    """'At least nine people were killed ... Four civilians had been killed in the assault. Another five
    rebel fighters were killed in the clashes': the first figure is the total of the event's own later
    figure and the other events told with it (9 = 4 + 5), so the event's figure is its own, 4."""
    for ev in events:
        if ev.role != "event" or ev.killed is None or ev.fixed_counts:
            continue
        for c in ev.told:
            own = next((t.value for t in c.tolls if t.role == "killed" and t.value is not None and not t.adds), None)
            if own is None or not 0 < own < ev.killed or c.sent_index <= ev.main.sent_index:
                continue
            others = [o for o in events if o is not ev and o.role == "event" and o.killed is not None
                      and 0 < o.main.sent_index - c.sent_index <= PARTS_GAP and _same_day(ev, o)]
            if others and own + sum(o.killed for o in others) == ev.killed:
                ev.told = [ev.main, *[t for t in ev.told if t is not c]]
                ev.main = c
                settle_counts(ev)
                break


_QUARTER_AFTER_RE = re.compile(r"^\s*(?:and\s+[^\W\d][\w'-]*(?:\s+[^\W\d][\w'-]*)?\s+)?(?:neighbou?rhoods?|districts?|quarters?)\b", re.I)
_QUARTER_BEFORE_RE = re.compile(r"\b(?:neighbou?rhoods?|districts?|quarters?)\s+of\s+(?:the\s+)?$", re.I)


def _called_a_quarter(ev: Event) -> bool:
    """The text calls the event's place a neighbourhood or district ("al-Hamidiyeh neighborhood", "the
    district of Salaheddin"), whatever the gazetteer resolved the name to."""
    text = text_of(ev.main.sent.doc)
    p = ev.place
    return bool(_QUARTER_AFTER_RE.match(text[p.end_char:p.end_char + 40])
                or _QUARTER_BEFORE_RE.search(text[max(0, p.start_char - 30):p.start_char]))


def mark_partitioned(events: list[Event]) -> None:
    """'Air strikes killed 15 in Aleppo's neighbourhoods. At least 10 of the dead were killed in the Shaar
    district': the first figure is the article's total, of which the second event is a part."""
    for part in events:
        if part.role != "event" or part.killed is None or not any(t.partitive for t in part.main.tolls):
            continue
        whole = max((e for e in events if e is not part and e.role == "event" and e.killed is not None
                     and e.killed > part.killed and 0 < part.main.sent_index - e.main.sent_index <= 3),
                    key=lambda e: e.main.sent_index, default=None)
        if whole is not None and (whole.place is None or whole.place.kind in BROAD_KINDS or contains(whole.place, part.place)):
            whole.role, whole.scope = "tally", "article_total"


def by_place(ev: Event, counts: list) -> list[Event]:
    """One event per place of a toll broken down place by place, each with its own figure; a figure
    given for several places without "each" is divided among them (remainder to the first)."""
    out = []
    groups: dict[int, list] = {}
    for c in counts:
        groups.setdefault(c.start_char, []).append(c)
    for group in groups.values():
        n = len(group)
        for i, c in enumerate(group):
            value = c.value if c.each else c.value // n + (c.value % n if i == 0 else 0)
            part = Event(**{**ev.__dict__, "place": c.place, "place_from": "breakdown", "told": [], "listed": []})
            for role in ("killed", "injured"):
                for suffix in ("", "_low", "_high", "_children", "_women", "_vague"):
                    setattr(part, role + suffix, None)
            setattr(part, c.role, value)
            setattr(part, c.role + "_children", c.children if c.each or n == 1 else None)
            setattr(part, c.role + "_women", c.women if c.each or n == 1 else None)
            if c.role == "injured":
                part.killed = 0
            part.fixed_counts = True
            out.append(part)
    return out


COUNT_ROLES = ("killed", "injured")


# The next sentence's toll told of the listed attacks themselves ("... fired rocket shells at A, B and
# C. The attacks claimed the lives of 3 people"): their toll together, divided (codebook 2.3).
THE_ATTACKS_RE = re.compile(
    r"\b(?:the|these|those)\s+(?:attacks?|shelling|shells|strikes|air\s*strikes|raids|air\s+raids|bombardment|"
    r"bombings?|explosions|blasts)\s+(?:claimed|killed|left|caused|resulted|have\s+killed|had\s+killed)\b", re.I)


def total_told_apart(ev: Event, places: list[PlaceMention]) -> Event | None:
    """A figure an event of several places took only from the headline or from later tellings that name
    none of them ("battles raged in A and B. It added that 16 insurgents were killed", "The battle has
    killed some 300") is the total of the fighting there, not a figure to divide among them: the places
    keep no figure of it, and the figure is the article's total (a tally, returned). A figure told before
    the list at a wider place ("Strikes killed 92 in Aleppo. The warplanes targeted A, B and C") is the
    places' toll together, divided (codebook 2.3)."""
    if len(places) <= 1:
        return None
    lo, hi = min(p.start_char for p in places), max(p.end_char for p in places)
    tellings = [ev.main, *ev.told]
    listing = min((c.sent_index for c in tellings if c.sent.start_char <= lo and hi <= c.sent.end_char), default=None)
    if listing is None:
        return None

    keys = {place_key(p) for p in places}

    def told_apart(role: str) -> bool:
        told = [c for c in tellings if any(t.role == role and t.value is not None for t in c.tolls)]
        return bool(told) and all((c.features.get("headline") or c.sent_index > listing)
                                  and not keys & {place_key(p) for p in [*c.places, *c.weak_places]}
                                  and not (c.sent_index == listing + 1 and THE_ATTACKS_RE.search(c.sent.text)) for c in told)

    apart = [r for r in COUNT_ROLES if getattr(ev, r) and told_apart(r)]
    if not apart:
        return None
    total = Event(**{**ev.__dict__, "told": list(ev.told), "listed": [], "role": "tally", "scope": "article_total"})
    for role in apart:
        for suffix in ("", "_low", "_high", "_children", "_women"):
            setattr(ev, role + suffix, None)
    return total


def split_places(ev: Event, places: list[PlaceMention]) -> list[Event]:
    """One event per place; a count stated for all of them is divided evenly (ACLED), remainder to the first."""
    if len(places) <= 1:
        return [ev]
    out = []
    n = len(places)
    for i, p in enumerate(places):
        part = Event(**{**ev.__dict__, "place": p, "told": list(ev.told)})
        for role in ("killed", "injured"):
            value = getattr(ev, role)
            if value is not None:
                share = value // n + (value % n if i == 0 else 0)
                setattr(part, role, share)
                setattr(part, role + "_low", None)
                setattr(part, role + "_high", None)
            if i > 0:  # a subset ("including two children") stays with the first place, as the count's remainder
                setattr(part, role + "_children", None)
                setattr(part, role + "_women", None)
        part.divided_among = n
        part.as_reported = {"killed": ev.killed, "injured": ev.injured}
        out.append(part)
    return out
